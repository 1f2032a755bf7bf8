//! Finds a page's verify blocks in its markdown: the script, where it is, its attributes,
//! and the expected output (a following `output` block or a `console` transcript).
//! Only reads markdown; substitution, running and judging happen later.

use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::attrs::{self, Attrs};
use super::transcript::{self as console, Transcript};
use crate::core::diagnostic::Diagnostic;
use crate::core::fence::FenceInfo;
use crate::core::source::{SourceFile, Span};

/// Where a block's expected output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpectedKind {
    /// A ```` ```text output ```` block right after the verify block.
    Block,
    /// The output lines of a `console` transcript.
    Transcript,
}

/// The output a block should print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub text: String,
    /// Byte span in the file of the text that `--update` may rewrite; `None` when the
    /// block's bytes are not contiguous in the file (inside a list or a quote).
    pub span: Option<Span>,
    pub kind: ExpectedKind,
}

/// A fenced block the verifier runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyBlock {
    pub file: PathBuf,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The nearest heading above the block ("" when there is none).
    pub heading: String,
    pub info: String,
    /// The script as written (for `console`, the commands without prompts).
    pub code: String,
    /// Byte offset in the file where `code` starts, when it is contiguous there.
    pub code_start: Option<usize>,
    /// The script to run: `code` with placeholders substituted (see `placeholder.rs`).
    pub script: String,
    pub attrs: Attrs,
    pub expected: Option<Expected>,
    /// sha256 (hex) of info, code and expected text: the site matches badges by it.
    pub hash: String,
    /// For a `console` transcript: the markdown line of each line of `code` (its commands
    /// sit between output lines); empty for other blocks, whose code lines follow the fence.
    pub command_lines: Vec<usize>,
    /// For a `console` transcript: its commands, each with its expected output and status.
    pub transcript: Option<Transcript>,
}

