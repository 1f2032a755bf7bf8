//! mdBook's link directives, relative to the including page wherever the file is (books
//! keep compiled examples beside their source folder): `{{#include file}}` (whole, `:10:20`,
//! `::30`, `:ANCHOR`), `{{#rustdoc_include file:ANCHOR}}` (the whole file, lines outside
//! the part hidden as rustdoc `# ` lines), `{{#playground file attrs}}` (a rust block) and
//! `{{#title …}}` (the page's `<title>`). Where a directive is (and is not) is `directive`:
//! `{{#include}}` without a file, or an unknown `{{#name …}}`, stays text, and
//! `\{{#…}}` shows the directive. Expands against the book's files in memory (files outside
//! the source folder are keyed `../…`) and remembers where each piece came from, so a
//! diagnostic in the expanded text still points at the page's own line.

use std::collections::BTreeMap;

use super::diagnostic::Diagnostic;
use super::directive::next_directive;
use super::source::{SourceFile, Span};

/// The page text after expansion, with a map back to the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// (start in `text`, start in the page, length, came from an include).
    segments: Vec<(usize, usize, usize, bool)>,
    /// The page's `<title>` from `{{#title …}}`.
    pub title: Option<String>,
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

/// Expands every directive in `src[body..]`; problems are reported at the directive.
pub fn expand(src: &SourceFile, body: usize, rel: &str, files: &BTreeMap<String, Vec<u8>>) -> (Expanded, Vec<Diagnostic>) {
    let text = &src.text[body..];
    let mut out = String::with_capacity(text.len());
    let mut segments = Vec::new();
    let mut diags = Vec::new();
    let mut title = None;
    let mut last = 0;
    let mut search = 0;
    while let Some(d) = next_directive(text, search) {
        let (start, end) = (d.start, d.end);
        search = end;
        push(&mut out, &mut segments, &text[last..start], body + last, false);
        last = end;
        let Some(name) = d.name else {
            // `\{{#include x}}` shows the directive itself.
            push(&mut out, &mut segments, &text[start + 1..end], body + start + 1, false);
            continue;
        };
        let result = match name {
            "title" => {
                title = Some(d.arg.trim().to_string());
                Ok(String::new())
            }
            "playground" | "playpen" => playground(d.arg, rel, files),
            _ => include(d.arg.split_whitespace().next().unwrap_or(""), rel, files, name == "rustdoc_include"),
        };
        match result {
            Ok(content) => push(&mut out, &mut segments, &content, body + start, true),
            Err((message, help)) => {
                diags.push(Diagnostic::error("include", message).at(src, body + start..body + end).label("in this include").help(help));
                push(&mut out, &mut segments, &text[start..end], body + start, false);
            }
        }
    }
    push(&mut out, &mut segments, &text[last..], body + last, false);
    (Expanded { text: out, segments, title }, diags)
}

/// The files outside the source folder that `text` (the page `rel`) includes, keyed as
/// `expand` looks them up (`../examples/x.rs`): what the loader reads from disk.
pub fn outside_targets(rel: &str, text: &str) -> Vec<String> {
    targets(rel, text).into_iter().filter(|k| k.starts_with("../")).collect()
}

/// Every file `text` (the page `rel`) includes, keyed as `expand` looks them up: a page
/// must be rendered again when one of them changes.
pub fn targets(rel: &str, text: &str) -> Vec<String> {
    targets_at(rel, text).into_iter().map(|(key, _)| key).collect()
}

/// Like [`targets`], with the byte span of each directive in `text`.
pub fn targets_at(rel: &str, text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(d) = next_directive(text, search) {
        search = d.end;
        let Some(name) = d.name.filter(|n| *n != "title") else { continue };
        let path = d.arg.split_whitespace().next().unwrap_or("");
        let path = if name == "playground" || name == "playpen" { path } else { path.split(':').next().unwrap_or("") };
        out.extend(resolve_any(rel, path).map(|key| (key, d.start..d.end)));
    }
    out
}

fn push(out: &mut String, segments: &mut Vec<(usize, usize, usize, bool)>, piece: &str, page: usize, included: bool) {
    if !piece.is_empty() {
        segments.push((out.len(), page, piece.len(), included));
        out.push_str(piece);
    }
}

type Problem = (String, String);

/// The bytes of `path` as written in the page `rel`.
fn read<'f>(path: &str, rel: &str, files: &'f BTreeMap<String, Vec<u8>>) -> Result<&'f [u8], Problem> {
    let key = resolve_any(rel, path).unwrap_or_default();
    files.get(&key).map(Vec::as_slice).ok_or_else(|| {
        (format!("included file `{path}` does not exist"), "create it, or fix the path: it is relative to this page".to_string())
    })
}

