//! The benchmarks' one corpus, from Rust: runs `benches/corpus.py` (the generator the build
//! benchmark uses too) and returns the mdBook-layout book it wrote, `<dir>/book`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes (once) the corpus of `pages` pages under `dir`; returns the book's root.
pub fn book(dir: &Path, pages: usize) -> PathBuf {
    let root = dir.join("book");
    if !root.join("src/SUMMARY.md").exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus.py");
        let status = Command::new("python3").arg(script).arg(pages.to_string()).arg(dir).status().expect("python3 runs benches/corpus.py");
        assert!(status.success(), "benches/corpus.py failed");
    }
    root
}
