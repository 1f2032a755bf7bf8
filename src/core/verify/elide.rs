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

/// Lines a diff may compare after the common head and tail are set aside; beyond this the
/// middle is shown as removed-then-added without searching for a minimal diff (Myers is
/// O((N+M)·D): 200k differing lines took a minute, outside the block's timeout).
const DIFF_LINES: usize = 4000;
/// Hunks and lines a report shows; the rest is counted.
const DIFF_HUNKS: usize = 20;
const SHOWN_LINES: usize = 60;

/// A unified diff of expected vs actual, for reports: linear time beyond [`DIFF_LINES`],
/// and capped at [`DIFF_HUNKS`] hunks with a count of what was left out.
pub fn diff(expected: &str, actual: &str) -> String {
    let (exp, act) = (lines(expected), lines(actual));
    let head = exp.iter().zip(&act).take_while(|(e, a)| line_matches(e, a)).count();
    let tail = exp[head..].iter().rev().zip(act[head..].iter().rev()).take_while(|(e, a)| line_matches(e, a)).count();
    let (mid_e, mid_a) = (&exp[head..exp.len() - tail], &act[head..act.len() - tail]);
    let mut out = String::from("--- expected\n+++ actual\n");
    if mid_e.len() + mid_a.len() > DIFF_LINES {
        out.push_str(&format!("@@ -{},{} +{},{} @@\n", head + 1, mid_e.len(), head + 1, mid_a.len()));
        for (sign, side) in [('-', mid_e), ('+', mid_a)] {
            for l in side.iter().take(SHOWN_LINES) {
                out.push(sign);
                out.push_str(l);
                out.push('\n');
            }
            if side.len() > SHOWN_LINES {
                out.push_str(&format!(
                    "[cookbook: {} more {} lines not shown]\n",
                    side.len() - SHOWN_LINES,
                    if sign == '-' { "expected" } else { "actual" }
                ));
            }
        }
        return out;
    }
    let d = similar::TextDiff::from_lines(expected, actual);
    let mut unified = d.unified_diff();
    let hunks: Vec<String> = unified.context_radius(3).iter_hunks().map(|h| h.to_string()).collect();
    for h in hunks.iter().take(DIFF_HUNKS) {
        out.push_str(h);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    if hunks.len() > DIFF_HUNKS {
        out.push_str(&format!("[cookbook: {} more differing hunks not shown]\n", hunks.len() - DIFF_HUNKS));
    }
    if hunks.is_empty() {
        return String::new();
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

    /// 200k differing lines: a bounded report, computed without a quadratic search.
    #[test]
    fn huge_diffs_are_capped() {
        let exp: String = (0..200_000).map(|i| format!("line {i}\n")).collect();
        let act: String = (0..200_000).map(|i| format!("line {}\n", i * 7 % 200_003)).collect();
        let d = diff(&exp, &act);
        assert!(d.len() < 16 * 1024, "{} bytes", d.len());
        assert!(d.contains("[cookbook: 199939 more expected lines not shown]"), "{}", &d[d.len() - 300..]);
        assert!(d.starts_with("--- expected\n+++ actual\n@@ -2,199999 +2,199999 @@\n-line 1\n"), "{}", &d[..200]);
        let many: String = (0..100).map(|i| format!("same\nx{i}\nsame\nsame\nsame\nsame\nsame\nsame\n")).collect();
        let d = diff(&many, &many.replace('x', "y"));
        assert!(d.ends_with("[cookbook: 80 more differing hunks not shown]\n"), "{d}");
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
