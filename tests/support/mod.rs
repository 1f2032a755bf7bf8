//! Helpers shared by the integration tests: a raw HTTP client, a stand-in site builder,
//! fixture books copied to a temporary folder, and polling with a deadline.
#![allow(dead_code)]

pub mod browser;
pub mod fake_book;
pub mod http;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Copies `tests/fixtures/<case>` into a fresh temporary folder (tests edit their copy).
pub fn fixture(case: &str) -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().unwrap().join("book");
    copy_tree(&from, &root);
    (dir, root)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Calls `probe` until it returns `Some`, failing the test after `limit`.
pub fn eventually<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Writes a file the way an editor that saves via rename does: a temporary file, then rename.
pub fn save_via_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp-save");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
