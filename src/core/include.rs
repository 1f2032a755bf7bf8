//! mdBook's `{{#include file}}`, `{{#include file:10:20}}` and `{{#include file:ANCHOR}}`,
//! relative to the page, so recipes can show real files kept beside them. Expands against
//! the book's files in memory and remembers where each piece came from, so a diagnostic
//! in the expanded text still points at the page's own line.

use std::collections::BTreeMap;

use super::diagnostic::Diagnostic;
use super::source::{SourceFile, Span};

/// The page text after expansion, with a map back to the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// (start in `text`, start in the page, length, came from an include).
    segments: Vec<(usize, usize, usize, bool)>,
}

impl Expanded {
    /// The byte offset in the page that produced `offset` of the expanded text; text that
    /// came from an included file maps to its directive.
    pub fn page_offset(&self, offset: usize) -> usize {
        let i = self.segments.partition_point(|s| s.0 <= offset).saturating_sub(1);
        match self.segments.get(i) {
            Some(&(out, page, len, included)) if !included => page + (offset - out).min(len),
            Some(&(_, page, _, _)) => page,
            None => offset,
        }
    }
}

/// Expands every include directive in `src[body..]`; problems are reported at the directive.
pub fn expand(src: &SourceFile, body: usize, rel: &str, files: &BTreeMap<String, Vec<u8>>) -> (Expanded, Vec<Diagnostic>) {
    let text = &src.text[body..];
    let mut out = String::with_capacity(text.len());
    let mut segments = Vec::new();
    let mut diags = Vec::new();
    let mut last = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("{{#include") {
        let start = search + found;
        let Some(len) = text[start..].find("}}") else { break };
        let end = start + len + 2;
        search = end;
        if text[..start].ends_with('\\') {
            // `\{{#include x}}` shows the directive itself.
            push(&mut out, &mut segments, &text[last..start - 1], body + last, false);
            push(&mut out, &mut segments, &text[start..end], body + start, false);
            last = end;
            continue;
        }
        push(&mut out, &mut segments, &text[last..start], body + last, false);
        last = end;
        let arg = text[start + "{{#include".len()..end - 2].trim();
        match include(arg, rel, files) {
            Ok(content) => push(&mut out, &mut segments, &content, body + start, true),
            Err((message, help)) => {
                diags.push(
                    Diagnostic::error("include", message)
                        .at(src, body + start..body + end)
                        .label("in this include")
                        .help(help),
                );
                push(&mut out, &mut segments, &text[start..end], body + start, false);
            }
        }
    }
    push(&mut out, &mut segments, &text[last..], body + last, false);
    (Expanded { text: out, segments }, diags)
}

fn push(out: &mut String, segments: &mut Vec<(usize, usize, usize, bool)>, piece: &str, page: usize, included: bool) {
    if !piece.is_empty() {
        segments.push((out.len(), page, piece.len(), included));
        out.push_str(piece);
    }
}

type Problem = (String, String);

fn include(arg: &str, rel: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<String, Problem> {
    let (path, selector) = match arg.split_once(':') {
        Some((p, s)) => (p.trim(), Some(s.trim())),
        None => (arg, None),
    };
    if path.is_empty() {
        return Err(("include without a file".into(), "write `{{#include file.txt}}`, relative to this page".into()));
    }
    let key = resolve(rel, path).ok_or_else(|| {
        (format!("`{path}` is outside the book"), "include files from the book's source folder".to_string())
    })?;
    let bytes = files.get(&key).ok_or_else(|| {
        (format!("included file `{path}` does not exist"), format!("create it beside the page (looked for `{key}` in the source folder)"))
    })?;
    let content = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = content.lines().collect();
    let picked: Vec<&str> = match selector {
        None => lines.iter().copied().filter(|l| !is_anchor_line(l)).collect(),
        Some(sel) => select(&lines, sel).map_err(|e| (e, format!("check the selector after `{path}:`")))?,
    };
    Ok(picked.join("\n"))
}

fn is_anchor_line(line: &str) -> bool {
    line.contains("ANCHOR:") || line.contains("ANCHOR_END:")
}

/// `10:20`, `10:`, `:20`, `10` (that line only) or an anchor name.
fn select<'a>(lines: &[&'a str], sel: &str) -> Result<Vec<&'a str>, String> {
    let numeric = sel.chars().all(|c| c.is_ascii_digit() || c == ':');
    if numeric {
        let (from, to) = match sel.split_once(':') {
            Some((a, b)) => (a.parse().unwrap_or(1), if b.is_empty() { lines.len() } else { b.parse().unwrap_or(lines.len()) }),
            None => {
                let n: usize = sel.parse().unwrap_or(1);
                (n, n)
            }
        };
        let from = from.max(1);
        if from > lines.len() {
            return Err(format!("line {from} is past the end of the file ({} lines)", lines.len()));
        }
        let to = to.min(lines.len());
        return Ok(lines[from - 1..to.max(from - 1)].iter().copied().filter(|l| !is_anchor_line(l)).collect());
    }
    let start = lines
        .iter()
        .position(|l| l.split("ANCHOR:").nth(1).is_some_and(|n| n.trim().trim_end_matches("-->").trim() == sel))
        .ok_or_else(|| format!("anchor `{sel}` not found (mark it with `ANCHOR: {sel}` and `ANCHOR_END: {sel}`)"))?;
    // The end marker is searched after the start line: one line may carry both (mdBook
    // does the same), and an end before the start must not make the range run backwards.
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.split("ANCHOR_END:").nth(1).is_some_and(|n| n.trim().trim_end_matches("-->").trim() == sel))
        .map_or(lines.len(), |e| start + 1 + e);
    Ok(lines[start + 1..end].iter().copied().filter(|l| !is_anchor_line(l)).collect())
}

