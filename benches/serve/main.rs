//! Edit-to-reload latency of `cookbook serve`: on a generated book of 1,000 and 10,000 pages,
//! 20 one-page edits each; for every edit, file write → reload answered (the long-poll a
//! browser holds) and file write → new content served, and the rebuild+install part of it.
//! Prints p50/p95 per corpus.
//!
//! Run: `cargo bench --bench serve` (add `-- 1000` to pick corpus sizes).

#[path = "../corpus.rs"]
mod corpus;
#[allow(dead_code)]
#[path = "../../tests/support/http.rs"]
mod http;

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use cookbook::io::live::{self, LiveOptions, SiteBuilder};
use cookbook::io::server::ServerOptions;

const EDITS: usize = 20;

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000] } else { sizes };
    println!("{:>7}  {:>9}  {:>22}  {:>22}  {:>22}", "pages", "build", "write→reload p50/p95", "write→served p50/p95", "rebuild p50/p95");
    for pages in sizes {
        run(pages);
    }
}

fn run(pages: usize) {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus::book(&dir.path().canonicalize().unwrap(), pages);
    let paths: Vec<std::path::PathBuf> = (0..pages).map(|i| root.join(format!("src/recipe-{i}.md"))).collect();
    let originals: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let started = Instant::now();
    let opts = LiveOptions { server: ServerOptions { port: 0, ..ServerOptions::default() }, ..LiveOptions::default() };
    let builds = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = builds.clone();
    let preview = live::start(builder(&root), &opts, move |e| {
        let (live::Event::Built { took, .. } | live::Event::Failed { took, .. }) = e;
        seen.lock().unwrap().push(*took);
    })
    .expect("serve starts");
    let first_build = started.elapsed();
    let addr = preview.addr();
    let (mut to_reload, mut to_served) = (Vec::new(), Vec::new());
    for edit in 1..=EDITS {
        let i = (edit * 7919) % pages;
        let url = page_url(&root, &paths[i]);
        let version = preview.version();
        let waiting = preview.site().waiting();
        let poll = thread::spawn(move || {
            let reply = http::get(addr, &format!("/__cookbook/reload?v={version}")).unwrap();
            assert_eq!(reply.status, 200, "reload");
            Instant::now()
        });
        while preview.site().waiting() == waiting {
            thread::yield_now();
        }
        let wrote = Instant::now();
        // Saved the way editors save (a hidden temporary file, then a rename), so no rebuild
        // can see the file half-written.
        let tmp = paths[i].with_file_name(format!(".recipe-{i}.md.tmp"));
        std::fs::write(&tmp, format!("{}\nmarker-{i}-{edit}\n", originals[i])).unwrap();
        std::fs::rename(&tmp, &paths[i]).unwrap();
        let reloaded = poll.join().unwrap();
        let page = http::get(addr, &url).unwrap();
        let served = Instant::now();
        assert!(page.text().contains(&format!("marker-{i}-{edit}")), "{url} is not the new page");
        to_reload.push(reloaded - wrote);
        to_served.push(served - wrote);
    }
    preview.stop();
    let mut rebuilds: Vec<Duration> = builds.lock().unwrap()[1..].to_vec();
    println!(
        "{pages:>7}  {:>7}ms  {:>22}  {:>22}  {:>22}",
        first_build.as_millis(),
        p50_p95(&mut to_reload),
        p50_p95(&mut to_served),
        p50_p95(&mut rebuilds)
    );
}

fn page_url(root: &Path, md: &Path) -> String {
    let rel = md.strip_prefix(root.join("src")).unwrap().to_string_lossy().replace('\\', "/");
    format!("/{}", rel.trim_end_matches(".md").to_string() + ".html")
}

fn p50_p95(samples: &mut [Duration]) -> String {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    format!("{:.1} / {:.1} ms", ms(at(0.50)), ms(at(0.95)))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The real build pipeline, as `cookbook serve` runs it.
fn builder(root: &Path) -> impl SiteBuilder {
    cookbook::cmd::serve::builder_for(root).expect("a book")
}
