//! The repository's own cookbook ("Docker for deep learning") is kept true by its verifier:
//! it builds without a warning, and `cookbook verify` passes every block a plain engine can
//! check (GPU blocks are skipped and registry blocks blocked here, never failed).

mod common;
mod support;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// A copy of book.toml and content/, so runs write their reports outside the repository.
fn bundled_copy() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("book.toml"), dir.path().join("book.toml")).unwrap();
    support::copy_dir(&repo.join("content"), &dir.path().join("content"));
    dir
}

#[test]
fn the_bundled_cookbook_builds_without_warnings() {
    let book = bundled_copy();
    let out = cookbook(&["build", "--root", &path_str(book.path())]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn every_block_of_the_bundled_cookbook_holds() {
    let _lock = docker_lock();
    let Some(_engine) = docker("every_block_of_the_bundled_cookbook_holds") else { return };
    let book = bundled_copy();
    let out = cookbook(&["verify", "--root", &path_str(book.path()), "--require", "docker"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(book.path().join(".cookbook/verify.json")).unwrap()).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for block in json["blocks"].as_array().unwrap() {
        let outcome = block["outcome"].as_str().unwrap().to_string();
        let needs: Vec<&str> = block["needs"].as_array().unwrap().iter().filter_map(|n| n.as_str()).collect();
        let at = format!("{}:{}", block["file"].as_str().unwrap(), block["line"]);
        match outcome.as_str() {
            "pass" => {}
            "skipped" => {
                assert!(needs.contains(&"gpu") || block["reason"].as_str().unwrap_or("").contains("skip"), "{at} skipped: {block}")
            }
            "blocked" => assert!(needs.contains(&"registry") || needs.contains(&"network"), "{at} blocked without needs=registry: {block}"),
            other => panic!("{at}: {other}: {block}"),
        }
        *counts.entry(outcome).or_default() += 1;
    }
    eprintln!("bundled cookbook: {counts:?}");
    assert!(counts.get("pass").copied().unwrap_or(0) >= 140, "{counts:?}");
    // Every recipe page shows something the engine here proves; only installing Docker
    // (which changes the host) is shown and not run.
    let proven: std::collections::BTreeSet<&str> =
        json["blocks"].as_array().unwrap().iter().filter(|b| b["outcome"] == "pass").filter_map(|b| b["file"].as_str()).collect();
    for page in recipe_pages() {
        let file = format!("content/{page}");
        assert!(page == "install.md" || proven.contains(file.as_str()), "{file} has no block that passes here: {proven:?}");
    }
    assert!(!stdout.contains("leaked"), "a page leaves resources behind:\n{stdout}");
}

/// The bundled book's pages, by file name.
fn recipe_pages() -> Vec<String> {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut pages: Vec<String> = std::fs::read_dir(content)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md") && n != "SUMMARY.md")
        .collect();
    pages.sort();
    pages
}

/// An expected output that is only elisions (`[..]`, `...`) checks nothing but the exit
/// status, under a badge that says the output was verified.
#[test]
fn no_expected_output_of_the_bundled_cookbook_is_only_elisions() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut hollow = Vec::new();
    let mut seen = 0;
    for page in recipe_pages() {
        let text = std::fs::read_to_string(content.join(&page)).unwrap();
        let mut open: Option<(usize, Vec<&str>)> = None;
        for (n, line) in text.lines().enumerate() {
            match open.as_mut() {
                None if line.starts_with("```") && line[3..].split_whitespace().any(|w| w == "output") => open = Some((n + 1, Vec::new())),
                Some((at, body)) if line.starts_with("```") => {
                    seen += 1;
                    if body.iter().all(|l| matches!(l.trim(), "" | "[..]" | "...")) {
                        hollow.push(format!("content/{page}:{at}"));
                    }
                    open = None;
                }
                Some((_, body)) => body.push(line),
                None => {}
            }
        }
    }
    assert!(seen >= 100, "only {seen} output blocks found: the scan is wrong");
    assert!(hollow.is_empty(), "expected output that checks nothing: {hollow:?}");
}
