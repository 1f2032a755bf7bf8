//! cookbook: markdown recipes to a static site, with every `verify` block proven
//! against a live Docker engine. The library behind the `cookbook` binary, so tests can
//! call each stage directly.

pub mod build;
pub mod cli;
pub mod cmd;
pub mod core;
pub mod exit;
pub mod io;
