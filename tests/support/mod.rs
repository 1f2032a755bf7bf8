//! A small builder for whole-command tests: copy a fixture book to a temp folder, run the
//! `cookbook` binary in it, assert on the exit code and output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestBook {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
}

impl TestBook {
    /// A copy of `tests/fixtures/<case>/`.
    pub fn new(case: &str) -> TestBook {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case), dir.path());
        TestBook { dir }
    }

    /// An empty folder.
    pub fn empty() -> TestBook {
        TestBook { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let output =
            Command::new(env!("CARGO_BIN_EXE_cookbook")).args(args).current_dir(self.dir.path()).env("NO_COLOR", "1").output().unwrap();
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            output,
        }
    }
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn success(&self) -> &Self {
        assert_eq!(self.code(), 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn fails_with(&self, code: i32) -> &Self {
        assert_eq!(self.code(), code, "unexpected exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        self
    }

    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(self.stdout.contains(needle), "stdout lacks {needle:?}:\n{}", self.stdout);
        self
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, with its bytes, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

// ---- serve tests: a raw HTTP client, a stand-in builder, a headless browser ----

pub mod browser;
pub mod fake_book;
pub mod http;
pub mod static_server;

use std::time::{Duration, Instant};

/// Copies `tests/fixtures/<case>` into `<tmp>/book` (tests edit their copy); the temporary
/// folder around it lets tests put files beside the book (things that must never be served).
pub fn fixture(case: &str) -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().unwrap().join("book");
    copy_dir(&from, &root);
    (dir, root)
}

/// Calls `probe` until it returns `Some`, failing the test after `limit`: the one way tests
/// wait for a condition (never a bare sleep).
pub fn eventually<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until something listens on the local `port` (a server a test started).
pub fn until_listening(what: &str, port: u16) {
    eventually(what, Duration::from_secs(20), || std::net::TcpStream::connect(("127.0.0.1", port)).ok().map(drop));
}

/// Writes a file the way an editor that saves via rename does: a temporary file, then rename.
pub fn save_via_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp-save");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
