//! One thin module per subcommand: load → core → effects → report.

/// `eprintln!` that never panics: when the reader has gone (`cookbook check 2>&1 | head -1`)
/// the line is dropped and the command goes on to finish its work and exit with its code.
macro_rules! to_stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that never panics on a closed stdout (`cookbook new x | head -1`), see `to_stderr!`.
macro_rules! to_stdout {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod build;
pub mod check;
pub mod init;
pub mod merge_reports;
pub mod new;
pub mod report;
pub mod serve;
pub mod verify;
pub mod watch;
