//! One thin module per subcommand: load → core → effects → report.

pub mod build;
pub mod init;
pub mod serve;
