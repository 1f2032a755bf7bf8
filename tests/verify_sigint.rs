//! Ctrl-C in the middle of `cookbook verify`: running blocks are killed with their
//! process groups, cleanup blocks still run, and no container, network, volume or
//! process of the run is left behind.

mod common;
mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use support::eventually;

fn labelled(kind: &[&str], run_prefix: &str) -> Vec<String> {
    let mut args = kind.to_vec();
    args.extend(["--filter", "label=io.cookbook.verify.page", "--format", "{{.Label \"io.cookbook.verify.page\"}}"]);
    let out = Command::new("docker").args(&args).output().expect("docker CLI");
    text(&out.stdout).lines().filter(|l| l.starts_with(run_prefix)).map(str::to_string).collect()
}

#[test]
fn sigint_mid_run_leaves_nothing_behind() {
    let _lock = docker_lock();
    let Some(_engine) = docker("sigint_mid_run_leaves_nothing_behind") else { return };
    let book = fixture("sigint");
    let marks = tempfile::tempdir().unwrap();
    let mut child = cookbook_cmd(&["verify", "--root", &path_str(book.path())])
        .env("COOKBOOK_TEST_DIR", marks.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cookbook");
    let run_prefix = format!("{:x}-", child.id());
    // If an assertion fails before the SIGINT, still stop the run (it cleans up after itself).
    let guard = InterruptOnDrop(child.id() as i32);
    // Mid-run: both pages have created their resources and sit in long blocks.
    eventually("both pages to start", Duration::from_secs(60), || {
        let started = marks.path().join("a-started").exists() && marks.path().join("b-started").exists();
        let sleeping = processes_of_run(&run_prefix).iter().filter(|p| p.starts_with("sleep 300")).count() >= 2;
        (started && sleeping).then_some(())
    });
    assert_eq!(labelled(&["ps", "-a"], &run_prefix).len(), 1);
    assert_eq!(labelled(&["network", "ls"], &run_prefix).len(), 1);
    assert_eq!(labelled(&["volume", "ls"], &run_prefix).len(), 1, "`docker volume create` with no name is labelled too");
    drop(guard);
    let status = eventually("cookbook to exit after SIGINT", Duration::from_secs(60), || child.try_wait().expect("wait"));
    let out = child.wait_with_output().expect("output");
    let stdout = text(&out.stdout);
    assert_eq!(status.code(), Some(130), "stdout:\n{stdout}\nstderr:\n{}", text(&out.stderr));
    assert!(marks.path().join("a-cleanup").exists(), "the cleanup block ran after Ctrl-C:\n{stdout}");
    assert!(stdout.contains("(interrupted)"), "{stdout}");
    assert_eq!(processes_of_run(&run_prefix), Vec::<String>::new(), "processes of the run survived");
    for kind in [&["ps", "-a"][..], &["network", "ls"], &["volume", "ls"]] {
        assert_eq!(labelled(kind, &run_prefix), Vec::<String>::new(), "left behind: docker {kind:?}");
    }
}

struct InterruptOnDrop(i32);

impl Drop for InterruptOnDrop {
    fn drop(&mut self) {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.0, libc::SIGINT);
        }
    }
}
