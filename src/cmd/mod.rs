//! One thin module per subcommand: load → core → effects → report.

pub mod build;
pub mod check;
pub mod init;
pub mod merge_reports;
pub mod new;
pub mod report;
pub mod serve;
pub mod verify;
pub mod watch;
