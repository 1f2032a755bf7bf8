//! `cookbook verify` on the outcomes fixture book, against the real engine: one page per
//! outcome, checked through the JSON, JUnit, human and GitHub reports.

mod common;
mod support;

use std::collections::BTreeMap;
use std::process::Command;

use common::*;

/// `file:line` → (outcome, reason) from a JSON report.
fn outcomes(json: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    report_blocks(json).into_iter().map(|(at, b)| (at, (field(b, "outcome"), field(b, "reason")))).collect()
}

/// What the dead tag of `12-dead-tag.md` must be judged, asked of the engine itself: `stale`
/// where the registry answers "manifest unknown", `blocked` where it cannot be reached.
fn dead_tag_verdict() -> (&'static str, &'static str, u64) {
    let out = Command::new("docker").args(["pull", "busybox:0.0-cookbook-no-such-tag"]).output().expect("docker CLI");
    let said = text(&out.stderr);
    if said.contains("manifest unknown") || said.contains("not found") {
        ("stale", "no longer exists", 1)
    } else {
        assert!(said.contains("dial tcp") || said.contains("no such host") || said.contains("timeout"), "unexpected pull error: {said}");
        ("blocked", "registry is unreachable", 2)
    }
}

fn docker_ids(args: &[&str]) -> Vec<String> {
    let out = Command::new("docker").args(args).output().expect("docker CLI");
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn every_outcome_of_the_fixture_book() {
    let _lock = docker_lock();
    let Some(_engine) = docker("every_outcome_of_the_fixture_book") else { return };
    let book = fixture("outcomes");
    let root = path_str(book.path());
    // A container that existed before the run, unlabelled like a user's: never touched.
    let name = format!("cookbook-test-preexisting-{}", std::process::id());
    let created = Command::new("docker").args(["create", "--name", &name, IMAGE, "true"]).output().unwrap();
    assert!(created.status.success(), "{}", text(&created.stderr));

    let junit = book.path().join("junit.xml");
    let child = cookbook_cmd(&["verify", "--root", &root, "--junit", &path_str(&junit)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let run_prefix = format!("{:x}-", child.id());
    let out = child.wait_with_output().unwrap();
    let stdout = text(&out.stdout);
    let still_there = docker_ids(&["ps", "-aq", "--filter", &format!("name=^{name}$")]);
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();
    assert_eq!(out.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{}", text(&out.stderr));
    assert_eq!(still_there.len(), 1, "the pre-existing container was removed");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(book.path().join(".cookbook/verify.json")).unwrap()).unwrap();
    let got = outcomes(&json);
    let (dead_tag, dead_reason, dead_attempts) = dead_tag_verdict();
    let expect = [
        ("content/01-pass.md:5", "pass"),
        ("content/01-pass.md:15", "pass"),
        ("content/02-mismatch.md:3", "fail"),
        ("content/03-wrong-exit.md:3", "fail"),
        ("content/04-exit-one.md:3", "pass"),
        ("content/05-elision.md:3", "pass"),
        ("content/06-timeout.md:3", "timeout"),
        ("content/07-leak.md:3", "leaked"),
        ("content/08-self-clean.md:3", "pass"),
        ("content/08-self-clean.md:7", "pass"),
        ("content/09-placeholders.md:8", "pass"),
        ("content/09-placeholders.md:17", "pass"),
        ("content/10-exports.md:3", "pass"),
        ("content/10-exports.md:9", "pass"),
        ("content/11-cleanup.md:3", "pass"),
        ("content/11-cleanup.md:7", "pass"),
        ("content/11-cleanup.md:11", "fail"),
        ("content/12-dead-tag.md:3", dead_tag),
        ("content/13-gpu.md:5", "skipped"),
        ("content/13-gpu.md:11", "skipped"),
        ("content/13-gpu.md:17", "skipped"),
        ("content/13-gpu.md:21", "skipped"),
    ];
    let got_outcomes: Vec<(String, String)> = got.iter().map(|(k, (o, _))| (k.clone(), o.clone())).collect();
    let mut want: Vec<(String, String)> = expect.iter().map(|(k, o)| (k.to_string(), o.to_string())).collect();
    want.sort();
    assert_eq!(got_outcomes, want, "stdout:\n{stdout}");

    // Reasons say why.
    assert!(got["content/12-dead-tag.md:3"].1.contains(dead_reason), "{:?}", got["content/12-dead-tag.md:3"]);
    assert!(got["content/13-gpu.md:17"].1.contains("no GPU device driver"));
    assert!(got["content/07-leak.md:3"].1.contains("left container"));
    assert!(got["content/07-leak.md:3"].1.contains("network cookbook-fixture-net-"));
    let blocks = json["blocks"].as_array().unwrap();
    let block = |pos: &str| blocks.iter().find(|b| format!("{}:{}", b["file"].as_str().unwrap(), b["line"]) == pos).unwrap();
    assert_eq!(block("content/11-cleanup.md:7")["output"], "cleanup saw ready\n", "cleanup ran after the failure");
    assert_eq!(block("content/03-wrong-exit.md:3")["exit_code"], 3);
    assert_eq!(block("content/12-dead-tag.md:3")["attempts"], dead_attempts, "only blocked is transient: retried once");
    assert_eq!(block("content/13-gpu.md:5")["needs"], serde_json::json!(["docker", "gpu"]));
    assert_eq!(block("content/13-gpu.md:17")["missing"], "gpu", "the site badges it `skipped (needs GPU)`");
    assert_eq!(block("content/13-gpu.md:21")["missing"], serde_json::Value::Null);
    assert_eq!(block("content/01-pass.md:5")["hash"].as_str().unwrap().len(), 64);
    assert_eq!(json["summary"]["pass"], 12);
    assert_eq!(json["host"]["gpu"]["available"], false);
    assert!(json["run"]["started_at"].as_str().unwrap().ends_with('Z'));

    // Nothing the run created is left: no container, network or volume labelled with this
    // run's ID (another run on a shared engine labels its own), no process.
    for kind in [&["ps", "-a"][..], &["network", "ls"], &["volume", "ls"]] {
        let mut args = kind.to_vec();
        args.extend(["--filter", "label=io.cookbook.verify.page", "--format", "{{.Label \"io.cookbook.verify.page\"}}"]);
        let ours: Vec<String> = docker_ids(&args).into_iter().filter(|page| page.starts_with(&run_prefix)).collect();
        assert_eq!(ours, Vec::<String>::new(), "left behind: docker {args:?}");
    }
    assert_eq!(processes_of_run(&run_prefix), Vec::<String>::new(), "a block's process outlived the run");

    // Human report: lines per block, a diagnostic with the diff, the summary last.
    assert!(stdout.contains("FAIL    content/02-mismatch.md:3 Output mismatch ("), "{stdout}");
    assert!(stdout.contains("error[verify-fail]: output differs from the expected output\n --> content/02-mismatch.md:3:1"), "{stdout}");
    assert!(stdout.contains("    -2\n    +two\n"), "{stdout}");
    assert_eq!(stdout.lines().last().unwrap(), "12 passed, 3 failed, 4 skipped, 1 timed out, 1 blocked, 1 leaked");

    // JUnit: a suite per file, a case per block, failures for fail/timeout.
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 13, "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 22);
    assert!(xml.contains(r#"<testcase name="content/02-mismatch.md:3" classname="Output mismatch""#), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 4, "{xml}");
    assert!(xml.contains(r#"type="timeout""#));
    assert_eq!(xml.matches("<skipped ").count(), 5, "{xml}");
}

#[test]
fn github_report_and_json_file() {
    let _lock = docker_lock();
    let Some(_engine) = docker("github_report_and_json_file") else { return };
    let book = fixture("outcomes");
    let json_path = book.path().join("out/report.json");
    let out = cookbook_cmd(&[
        "verify",
        "--root",
        &path_str(book.path()),
        "02-mismatch.md",
        "exit",
        "04-exit-one.md",
        "--json",
        &path_str(&json_path),
    ])
    .env("GITHUB_ACTIONS", "true")
    .output()
    .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=content/02-mismatch.md,line=3,title=verify fail::output differs from the expected output%0A--- expected%0A+++ actual%0A"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=content/03-wrong-exit.md,line=3,title=verify fail::expected exit status 0, got exit status 3"),
        "{stdout}"
    );
    assert!(stdout.contains("::notice title=cookbook verify::1 passed, 2 failed, 0 skipped\n"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let files: Vec<&str> = json["pages"].as_array().unwrap().iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["content/02-mismatch.md", "content/03-wrong-exit.md", "content/04-exit-one.md"]);
    assert_eq!(json["pages"][2]["verified_at"], json["run"]["started_at"]);
    assert_eq!(json["pages"][0]["verified_at"], serde_json::Value::Null);
}

#[test]
fn required_gpu_absent_exits_3() {
    let _lock = docker_lock();
    let Some(engine) = docker("required_gpu_absent_exits_3") else { return };
    if engine.preflight().is_ok_and(|h| h.gpu.available) {
        eprintln!("skipping required_gpu_absent_exits_3: this host has a GPU");
        return;
    }
    let book = fixture("outcomes");
    let out = cookbook(&["verify", "--root", &path_str(book.path()), "--require", "docker,gpu", "01-pass.md"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("error[verify-env]: a GPU is required but this host has none"));
}

#[test]
fn required_registry_turns_blocked_into_failure() {
    let _lock = docker_lock();
    let Some(_engine) = docker("required_registry_turns_blocked_into_failure") else { return };
    let book = fixture("outcomes");
    let root = path_str(book.path());
    if dead_tag_verdict().0 != "blocked" {
        eprintln!("skipping required_registry_turns_blocked_into_failure: the registry is reachable, so nothing is blocked");
        return;
    }
    let plain = cookbook(&["verify", "--root", &root, "12-dead-tag.md"]);
    assert_eq!(plain.status.code(), Some(0), "blocked does not fail by default: {}", text(&plain.stdout));
    let required = cookbook(&["verify", "--root", &root, "12-dead-tag.md", "--require", "registry"]);
    assert_eq!(required.status.code(), Some(1), "{}", text(&required.stdout));
    assert!(text(&required.stdout).contains("error[verify-blocked]"));
}

#[test]
fn harness_builds_busybox_image_without_a_registry() {
    let _lock = docker_lock();
    let Some(engine) = docker("harness_builds_busybox_image_without_a_registry") else { return };
    let tag = format!("cookbook-test-busybox:{}", std::process::id());
    engine.import_rootfs(busybox_rootfs().expect("rootfs"), &tag, &["CMD [\"/bin/sh\"]", "ENV PATH=/bin"]).expect("import");
    let out = Command::new("docker")
        .args(["run", "--rm", &tag, "sh", "-c", "ls /bin/ls >/dev/null && cat /etc/passwd | head -1"])
        .output()
        .unwrap();
    let _ = Command::new("docker").args(["rmi", &tag]).output();
    assert_eq!(text(&out.stdout), "root:x:0:0:root:/root:/bin/sh\n", "{}", text(&out.stderr));
}
