//! The `cookbook` binary: parse the command line, dispatch, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use cookbook::cli::{Cli, Command};
use cookbook::{cmd, exit};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE as u8 } else { exit::OK as u8 });
        }
    };
    let mut cli = cli;
    // Run inside a book's folders, the commands find book.toml above, as cargo does.
    match &mut cli.command {
        Command::Build(a) => a.root = cookbook::io::book_root::find(&a.root),
        Command::Serve(a) => a.root = cookbook::io::book_root::find(&a.root),
        Command::Verify(a) => a.root = cookbook::io::book_root::find(&a.root),
        Command::Check(a) => a.root = cookbook::io::book_root::find(&a.root),
        Command::New(a) => a.root = cookbook::io::book_root::find(&a.root),
        Command::Init(_) | Command::MergeReports(_) => {}
    }
    let code = match cli.command {
        Command::Build(args) => cmd::build::run(&args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::New(args) => cmd::new::run(&args),
        Command::MergeReports(args) => cmd::merge_reports::run(&args),
    };
    ExitCode::from(code as u8)
}
