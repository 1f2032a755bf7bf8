//! The new text of an expected-output block under `--update`: only the lines that no
//! longer match change. Expected lines that still match what was seen stay as written
//! (`[..]`, `...`, `<PLACEHOLDER>`s), lines that differ are replaced by what was seen, and
//! in new lines a configured placeholder value turns back into its `<NAME>`. Pure.

use super::elide::line_matches;

/// Above this many cells the alignment is skipped and the whole output written as seen.
const MAX_CELLS: usize = 4_000_000;
/// Costs of the alignment: a line kept as written costs nothing, a line changed, added or
/// dropped costs 10, and each line a `...` swallows costs 1, so a `...` swallows only
/// what no written line can match.
const CHANGE: u32 = 10;
const ELIDE: u32 = 1;

/// `original` is the block's text, `pattern(line)` one of its lines with placeholders
/// substituted, `seen` the output, `back` the (name, value) pairs to turn back into
/// placeholders in new lines. Returns text with `\n` line endings.
pub fn rewrite(original: &str, pattern: &dyn Fn(&str) -> String, seen: &str, back: &[(String, String)]) -> String {
    let orig = lines(original);
    let pat: Vec<String> = orig.iter().map(|l| pattern(l)).collect();
    let act = lines(seen);
    let (n, m) = (orig.len(), act.len());
    let fresh = |l: &str| restore(l, back);
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return act.iter().map(|l| format!("{}\n", fresh(l))).collect();
    }
    let w = m + 1;
    let mut cost = vec![0u32; (n + 1) * w];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            cost[i * w + j] = if i == n {
                (m - j) as u32 * CHANGE
            } else if orig[i] == "..." {
                let skip = cost[(i + 1) * w + j];
                if j < m {
                    skip.min(ELIDE + cost[i * w + j + 1])
                } else {
                    skip
                }
            } else {
                let mut best = CHANGE + cost[(i + 1) * w + j];
                if j < m {
                    best = best.min(CHANGE + cost[i * w + j + 1]).min(CHANGE + cost[(i + 1) * w + j + 1]);
                    if line_matches(&pat[i], act[j]) {
                        best = best.min(cost[(i + 1) * w + j + 1]);
                    }
                }
                best
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        let here = cost[i * w + j];
        if i == n {
            out.push_str(&fresh(act[j]));
            out.push('\n');
            j += 1;
        } else if orig[i] == "..." {
            if j < m && here == ELIDE + cost[i * w + j + 1] && here != cost[(i + 1) * w + j] {
                j += 1;
            } else {
                out.push_str("...\n");
                i += 1;
            }
        } else if j < m && line_matches(&pat[i], act[j]) && here == cost[(i + 1) * w + j + 1] {
            out.push_str(orig[i]);
            out.push('\n');
            i += 1;
            j += 1;
        } else if j < m && here == CHANGE + cost[(i + 1) * w + j + 1] {
            out.push_str(&fresh(act[j]));
            out.push('\n');
            i += 1;
            j += 1;
        } else if here == CHANGE + cost[(i + 1) * w + j] {
            i += 1;
        } else {
            out.push_str(&fresh(act[j]));
            out.push('\n');
            j += 1;
        }
    }
    out
}

fn lines(text: &str) -> Vec<&str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

/// A configured value back into its placeholder (values under 3 characters are left
/// alone: `1` or `a` would turn up everywhere).
fn restore(line: &str, back: &[(String, String)]) -> String {
    let mut line = line.to_string();
    for (name, value) in back {
        if value.chars().count() >= 3 {
            line = line.replace(value.as_str(), &format!("<{name}>"));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subst(l: &str) -> String {
        l.replace("<NAME>", "demo")
    }

    #[test]
    fn keeps_what_matches_and_changes_the_rest() {
        let back = [("NAME".to_string(), "demo".to_string())];
        let got = rewrite("id [..]\nname: <NAME>\n...\nend\nold\n", &subst, "id 7\nname: demo\n1\n2\nend\nnew\ndemo again\n", &back);
        assert_eq!(got, "id [..]\nname: <NAME>\n...\nend\nnew\n<NAME> again\n");
        assert_eq!(rewrite("a\nb\nc\n", &subst, "a\nc\n", &back), "a\nc\n");
        assert_eq!(rewrite("...\n", &subst, "", &back), "...\n");
        assert_eq!(rewrite("", &subst, "x\n", &back), "x\n");
        assert_eq!(rewrite("a\r\nold\r\n", &subst, "a\nnew\n", &back), "a\nnew\n");
    }

    #[test]
    fn the_result_matches_what_was_seen() {
        let cases = [("...\nx\n...\n", "a\nb\nx\nc\n"), ("a\n...\nz\n", "q\nr\n"), ("[..]\n[..]\n", "1\n2\n3\n")];
        for (exp, seen) in cases {
            let new = rewrite(exp, &subst, seen, &[]);
            assert!(super::super::elide::matches(&new, seen), "{exp:?} + {seen:?} -> {new:?}");
        }
    }
}
