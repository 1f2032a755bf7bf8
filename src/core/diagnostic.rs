//! One diagnostic type for every problem a user can hit, printed like rustc:
//! `error[code]: message`, `--> file:line:col`, the source line under a gutter, `help:`.
//! Collecting and printing them is the caller's business; this file only shapes and renders.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{Level, Renderer, Snippet};

use super::source::{SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a file, a line and column, and the quoted line itself
/// (kept here so rendering never has to read the file again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub source_line: String,
    /// Byte range inside `source_line` to underline.
    pub underline: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable code, e.g. `summary`, `front-matter`, `verify-attr`.
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    pub label: String,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity, code, message: message.into(), location: None, label: String::new(), help: None, notes: Vec::new() }
    }

    /// Points at a byte span of a source file (clipped to the span's first line).
    pub fn at(mut self, src: &SourceFile, span: Span) -> Self {
        let (line, col) = src.line_col(span.start);
        let line_span = src.line_span(line);
        let start = span.start.clamp(line_span.start, line_span.end) - line_span.start;
        let end = span.end.clamp(line_span.start, line_span.end) - line_span.start;
        self.location = Some(Location {
            file: src.path.clone(),
            line,
            col,
            source_line: src.line_text(line).to_string(),
            underline: start..end.max(start),
        });
        self
    }

    /// Points at a whole 1-based line of a source file.
    pub fn at_line(self, src: &SourceFile, line: usize) -> Self {
        let span = src.line_span(line);
        let text = &src.text[span.clone()];
        let indent = text.len() - text.trim_start().len();
        self.at(src, span.start + indent..span.end)
    }

    /// Points at a file as a whole, when no line is known (a missing or unreadable file).
    pub fn in_file(mut self, file: &Path) -> Self {
        self.location = Some(Location { file: file.to_path_buf(), line: 0, col: 0, source_line: String::new(), underline: 0..0 });
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, or just the file when no line is known.
    pub fn position(&self) -> Option<String> {
        let loc = self.location.as_ref()?;
        Some(match loc.line {
            0 => loc.file.display().to_string(),
            line => format!("{}:{}:{}", loc.file.display(), line, loc.col),
        })
    }

    /// Renders like rustc; `color` adds ANSI styles for a terminal.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let origin = self.location.as_ref().map(|l| l.file.display().to_string());
        // annotate-snippets wants a non-empty underline inside the text; pad an
        // end-of-line caret with a space so it has a character to point at.
        let quoted = self.location.as_ref().filter(|l| l.line > 0).map(|loc| {
            let mut shown = loc.source_line.clone();
            let mut range = loc.underline.clone();
            if range.start >= range.end {
                if range.start >= shown.len() {
                    shown.push(' ');
                    range = shown.len() - 1..shown.len();
                } else {
                    let next = shown[range.start..].chars().next().map_or(1, char::len_utf8);
                    range = range.start..range.start + next;
                }
            }
            (loc.line, shown, range)
        });
        let mut message = level.title(&self.message).id(self.code);
        if let (Some((line, shown, range)), Some(origin)) = (&quoted, &origin) {
            let snippet = Snippet::source(shown)
                .line_start(*line)
                .origin(origin)
                .fold(false)
                .annotation(level.span(range.clone()).label(&self.label));
            message = message.snippet(snippet);
        }
        let file_only = self.location.as_ref().filter(|l| l.line == 0).map(|l| format!("in {}", l.file.display()));
        if let Some(f) = &file_only {
            message = message.footer(Level::Note.title(f));
        }
        for n in &self.notes {
            message = message.footer(Level::Note.title(n));
        }
        if let Some(h) = &self.help {
            message = message.footer(Level::Help.title(h));
        }
        let text = renderer.render(message).to_string();
        text
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Sorts diagnostics by file, line and column so reports are deterministic.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.location.as_ref().map(|l| (l.file.clone(), l.line, l.col)).unwrap_or_default();
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = SourceFile::new("content/gpu.md", "# GPU\n\n```bash verify tmeout=5s\n");
        let d = Diagnostic::error("verify-attr", "unknown attribute `tmeout`")
            .at(&src, 22..28)
            .label("not a verify attribute")
            .help("did you mean `timeout`?");
        let text = d.render(false);
        assert_eq!(
            text,
            "error[verify-attr]: unknown attribute `tmeout`\n \
            --> content/gpu.md:3:16\n  \
             |\n\
             3 | ```bash verify tmeout=5s\n  \
             |                ^^^^^^ not a verify attribute\n  \
             |\n  \
             = help: did you mean `timeout`?"
        );
        assert_eq!(d.position().unwrap(), "content/gpu.md:3:16");
    }

    #[test]
    fn end_of_line_and_empty_lines_do_not_panic() {
        let src = SourceFile::new("a.md", "abc\n\n");
        for span in [3..3, 4..4, 5..5, 0..100] {
            let d = Diagnostic::warning("x", "m").at(&src, span);
            assert!(d.render(false).contains("a.md"));
        }
        let d = Diagnostic::error("io", "cannot read").in_file(Path::new("b.md"));
        assert!(d.render(false).contains("in b.md"));
    }
}