impl VerifyBlock {
    /// `file:line`, as reports print it.
    pub fn position(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
}

/// One fenced block as the markdown parser saw it.
struct Fence {
    info: String,
    /// Offset of the info string in the file.
    info_start: usize,
    /// The whole block, fences included.
    range: Range<usize>,
    text: String,
    /// The content's bytes, when the content is contiguous in the file.
    content: Option<Span>,
    heading: String,
    closed: bool,
}

/// Extracts the verify blocks of a page whose body starts at byte `body_start`.
pub fn extract(src: &SourceFile, body_start: usize) -> (Vec<VerifyBlock>, Vec<Diagnostic>) {
    let fences = fences(src, body_start);
    let mut blocks = Vec::new();
    let mut diags = Vec::new();
    let mut i = 0;
    while i < fences.len() {
        let f = &fences[i];
        let info = FenceInfo::parse(&f.info);
        if !info.has("verify") {
            i += 1;
            continue;
        }
        let line = src.line_of(f.range.start);
        if !info.is_shell() {
            let word = info.get("verify").map_or(0..0, |a| a.span.clone());
            diags.push(
                Diagnostic::error("verify-block", format!("`verify` on a `{}` block", info.lang))
                    .at(src, f.info_start + word.start..f.info_start + word.end)
                    .label("only bash, sh, shell and console blocks run")
                    .help("write ```bash verify, or drop `verify` to show the block without running it"),
            );
            i += 1;
            continue;
        }
        if !f.closed {
            diags.push(
                Diagnostic::error("verify-block", "verify block is never closed")
                    .at_line(src, line)
                    .label("this fence has no closing fence")
                    .help("close it with a line of the same backticks"),
            );
        }
        let (mut attrs, problems) = attrs::parse(&info);
        for p in problems {
            diags.push(
                Diagnostic::error("verify-attr", p.message)
                    .at(src, f.info_start + p.span.start..f.info_start + p.span.end)
                    .label(p.label)
                    .help(p.help),
            );
        }
        let (code, code_start, mut expected) = if info.is_console() {
            let (cmds, out) = transcript(&f.text);
            let exp = (!out.is_empty()).then(|| Expected { text: out, span: f.content.clone(), kind: ExpectedKind::Transcript });
            (cmds, None, exp)
        } else {
            (f.text.clone(), f.content.as_ref().map(|c| c.start), None)
        };
        // An `output` block directly after (only blank lines, or quote markers, between) is
        // the expected output.
        if let Some(next) = fences.get(i + 1) {
            if attached(src, f, next) {
                if expected.is_some() {
                    diags.push(
                        Diagnostic::error("verify-block", "two expected outputs for one block")
                            .at_line(src, src.line_of(next.range.start))
                            .label("this output block")
                            .help("a console transcript already holds its output; drop one of them"),
                    );
                }
                expected = Some(Expected { text: next.text.clone(), span: next.content.clone(), kind: ExpectedKind::Block });
                i += 1;
            }
        }
        attrs.needs.extend(crate::core::script::infer_needs(&code));
        let hash = hash(&f.info, &code, expected.as_ref().map_or("", |e| &e.text));
        let command_lines = if info.is_console() { command_lines(&f.text, line) } else { Vec::new() };
        blocks.push(VerifyBlock {
            file: src.path.clone(),
            line,
            heading: f.heading.clone(),
            info: f.info.clone(),
            script: code.clone(),
            code,
            code_start,
            attrs,
            expected,
            hash,
            command_lines,
            transcript: info.is_console().then(|| console::parse(&f.text, line)),
        });
        i += 1;
    }
    diags.extend(orphans(src, &fences));
    (blocks, diags)
}

/// Whether `next` is an output block directly after `f` (only blank lines, or quote
/// markers, between).
fn attached(src: &SourceFile, f: &Fence, next: &Fence) -> bool {
    let between = src.text.get(f.range.end..next.range.start).unwrap_or("x");
    FenceInfo::parse(&next.info).is_output() && between.chars().all(|c| c.is_whitespace() || c == '>')
}

/// `output` blocks that follow no verify block: an error, because a badge would say
/// "verified" right above output nobody checked (prose slipped between the two blocks).
pub fn orphan_outputs(src: &SourceFile, body_start: usize) -> Vec<Diagnostic> {
    orphans(src, &fences(src, body_start))
}

fn orphans(src: &SourceFile, fences: &[Fence]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (j, f) in fences.iter().enumerate() {
        if !FenceInfo::parse(&f.info).is_output() {
            continue;
        }
        let prev = j.checked_sub(1).map(|p| &fences[p]);
        if prev.is_some_and(|p| FenceInfo::parse(&p.info).has("verify") && attached(src, p, f)) {
            continue;
        }
        let why = match prev {
            Some(p) if FenceInfo::parse(&p.info).is_verify() => format!(
                "text between it and the verify block at line {} detaches it, so that block's output is never checked",
                src.line_of(p.range.start)
            ),
            _ => "no verify block comes right before it, so nothing checks this output".to_string(),
        };
        out.push(
            Diagnostic::error("verify-output", "this output block follows no verify block")
                .at_line(src, src.line_of(f.range.start))
                .label(why)
                .help("put it right after its ```bash verify block (only blank lines between); to show text that is not checked, write ```text"),
        );
    }
    out
}

fn fences(src: &SourceFile, body_start: usize) -> Vec<Fence> {
    let body_start = body_start.min(src.text.len());
    let body = &src.text[body_start..];
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut in_heading = false;
    let mut current: Option<Fence> = None;
    // Inside a quote or list, a block's lines carry prefixes: not rewritable in place.
    let mut containers = 0usize;
    for (event, range) in crate::core::markdown::parser(body).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)) => containers += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                containers = containers.saturating_sub(1)
            }
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) if in_heading => heading.push_str(&t),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let first_line = &src.text[range.start..];
                let first_line = &first_line[..first_line.find('\n').unwrap_or(first_line.len())];
                let info_start = range.start + first_line.rfind(info.as_ref()).unwrap_or(first_line.len());
                current = Some(Fence {
                    info: info.to_string(),
                    info_start,
                    range: range.clone(),
                    text: String::new(),
                    content: None,
                    heading: heading.clone(),
                    closed: false,
                });
            }
            Event::Text(t) => {
                if let Some(f) = current.as_mut() {
                    f.content = Some(match f.content.take() {
                        None => range.clone(),
                        Some(c) => c.start..range.end,
                    });
                    f.text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(mut f) = current.take() {
                    f.range = f.range.start..range.end;
                    finish(src, &mut f);
                    if containers > 0 {
                        f.content = None;
                    }
                    out.push(f);
                }
            }
            _ => {}
        }
    }
    out
}

