//! cookbook: markdown recipes to a static site, with every `verify` block proven
//! against a live Docker engine. The library behind the `cookbook` binary, so tests can
//! call each stage directly.

// `Diagnostic` is the error of every parser and check: made once per problem, never on a
// hot path, and boxing it at each of those functions would only add noise.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod cli;
pub mod cmd;
pub mod core;
pub mod exit;
pub mod io;
