//! One file of the rendered site, in memory: `serve` keeps these, `build` writes them.

use std::path::PathBuf;
use std::sync::Arc;

/// A file of the site: its path relative to the site root (with `/` separators) and bytes.
/// The bytes are shared, so a rebuild that keeps a page and a server that serves it hold
/// one copy between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub bytes: Arc<[u8]>,
}

impl Output {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        Output { path: path.into(), bytes: Arc::from(bytes.into()) }
    }
}
