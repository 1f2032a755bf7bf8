//! Words for people: counts with the right plural, "did you mean" suggestions, and the
//! parser's type names (`usize`, `i64`) told as what an author would write. Pure.

/// `1 page`, `2 pages`, `0 pages`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The candidate closest to `word` when it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1) + 1 && *d < word.chars().count().max(1))
        .min()
        .map(|(_, c)| c)
}

/// A parser message with Rust's type names replaced: `expected usize` → `expected a whole
/// number`.
pub fn plain(message: &str) -> String {
    const TYPES: [(&str, &str); 14] = [
        ("usize", "a whole number"),
        ("u64", "a whole number"),
        ("u32", "a whole number"),
        ("u16", "a whole number"),
        ("u8", "a whole number"),
        ("isize", "a whole number"),
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("i16", "a whole number"),
        ("i8", "a whole number"),
        ("f64", "a number"),
        ("f32", "a number"),
        ("a sequence", "a list"),
        ("a map", "a table"),
    ];
    let mut out = message.to_string();
    for (rust, words) in TYPES {
        for lead in ["expected ", "type ", "invalid value: "] {
            out = out.replace(&format!("{lead}{rust}"), &format!("{lead}{words}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!([count(0, "page"), count(1, "page"), count(2, "error")], ["0 pages", "1 page", "2 errors"]);
        assert_eq!(closest("shared-memroy", ["intro", "shared-memory"]), Some("shared-memory"));
        assert_eq!(closest("gpus", ["docker", "gpu", "registry", "network"]), Some("gpu"));
        assert_eq!(closest("zzz", ["gpu"]), None);
        assert_eq!(plain("invalid type: string \"two\", expected usize"), "invalid type: string \"two\", expected a whole number");
        assert_eq!(plain("expected a sequence"), "expected a list");
    }
}
