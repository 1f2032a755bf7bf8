//! `cookbook verify` paths that need no Docker engine: block-grammar errors, `--list`
//! with partitions, and `--update` leaving every other byte of the file as it was.

mod common;
mod support;

use common::*;

#[test]
fn grammar_and_placeholder_errors_exit_2_and_run_nothing() {
    let book = fixture("errors");
    let out = cookbook(&["verify", "--root", &path_str(book.path())]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[verify-attr]: unknown attribute `tmeout`\n --> content/errors.md:3:16"), "{stderr}");
    assert!(
        stderr.contains("did you mean `timeout`? known attributes: verify, needs, timeout, exit, retries, hidden, cleanup, skip, output"),
        "{stderr}"
    );
    assert!(stderr.contains("error[verify-block]: `verify` on a `python` block\n --> content/errors.md:7:11"), "{stderr}");
    assert!(stderr.contains("error[verify-placeholder]: placeholder `<MISSING>` has no value\n  --> content/errors.md:12:16"), "{stderr}");
    assert!(stderr.contains("[verify.vars]") && stderr.contains("export MISSING="), "{stderr}");
    assert!(stderr.contains("error: 3 errors; nothing was run"), "{stderr}");
    assert!(!book.path().join(".cookbook").exists(), "nothing ran, so no report");
}

#[test]
fn partitions_cover_every_block_exactly_once() {
    let book = fixture("outcomes");
    let root = path_str(book.path());
    let lines = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["verify", "--root", &root, "--list"];
        args.extend(extra);
        let out = cookbook(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout).lines().filter(|l| l.starts_with("content/")).map(str::to_string).collect()
    };
    let all = lines(&[]);
    assert_eq!(all.len(), 22);
    let mut parts: Vec<String> = (1..=3).flat_map(|k| lines(&["--partition", &format!("{k}/3")])).collect();
    parts.sort();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(parts, sorted);
    assert!(all.contains(&"content/13-gpu.md:5\tneeds=docker,gpu\t\tGPU".to_string()), "{all:?}");
    let bad = cookbook(&["verify", "--root", &root, "--partition", "4/3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("invalid partition `4/3`"));
}

#[test]
fn update_rewrites_only_expected_output() {
    let book = fixture("update");
    let root = path_str(book.path());
    let page = book.path().join("content/page.md");
    let before = std::fs::read(&page).unwrap();
    let out = cookbook(&["verify", "--root", &root, "--update"]);
    let stdout = text(&out.stdout);
    // The quoted block cannot be rewritten in place, so it still fails the run.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("content/page.md:34: not updated: the expected output is inside a list or quote"),
        "{}",
        text(&out.stderr)
    );
    let after = std::fs::read(&page).unwrap();
    let before_text = String::from_utf8(before).unwrap();
    let expected = before_text.replacen("```text output\nold\n```", "```text output\nnew\nlines\n```", 1).replacen(
        "$ echo fresh\nstale\n",
        "$ echo fresh\nfresh\n",
        1,
    );
    assert_ne!(expected, before_text);
    assert_eq!(String::from_utf8(after).unwrap(), expected, "only the expected-output bytes may change");
    // The quoted block still fails (it could not be updated); everything else passes now.
    let again = cookbook(&["verify", "--root", &root, "page.md"]);
    assert_eq!(text(&again.stdout).lines().last(), Some("3 passed, 1 failed, 0 skipped"), "{}", text(&again.stdout));
    assert!(text(&again.stdout).contains("FAIL    content/page.md:35"), "{}", text(&again.stdout));
    let leftovers: Vec<_> = std::fs::read_dir(book.path().join("content")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[test]
fn no_engine_is_exit_3_when_docker_is_required_and_blocked_otherwise() {
    let book = fixture("outcomes");
    let root = path_str(book.path());
    let nowhere = "unix:///nonexistent/cookbook-test.sock";
    let out = cookbook_cmd(&["verify", "--root", &root, "--require", "docker"]).env("DOCKER_HOST", nowhere).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("error[verify-env]: Docker is required but no engine is reachable"), "{}", text(&out.stderr));
    let out = cookbook_cmd(&["verify", "--root", &root, "01-pass.md", "07-leak.md"]).env("DOCKER_HOST", nowhere).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("BLOCKED content/07-leak.md:3 A leak (0.00s): needs Docker; no engine is reachable"), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("2 passed, 0 failed, 0 skipped, 1 blocked"));
}

#[test]
fn fail_fast_stops_launching_blocks() {
    let book = fixture("outcomes");
    let out = cookbook_cmd(&[
        "verify",
        "--root",
        &path_str(book.path()),
        "--jobs",
        "1",
        "--fail-fast",
        "01-pass.md",
        "02-mismatch.md",
        "04-exit-one.md",
        "11-cleanup.md",
    ])
    .env("DOCKER_HOST", "unix:///nonexistent/cookbook-test.sock")
    .output()
    .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("SKIP    content/04-exit-one.md:3 Expected failure (0.00s): not run: --fail-fast stopped the run after a failure"),
        "{stdout}"
    );
    // The cleanup block still runs after --fail-fast stopped the page; its setup did not.
    assert!(stdout.contains("content/11-cleanup.md:7"), "{stdout}");
    assert!(stdout.contains("content/11-cleanup.md:3 Hidden and cleanup blocks (0.00s): not run: --fail-fast"), "{stdout}");
}
