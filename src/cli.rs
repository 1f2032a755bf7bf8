//! The command line, as clap derive types. Parsing only; `main.rs` dispatches.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  all good
  1  a build error, a check finding, or a verify failure (fail, stale, timeout)
  2  a usage or config error
  3  the environment cannot run what was required (no Docker engine, --require gpu without a GPU)";

#[derive(Debug, Parser)]
#[command(name = "cookbook", version, about = "Markdown recipes to a searchable static site, with every `verify` block proven against a live Docker engine", after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the site (default output: <root>/book, or [build] build-dir)
    Build(BuildArgs),
    /// Preview the site: serve it from memory, rebuild on save, reload the browser
    Serve(ServeArgs),
    /// Create a new cookbook: book.toml, content/SUMMARY.md and one recipe
    Init(InitArgs),
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The book's root folder (where book.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: <root>/<build-dir>)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The book's root folder (where book.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on (0.0.0.0 shares the preview with your network)
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The port to listen on; when it is taken, the next free one is used
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Open the site in a browser once it is served
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the cookbook in
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The book's title
    #[arg(long)]
    pub title: Option<String>,
}