/// Joins a path relative to the page `rel` into a key of the source folder; `None` if it
/// climbs out of it.
pub fn resolve(rel: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        rel.split('/').collect::<Vec<_>>()
    };
    if !path.starts_with('/') {
        parts.pop();
    }
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Maps a span of the expanded text back to the page.
pub fn page_span(exp: &Expanded, span: Span) -> Span {
    let start = exp.page_offset(span.start);
    start..start.max(exp.page_offset(span.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        let mut f = BTreeMap::new();
        f.insert("gpu/Dockerfile".into(), b"FROM busybox\n# ANCHOR: run\nRUN echo hi\n# ANCHOR_END: run\nCMD [\"sh\"]\n".to_vec());
        f
    }

    #[test]
    fn whole_file_ranges_and_anchors() {
        let page = SourceFile::new("content/gpu/x.md", "a\n{{#include Dockerfile}}\nb {{#include Dockerfile:1:1}} {{#include Dockerfile:run}} {{#include Dockerfile:4:}}\n");
        let (e, d) = expand(&page, 0, "gpu/x.md", &files());
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e.text, "a\nFROM busybox\nRUN echo hi\nCMD [\"sh\"]\nb FROM busybox RUN echo hi CMD [\"sh\"]\n");
        // "b" on the expanded line 5 maps back to the page's line 3.
        let b = e.text.find("b FROM").unwrap();
        assert_eq!(page.line_of(e.page_offset(b)), 3);
        assert_eq!(page.line_of(e.page_offset(b + 4)), 3);
    }

    #[test]
    fn missing_file_and_anchor_are_reported_at_the_directive() {
        let page = SourceFile::new("content/gpu/x.md", "+++\n+++\nok\n{{#include nope.txt}}\n{{#include Dockerfile:zzz}}\n\\{{#include shown}}\n");
        let (e, d) = expand(&page, 8, "gpu/x.md", &files());
        let got: Vec<_> = d.iter().map(|d| (d.position().unwrap(), d.message.clone())).collect();
        assert_eq!(got[0], ("content/gpu/x.md:4:1".to_string(), "included file `nope.txt` does not exist".to_string()));
        assert_eq!(got[1].0, "content/gpu/x.md:5:1");
        assert!(got[1].1.contains("anchor `zzz` not found"));
        assert!(e.text.ends_with("{{#include shown}}\n"));
    }

    #[test]
    fn an_end_marker_before_its_start_on_one_line_is_no_panic() {
        let mut f = files();
        f.insert("one.txt".into(), b"a\n# ANCHOR_END: x ANCHOR_END: ANCHOR: x ANCHOR:\nb\nANCHOR_END: x\nc\n".to_vec());
        f.insert("open.txt".into(), b"ANCHOR_END: y ANCHOR_END: ANCHOR: y ANCHOR:\n".to_vec());
        let page = SourceFile::new("content/x.md", "{{#include one.txt:x}}\n{{#include open.txt:y}}\n");
        let (e, d) = expand(&page, 0, "x.md", &f);
        assert!(d.is_empty(), "{d:?}");
        // The anchor runs from the line after its start to the next end marker after it.
        assert_eq!(e.text, "b\n\n");
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(resolve("gpu/x.md", "../a/b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(resolve("x.md", "./b.txt").as_deref(), Some("b.txt"));
        assert_eq!(resolve("x.md", "../../etc/passwd"), None);
    }
}
