//! A generated book of N pages for the serve benchmark: SUMMARY.md, pages in folders of 100,
//! each with headings, prose and a verify block. Deterministic (the same N, the same bytes).
//! Stands in until benches/corpus/ (the shared generator) is merged.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes the book under `root`; returns the path of every page.
pub fn generate(root: &Path, pages: usize) -> Vec<PathBuf> {
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Bench\"\nsrc = \"content\"\n",
    )
    .unwrap();
    let mut summary = String::from("# Summary\n\n[Home](README.md)\n\n");
    let mut paths = Vec::new();
    std::fs::write(content.join("README.md"), "# Bench\n\nA generated book.\n").unwrap();
    for i in 0..pages {
        let folder = format!("part{:03}", i / 100);
        std::fs::create_dir_all(content.join(&folder)).unwrap();
        let rel = format!("{folder}/page{i:05}.md");
        if i % 100 == 0 {
            let _ = writeln!(summary, "- [Part {}]({folder}/page{i:05}.md)", i / 100);
        } else {
            let _ = writeln!(summary, "  - [Page {i}]({rel})");
        }
        let path = content.join(&rel);
        std::fs::write(&path, page(i, 0)).unwrap();
        paths.push(path);
    }
    std::fs::write(content.join("SUMMARY.md"), summary).unwrap();
    paths
}

/// The text of page `i`, edit number `edit` (the marker the benchmark waits for).
pub fn page(i: usize, edit: usize) -> String {
    let mut s = format!("+++\ntitle = \"Page {i}\"\n+++\n\n# Page {i}\n\nmarker-{i}-{edit}\n\n");
    for section in 0..4 {
        let _ = write!(
            s,
            "## Section {section}\n\nRun a container with a larger `/dev/shm` for data loaders; \
             page {i}, section {section}. See [home](../README.md).\n\n\
             ```bash\ndocker run --rm --shm-size=1g busybox df -h /dev/shm\n```\n\n"
        );
    }
    s
}
