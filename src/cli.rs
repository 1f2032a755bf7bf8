//! The command line, as clap derive types. Parsing only; `main.rs` dispatches.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  all good
  1  a build error, a check finding, or a verify failure (fail, stale, timeout)
  2  a usage or config error
  3  the environment cannot run what was required (no Docker engine, --require gpu without a GPU)
  130  stopped by Ctrl-C (SIGINT) after cleanup; a second Ctrl-C stops at once
  143  stopped by SIGTERM after cleanup";

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
    /// Run every `verify` block against the Docker engine and report what still works
    Verify(VerifyArgs),
    /// Find broken links, anchors and images, orphan pages, and verify blocks that would
    /// fail or misbehave, without running anything
    Check(CheckArgs),
    /// Add a recipe from a template and list it in SUMMARY.md
    New(NewArgs),
    /// Combine the JSON verify reports of CI partitions into one, for `cookbook build`
    MergeReports(MergeReportsArgs),
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The book's root folder (where book.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: <root>/<build-dir>)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the output folder even if an earlier build did not write it (never the
    /// book's root, sources or templates)
    #[arg(long)]
    pub force: bool,
    /// Badge verify blocks from this JSON verify report instead of
    /// <root>/.cookbook/verify.json; repeat it to merge the reports of CI partitions
    #[arg(long, value_name = "FILE")]
    pub verify_report: Vec<PathBuf>,
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

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// Only these blocks: a page path (`content/gpu.md`, `gpu/`), `file:line`, or a
    /// substring of the block's heading
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,
    /// The book's root folder (where book.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Pages verified at once (default: [verify] jobs)
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Timeout per block unless the block sets `timeout=` (default: [verify] timeout)
    #[arg(long, value_name = "DUR")]
    pub timeout: Option<String>,
    /// Capabilities whose absence is an error, not a skip: docker, gpu, registry
    /// (default: [verify] require)
    #[arg(long, value_delimiter = ',', value_name = "CAP")]
    pub require: Option<Vec<String>>,
    /// How to report on stdout (default: github when GITHUB_ACTIONS=true, else human)
    #[arg(long, value_enum)]
    pub report: Option<ReportFormat>,
    /// Also write a JUnit XML report here
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the JSON report here (it is always written to <root>/.cookbook/verify.json)
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Only blocks that need one of these capabilities (`--needs gpu` for a GPU job), with
    /// their page's earlier blocks (the setup they depend on) and its cleanup blocks
    #[arg(long, value_delimiter = ',', value_name = "CAP")]
    pub needs: Vec<String>,
    /// Run only the K-th of N deterministic shares of the pages (for CI matrices)
    #[arg(long, value_name = "K/N")]
    pub partition: Option<String>,
    /// List the selected blocks and their needs; run nothing
    #[arg(long)]
    pub list: bool,
    /// Rewrite expected-output blocks that differ with what was seen
    #[arg(long)]
    pub update: bool,
    /// Stop launching blocks after the first failure (cleanup blocks still run)
    #[arg(long)]
    pub fail_fast: bool,
    /// Treat leaked resources as errors, not warnings
    #[arg(long)]
    pub strict: bool,
    /// Also print the output of blocks that passed
    #[arg(long, short = 'v')]
    pub show_output: bool,
    /// After the run, run a page's blocks again each time it is saved (Ctrl-C stops)
    #[arg(long)]
    pub watch: bool,
    /// Keep the images and tags pages build (`docker build -t`, `tag`, `commit`, `load`,
    /// `import`) instead of removing them at page end, for faster reruns
    #[arg(long)]
    pub keep_images: bool,
    /// Only remove what runs that are no longer alive (killed, crashed) left behind:
    /// containers, networks, volumes, images, processes, scratch folders; run nothing
    #[arg(long)]
    pub clean: bool,
}

/// Report formats for `cookbook verify --report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Github,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The recipe's file name without `.md`, folders allowed: `shm-size`, `gpu/cuda-images`
    pub slug: String,
    /// Its title (default: from the slug)
    #[arg(long)]
    pub title: Option<String>,
    /// The book's root folder (where book.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The book's root folder (where book.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Also request every http(s) link and image and report those that fail
    #[arg(long)]
    pub external: bool,
    /// With --external: links requested at once
    #[arg(long, short = 'j', default_value_t = 8)]
    pub jobs: usize,
    /// With --external: how long one link may take
    #[arg(long, value_name = "DUR", default_value = "10s")]
    pub timeout: String,
}

#[derive(Debug, clap::Args)]
pub struct MergeReportsArgs {
    /// The reports to merge (`cookbook verify --json FILE` of each partition)
    #[arg(value_name = "IN", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where to write the merged report (`cookbook build` reads .cookbook/verify.json)
    #[arg(long, value_name = "FILE", default_value = ".cookbook/verify.json")]
    pub out: PathBuf,
}
