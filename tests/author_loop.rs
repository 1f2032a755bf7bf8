//! The recipe author's everyday loop (issue 17): write → check → verify → build, on small
//! books written inline. Blocks here need no Docker engine (they run `echo`), so every
//! run points `DOCKER_HOST` at nothing; what needs a container lives in `verify_setup.rs`.

mod common;
mod support;

use std::path::Path;

use common::run_without_engine as run;
use common::*;

const BOOK_TOML: &str = "[book]\ntitle = \"Author\"\n\n[verify]\nrequire = []\n";

/// A book with `book.toml` and these `content/` files.
fn book(files: &[(&str, &str)]) -> tempfile::TempDir {
    book_with(BOOK_TOML, files)
}

fn book_with(toml: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    for (rel, text) in files {
        let p = dir.path().join("content").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn report_blocks(dir: &Path) -> Vec<(String, usize, String)> {
    let text = std::fs::read_to_string(dir.join(".cookbook/verify.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<(String, usize, String)> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (b["file"].as_str().unwrap().to_string(), b["line"].as_u64().unwrap() as usize, b["outcome"].as_str().unwrap().to_string())
        })
        .collect();
    out.sort();
    out
}

const DETACHED: &str = "# Detached\n\n```bash verify\necho right\n```\n\nThe output:\n\n```text output\nwrong\n```\n\n\
                        Plain text after prose is fine:\n\n```text\nnot checked\n```\n";

#[test]
fn an_output_block_after_prose_is_an_error_in_check_verify_and_build() {
    let dir = book(&[("detached.md", DETACHED)]);
    let want = "error[verify-output]: this output block follows no verify block\n --> content/detached.md:9:1";
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(want), "{stderr}");
    assert!(stderr.contains("write ```text"), "{stderr}");
    assert_eq!(stderr.matches("verify-output").count(), 1, "reported once: {stderr}");
    let (code, stdout, stderr) = run(dir.path(), &["verify"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains(want), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["build"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(want), "{stderr}");
    // Attached again, all three are happy and the block is judged on its output.
    std::fs::write(dir.path().join("content/detached.md"), DETACHED.replace("\nThe output:\n\n", "")).unwrap();
    assert_eq!(run(dir.path(), &["check"]).0, 0);
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "the output is now checked, and it differs: {stdout}");
}

const TWO_PAGES: [(&str, &str); 2] = [
    ("one.md", "# One heading\n\n```bash verify\necho one\n```\n\n```bash verify\necho two\n```\n"),
    ("two.md", "# Two\n\n```bash verify\necho three\n```\n"),
];

#[test]
fn a_partial_run_keeps_the_rest_of_the_report_and_a_full_run_replaces_it() {
    let dir = book(&TWO_PAGES);
    assert_eq!(run(dir.path(), &["verify"]).0, 0);
    let all = report_blocks(dir.path());
    assert_eq!(all.len(), 3, "{all:?}");
    // One page, one heading, then a filter that matches nothing: the report keeps every block.
    std::fs::write(dir.path().join("content/two.md"), "# Two\n\n```bash verify\nexit 3\n```\n").unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["verify", "two.md"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let after = report_blocks(dir.path());
    assert_eq!(
        after.iter().map(|b| (b.0.as_str(), b.1, b.2.as_str())).collect::<Vec<_>>(),
        [("content/one.md", 3, "pass"), ("content/one.md", 7, "pass"), ("content/two.md", 3, "fail"),]
    );
    assert_eq!(run(dir.path(), &["verify", "One heading"]).0, 0);
    assert_eq!(report_blocks(dir.path()), after);
    let _ = run(dir.path(), &["verify", "no-such-heading"]);
    assert_eq!(report_blocks(dir.path()), after, "a selection of nothing changes nothing");
    // The site badges the blocks the partial run did not touch as verified.
    let (code, _, stderr) = run(dir.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("book/one.html")).unwrap();
    assert!(html.matches("verified").count() >= 2 && !html.contains("not yet run"), "{html}");
    // A full run replaces the report: a block that is gone leaves it.
    std::fs::write(dir.path().join("content/one.md"), "# One heading\n\n```bash verify\necho one\n```\n").unwrap();
    assert_eq!(run(dir.path(), &["verify"]).0, 1);
    assert_eq!(report_blocks(dir.path()).len(), 2);
}

const PRECEDENCE_TOML: &str =
    "[book]\ntitle = \"Author\"\n\n[verify]\nrequire = []\n\n[verify.vars]\nCONTAINER = \"cookbook-demo\"\nNAME = \"from-book\"\n";
const PRECEDENCE: &str = "+++\ntitle = \"Vars\"\n[verify.vars]\nNAME = \"from-front-matter\"\n+++\n# Vars\n\n\
                          ```bash verify\nexport CONTAINER=web-$((6 * 7))\n```\n\n\
                          ```bash verify\necho <CONTAINER> <NAME>\n```\n\n```text output\nweb-42 from-front-matter\n```\n\n\
                          ```bash verify\necho \"name: <CONTAINER>\"\n```\n\n```text output\nname: <CONTAINER>\n```\n\n\
                          ```bash verify\necho <NAME>\nexit 4\n```\n";

#[test]
fn the_nearest_placeholder_definition_wins_and_check_says_which() {
    let dir = book_with(PRECEDENCE_TOML, &[("vars.md", PRECEDENCE)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("PASS    content/vars.md:12"), "an export beats book.toml, front matter beats book.toml: {stdout}");
    assert!(stdout.contains("PASS    content/vars.md:20"), "an exported value in expected output: {stdout}");
    assert!(stdout.contains("FAIL    content/vars.md:28"), "{stdout}");
    // The failure shows the command as it ran, after substitution.
    assert!(stdout.contains("ran as (placeholders substituted):") && stdout.contains("echo from-front-matter"), "{stdout}");
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "shadowing is a warning: {stderr}");
    assert!(
        stderr.contains("warning[verify-placeholder]: `<CONTAINER>` is the value exported at line 9, not book.toml's [verify.vars] CONTAINER\n  --> content/vars.md:13:6"),
        "{stderr}"
    );
    // Front matter over book.toml is a page's deliberate override: no warning.
    assert!(!stderr.contains("`<NAME>`"), "{stderr}");
}

#[test]
fn only_the_selected_pages_must_be_well_formed_and_list_always_lists() {
    let dir =
        book(&[("good.md", "# Good\n\n```bash verify\necho ok\n```\n"), ("bad.md", "# Bad\n\n```bash verify tmeout=5s\necho bad\n```\n")]);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "good.md"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.lines().last(), Some("1 passed, 0 failed, 0 skipped"), "{stdout}");
    assert!(stderr.contains("note: 1 error in a page not selected (content/bad.md); `cookbook check` shows it"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["verify", "bad.md"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown attribute `tmeout`"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["verify"]);
    assert_eq!(code, 2, "a full run needs the whole book well-formed: {stderr}");
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--list"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("content/bad.md:3\tneeds=-\tmalformed\tBad"), "{stdout}");
    assert!(stdout.contains("content/good.md:3\tneeds=-\t\tGood"), "{stdout}");
    assert!(stderr.contains("unknown attribute `tmeout`"), "the list says why: {stderr}");
}

const FAILS: &str = "# Fails\n\n```bash verify\necho one\nfalse\necho never\n```\n";
const MISSING: &str = "# Missing\n\n```bash verify\necho two\nno-such-command-cookbook-xyz\n```\n";

#[test]
fn a_failure_names_the_markdown_line_and_never_the_internal_script() {
    let transcript = "# Transcript\n\n```console verify\n$ echo a\na\n$ false\n$ echo never\n```\n";
    let dir = book(&[("fails.md", FAILS), ("missing.md", MISSING), ("transcript.md", transcript)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "Fails"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("FAIL    content/fails.md:3 Fails (") && stdout.contains("got exit status 1 at content/fails.md:5: `false`"),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(dir.path(), &["verify", "Transcript"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("got exit status 1 at content/transcript.md:6: `false`"), "the command's line in a transcript: {stdout}");
    let (code, stdout, stderr) = run(dir.path(), &["verify", "Missing"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("content/missing.md:5: no-such-command-cookbook-xyz: command not found"), "{stdout}");
    assert!(!stdout.contains(".sh") && !stdout.contains("cookbook-verify-"), "no internal script path: {stdout}");
    let json = std::fs::read_to_string(dir.path().join(".cookbook/verify.json")).unwrap();
    assert!(!json.contains("cookbook-verify-"), "{json}");
}

#[test]
fn check_flags_a_prompt_pasted_into_a_bash_block() {
    let dir = book(&[("prompt.md", "# Prompt\n\n```bash verify\n$ docker ps\necho $HOME\n```\n")]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[verify-prompt]: a `$ ` prompt in a bash block\n --> content/prompt.md:4:1"), "{stderr}");
    assert_eq!(stderr.matches("verify-prompt").count(), 1, "`$HOME` is no prompt: {stderr}");
}

#[test]
fn counts_are_plural_only_when_they_should_be() {
    let dir = book(&[("a.md", "# A\n")]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("check: no problems in 1 page\n"), "{stderr}");
    let (_, _, stderr) = run(dir.path(), &["build"]);
    assert!(stderr.contains("Built 1 page ("), "{stderr}");
    let dir = book(&[("a.md", "# A\n\n[x](missing.md) [y](gone.md)\n"), ("b.md", "# B\n"), ("c.md", "# C\n\n```bash verify\necho\n```\n")]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("check: 2 errors in 3 pages\n"), "{stderr}");
    let (_, stdout, _) = run(dir.path(), &["verify", "--list"]);
    assert!(stdout.ends_with("1 block in 1 page\n"), "{stdout}");
}

#[test]
fn did_you_mean_for_anchors_and_needs() {
    let dir = book(&[("a.md", "# Shared memory\n\nSee [above](#shared-memroy).\n\n```bash verify needs=gpus\necho\n```\n")]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("did you mean `#shared-memory`?"), "{stderr}");
    assert!(stderr.contains("unknown need `gpus`") && stderr.contains("did you mean `gpu`?"), "{stderr}");
}

#[test]
fn messages_speak_the_authors_language() {
    let dir = book_with("[book]\ntitle = \"A\"\n\n[verify]\njobs = \"two\"\n", &[("a.md", "+++\nweight = \"first\"\n+++\n# A\n")]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("expected a whole number"), "{stderr}");
    for jargon in ["usize", "i64", "u32", "i32"] {
        assert!(!stderr.contains(jargon), "{jargon}: {stderr}");
    }
}

#[test]
fn no_book_here_is_the_same_exit_code_everywhere_and_parents_are_searched() {
    let empty = tempfile::tempdir().unwrap();
    for args in [&["build"][..], &["check"], &["verify"], &["new", "x"], &["serve", "--port", "0"]] {
        let out = cookbook_cmd(args).current_dir(empty.path()).env("NO_COLOR", "1").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("no book at"), "{args:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("left as it was"), "no output folder existed: {}", text(&out.stderr));
    }
    // Like cargo with Cargo.toml: a command run inside the book finds book.toml above.
    let dir = book(&[("deep/a.md", "# A\n")]);
    let out = cookbook_cmd(&["check"]).current_dir(dir.path().join("content/deep")).env("NO_COLOR", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no problems in 1 page"), "{}", text(&out.stderr));
    let out = cookbook_cmd(&["build"]).current_dir(dir.path().join("content")).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.path().join("book/deep/a.html").exists(), "the site goes where book.toml says");
}

const SEEN: &str = "# Seen\n\n```bash verify\necho shown-when-asked\n```\n\n# Tabs\n\n```bash verify\necho 'a    b'\necho 'x '\n```\n\n```text output\na\tb\nx\n```\n";

#[test]
fn show_output_and_a_diff_that_marks_whitespace() {
    let dir = book(&[("seen.md", SEEN)]);
    let (_, stdout, _) = run(dir.path(), &["verify", "Seen"]);
    assert!(!stdout.contains("shown-when-asked"), "{stdout}");
    for flag in ["--show-output", "-v"] {
        let (code, stdout, stderr) = run(dir.path(), &["verify", flag, "Seen"]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(stdout.contains("PASS    content/seen.md:3 Seen (") && stdout.contains("\n    shown-when-asked\n"), "{flag}: {stdout}");
    }
    let (code, stdout, _) = run(dir.path(), &["verify", "Tabs"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("-a→b") && stdout.contains("+a    b") && stdout.contains("+x·"),
        "tabs and trailing spaces are visible: {stdout}"
    );
    assert!(stdout.contains("→ is a tab, · a trailing space"), "{stdout}");
    // The dashboard shows the failing block's diff, not just "output differs".
    let (code, _, stderr) = run(dir.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let dash = std::fs::read_to_string(dir.path().join("book/verification.html")).unwrap();
    assert!(dash.contains("<details class=\"proof-detail\"><summary>diff</summary><pre>") && dash.contains("+a    b"), "{dash}");
}
