//! The runner under abuse: huge durations and counts, a closed stdout, SIGTERM, a second
//! Ctrl-C during a hanging cleanup, cleanup of pages that never started. No engine needed:
//! the blocks are plain shell.

mod common;
mod support;

use std::process::{Child, Stdio};

use common::*;

fn book(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = "[book]\ntitle = \"Robust\"\n\n[verify]\njobs = 1\ntimeout = \"60s\"\nrequire = []\n";
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    for (name, text) in pages {
        std::fs::write(dir.path().join("content").join(name), text).unwrap();
    }
    dir
}

fn spawn(args: &[&str], marks: &std::path::Path) -> Child {
    cookbook_cmd(args).env("COOKBOOK_TEST_DIR", marks).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn cookbook")
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
}

/// The child's exit status within `secs`, or `None` after killing it (SIGKILL: a run that
/// ignores SIGTERM must not outlive the test).
fn wait_or_kill(child: &mut Child, secs: u64) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

fn no_panic(stderr: &str) {
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn huge_durations_are_diagnostics_not_panics() {
    let dir = book(&[("a.md", "# A\n\n```bash verify timeout=99999999999999999999h\ntrue\n```\n")]);
    let root = path_str(dir.path());
    for cmd in [&["verify", "--root", &root][..], &["check", "--root", &root]] {
        let out = cookbook(cmd);
        let stderr = text(&out.stderr);
        no_panic(&stderr);
        assert_eq!(out.status.code(), Some(if cmd[0] == "verify" { 2 } else { 1 }), "{cmd:?}: {stderr}");
        assert!(stderr.contains("invalid timeout `99999999999999999999h`"), "{cmd:?}: {stderr}");
    }
    let ok = book(&[("a.md", "# A\n\n```bash verify\ntrue\n```\n")]);
    let root = path_str(ok.path());
    let out = cookbook(&["verify", "--root", &root, "--timeout", "99999999999999999999h"]);
    no_panic(&text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    // Representable, but past what a clock can add: no deadline, not a panic.
    let out = cookbook(&["verify", "--root", &root, "--timeout", "10000000000000000000s"]);
    no_panic(&text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_huge_job_count_is_capped() {
    let dir = book(&[("a.md", "# A\n\n```bash verify\ntrue\n```\n")]);
    let marks = tempfile::tempdir().unwrap();
    let mut child = spawn(&["verify", "--root", &path_str(dir.path()), "--jobs", "18446744073709551615"], marks.path());
    let status = wait_or_kill(&mut child, 20);
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_closed_stdout_stops_printing_not_the_run() {
    let dir = book(&[("a.md", "# A\n\n```bash verify\ntrue\n```\n"), ("b.md", "# B\n\n```bash verify\ntrue\n```\n")]);
    let marks = tempfile::tempdir().unwrap();
    let mut child = spawn(&["verify", "--root", &path_str(dir.path())], marks.path());
    drop(child.stdout.take());
    let status = support::eventually("verify to finish", std::time::Duration::from_secs(30), || child.try_wait().expect("wait"));
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    no_panic(&stderr);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(dir.path().join(".cookbook/verify.json").exists(), "the report is written");
}

#[test]
fn sigterm_exits_143_after_cleanup() {
    let dir = book(&[(
        "a.md",
        "# A\n\n```bash verify\ntouch \"$COOKBOOK_TEST_DIR/started\"\nsleep 300 & wait\n```\n\n```bash verify cleanup\ntouch \"$COOKBOOK_TEST_DIR/cleaned\"\n```\n",
    )]);
    let marks = tempfile::tempdir().unwrap();
    let mut child = spawn(&["verify", "--root", &path_str(dir.path())], marks.path());
    support::eventually("the block to start", std::time::Duration::from_secs(30), || marks.path().join("started").exists().then_some(()));
    signal(&child, libc::SIGTERM);
    let status =
        support::eventually("verify to exit after SIGTERM", std::time::Duration::from_secs(30), || child.try_wait().expect("wait"));
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(143), "{}\n{}", text(&out.stdout), text(&out.stderr));
    assert!(marks.path().join("cleaned").exists(), "cleanup ran");
}

#[test]
fn a_second_ctrl_c_during_a_hanging_cleanup_exits_at_once() {
    let dir = book(&[(
        "a.md",
        "# A\n\n```bash verify\ntouch \"$COOKBOOK_TEST_DIR/started\"\nsleep 300 & wait\n```\n\n\
         ```bash verify cleanup\ntouch \"$COOKBOOK_TEST_DIR/cleaning\"\nsleep 297 & wait\n```\n",
    )]);
    let marks = tempfile::tempdir().unwrap();
    let mut child = spawn(&["verify", "--root", &path_str(dir.path())], marks.path());
    let run_prefix = format!("{:x}-", child.id());
    support::eventually("the block to start", std::time::Duration::from_secs(30), || marks.path().join("started").exists().then_some(()));
    signal(&child, libc::SIGINT);
    support::eventually("the cleanup to hang", std::time::Duration::from_secs(30), || {
        processes_of_run(&run_prefix).iter().any(|p| p.starts_with("sleep 297")).then_some(())
    });
    signal(&child, libc::SIGINT);
    let status = wait_or_kill(&mut child, 10);
    assert_eq!(status.and_then(|s| s.code()), Some(130), "a second Ctrl-C did not stop it within 10s");
    support::eventually("the cleanup's processes to be killed", std::time::Duration::from_secs(10), || {
        processes_of_run(&run_prefix).is_empty().then_some(())
    });
}

#[test]
fn cleanup_runs_only_for_pages_that_started() {
    let dir = book(&[
        ("a.md", "# A\n\n```bash verify\nexit 1\n```\n"),
        ("b.md", "# B\n\n```bash verify\ntrue\n```\n\n```bash verify cleanup\ntouch \"$COOKBOOK_TEST_DIR/b-cleanup\"\n```\n"),
        (
            "c.md",
            "+++\n[verify]\nskip = true\n+++\n# C\n\n```bash verify\ntrue\n```\n\n```bash verify cleanup\ntouch \"$COOKBOOK_TEST_DIR/c-cleanup\"\n```\n",
        ),
    ]);
    let marks = tempfile::tempdir().unwrap();
    let child = spawn(&["verify", "--root", &path_str(dir.path()), "--fail-fast"], marks.path());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!marks.path().join("b-cleanup").exists(), "b never started (--fail-fast), so nothing to clean up");
    assert!(!marks.path().join("c-cleanup").exists(), "c is skipped, so nothing to clean up");
}

#[test]
fn help_lists_the_signal_exit_codes() {
    let out = cookbook(&["--help"]);
    let help = text(&out.stdout);
    assert!(help.contains("130") && help.contains("143"), "{help}");
}

#[test]
fn reports_are_safe_to_show() {
    let dir = book(&[("a.md", "# A\n\n```bash verify\nprintf 'a\\033[2Jb\\n::add-mask::secret\\n::error::fake\\n'\nexit 1\n```\n")]);
    let root = path_str(dir.path());
    let out = cookbook(&["verify", "--root", &root, "--report", "github"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "a terminal escape reached the report:\n{stdout}");
    assert!(stdout.contains("a\\x1b[2Jb"), "{stdout}");
    let stop = stdout.lines().position(|l| l.starts_with("::stop-commands::")).expect("commands stopped");
    let token = stdout.lines().nth(stop).unwrap().trim_start_matches("::stop-commands::").to_string();
    let resume = stdout.lines().position(|l| l == format!("::{token}::")).expect("commands resumed");
    for (i, line) in stdout.lines().enumerate() {
        if line.starts_with("::add-mask::") || line.starts_with("::error::") {
            assert!(stop < i && i < resume, "line {i} is a live workflow command:\n{stdout}");
        }
    }
    let out = cookbook(&["verify", "--root", &root]);
    assert!(!text(&out.stdout).contains('\u{1b}'), "{}", text(&out.stdout));
}