fn include(arg: &str, rel: &str, files: &BTreeMap<String, Vec<u8>>, rustdoc: bool) -> Result<String, Problem> {
    let (path, selector) = match arg.split_once(':') {
        Some((p, s)) => (p.trim(), Some(s.trim())),
        None => (arg, None),
    };
    if path.is_empty() {
        return Err(("include without a file".into(), "write `{{#include file.txt}}`, relative to this page".into()));
    }
    let content = String::from_utf8_lossy(read(path, rel, files)?);
    let lines: Vec<&str> = content.lines().collect();
    let help = || format!("check the selector after `{path}:`");
    if rustdoc {
        let keep = match selector {
            None | Some("") => vec![true; lines.len()],
            Some(sel) => kept(&lines, sel).map_err(|e| (e, help()))?,
        };
        let shown: Vec<String> = lines
            .iter()
            .zip(keep)
            .filter(|(l, _)| !is_anchor_line(l))
            .map(|(l, k)| if k { l.to_string() } else { format!("# {l}") })
            .collect();
        return Ok(shown.join("\n"));
    }
    let picked: Vec<&str> = match selector {
        None => lines.iter().copied().filter(|l| !is_anchor_line(l)).collect(),
        Some(sel) => select(&lines, sel).map_err(|e| (e, help()))?,
    };
    Ok(picked.join("\n"))
}

/// `{{#playground file attrs}}`: the file as a rust block, attributes after `rust,`.
fn playground(arg: &str, rel: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<String, Problem> {
    let mut words = arg.split_whitespace();
    let path = words.next().unwrap_or("");
    let attrs: Vec<&str> = words.collect();
    let mut content = String::from_utf8_lossy(read(path, rel, files)?).into_owned();
    if !content.ends_with('\n') {
        content.push('\n');
    }
    let info = if attrs.is_empty() { "rust".to_string() } else { format!("rust,{}", attrs.join(",")) };
    Ok(format!("```{info}\n{content}```\n"))
}

/// Which lines a selector keeps (for `rustdoc_include`, which shows the others hidden).
fn kept(lines: &[&str], sel: &str) -> Result<Vec<bool>, String> {
    let numeric = sel.chars().all(|c| c.is_ascii_digit() || c == ':');
    if numeric {
        let (from, to) = range(sel, lines.len());
        return Ok((1..=lines.len()).map(|n| n >= from && n <= to).collect());
    }
    let start = lines.iter().position(|l| anchor_of(l, "ANCHOR:") == Some(sel)).ok_or_else(|| missing_anchor(sel))?;
    let mut inside = false;
    Ok(lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == start {
                inside = true;
            } else if inside && anchor_of(l, "ANCHOR_END:") == Some(sel) {
                inside = false;
            }
            inside && i != start
        })
        .collect())
}

fn anchor_of<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    line.split(marker).nth(1).map(|n| n.trim().trim_end_matches("-->").trim())
}

fn missing_anchor(sel: &str) -> String {
    format!("anchor `{sel}` not found (mark it with `ANCHOR: {sel}` and `ANCHOR_END: {sel}`)")
}

/// `10:20`, `10:`, `:20`, `10` as 1-based inclusive lines.
fn range(sel: &str, len: usize) -> (usize, usize) {
    match sel.split_once(':') {
        Some((a, b)) => (a.parse().unwrap_or(1), if b.is_empty() { len } else { b.parse().unwrap_or(len) }),
        None => {
            let n: usize = sel.parse().unwrap_or(1);
            (n, n)
        }
    }
}

fn is_anchor_line(line: &str) -> bool {
    line.contains("ANCHOR:") || line.contains("ANCHOR_END:")
}

/// `10:20`, `10:`, `:20`, `10` (that line only) or an anchor name.
fn select<'a>(lines: &[&'a str], sel: &str) -> Result<Vec<&'a str>, String> {
    let numeric = sel.chars().all(|c| c.is_ascii_digit() || c == ':');
    if numeric {
        let (from, to) = range(sel, lines.len());
        let from = from.max(1);
        if from > lines.len() {
            return Err(format!("line {from} is past the end of the file ({} lines)", lines.len()));
        }
        let to = to.min(lines.len());
        return Ok(lines[from - 1..to.max(from - 1)].iter().copied().filter(|l| !is_anchor_line(l)).collect());
    }
    let start = lines.iter().position(|l| anchor_of(l, "ANCHOR:") == Some(sel)).ok_or_else(|| missing_anchor(sel))?;
    // The end marker is searched after the start line: one line may carry both (mdBook
    // does the same), and an end before the start must not make the range run backwards.
    let end = lines[start + 1..].iter().position(|l| anchor_of(l, "ANCHOR_END:") == Some(sel)).map_or(lines.len(), |e| start + 1 + e);
    Ok(lines[start + 1..end].iter().copied().filter(|l| !is_anchor_line(l)).collect())
}

