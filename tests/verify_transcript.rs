//! A `console verify` transcript with several commands is judged command by command, as
//! trycmd does (issue 17, item 6): each command's output and exit status on its own, a
//! failure names the command at its markdown file:line with that command's diff, `? failed`
//! / `? N` states a command expected to fail, and `--update` rewrites each command's
//! expected lines on their own. No engine needed: the commands run `echo` and `false`.

mod common;
mod support;

use std::path::Path;

use common::run_without_engine as run;

const BOOK_TOML: &str = "[book]\ntitle = \"Transcript\"\n\n[verify]\nrequire = []\n\n[verify.vars]\nNAME = \"demo-name\"\n";

fn book(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK_TOML).unwrap();
    for (rel, text) in files {
        let p = dir.path().join("content").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn report_output(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".cookbook/verify.json")).unwrap()
}

/// The output of one command cannot stand in for another's: joined, these two read the
/// same as expected; command by command, the first prints a line too many.
#[test]
fn each_command_output_is_judged_on_its_own() {
    let page = "# T\n\n```console verify\n$ echo a; echo b\na\n$ true\nb\n$ echo c\nc\n```\n";
    let dir = book(&[("t.md", page)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("content/t.md:4"), "names the first command's line: {stdout}");
    assert!(stdout.contains("echo a; echo b"), "quotes the command: {stdout}");
    assert!(stdout.contains("+b"), "that command's diff: {stdout}");
    assert!(stdout.contains("content/t.md:6"), "and the second command's line: {stdout}");
    assert!(!stdout.contains("-c") && !stdout.contains("+c"), "a command that matched shows no diff: {stdout}");
    let json = report_output(dir.path());
    assert!(!json.contains("cookbook-cmd"), "no runner marker in the report: {json}");
    assert!(!stdout.contains("cookbook-cmd"), "no runner marker shown: {stdout}");

    let good = "# T\n\n```console verify\n$ echo a; echo b\na\nb\n$ true\n$ echo c\nc\n```\n";
    std::fs::write(dir.path().join("content/t.md"), good).unwrap();
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 0, "{stdout}");
}

/// A failing command names itself; `? failed` and `? N` (trycmd's status lines) state
/// that a command is expected to fail, and the commands after it still run.
#[test]
fn each_command_status_is_judged_on_its_own() {
    let failing = "# T\n\n```console verify\n$ echo one\none\n$ false\n$ echo two\ntwo\n```\n";
    let dir = book(&[("t.md", failing)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("content/t.md:6"), "names the failing command's line: {stdout}");
    assert!(stdout.contains("`false`"), "quotes it: {stdout}");
    assert!(stdout.contains("expected exit status 0, got exit status 1"), "{stdout}");
    // The shell's own messages point at the command's markdown line too.
    let missing = "# T\n\n```console verify\n$ echo one\none\n$ no-such-command-cookbook-xyz\n[..]: command not found\n? 127\n$ nope-either-cookbook-xyz\n```\n";
    std::fs::write(dir.path().join("content/t.md"), missing).unwrap();
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("content/t.md:9: nope-either-cookbook-xyz: command not found"), "{stdout}");
    assert!(stdout.contains("got exit status 127 (127: command or file not found) at content/t.md:9:"), "{stdout}");

    let expected_failures = "# T\n\n```console verify\n$ echo one\none\n$ false\n? failed\n$ sh -c 'echo oops; exit 3'\noops\n? 3\n\
                             $ echo two\ntwo\n```\n";
    std::fs::write(dir.path().join("content/t.md"), expected_failures).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--show-output"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("cookbook-cmd"), "{stdout}");

    let wrong_code = expected_failures.replace("? 3\n", "? 4\n");
    std::fs::write(dir.path().join("content/t.md"), &wrong_code).unwrap();
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("content/t.md:8") && stdout.contains("expected exit status 4, got exit status 3"), "{stdout}");

    let succeeded = expected_failures.replace("$ false\n", "$ true\n");
    std::fs::write(dir.path().join("content/t.md"), &succeeded).unwrap();
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "a command expected to fail that succeeds fails: {stdout}");
    assert!(stdout.contains("content/t.md:6"), "{stdout}");
}

/// `--update` rewrites each command's expected lines on their own, keeping `[..]`, `...`
/// and placeholders that still match, and leaves the prompts and status lines alone.
#[test]
fn update_rewrites_each_command() {
    let page = "# T\n\n```console verify\n$ echo \"id $RANDOM\"; echo old1\nid [..]\nwrong\n$ echo <NAME>; seq 1 4\n<NAME>\n...\n9\n\
                $ sh -c 'echo bad; exit 2'\nbad\n? 2\n$ echo same\nsame\n```\n\nAfter.\n";
    let dir = book(&[("t.md", page)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--update"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let after = std::fs::read_to_string(dir.path().join("content/t.md")).unwrap();
    let want = page.replace("id [..]\nwrong\n", "id [..]\nold1\n").replace("...\n9\n", "...\n4\n");
    assert_eq!(after, want);
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 0, "the updated page passes: {stdout}");

    // A command whose status differs is not papered over: nothing is written.
    let failing = "# T\n\n```console verify\n$ echo new\nold\n$ false\nx\n$ echo after\n```\n";
    std::fs::write(dir.path().join("content/t.md"), failing).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--update"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(format!("{stdout}{stderr}").contains("not updated: a command's exit status differs"), "{stdout}{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("content/t.md")).unwrap(), failing);
}
