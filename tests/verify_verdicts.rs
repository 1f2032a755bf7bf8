//! Verdicts that must be earned: each case is a small book written to make `cookbook
//! verify` report green while a recipe is broken (or nothing ran), run through the binary.
//! Cases without `docker` in their blocks need no engine; the others skip without one
//! (and fail under `COOKBOOK_REQUIRE_DOCKER=1`).

mod common;
mod support;

use std::collections::BTreeMap;

use common::*;

/// A book in a temporary folder: `book.toml` plus `content/<name>` pages.
fn book(toml_extra: &str, pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = format!("[book]\ntitle = \"Verdicts\"\n\n[verify]\njobs = 2\ntimeout = \"60s\"\nrequire = []\n{toml_extra}");
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    for (name, text) in pages {
        std::fs::write(dir.path().join("content").join(name), text).unwrap();
    }
    dir
}

/// `file:line` → (outcome, reason, attempts) from the run's JSON report.
fn verdicts(dir: &tempfile::TempDir) -> BTreeMap<String, (String, String, u64)> {
    let text = std::fs::read_to_string(dir.path().join(".cookbook/verify.json")).expect("a JSON report");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    report_blocks(&json)
        .into_iter()
        .map(|(at, b)| (at, (field(b, "outcome"), field(b, "reason"), b["attempts"].as_u64().unwrap_or(0))))
        .collect()
}

