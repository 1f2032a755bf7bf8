//! Heading ids as GitHub makes them: lower case, spaces to `-`, punctuation dropped,
//! duplicates suffixed `-1`, `-2` … in order of appearance. By hand: the ids must be the
//! ones mdBook and GitHub give (links in existing books depend on them), and the `slug`
//! crates lower-case and transliterate differently (`café` → `cafe`, `a_b` → `a-b`).

use std::collections::HashMap;

/// The id for a heading's plain text.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Hands out unique ids within one page.
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let n = self.seen.entry(base.to_string()).or_insert(0);
        let id = if *n == 0 { base.to_string() } else { format!("{base}-{n}") };
        *n += 1;
        if id != base {
            self.seen.insert(id.clone(), 1);
        }
        id
    }

    /// Reserves an id given explicitly (`# Title {#my-id}`).
    pub fn reserve(&mut self, id: &str) -> String {
        self.unique(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style() {
        assert_eq!(slugify("Shared memory (`--shm-size`)"), "shared-memory---shm-size");
        assert_eq!(slugify("What's `nvidia-smi`?"), "whats-nvidia-smi");
        assert_eq!(slugify("Ünïcode Title"), "ünïcode-title");
        let mut s = Slugger::default();
        assert_eq!([s.unique("a"), s.unique("a"), s.unique("a-1"), s.unique("a")], ["a", "a-1", "a-1-1", "a-2"]);
    }
}
