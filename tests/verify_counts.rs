//! Every count `cookbook verify` takes on the command line, at its extremes: a huge
//! `--jobs` runs one worker per page at most (it used to spawn threads for ever), `0` runs
//! one. Needs the Docker engine (see tests/common).

mod common;
mod support;

use std::process::{Child, Stdio};
use std::time::Duration;

use common::*;
use support::eventually;

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs verify with `jobs` on the passing page; its exit code (the run must end in time).
fn verify_with_jobs(test: &str, jobs: &str) -> Option<i32> {
    let _lock = docker_lock();
    docker(test)?;
    let book = fixture("outcomes");
    let root = path_str(book.path());
    let child = cookbook_cmd(&["verify", "--root", &root, "--jobs", jobs, "content/01-pass.md"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run cookbook");
    // Killed if the wait below fails: a runaway run must not outlive the test.
    let mut child = KillOnDrop(child);
    let status = eventually(&format!("verify --jobs {jobs} to end"), Duration::from_secs(120), || child.0.try_wait().unwrap());
    let report = std::fs::read_to_string(book.path().join(".cookbook/verify.json")).expect("a report");
    assert!(report.contains("\"pass\""), "{report}");
    status.code()
}

#[test]
fn a_huge_jobs_count_runs_one_worker_per_page() {
    if let Some(code) = verify_with_jobs("a_huge_jobs_count_runs_one_worker_per_page", "18446744073709551615") {
        assert_eq!(code, 0);
    }
}

#[test]
fn zero_jobs_runs_one_worker() {
    if let Some(code) = verify_with_jobs("zero_jobs_runs_one_worker", "0") {
        assert_eq!(code, 0);
    }
}
