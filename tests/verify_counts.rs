//! Every count `cookbook verify` takes on the command line, at its extremes: a huge
//! `--jobs` runs one worker per page at most (it used to spawn threads for ever), `0` runs
//! one. Needs the Docker engine (see tests/common).

mod common;
mod support;

use std::process::Stdio;

use common::*;

/// Runs verify with `jobs` on the passing page; its exit code (the run must end in time).
fn verify_with_jobs(test: &str, jobs: &str) -> Option<i32> {
    let _lock = docker_lock();
    docker(test)?;
    let book = fixture("outcomes");
    let root = path_str(book.path());
    let mut child = cookbook_cmd(&["verify", "--root", &root, "--jobs", jobs, "content/01-pass.md"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run cookbook");
    let ended = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > ended {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let status = status.unwrap_or_else(|| panic!("verify --jobs {jobs} did not end within 120s"));
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
