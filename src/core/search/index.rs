//! Builds the whole search index as site files under `search/`: the manifest
//! (`search/index.js`), the term shards (`search/t/<n>.js`) and the document store
//! (`search/d/<n>.js`). The client script itself is an asset (`assets/search.js`).

use super::doc::SearchDoc;
use super::encode;
use super::rank;
use super::shard::shard;
use super::store::store;
use crate::core::output::Output;

/// Format version, bumped whenever the client must change with the files.
pub const FORMAT: u32 = 1;

/// Knobs of the index layout; the defaults keep a two-word query on a 10,000-page book
/// under ~80 KB of downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexOptions {
    /// Target size of one term shard, in bytes.
    pub shard_bytes: usize,
    /// Sections per document-store chunk.
    pub docs_per_chunk: usize,
    /// A term keeps at most this many sections (its best ones).
    pub max_postings: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions { shard_bytes: 8 * 1024, docs_per_chunk: 2, max_postings: 500 }
    }
}

/// The search index of `docs` (section `i` is document number `i`), with default options.
pub fn build_index<D: std::borrow::Borrow<SearchDoc> + Sync>(docs: &[D]) -> Vec<Output> {
    build_index_with(docs, IndexOptions::default())
}

/// The search index of `docs` with explicit layout options; files sorted by path.
pub fn build_index_with<D: std::borrow::Borrow<SearchDoc> + Sync>(docs: &[D], opts: IndexOptions) -> Vec<Output> {
    let terms = rank::impacts(docs, opts.max_postings);
    let shards = shard(&terms, opts.shard_bytes);
    let manifest = serde_json::json!({
        "v": FORMAT,
        "docs": docs.len(),
        "chunk": opts.docs_per_chunk.max(1),
        "keys": shards.keys,
    });
    let mut files = vec![Output::new("search/index.js", encode::script("index", &manifest.to_string()))];
    files.extend(shards.files);
    files.extend(store(docs, opts.docs_per_chunk));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<SearchDoc> {
        serde_json::from_str(include_str!("../../../tests/fixtures/search/docs.json")).unwrap()
    }

    #[test]
    fn same_docs_same_bytes() {
        let a = build_index(&docs());
        let b = build_index(&docs());
        assert_eq!(a, b);
        assert!(a.iter().any(|o| o.path.to_str() == Some("search/index.js")));
        assert!(a.iter().all(|o| o.path.starts_with("search")));
    }

    #[test]
    fn manifest_names_its_shards() {
        let files = build_index_with(&docs(), IndexOptions { shard_bytes: 512, ..Default::default() });
        let index = files.iter().find(|o| o.path.to_str() == Some("search/index.js")).unwrap();
        let manifest = String::from_utf8(index.bytes.to_vec()).unwrap();
        let json = manifest.trim_start_matches("cookbookSearch.add(\"index\",").trim_end_matches(");\n");
        let m: serde_json::Value = serde_json::from_str(json).unwrap();
        let shards = files.iter().filter(|o| o.path.starts_with("search/t")).count();
        assert!(shards > 3);
        assert_eq!(m["keys"].as_array().unwrap().len(), shards);
        assert_eq!(m["docs"], docs().len());
    }
}
