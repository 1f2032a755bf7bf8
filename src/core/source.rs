//! A source file and its line index: every parsed item points back into one of these.
//! Holds text only; reading files from disk is `io::load`'s job.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range into a [`SourceFile`]'s text.
pub type Span = Range<usize>;

/// The text of one file, with the byte offset where each line starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path shown to users: relative to the book root where possible.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { path: path.into(), text, line_starts }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }

    /// The byte range of a 1-based line, without its line terminator.
    pub fn line_span(&self, line: usize) -> Span {
        let idx = line.clamp(1, self.line_starts.len()) - 1;
        let start = self.line_starts[idx];
        let mut end = self.line_starts.get(idx + 1).map_or(self.text.len(), |&n| n - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_span(line)]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let f = SourceFile::new("a.md", "one\r\ntwo\nthrée x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(5), (2, 1));
        assert_eq!(f.line_col(16), (3, 7)); // the "x", after a 2-byte char
        assert_eq!(f.line_text(1), "one");
        assert_eq!(f.line_text(3), "thrée x");
        assert_eq!(f.line_text(4), "");
        assert_eq!(f.line_count(), 4);
        assert_eq!(f.line_col(999), (4, 1));
    }
}
