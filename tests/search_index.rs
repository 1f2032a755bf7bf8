//! The search index of the fixture book, written to disk and searched by the real client
//! (`assets/search.js`) under Node's test runner. Skips with a message when `node` is
//! missing, unless `COOKBOOK_REQUIRE_NODE=1`.

use std::path::PathBuf;
use std::process::Command;

use cookbook::core::search::{build_index_with, IndexOptions, SearchDoc};

fn fixture_docs() -> Vec<SearchDoc> {
    serde_json::from_str(include_str!("fixtures/search/docs.json")).expect("docs.json parses")
}

#[test]
fn node_client_finds_the_expected_sections() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-fixture");
    let _ = std::fs::remove_dir_all(&dir);
    // Small shards and chunks, so the fixture has many and the test sees which load.
    let opts = IndexOptions { shard_bytes: 400, docs_per_chunk: 2, ..IndexOptions::default() };
    for file in build_index_with(&fixture_docs(), opts) {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    // The ranking fixture, with default options: what a real book gets.
    let ranking = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-ranking");
    let _ = std::fs::remove_dir_all(&ranking);
    let docs: Vec<SearchDoc> = serde_json::from_str(include_str!("fixtures/search/ranking.json")).expect("ranking.json parses");
    for file in build_index_with(&docs, IndexOptions::default()) {
        let path = ranking.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    // Postings cut to the best 3 sections, so `docker` loses some that also say `zygote`.
    let rescue = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-rescue");
    let _ = std::fs::remove_dir_all(&rescue);
    let docs: Vec<SearchDoc> = serde_json::from_str(include_str!("fixtures/search/rescue.json")).expect("rescue.json parses");
    for file in build_index_with(&docs, IndexOptions { max_postings: 3, ..IndexOptions::default() }) {
        let path = rescue.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    let root = env!("CARGO_MANIFEST_DIR");
    if Command::new("node").arg("--version").output().is_err() {
        assert!(std::env::var_os("COOKBOOK_REQUIRE_NODE").is_none(), "node is required but missing");
        eprintln!("skipped: `node` not found; the search client's tests need Node 18+");
        return;
    }
    let out = Command::new("node")
        .args(["--test", "tests/js/"])
        .current_dir(root)
        .env("COOKBOOK_SEARCH_FIXTURE", &dir)
        .env("COOKBOOK_SEARCH_RANKING", &ranking)
        .env("COOKBOOK_SEARCH_RESCUE", &rescue)
        .output()
        .unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node --test tests/js/ failed:\n{log}");
    assert!(log.contains("# fail 0") && log.contains("# skipped 0"), "{log}");
}
