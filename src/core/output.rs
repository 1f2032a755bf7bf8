//! One file of the rendered site, in memory: `serve` keeps these, `build` writes them.

use std::path::PathBuf;

/// A file of the site: its path relative to the site root (with `/` separators) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl Output {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        Output {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}
