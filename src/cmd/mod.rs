//! One thin module per subcommand: load → core → effects → report.

pub mod build;
pub mod init;
pub mod report;
pub mod serve;
pub mod verify;