/// Joins a path relative to the page `rel` into a key of the source folder; `None` if it
/// climbs out of it.
pub fn resolve(rel: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') { Vec::new() } else { rel.split('/').collect::<Vec<_>>() };
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

/// Like [`resolve`], but a path that climbs out of the source folder keeps its leading
/// `../` segments (`../examples/x.rs`): mdBook resolves includes anywhere on disk.
pub fn resolve_any(rel: &str, path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = if path.starts_with('/') { Vec::new() } else { rel.split('/').collect() };
    if !path.starts_with('/') {
        parts.pop();
    }
    let mut up = 0;
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    up += 1;
                }
            }
            s => parts.push(s),
        }
    }
    Some("../".repeat(up) + &parts.join("/"))
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
        let page = SourceFile::new(
            "content/gpu/x.md",
            "a\n{{#include Dockerfile}}\nb {{#include Dockerfile:1:1}} {{#include Dockerfile:run}} {{#include Dockerfile:4:}}\n",
        );
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
        let page =
            SourceFile::new("content/gpu/x.md", "+++\n+++\nok\n{{#include nope.txt}}\n{{#include Dockerfile:zzz}}\n\\{{#include shown}}\n");
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
    fn only_what_mdbook_matches_is_a_directive() {
        let page = SourceFile::new("content/x.md", "`{{#include}}` and {{#include}} and {{#template f.md}} and {{ #include gpu/Dockerfile:1 }}\n\\{{#include a}} {{#include gpu/Dockerfile}}\n");
        let (e, d) = expand(&page, 0, "x.md", &files());
        assert!(d.is_empty(), "{d:?}");
        // As in mdBook, an escaped directive runs to the line's last `}}`.
        assert_eq!(
            e.text,
            "`{{#include}}` and {{#include}} and {{#template f.md}} and FROM busybox\n{{#include a}} {{#include gpu/Dockerfile}}\n"
        );
    }

    #[test]
    fn rustdoc_include_playground_and_title() {
        let mut f = files();
        f.insert("../listings/hello.rs".into(), b"fn main() {}".to_vec());
        let page = SourceFile::new(
            "content/gpu/x.md",
            "{{#title My page}}\n{{#rustdoc_include Dockerfile:run}}\n{{#rustdoc_include Dockerfile:2:3}}\n{{#playground ../../listings/hello.rs editable no_run}}\n",
        );
        let (e, d) = expand(&page, 0, "gpu/x.md", &f);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e.title.as_deref(), Some("My page"));
        assert_eq!(
            e.text,
            "\n# FROM busybox\nRUN echo hi\n# CMD [\"sh\"]\n# FROM busybox\nRUN echo hi\n# CMD [\"sh\"]\n```rust,editable,no_run\nfn main() {}\n```\n\n"
        );
    }

    #[test]
    fn files_outside_the_source_folder() {
        let text = "{{#include ../../examples/a.rs:x}} {{#include b.rs}} {{#playground ../../c.rs}} {{#title T}}";
        assert_eq!(outside_targets("sub/p.md", text), ["../examples/a.rs", "../c.rs"]);
        assert_eq!(resolve_any("sub/p.md", "../../x/../y.rs").as_deref(), Some("../y.rs"));
        let mut f = files();
        f.insert("../examples/a.rs".into(), b"one\ntwo\n".to_vec());
        let page = SourceFile::new("src/sub/p.md", "{{#include ../../examples/a.rs::1}}\n{{#include ../../examples/gone.rs}}\n");
        let (e, d) = expand(&page, 0, "sub/p.md", &f);
        assert!(e.text.starts_with("one\n"), "{}", e.text);
        assert_eq!(d[0].message, "included file `../../examples/gone.rs` does not exist");
        assert_eq!(d[0].position().unwrap(), "src/sub/p.md:2:1");
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(resolve("gpu/x.md", "../a/b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(resolve("x.md", "./b.txt").as_deref(), Some("b.txt"));
        assert_eq!(resolve("x.md", "../../etc/passwd"), None);
    }
}
