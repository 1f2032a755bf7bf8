//! Selecting one block runs its page's earlier blocks first, as setup, and its cleanup
//! blocks after (issue 17 item 4), against the real engine: the selected block inspects a
//! container an earlier block started under a name it exported.

mod common;
mod support;

use std::process::Command;

use common::*;

const PAGE: &str = "# Start\n\n```bash verify\nexport CONTAINER=cookbook-test-setup-$$\ndocker run -d --name \"$CONTAINER\" busybox sleep 300 >/dev/null\n```\n\n\
                    # Inspect\n\n```bash verify\ndocker inspect -f '{{.State.Running}}' <CONTAINER>\n```\n\n```text output\ntrue\n```\n\n\
                    # Later\n\n```bash verify\necho later\n```\n\n```bash verify cleanup\ndocker rm -f <CONTAINER> >/dev/null\n```\n";

#[test]
fn selecting_a_block_runs_its_page_setup_first_and_cleanup_after() {
    let _lock = docker_lock();
    let Some(_engine) = docker("selecting_a_block_runs_its_page_setup_first_and_cleanup_after") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Setup\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/setup.md"), PAGE).unwrap();
    let root = path_str(dir.path());
    for filter in ["Inspect", "content/setup.md:12"] {
        let out = cookbook(&["verify", "--root", &root, filter]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{filter}: {stdout}{}", text(&out.stderr));
        assert!(stdout.contains("PASS    content/setup.md:3 Start [setup]"), "{filter}: {stdout}");
        assert!(stdout.contains("PASS    content/setup.md:10 Inspect ("), "{filter}: {stdout}");
        assert!(stdout.contains("PASS    content/setup.md:24 Later ("), "the cleanup block ran after: {stdout}");
        assert!(!stdout.contains("content/setup.md:20"), "a later block is not setup: {stdout}");
        assert_eq!(stdout.lines().last(), Some("3 passed, 0 failed, 0 skipped"), "{stdout}");
    }
    let left = Command::new("docker").args(["ps", "-aq", "--filter", "name=cookbook-test-setup-"]).output().unwrap();
    assert!(text(&left.stdout).trim().is_empty(), "the cleanup block removed the container");
}
