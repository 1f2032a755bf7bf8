//! `--update`: the edits that replace differing expected output with what was seen,
//! like `TRYCMD=overwrite`. Only the expected-output bytes change; every other byte of
//! the file stays as it was. Writing the file (atomically) is the command's job.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::block::ExpectedKind;
use super::judge::Outcome;
use super::result::BlockResult;
use crate::core::source::Span;

/// A replacement of one byte range of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// Edits per file for blocks whose output differed, plus notes for those that cannot
/// be updated (a quoted or indented block, a transcript with several commands).
/// `texts` holds each file's current text.
pub fn edits(results: &[BlockResult], texts: &BTreeMap<PathBuf, String>) -> (BTreeMap<PathBuf, Vec<Edit>>, Vec<String>) {
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
        let Some(text) = texts.get(&r.block.file).and_then(|t| t.get(span.clone())) else { continue };
        let mut seen = r.output.clone();
        if !seen.is_empty() && !seen.ends_with('\n') {
            seen.push('\n');
        }
        if seen.lines().any(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~")) {
            notes.push(format!("{pos}: not updated: the output contains a code fence"));
            continue;
        }
        let new = match exp.kind {
            ExpectedKind::Block => seen,
            ExpectedKind::Transcript => {
                let prompt_lines: Vec<&str> = text.split_inclusive('\n').take_while(|l| l.starts_with("$ ") || l.starts_with("> ")).collect();
                let prompts: String = prompt_lines.concat();
                let rest = &text[prompts.len()..];
                if rest.split_inclusive('\n').any(|l| l.starts_with("$ ")) {
                    notes.push(format!("{pos}: not updated: a transcript with several commands"));
                    continue;
                }
                if seen.lines().any(|l| l.starts_with("$ ") || l.starts_with("> ")) {
                    notes.push(format!("{pos}: not updated: the output has lines that look like prompts"));
                    continue;
                }
                format!("{prompts}{seen}")
            }
        };
        out.entry(r.block.file.clone()).or_default().push(Edit { span, text: new });
    }
    (out, notes)
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
