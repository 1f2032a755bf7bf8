//! Search index benchmark: builds the index of the 1,000- and 10,000-page benchmark corpus
//! (`benches/corpus.py`, loaded and rendered by the real pipeline) and prints
//! its total bytes, its build time, and the bytes a query makes the browser download —
//! counted by running the real client (`assets/search.js`) under Node on the written files,
//! so it fetches exactly what a browser would. Then it writes the whole site, runs Pagefind over
//! the same HTML and measures both clients in headless Chromium (`versus.mjs`; needs
//! `pip install pagefind-bin`, chromium and chromedriver). Run:
//! `cargo run --release --example search-bench [-- PAGES... [--query Q]]`; see README.md.

#[path = "../corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use cookbook::core::search::build_index;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let query = match args.iter().position(|a| a == "--query") {
        Some(i) => {
            let q = args.remove(i + 1);
            args.remove(i);
            q
        }
        None => "shm size".to_string(),
    };
    let sizes: Vec<usize> = if args.is_empty() { vec![1_000, 10_000] } else { args.iter().map(|a| a.parse().unwrap()).collect() };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("pages  sections  files  index bytes  build s (cpu s)  query {query:?}: bytes (manifest + shards in n + docs in n)");
    for pages in sizes {
        let book_root = corpus::book(&root.join(format!("target/bench-corpus/{pages}")), pages);
        let book = cookbook::io::load::load_book(&book_root).expect("the corpus loads");
        let docs = cookbook::core::render::search_docs(&book, &cookbook::core::render::render_all_markdown(&book));
        let (start, cpu0) = (Instant::now(), cpu_seconds());
        let files = build_index(&docs);
        let (secs, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
        let total: usize = files.iter().map(|f| f.bytes.len()).sum();
        let dir = root.join("target/search-bench").join(pages.to_string());
        write(&dir, &files);
        let fetched = measure(root, &dir, &query).unwrap_or_else(|e| format!("n/a ({e})"));
        println!("{pages:>5}  {:>8}  {:>5}  {total:>11}  {secs:>7.2} ({cpu:>5.2})  {fetched}", docs.len(), files.len());
        println!("{}", versus(root, &book_root, &dir.join("site"), &query));
    }
}

/// CPU time of this process so far: on a shared machine, wall time measures the neighbours.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

fn write(dir: &PathBuf, files: &[cookbook::core::output::Output]) {
    let _ = std::fs::remove_dir_all(dir);
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
}

/// Writes the site the real build makes and runs `versus.mjs` on it: both sides in Chromium.
fn versus(root: &Path, book_root: &Path, site: &Path, query: &str) -> String {
    let mut session = cookbook::build::BuildSession::new(book_root);
    let start = Instant::now();
    let Ok(outputs) = session.rebuild(&[]) else { return "  versus Pagefind: n/a (the corpus does not build)".to_string() };
    let built = start.elapsed().as_secs_f64();
    write(&site.to_path_buf(), &outputs);
    println!("  cookbook: the whole site (pages and index) built in {built:.2} s (wall), {} files", outputs.len());
    let out = Command::new("node").arg(root.join("benches/search/versus.mjs")).arg(site).arg(query).output();
    if std::env::var_os("SEARCH_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(site); // 25 MB per 1,000 pages
    }
    match out {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim_end().to_string(),
        Ok(out) => format!("  versus Pagefind: n/a ({})", String::from_utf8_lossy(&out.stderr).trim()),
        Err(e) => format!("  versus Pagefind: n/a (node: {e})"),
    }
}

fn measure(root: &Path, dir: &Path, query: &str) -> Result<String, String> {
    let out =
        Command::new("node").arg(root.join("benches/search/measure.mjs")).arg(dir).arg(query).output().map_err(|e| format!("node: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
