//! `cookbook verify --watch`: one run as asked, then the blocks of each saved page again
//! (a partial run: the page's setup and cleanup blocks run with it, the report keeps the
//! other pages), until Ctrl-C. Each run is a whole `verify` run, so its cleanup guarantees
//! hold; Ctrl-C during a run stops it as it would stop `verify`, and exits 130.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use crate::cli::VerifyArgs;
use crate::exit;
use crate::io::shell::INTERRUPTED;
use crate::io::watch::{self, Change};

pub fn run(args: &VerifyArgs) -> i32 {
    if let Err(e) = crate::io::interrupt::on_stop_signals() {
        eprintln!("warning: cannot handle Ctrl-C ({e}); it will stop the run without cleanup");
    }
    let first = crate::cmd::verify::run_once(args);
    if INTERRUPTED.load(Ordering::SeqCst) || first == exit::INTERRUPTED {
        return exit::INTERRUPTED;
    }
    let root = args.root.canonicalize().unwrap_or_else(|_| args.root.clone());
    let src = crate::io::load::load_book(&args.root).map_or_else(|_| "content".to_string(), |b| b.src_dir.clone());
    let (tx, rx) = mpsc::channel();
    let _watch = match watch::watch(&[root.join(&src)], &[], Duration::from_millis(200), move |c| {
        let _ = tx.send(c);
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch {}: {e}", root.join(&src).display());
            return exit::USAGE;
        }
    };
    loop {
        eprintln!("watch: waiting for changes to the pages (Ctrl-C to stop)");
        let pages = loop {
            if INTERRUPTED.load(Ordering::SeqCst) {
                return exit::INTERRUPTED;
            }
            match rx.recv_timeout(Duration::from_millis(100)) {
                // A lost batch (rescan): everything the first run covered.
                Ok(Change::Rescan) => break args.filters.clone(),
                Ok(Change::Paths(paths)) => {
                    let pages = saved_pages(&root, &paths);
                    if !pages.is_empty() {
                        break pages;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return exit::FAILURE,
            }
        };
        let what = if pages.is_empty() { "the book".to_string() } else { pages.join(", ") };
        eprintln!("watch: {what} saved; verifying again");
        let again = VerifyArgs { filters: pages, watch: false, ..args.clone() };
        if crate::cmd::verify::run_once(&again) == exit::INTERRUPTED || INTERRUPTED.load(Ordering::SeqCst) {
            return exit::INTERRUPTED;
        }
    }
}

/// The markdown pages among changed paths, relative to the root (`content/a.md`), sorted.
fn saved_pages(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    let mut pages: Vec<String> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
        .filter_map(|p| p.strip_prefix(root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    pages.sort();
    pages.dedup();
    pages
}
