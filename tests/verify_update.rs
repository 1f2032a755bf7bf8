//! `cookbook verify --update` never loses or damages the author's text (issue 10): it keeps
//! `[..]`/`...` lines and placeholders that still match, keeps CRLF and BOM, writes through
//! symlinks, refuses truncated output and pages edited during the run, and the badges of
//! an updated page stay "verified". No engine needed: the blocks run `echo`.

mod common;
mod support;

use common::run_without_engine as run;

const BOOK_TOML: &str = "[book]\ntitle = \"Update\"\n\n[verify]\nrequire = []\n\n[verify.vars]\nNAME = \"demo-name\"\n";

fn book(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), BOOK_TOML).unwrap();
    for (rel, bytes) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

const ELIDED: &str =
    "# Elided\n\n```bash verify\necho \"id $RANDOM\"; echo \"name: <NAME>\"; seq 1 5; echo end; echo new; echo demo-name again\n```\n\n\
                      ```text output\nid [..]\nname: <NAME>\n...\nend\nold\n```\n\nAfter.\n";

#[test]
fn update_rewrites_only_lines_that_no_longer_match() {
    let dir = book(&[("content/elided.md", ELIDED.as_bytes())]);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--update"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let after = std::fs::read_to_string(dir.path().join("content/elided.md")).unwrap();
    assert_eq!(after, ELIDED.replace("end\nold\n", "end\nnew\n<NAME> again\n"), "elisions and placeholders that match stay");
    let (code, stdout, _) = run(dir.path(), &["verify"]);
    assert_eq!(code, 0, "the updated page passes: {stdout}");
}

#[test]
fn update_keeps_crlf_and_bom_and_writes_through_symlinks() {
    let crlf = "# CRLF\r\n\r\n```bash verify\r\necho new\r\n```\r\n\r\n```text output\r\nold\r\n```\r\n\r\nEnd.\r\n";
    let bom = "\u{feff}# BOM\n\n```bash verify\necho new\n```\n\n```output\nold\n```\n";
    let linked = "# Linked\n\n```bash verify\necho new\n```\n\n```output\nold\n```\n";
    let dir = book(&[("content/crlf.md", crlf.as_bytes()), ("content/bom.md", bom.as_bytes()), ("shared/linked.md", linked.as_bytes())]);
    std::os::unix::fs::symlink("../shared/linked.md", dir.path().join("content/linked.md")).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--update"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("content/crlf.md")).unwrap(), crlf.replace("old\r\n", "new\r\n"));
    assert_eq!(std::fs::read_to_string(dir.path().join("content/bom.md")).unwrap(), bom.replace("old\n", "new\n"));
    let link = dir.path().join("content/linked.md");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(dir.path().join("shared/linked.md")).unwrap(), linked.replace("old\n", "new\n"));
    // The badges of the updated pages say verified, not "changed since verified".
    let (code, _, stderr) = run(dir.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    for page in ["crlf", "bom", "linked"] {
        let html = std::fs::read_to_string(dir.path().join(format!("book/{page}.html"))).unwrap();
        assert!(!html.contains("changed since") && html.contains("verified 2"), "{page}: {html}");
    }
}

#[test]
fn update_refuses_truncated_output_and_pages_edited_during_the_run() {
    let flood = "# Flood\n\n```bash verify\nhead -c 3000000 /dev/zero | tr '\\0' 'x'\n```\n\n```output\nold\n```\n";
    let dir = book(&[("content/flood.md", flood.as_bytes())]);
    let page = dir.path().join("content/edited.md");
    // The block itself saves the page while the run is on, as an editor would.
    let edited =
        format!("# Edited\n\n```bash verify\necho 'saved during the run' >> '{}'\necho new\n```\n\n```output\nold\n```\n", page.display());
    std::fs::write(&page, &edited).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--update"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("error: content/edited.md changed while verify ran; not updated"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), format!("{edited}saved during the run\n"), "the edit made during the run is kept");
    assert!(stderr.contains("content/flood.md:3: not updated: the output was truncated"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("content/flood.md")).unwrap(), flood);
}

#[test]
fn a_partial_update_leaves_no_stale_entry_in_the_report() {
    let page = "# Upd\n\n```bash verify\necho new\n```\n\n```output\nold\n```\n";
    let dir = book(&[("content/upd.md", page.as_bytes()), ("content/other.md", b"# Other\n\n```bash verify\necho other\n```\n")]);
    assert_eq!(run(dir.path(), &["verify"]).0, 1);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "--update", "upd.md"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(".cookbook/verify.json")).unwrap()).unwrap();
    let outcomes: Vec<&str> = report["blocks"].as_array().unwrap().iter().map(|b| b["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["pass", "pass"], "the failing entry of the old text is gone: {report}");
}
