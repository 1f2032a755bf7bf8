//! `cookbook … 2>&1 | head -1`: when the reader of stdout and stderr has gone, a command
//! stops printing, still does its work and exits with its usual code, not a panic (101).
//! The pipe is closed before the command starts, so every write fails, deterministically.

mod support;

use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

use support::TestBook;

/// A pipe whose reading end is already closed: writing to it fails with EPIPE.
fn closed_pipe() -> OwnedFd {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) fills in.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors were just created and are owned here only.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    write
}

/// Runs `cookbook args` in `book` with stdout and stderr on a closed pipe; its exit code.
fn run_into_closed_pipe(book: &TestBook, args: &[&str]) -> i32 {
    let pipe = closed_pipe();
    let status = Command::new(env!("CARGO_BIN_EXE_cookbook"))
        .args(args)
        .current_dir(book.dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(pipe.try_clone().unwrap()))
        .stderr(Stdio::from(pipe))
        .status()
        .unwrap();
    assert!(status.code().is_some(), "{args:?} was killed by a signal: {status:?}");
    status.code().unwrap()
}

#[test]
fn build_finishes_and_writes_the_site() {
    let book = TestBook::new("site");
    assert_eq!(run_into_closed_pipe(&book, &["build"]), 0);
    assert!(book.read("book/index.html").contains("<html"));
}

#[test]
fn a_failed_build_still_fails_with_its_code() {
    let book = TestBook::new("site");
    book.write("content/recipes.md", "+++\ntitle = \n+++\n# Broken\n");
    assert_eq!(run_into_closed_pipe(&book, &["build"]), 1);
}

#[test]
fn check_reports_its_findings_by_exit_code() {
    let book = TestBook::new("proof/check-bad");
    assert_eq!(run_into_closed_pipe(&book, &["check"]), 1);
    let clean = TestBook::new("proof/check-clean");
    assert_eq!(run_into_closed_pipe(&clean, &["check"]), 0);
}

#[test]
fn init_and_new_still_create_their_files() {
    let book = TestBook::empty();
    assert_eq!(run_into_closed_pipe(&book, &["init", "mybook"]), 0);
    assert!(book.path("mybook/book.toml").exists());
    assert_eq!(run_into_closed_pipe(&book, &["new", "shm-size", "--root", "mybook"]), 0);
    assert!(book.path("mybook/content/shm-size.md").exists());
}

#[test]
fn merge_reports_still_writes_the_merged_report() {
    let book = TestBook::new("proof/partitions");
    let inputs: Vec<String> = std::fs::read_dir(book.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert!(!inputs.is_empty());
    let mut args = vec!["merge-reports", "--out", "merged.json"];
    args.extend(inputs.iter().map(String::as_str));
    assert_eq!(run_into_closed_pipe(&book, &args), 0);
    assert!(book.read("merged.json").contains("\"blocks\""));
}

#[test]
fn help_and_usage_errors_exit_as_usual() {
    let book = TestBook::empty();
    assert_eq!(run_into_closed_pipe(&book, &["--help"]), 0);
    assert_eq!(run_into_closed_pipe(&book, &["build", "--no-such-flag"]), 2);
}
