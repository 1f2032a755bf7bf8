//! Matches actual output against expected output with snapbox/trycmd elision: `[..]`
//! matches any text within a line, a line that is exactly `...` matches any number of
//! lines. Written by hand rather than pulling in snapbox: we need only these two
//! wildcards, snapbox's redaction types would leak into our API, and a greedy two-cursor
//! matcher keeps the worst case polynomial instead of backtracking exponentially.

/// Normalises line endings and the final newline, so `a\r\n` matches `a`.
fn lines(text: &str) -> Vec<&str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

/// Whether `actual` matches the `expected` pattern.
///
/// Lines play the part of characters in glob matching, with `...` as `*`: the classic
/// greedy algorithm (on a mismatch, let the last `...` swallow one more line and retry)
/// is exact for this pattern class, needs no memory beyond two cursors, and stays
/// O(expected × actual) in the worst case even for a 1 MiB output.
pub fn matches(expected: &str, actual: &str) -> bool {
    let exp = lines(expected);
    let act = lines(actual);
    let (mut i, mut j) = (0, 0);
    let mut star: Option<usize> = None;
    let mut mark = 0;
    while j < act.len() {
        if i < exp.len() && exp[i] == "..." {
            star = Some(i);
            mark = j;
            i += 1;
        } else if i < exp.len() && line_matches(exp[i], act[j]) {
            i += 1;
            j += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    exp[i..].iter().all(|l| *l == "...")
}

/// One line with `[..]` wildcards: the pieces between them must appear in order; the
/// leftmost occurrence of each middle piece is always a safe choice.
pub fn line_matches(pattern: &str, line: &str) -> bool {
    let pieces: Vec<&str> = pattern.split("[..]").collect();
    if pieces.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !line.starts_with(first) {
        return false;
    }
    let mut rest = &line[first.len()..];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// A unified diff of expected vs actual, for reports.
pub fn diff(expected: &str, actual: &str) -> String {
    let d = similar::TextDiff::from_lines(expected, actual);
    let mut out = d.unified_diff().context_radius(3).header("expected", "actual").to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_line_endings() {
        assert!(matches("a\nb\n", "a\r\nb"));
        assert!(!matches("a\nb\n", "a\nc\n"));
        assert!(matches("", ""));
        assert!(!matches("", "x"));
    }

    #[test]
    fn within_a_line() {
        assert!(line_matches("shm [..] 1.0G [..]%", "shm   64M 1.0G 0%"));
        assert!(line_matches("[..]", ""));
        assert!(line_matches("a[..]a", "aa"));
        assert!(!line_matches("a[..]a", "a"));
        assert!(line_matches("x[..]y[..]z", "x1y2y3z"));
        assert!(!line_matches("x[..]y", "x1y2"));
    }

    #[test]
    fn whole_lines() {
        assert!(matches("start\n...\nend\n", "start\n1\n2\nend\n"));
        assert!(matches("start\n...\nend\n", "start\nend\n"));
        assert!(matches("...\n", "anything\nat all\n"));
        assert!(!matches("start\n...\nend\n", "start\n1\n"));
        assert!(matches("...\nb[..]\n...\n", "a\nbcd\ne\n"));
        // Many wildcards stay fast: the greedy matcher never backtracks exponentially.
        let exp = "...\n".repeat(50) + "z\n";
        let act = "a\n".repeat(200);
        assert!(!matches(&exp, &act));
    }

    #[test]
    fn diff_is_unified() {
        let d = diff("a\nb\n", "a\nc\n");
        assert!(d.contains("--- expected\n+++ actual\n"), "{d}");
        assert!(d.contains("-b\n+c\n"), "{d}");
    }

    /// The obvious exponential definition, for checking the greedy matcher on small inputs.
    fn reference(exp: &[&str], act: &[&str]) -> bool {
        match exp.split_first() {
            None => act.is_empty(),
            Some((&"...", rest)) => (0..=act.len()).any(|k| reference(rest, &act[k..])),
            Some((e, rest)) => !act.is_empty() && line_matches(e, act[0]) && reference(rest, &act[1..]),
        }
    }

    proptest::proptest! {
        #[test]
        fn greedy_agrees_with_the_definition(
            exp in proptest::collection::vec(proptest::sample::select(vec!["...", "a", "b", "[..]", "a[..]"]), 0..6),
            act in proptest::collection::vec(proptest::sample::select(vec!["a", "b", "ab", ""]), 0..7),
        ) {
            let (e, a) = (exp.join("\n"), act.join("\n"));
            // `lines` drops one final newline: compare on what it sees.
            proptest::prop_assert_eq!(matches(&e, &a), reference(&lines(&e), &lines(&a)));
        }
    }
}
