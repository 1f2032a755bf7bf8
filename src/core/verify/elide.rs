//! Matches actual output against expected output with snapbox/trycmd elision: `[..]`
//! matches any text within a line, a line that is exactly `...` matches any number of
//! lines. Written by hand rather than pulling in snapbox: we need only these two
//! wildcards, snapbox's redaction types would leak into our API, and a small memoised
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
pub fn matches(expected: &str, actual: &str) -> bool {
    let exp = lines(expected);
    let act = lines(actual);
    // memo[i][j]: does exp[i..] match act[j..]? 0 unknown, 1 yes, 2 no.
    let mut memo = vec![vec![0u8; act.len() + 1]; exp.len() + 1];
    match_from(&exp, &act, 0, 0, &mut memo)
}

fn match_from(exp: &[&str], act: &[&str], i: usize, j: usize, memo: &mut [Vec<u8>]) -> bool {
    if memo[i][j] != 0 {
        return memo[i][j] == 1;
    }
    let result = if i == exp.len() {
        j == act.len()
    } else if exp[i] == "..." {
        (j..=act.len()).any(|k| match_from(exp, act, i + 1, k, memo))
    } else {
        j < act.len() && line_matches(exp[i], act[j]) && match_from(exp, act, i + 1, j + 1, memo)
    };
    memo[i][j] = if result { 1 } else { 2 };
    result
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
        // Many wildcards stay fast: the memo keeps this polynomial.
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
}
