//! The process exit codes, named; documented in `--help` and README.md.

/// Everything passed.
pub const OK: i32 = 0;
/// A build error, a check finding, or a verify failure (fail, stale, timeout).
pub const FAILURE: i32 = 1;
/// A usage or configuration error.
pub const USAGE: i32 = 2;
/// The environment cannot run what was required (no Docker engine, `--require gpu` without one).
pub const ENVIRONMENT: i32 = 3;
/// Stopped by Ctrl-C (SIGINT), after cleanup: 128 + 2, as shells report it.
pub const INTERRUPTED: i32 = 130;
/// Stopped by SIGTERM, after cleanup: 128 + 15.
pub const TERMINATED: i32 = 143;