fn verify(dir: &tempfile::TempDir, extra: &[&str]) -> (Option<i32>, String, String) {
    let root = path_str(dir.path());
    let mut args = vec!["verify", "--root", root.as_str()];
    args.extend(extra);
    let out = cookbook(&args);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// Case 1: a registry on loopback that the page forgot to start, and a refused connection
/// printed by the script, are the page's failures, not a blocked environment.
#[test]
fn dead_local_registry_and_refused_connections_fail() {
    let _lock = docker_lock();
    let Some(_engine) = docker("dead_local_registry_and_refused_connections_fail") else {
        return;
    };
    let dir = book(
        "",
        &[
            ("a.md", "# Local registry\n\n```bash verify retries=2\ndocker pull 127.0.0.1:9/team/base:1\n```\n"),
            (
                "b.md",
                "# A service\n\n```bash verify retries=2\necho 'Get \"https://registry-1.docker.io/v2/\": dial tcp 10.1.2.3:443: connect: connection refused' >&2\nexit 1\n```\n",
            ),
        ],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let v = verdicts(&dir);
    assert_eq!(v["content/a.md:3"].0, "fail", "{:?}", v["content/a.md:3"]);
    assert_eq!(v["content/a.md:3"].2, 1, "a failure is not retried");
    assert_eq!(v["content/b.md:3"].0, "fail", "{:?}", v["content/b.md:3"]);
    assert_eq!(v["content/b.md:3"].2, 1, "a failure is not retried");
}

/// Case 1: `blocked` and `stale` come only from the docker CLI's own errors (its stderr and
/// exit status, recorded by the shim), never from text a script or a container printed.
#[test]
fn printed_docker_errors_are_never_blocked_or_stale() {
    let offline = "Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host";
    let dir = book(
        "",
        &[
            ("a.md", &format!("# Printed\n\n```bash verify\necho \"{offline}\"\n```\n")),
            ("b.md", &format!("# Printed, failing\n\n```bash verify\necho \"{offline}\" >&2\nexit 1\n```\n")),
            (
                "c.md",
                "# Dead tag, printed\n\n```bash verify\necho 'docker: Error response from daemon: manifest for x:1 not found: manifest unknown' >&2\nexit 125\n```\n",
            ),
            ("d.md", "# Flag, printed\n\n```bash verify\necho 'unknown flag: --gpu'\nexit 125\n```\n"),
        ],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let v = verdicts(&dir);
    let got: Vec<(&str, &str)> = v.iter().map(|(k, (o, _, _))| (k.as_str(), o.as_str())).collect();
    assert_eq!(got, [("content/a.md:3", "pass"), ("content/b.md:3", "fail"), ("content/c.md:3", "fail"), ("content/d.md:3", "fail")]);
}

/// Case 1, the other side: the docker CLI's own errors still judge: a registry that cannot
/// be reached (this machine has no network; `.invalid` never resolves) is blocked, and a
/// container that prints the same words on its stderr is the page's failure.
#[test]
fn the_docker_clis_own_errors_still_judge() {
    let _lock = docker_lock();
    let Some(_engine) = docker("the_docker_clis_own_errors_still_judge") else {
        return;
    };
    let said =
        "Error response from daemon: Get \\\"https://registry-1.docker.io/v2/\\\": dial tcp: lookup registry-1.docker.io: no such host";
    let dir = book(
        "",
        &[
            ("a.md", "# Remote\n\n```bash verify needs=registry\ndocker pull registry.example.invalid/team/base:1\n```\n"),
            ("b.md", &format!("# Container\n\n```bash verify\ndocker run --rm {IMAGE} sh -c \"echo '{said}' >&2; exit 1\"\n```\n")),
            ("c.md", &format!("# Transcript\n\n```console verify\n$ echo hi\nhi\n$ docker run --no-such-flag {IMAGE} true\n```\n")),
        ],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let v = verdicts(&dir);
    assert_eq!(v["content/a.md:3"].0, "blocked", "{:?}", v["content/a.md:3"]);
    assert!(v["content/a.md:3"].1.contains("registry.example.invalid"), "{:?}", v["content/a.md:3"]);
    assert_eq!(v["content/b.md:3"].0, "fail", "{:?}", v["content/b.md:3"]);
    let (outcome, reason, _) = &v["content/c.md:3"];
    assert_eq!(outcome, "stale", "{reason}");
    assert!(reason.contains("unknown flag: --no-such-flag at content/c.md:6:"), "the command in a transcript: {reason}");
}

/// Case 2: needs come from the commands, not from words in strings or comments.
#[test]
fn needs_are_inferred_from_commands_only() {
    let dir = book(
        "",
        &[(
            "a.md",
            "# GPU words\n\n```bash verify\necho \"pass --gpus all to docker run\"\n# then run nvidia-smi on the host\nprintf '%s\\n' 'docker run --runtime nvidia'\n```\n\n\
             ```bash verify\ndocker run --rm --gpus all busybox true\n```\n\n```bash verify\nnvidia-smi -L\n```\n\n\
             ```bash verify\ndocker create --device=nvidia.com/gpu=all busybox\n```\n",
        )],
    );
    let (code, stdout, stderr) = verify(&dir, &["--list"]);
    assert_eq!(code, Some(0), "{stderr}");
    let needs: Vec<&str> = stdout.lines().filter(|l| l.starts_with("content/")).map(|l| l.split('\t').nth(1).unwrap()).collect();
    assert_eq!(needs, ["needs=-", "needs=docker,gpu", "needs=gpu", "needs=docker,gpu"], "{stdout}");
    // And the first block really runs (and passes) on a host without a GPU.
    let (code, stdout, stderr) = verify(&dir, &["a.md:3"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(verdicts(&dir)["content/a.md:3"].0, "pass");
}

/// Case 3: a failing command on the left of a pipe fails the block (unless the block
/// opts out with `set +o pipefail`).
#[test]
fn pipelines_fail_when_any_command_fails() {
    let dir = book(
        "",
        &[("a.md", "# Pipes\n\n```bash verify\nfalse | cat\necho not reached\n```\n\n```bash verify\nset +o pipefail\nfalse | cat\n```\n")],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let v = verdicts(&dir);
    assert_eq!(v["content/a.md:3"].0, "fail", "{:?}", v["content/a.md:3"]);
    assert_eq!(v["content/a.md:8"].0, "skipped", "the page stopped at its failure");
    let dir = book("", &[("a.md", "# Opt out\n\n```bash verify\nset +o pipefail\nfalse | cat\n```\n")]);
    assert_eq!(verify(&dir, &[]).0, Some(0));
}

/// Case 3 against the engine: the image does not exist, the pipe must not hide it.
#[test]
fn docker_failure_in_a_pipe_is_not_a_pass() {
    let _lock = docker_lock();
    let Some(_engine) = docker("docker_failure_in_a_pipe_is_not_a_pass") else {
        return;
    };
    let dir = book("", &[("a.md", "# Pipe\n\n```bash verify\ndocker run --rm no-such-image-cookbook:1 echo hi | cat\n```\n")]);
    let (_, stdout, stderr) = verify(&dir, &[]);
    let v = verdicts(&dir);
    assert_ne!(v["content/a.md:3"].0, "pass", "{stdout}\n{stderr}");
}

/// Case 4: with `output=both`, stdout and stderr arrive in the order they were written.
#[test]
fn merged_output_keeps_the_order_it_was_written_in() {
    let mut expected = String::new();
    for i in 1..=200 {
        expected.push_str(&format!("out {i}\nerr {i}\n"));
    }
    let page = format!(
        "# Order\n\n```bash verify\nfor i in $(seq 200); do echo \"out $i\"; echo \"err $i\" >&2; done\n```\n\n```text output\n{expected}```\n\n\
         ```bash verify output=stdout\necho 1; echo 2 >&2; echo 3\n```\n\n```text output\n1\n3\n```\n"
    );
    let dir = book("", &[("a.md", &page)]);
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

/// Case 5: a block's own EXIT trap runs, and its exports still reach the next block.
#[test]
fn exports_survive_a_blocks_own_exit_trap() {
    let dir = book(
        "",
        &[(
            "a.md",
            "# Traps\n\n```bash verify\nexport ID=abc123\ntrap 'echo bye' EXIT\n```\n\n```text output\nbye\n```\n\n\
             ```bash verify\n( trap 'echo sub' EXIT; true )\ntrap - EXIT\necho \"[$ID]\"\n```\n\n```text output\nsub\n[abc123]\n```\n",
        )],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

/// Case 5 under a POSIX shell (dash), where `trap` cannot be wrapped: a block that sets its
/// own EXIT trap and ends normally still hands its exports on, and keeps its exit status.
#[test]
fn exports_survive_a_blocks_own_exit_trap_under_sh() {
    let dir = book(
        "shell = \"sh\"\n",
        &[(
            "a.md",
            "# Traps\n\n```bash verify\nexport ID=abc123\ntrap 'echo bye' EXIT\n```\n\n```text output\nbye\n```\n\n\
             ```bash verify\necho \"[$ID]\"\n```\n\n```text output\n[abc123]\n```\n\n\
             ```bash verify exit=1\ntrap 'true' EXIT\nfalse && true\n```\n",
        )],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

/// What the runner adds after a block's script never joins the block's last line, even one
/// that ends in a `\` continuation; a block that ends without errexit keeps the line of its
/// earlier failure; and a block's own `trap - ERR` resets its ERR trap.
#[test]
fn the_runners_own_lines_stay_apart_from_the_blocks() {
    let dir = book(
        "",
        &[(
            "a.md",
            "# Ends\n\n```bash verify\necho hi \\\n```\n\n```text output\nhi\n```\n\n\
             ```bash verify exit=1\nset +e\nfalse\nfalse && true\n```\n\n\
             ```bash verify\nset +e\ntrap 'echo oops' ERR\ntrap - ERR\nfalse\necho done\n```\n\n```text output\ndone\n```\n",
        )],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let with_e = book("", &[("a.md", "# Ends\n\n```bash verify\nset +e\nfalse\nfalse && true\n```\n")]);
    let (code, stdout, _) = verify(&with_e, &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("content/a.md:5"), "the failing command's line: {stdout}");
}

/// Case 6: an unclosed fence is an error at its line in build, check and verify.
#[test]
fn an_unclosed_fence_is_an_error_everywhere() {
    let page = "# Setup\n\n```text\nnot closed\n\n```bash verify\nexit 1\n```\n";
    for cmd in ["build", "check", "verify"] {
        let dir = book("", &[("a.md", page)]);
        let out = cookbook(&[cmd, "--root", &path_str(dir.path())]);
        let stderr = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{cmd}: {stderr}");
        assert!(stderr.contains("error[fence]: code block is never closed") && stderr.contains("--> content/a.md:3"), "{cmd}: {stderr}");
    }
}

/// Case 7: a selection that matches nothing is a usage error naming the filter.
#[test]
fn a_selection_that_matches_nothing_exits_2() {
    let dir = book("", &[("a.md", "# A\n\n```bash verify\ntrue\n```\n")]);
    let (code, _, stderr) = verify(&dir, &["no-such-page.md"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no verify block matches `no-such-page.md`"), "{stderr}");
    let (code, _, stderr) = verify(&dir, &["a.md"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// Case 8: a shell that cannot start stops the run before anything runs: exit 3.
#[test]
fn a_shell_that_cannot_start_exits_3() {
    let dir = book("shell = \"bsh-no-such-shell\"\n", &[("a.md", "# A\n\n```bash verify\ntrue\n```\n")]);
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
    assert!(stderr.contains("bsh-no-such-shell"), "{stderr}");
    assert!(!dir.path().join(".cookbook/verify.json").exists(), "nothing ran");
}

/// Case 9: stale end to end: an unknown flag, an unknown subcommand, a removed command.
#[test]
fn stale_docs_are_judged_stale_end_to_end() {
    let _lock = docker_lock();
    let Some(_engine) = docker("stale_docs_are_judged_stale_end_to_end") else {
        return;
    };
    let dir = book(
        "",
        &[
            ("a.md", "# Flag\n\n```bash verify\ndocker run --no-such-flag busybox:latest true\n```\n"),
            ("b.md", "# Subcommand\n\n```bash verify\ndocker container frobnicate\n```\n"),
            ("c.md", "# Removed\n\n```bash verify\ndocker deploy --compose-file stack.yml demo\n```\n"),
        ],
    );
    let (code, stdout, stderr) = verify(&dir, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let v = verdicts(&dir);
    for at in ["content/a.md:3", "content/b.md:3", "content/c.md:3"] {
        assert_eq!(v[at].0, "stale", "{at}: {:?}", v[at]);
    }
}

/// The summary states what was proven, in the human, JSON and JUnit reports alike.
#[test]
fn the_summary_says_what_was_proven() {
    let dir = book(
        "",
        &[
            ("a.md", "# A\n\n```bash verify\ntrue\n```\n\n```bash verify\ntrue\n```\n"),
            ("b.md", "# B\n\n```bash verify\nexit 3\n```\n"),
            ("c.md", "# C\n\n```bash verify needs=gpu\nnvidia-smi\n```\n\n```bash verify skip\ntrue\n```\n"),
        ],
    );
    let junit = dir.path().join("junit.xml");
    let (code, stdout, stderr) = verify(&dir, &["--junit", &path_str(&junit)]);
    assert_eq!(code, Some(1), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(".cookbook/verify.json")).unwrap()).unwrap();
    if json["host"]["gpu"]["available"] == true {
        eprintln!("skipping the_summary_says_what_was_proven: this host has a GPU");
        return;
    }
    let line = "2 proven · 3 not proven (1 failed, 1 needs gpu, 1 skipped)";
    assert!(stdout.contains(&format!("{line}\n")), "{stdout}");
    assert_eq!(json["proof"]["line"], line);
    assert_eq!(json["proof"]["proven"], 2);
    assert_eq!(json["proof"]["why"]["needs gpu"], 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(&format!("name=\"cookbook verify: {line}\"")), "{xml}");
}

/// `--needs gpu` (the GPU job of CI): the GPU blocks with their page's setup and cleanup.
#[test]
fn needs_selects_blocks_with_their_setup_and_cleanup() {
    let dir = book(
        "",
        &[
            (
                "a.md",
                "# A\n\n```bash verify\nexport X=1\n```\n\n```bash verify\nnvidia-smi -L\n```\n\n```bash verify\necho after\n```\n\n```bash verify cleanup\ntrue\n```\n",
            ),
            ("b.md", "# B\n\n```bash verify\necho cpu\n```\n"),
        ],
    );
    let (code, stdout, stderr) = verify(&dir, &["--needs", "gpu", "--list"]);
    assert_eq!(code, Some(0), "{stderr}");
    let listed: Vec<&str> = stdout.lines().filter(|l| l.starts_with("content/")).map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(listed, ["content/a.md:3", "content/a.md:7", "content/a.md:15"], "{stdout}");
    let cpu_only = book("", &[("b.md", "# B\n\n```bash verify\necho cpu\n```\n")]);
    let (code, _, stderr) = verify(&cpu_only, &["--needs", "gpu"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no verify block matches `--needs gpu`"), "{stderr}");
}

/// Under `--require docker`, a block not proven for a reason no declared need explains
/// fails the run; the same block declaring `needs=registry` is only reported.
#[test]
fn unexplained_blocked_fails_under_require_docker() {
    let _lock = docker_lock();
    let Some(_engine) = docker("unexplained_blocked_fails_under_require_docker") else {
        return;
    };
    let offline = "docker pull registry.example.invalid/team/base:1\n";
    let declared = book("", &[("a.md", &format!("# A\n\n```bash verify needs=registry\n{offline}```\n"))]);
    let (code, stdout, stderr) = verify(&declared, &["--require", "docker"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(verdicts(&declared)["content/a.md:3"].0, "blocked");
    let undeclared = book("", &[("a.md", &format!("# A\n\n```bash verify\n{offline}```\n"))]);
    let (code, stdout, stderr) = verify(&undeclared, &["--require", "docker"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let v = verdicts(&undeclared);
    assert_eq!(v["content/a.md:3"].0, "blocked");
    assert!(v["content/a.md:3"].1.contains("does not declare `needs=registry`"), "{:?}", v["content/a.md:3"]);
    // Without --require docker it is reported, not failed.
    assert_eq!(verify(&undeclared, &["--require", ""]).0, Some(0));
}