/// Decides whether the fence is closed and whether its content is contiguous in the file.
fn finish(src: &SourceFile, f: &mut Fence) {
    let block = &src.text[f.range.clone()];
    let last = block.trim_end_matches(['\n', '\r']).rsplit('\n').next().unwrap_or("");
    let last = last.trim_start_matches([' ', '>']);
    let first_line_end = block.find('\n').map_or(block.len(), |i| i + 1);
    f.closed = first_line_end < block.len() && (last.starts_with("```") || last.starts_with("~~~"));
    let contiguous = f.content.as_ref().is_some_and(|c| src.text.get(c.clone()) == Some(f.text.as_str()));
    if f.text.is_empty() {
        // An empty block: the content is the empty range right after the opening line.
        let at = f.range.start + first_line_end;
        f.content = (f.closed && at <= f.range.end).then_some(at..at);
    } else if !contiguous {
        // CRLF lines: the parser hands the text over in pieces; the content is still the
        // bytes between the fences when they read the same with `\n` line endings.
        let close = block.trim_end_matches(['\n', '\r']).rfind('\n').map_or(block.len(), |i| i + 1);
        let between = f.range.start + first_line_end..f.range.start + close.max(first_line_end);
        let same = src.text.get(between.clone()).is_some_and(|t| t.replace("\r\n", "\n") == f.text.replace("\r\n", "\n"));
        f.content = (f.closed && same).then_some(between);
    }
}

/// Splits a `console` transcript into the commands (prompts removed) and their output
/// (without the `? failed` status lines).
pub fn transcript(text: &str) -> (String, String) {
    let t = console::parse(text, 0);
    let cmds = t.commands.iter().map(|c| c.code.as_str()).collect();
    let out = std::iter::once(t.lead.as_str()).chain(t.commands.iter().map(|c| c.expected.as_str())).collect();
    (cmds, out)
}

/// The markdown lines of a transcript's command lines (`$ `, `> `, a bare `$`), as
/// `transcript` keeps them; the fence is on line `fence`.
fn command_lines(text: &str, fence: usize) -> Vec<usize> {
    console::parse(text, fence).commands.iter().flat_map(|c| (0..c.code.lines().count().max(1)).map(move |j| c.line + j)).collect()
}

