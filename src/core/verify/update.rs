//! `--update`: the edits that replace differing expected output with what was seen,
//! like `TRYCMD=overwrite`. Only the expected-output bytes change; every other byte of
//! the file stays as it was. Writing the file (atomically) is the command's job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::block::{self, ExpectedKind};
use super::judge::Outcome;
use super::result::BlockResult;
use super::{placeholder, rewrite, transcript};
use crate::core::source::SourceFile;
use crate::core::source::Span;

/// A replacement of one byte range of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// Edits per file for blocks whose output differed, plus notes for those that cannot
/// be updated (a quoted or indented block, a transcript with several commands, truncated
/// output). `texts` holds each file's text as the run read it, `vars` each file's
/// placeholder values. Only the lines that no longer match change (see `rewrite`), and a
/// CRLF block gets CRLF lines.
pub fn edits(
    results: &[BlockResult],
    texts: &BTreeMap<PathBuf, String>,
    vars: &BTreeMap<PathBuf, BTreeMap<String, String>>,
) -> (BTreeMap<PathBuf, Vec<Edit>>, Vec<String>) {
    let mut out: BTreeMap<PathBuf, Vec<Edit>> = BTreeMap::new();
    let mut notes = Vec::new();
    for r in results {
        let (Some(exp), Some(_)) = (&r.block.expected, &r.verdict.diff) else { continue };
        if r.verdict.outcome != Outcome::Fail {
            continue;
        }
        let pos = r.block.position();
        let Some(span) = exp.span.clone() else {
            notes.push(format!("{pos}: not updated: the expected output is inside a list or quote"));
            continue;
        };
        let Some(whole) = texts.get(&r.block.file) else { continue };
        let Some(text) = whole.get(span.clone()) else { continue };
        if r.output.contains("[cookbook: ") && r.output.contains(" truncated, ") {
            notes.push(format!("{pos}: not updated: the output was truncated (too large to keep); shorten it, or write the lines that matter with `...` between"));
            continue;
        }
        let mut seen = r.output.clone();
        if !seen.is_empty() && !seen.ends_with('\n') {
            seen.push('\n');
        }
        if seen.lines().any(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~")) {
            notes.push(format!("{pos}: not updated: the output contains a code fence"));
            continue;
        }
        let empty = BTreeMap::new();
        let values = vars.get(&r.block.file).unwrap_or(&empty);
        let exported = exported_before(&r.block.file, whole, r.block.line);
        let named: BTreeSet<&str> =
            placeholder::find(&r.block.code).into_iter().chain(placeholder::find(&exp.text)).map(|(_, n)| n).collect();
        let back: Vec<(String, String)> = values
            .iter()
            .filter(|(k, _)| named.contains(k.as_str()) && !exported.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let pattern = |l: &str| placeholder::substitute(l, values, &exported, true).unwrap_or_else(|_| l.to_string());
        let new = match exp.kind {
            ExpectedKind::Block => rewrite::rewrite(text, &pattern, &seen, &back),
            ExpectedKind::Transcript if !r.commands.is_empty() => {
                // Command by command: each command's expected lines against its own output.
                let t = transcript::parse(text, r.block.line);
                let looks_like_prompt = |l: &str| l.starts_with("$ ") || l.starts_with("> ") || l.starts_with("? ");
                if r.commands.iter().any(|o| o.lines().any(|l| looks_like_prompt(l) || l.trim_end() == "$")) {
                    notes.push(format!("{pos}: not updated: the output has lines that look like prompts or status lines"));
                    continue;
                }
                let crlf = |s: &str| s.replace("\r\n", "\n");
                let mut new = crlf(&t.lead);
                for (k, c) in t.commands.iter().enumerate() {
                    new.push_str(&crlf(&c.prompt));
                    match r.commands.get(k) {
                        Some(o) => {
                            let mut o = o.clone();
                            if !o.is_empty() && !o.ends_with('\n') {
                                o.push('\n');
                            }
                            new.push_str(&rewrite::rewrite(&c.expected, &pattern, &o, &back));
                        }
                        None => new.push_str(&crlf(&c.expected)),
                    }
                    new.push_str(&crlf(&c.status_line));
                }
                new
            }
            ExpectedKind::Transcript => {
                let prompt_lines: Vec<&str> =
                    text.split_inclusive('\n').take_while(|l| l.starts_with("$ ") || l.starts_with("> ")).collect();
                let prompts: String = prompt_lines.concat();
                let rest = &text[prompts.len()..];
                if rest.split_inclusive('\n').any(|l| l.starts_with("$ ")) {
                    notes.push(format!("{pos}: not updated: a command's exit status differs from the transcript's; fix that first"));
                    continue;
                }
                if seen.lines().any(|l| l.starts_with("$ ") || l.starts_with("> ")) {
                    notes.push(format!("{pos}: not updated: the output has lines that look like prompts"));
                    continue;
                }
                format!("{prompts}{}", rewrite::rewrite(rest, &pattern, &seen, &back))
            }
        };
        let new = if text.contains("\r\n") { new.replace('\n', "\r\n") } else { new };
        out.entry(r.block.file.clone()).or_default().push(Edit { span, text: new });
    }
    (out, notes)
}

/// Names exported by the blocks of `text` above `line`: their placeholders are only
/// known at run time (`[..]` when matching).
fn exported_before(file: &Path, text: &str, line: usize) -> BTreeSet<String> {
    let (blocks, _) = block::extract(&SourceFile::new(file, text), 0);
    blocks.iter().filter(|b| b.line < line).flat_map(|b| placeholder::exports(&b.code)).collect()
}

/// Where each block of a page went after an update: old fence line → (new line, new hash).
pub fn relocate(file: &Path, old: &str, new: &str, body_start: usize) -> BTreeMap<usize, (usize, String)> {
    let (before, _) = block::extract(&SourceFile::new(file, old), body_start);
    let (after, _) = block::extract(&SourceFile::new(file, new), body_start);
    before.iter().zip(&after).map(|(b, a)| (b.line, (a.line, a.hash.clone()))).collect()
}

/// Applies non-overlapping edits to `text`; overlapping ones are left out.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for e in sorted {
        if e.span.start < last || e.span.end > text.len() {
            continue;
        }
        out.push_str(&text[last..e.span.start]);
        out.push_str(&e.text);
        last = e.span.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_only_the_edited_bytes() {
        let t = "a\n```text output\nold\n```\nz\n";
        let e = Edit { span: 17..21, text: "new\nlines\n".into() };
        assert_eq!(apply(t, &[e.clone(), Edit { span: 18..19, text: "x".into() }]), "a\n```text output\nnew\nlines\n```\nz\n");
        assert_eq!(apply(t, &[]), t);
    }
}
