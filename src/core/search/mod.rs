//! Site search, built at build time: a command-aware tokenizer, BM25F-style impacts per
//! section, and an index sharded into small self-registering `.js` files that
//! `assets/search.js` loads on demand by `<script>` tag (over HTTP and from `file://`).
//!
//! Files (all under `search/`, every one `cookbookSearch.add(id, data);`):
//! - `index.js`: `{v, docs, chunk, keys}`; shard `i` holds the terms `t` with
//!   `keys[i] <= t < keys[i+1]` (JavaScript string order);
//! - `t/<i>.js`: `[term, postings, …]`, postings as in `encode::postings`;
//! - `d/<n>.js`: sections `n*chunk ..`: `[[url, page title, [headings], text, code], …]`.
//!
//! The page template supplies `<html data-root="../">`, a `<form class="search" hidden>`
//! holding `#search-input` and `#search-results`, and `<script src="{root}search.js" defer>`.

mod doc;
mod encode;
mod index;
mod rank;
mod shard;
mod store;
pub mod tokenize;

pub use doc::SearchDoc;
pub use index::{build_index, build_index_with, IndexOptions};
