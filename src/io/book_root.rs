//! Where the book is when `--root` is left at `.`: like cargo with Cargo.toml, the nearest
//! folder from here up that holds a `book.toml`. A folder that is a book without one
//! (an mdBook with only `src/`) is used as it is; nothing is searched when `--root` names
//! another folder.

use std::path::{Path, PathBuf};

/// The folder to load: `root` itself unless it is `.` with no `book.toml`, a `content/`
/// or a `src/` in it and an enclosing folder has a `book.toml`.
pub fn find(root: &Path) -> PathBuf {
    let is_book = |d: &Path| d.join("book.toml").is_file();
    if root != Path::new(".") || is_book(root) || root.join("content").is_dir() || root.join("src").is_dir() {
        return root.to_path_buf();
    }
    let Ok(here) = std::env::current_dir() else {
        return root.to_path_buf();
    };
    here.ancestors().skip(1).find(|d| is_book(d)).map_or_else(|| root.to_path_buf(), Path::to_path_buf)
}