fn hash(info: &str, code: &str, expected: &str) -> String {
    let mut h = Sha256::new();
    for part in [info, code, expected] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::verify::attrs::Need;

    fn extract_str(text: &str) -> (Vec<VerifyBlock>, Vec<Diagnostic>) {
        extract(&SourceFile::new("content/a.md", text), 0)
    }

    #[test]
    fn finds_blocks_with_expected_output() {
        let text = "# Shm\n\n```bash verify\necho hi\n```\n\n```text output\nhi\n```\n\n```bash\nnot run\n```\n\
                    ## GPU\n```sh verify timeout=9s\nnvidia-smi\n```\n";
        let (blocks, diags) = extract_str(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(blocks.len(), 2);
        let b = &blocks[0];
        assert_eq!((b.line, b.heading.as_str(), b.code.as_str()), (3, "Shm", "echo hi\n"));
        assert_eq!(&text[b.code_start.unwrap()..][..7], "echo hi");
        let e = b.expected.as_ref().unwrap();
        assert_eq!((e.text.as_str(), e.kind), ("hi\n", ExpectedKind::Block));
        assert_eq!(&text[e.span.clone().unwrap()], "hi\n");
        assert_eq!(b.hash.len(), 64);
        assert_eq!((blocks[1].line, blocks[1].heading.as_str()), (15, "GPU"));
        assert!(blocks[1].attrs.needs.contains(&Need::Gpu));
        assert!(blocks[1].expected.is_none());
    }

    #[test]
    fn console_transcripts() {
        let (blocks, _) = extract_str("```console verify\n$ echo a \\\n> b\na b\n$ true\n```\n");
        assert_eq!(blocks[0].code, "echo a \\\nb\ntrue\n");
        assert_eq!(blocks[0].expected.as_ref().unwrap().text, "a b\n");
        assert_eq!(blocks[0].expected.as_ref().unwrap().kind, ExpectedKind::Transcript);
        assert_eq!(blocks[0].command_lines, [2, 3, 5]);
    }

    #[test]
    fn problems_point_at_the_source() {
        let (blocks, diags) = extract_str("text\n\n```bash verify tmeout=5s\ntrue\n```\n```python verify\n```\n```sh verify\nx");
        assert_eq!(blocks.len(), 2);
        let rendered: Vec<_> = diags.iter().map(|d| d.render(false)).collect();
        assert!(rendered[0].contains("unknown attribute `tmeout`") && rendered[0].contains("content/a.md:3:16"), "{}", rendered[0]);
        assert!(rendered[0].contains("did you mean `timeout`?"));
        assert!(rendered[1].contains("`verify` on a `python` block") && rendered[1].contains(":6:"), "{}", rendered[1]);
        assert!(rendered[2].contains("never closed") && rendered[2].contains(":8:"), "{}", rendered[2]);
    }

    #[test]
    fn output_block_must_follow_directly_and_quoted_blocks_are_not_updatable() {
        let (blocks, _) = extract_str("```bash verify\ntrue\n```\nsome words\n```text output\nx\n```\n");
        assert!(blocks[0].expected.is_none());
        let (blocks, _) = extract_str("> ```bash verify\n> echo x\n> echo y\n> ```\n");
        assert_eq!(blocks[0].code, "echo x\necho y\n");
        assert_eq!(blocks[0].code_start, None);
        let (blocks, _) = extract_str("```bash verify\necho\n```\n```output\n```\n");
        let e = blocks[0].expected.as_ref().unwrap();
        assert_eq!((e.text.as_str(), e.span.clone()), ("", Some(34..34)));
    }

    #[test]
    fn output_blocks_that_follow_no_verify_block_are_errors() {
        let text = "```bash verify\necho a\n```\nwords\n```text output\na\n```\n```bash\nls\n```\n```output\nx\n```\n\
                    ```bash verify\necho\n```\n\n```output\n\n```\n```output\n```\n```text\nplain\n```\n";
        let (_, diags) = extract_str(text);
        let got: Vec<_> = diags.iter().map(|d| (d.code, d.position().unwrap_or_default())).collect();
        let want = ["content/a.md:5:1", "content/a.md:11:1", "content/a.md:21:1"].map(|p| ("verify-output", p.to_string()));
        assert_eq!(got, want);
        assert!(
            diags[0].render(false).contains("text between it and the verify block at line 1 detaches it"),
            "{}",
            diags[0].render(false)
        );
        assert_eq!(orphan_outputs(&SourceFile::new("content/a.md", text), 0).len(), 3);
    }

    #[test]
    fn crlf_output_blocks_are_rewritable() {
        let text = "```bash verify\r\necho new\r\n```\r\n\r\n```text output\r\nold\r\nx\r\n```\r\n";
        let (blocks, _) = extract_str(text);
        let e = blocks[0].expected.as_ref().unwrap();
        assert_eq!(&text[e.span.clone().unwrap()], "old\r\nx\r\n");
    }

    #[test]
    fn garbage_does_not_panic() {
        for t in ["```", "```bash verify", "\u{feff}```bash verify\n\u{0}\n", "~~~sh verify exit=\n", "```bash verify\n```\n```output"] {
            let _ = extract_str(t);
        }
    }

    proptest::proptest! {
        /// Markdown made of fences, quotes, lists and attributes never makes extraction panic.
        #[test]
        fn never_panics(text in "((```|~~~|> |\\* |  |bash|console|verify|output|text|exit=|timeout=|needs=|<A>|\\$ |é|\r|\n|x){0,40})") {
            let src = SourceFile::new("p.md", text.clone());
            for start in [0, text.len() / 2, text.len()] {
                let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                let (blocks, diags) = extract(&src, start);
                for d in &diags {
                    let _ = d.render(false);
                }
                for b in &blocks {
                    if let Some(span) = b.expected.as_ref().and_then(|e| e.span.clone()) {
                        proptest::prop_assert!(text.get(span).is_some());
                    }
                }
            }
        }
    }
}
