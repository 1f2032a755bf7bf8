//! Site search, built at build time: a command-aware tokenizer, BM25-style impacts per
//! section, and an index sharded into small self-registering `.js` files that
//! `assets/search.js` loads on demand (over HTTP and from `file://`).

mod doc;
mod encode;
mod fast_hash;
mod index;
mod rank;
mod shard;
mod store;
pub mod tokenize;

pub use doc::SearchDoc;
pub use index::{build_index, build_index_with, IndexOptions};
