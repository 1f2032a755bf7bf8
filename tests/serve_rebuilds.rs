//! `cookbook serve` rebuilds for every change that matters and nothing is lost on the way: a
//! save made while the first build runs, search indexes built off the critical path (one at
//! a time, the newest winning), and a new verify report (its badges).

mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cookbook::core::diagnostic::Diagnostic;
use cookbook::core::output::Output;
use cookbook::io::live::Deferred;
use cookbook::io::live::{self, LiveOptions, Preview, SiteBuilder};
use cookbook::io::server::ServerOptions;
use support::fake_book::FakeBook;
use support::http::get;
use support::{eventually, fixture};

const LIMIT: Duration = Duration::from_secs(20);

fn options() -> LiveOptions {
    LiveOptions { server: ServerOptions { port: 0, ..ServerOptions::default() }, ..LiveOptions::default() }
}

/// A book whose first build waits, after reading the sources, until the test saved a file.
struct SlowFirstBuild<B> {
    book: B,
    started: mpsc::Sender<()>,
    go_on: mpsc::Receiver<()>,
    builds: usize,
}

impl<B: SiteBuilder> SiteBuilder for SlowFirstBuild<B> {
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        self.builds += 1;
        if self.builds == 1 {
            // Reads the sources first, like the real build, then lets the test save.
            let outputs = self.book.rebuild(changed);
            self.started.send(()).unwrap();
            self.go_on.recv().unwrap();
            return outputs;
        }
        self.book.rebuild(changed)
    }

    fn watch_paths(&self) -> Vec<PathBuf> {
        self.book.watch_paths()
    }

    fn ignored_paths(&self) -> Vec<PathBuf> {
        self.book.ignored_paths()
    }
}

/// Starts serving `book`, and saves `page` with `text` while its first build runs.
fn save_during_the_first_build<B: SiteBuilder>(book: B, page: &Path, text: &str) -> Preview {
    let (started, build_started) = mpsc::channel();
    let (go_on, wait) = mpsc::channel();
    let builder = SlowFirstBuild { book, started, go_on: wait, builds: 0 };
    let starting = std::thread::spawn(move || live::start(builder, &options(), |_| {}).expect("server starts"));
    build_started.recv_timeout(LIMIT).unwrap();
    std::fs::write(page, text).unwrap();
    go_on.send(()).unwrap();
    starting.join().unwrap()
}

#[test]
fn a_save_made_during_the_first_build_is_seen() {
    let (_tmp, root) = fixture("serve");
    let preview = save_during_the_first_build(
        FakeBook { root: root.clone() },
        &root.join("content/shm.md"),
        "# Shared memory\n\nSaved during the first build.\n",
    );
    eventually("the save made during the first build", LIMIT, || {
        let page = get(preview.addr(), "/shm.html").ok()?;
        page.text().contains("Saved during the first build.").then_some(())
    });
    preview.stop();
}

#[test]
fn a_save_during_the_first_build_in_a_source_folder_named_by_book_toml_is_seen() {
    let (_tmp, root) = fixture("serve");
    std::fs::rename(root.join("content"), root.join("src")).unwrap();
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(root.join("book.toml"), toml.replace("\"content\"", "\"src\"")).unwrap();
    let book = cookbook::cmd::serve::builder_for(&root).unwrap();
    let preview = save_during_the_first_build(book, &root.join("src/shm.md"), "# Shared memory\n\nSaved during the first build.\n");
    eventually("the save made during the first build", LIMIT, || {
        let page = get(preview.addr(), "/shm.html").ok()?;
        page.text().contains("Saved during the first build.").then_some(())
    });
    preview.stop();
}

/// The stand-in book with a deferred search index of its own: build N's index is "N". The
/// first index is slow, later ones quick, so jobs run side by side would finish out of order.
struct SearchingBook {
    book: FakeBook,
    builds: Arc<AtomicU64>,
    running: Arc<AtomicUsize>,
    most_at_once: Arc<AtomicUsize>,
    /// The index the book keeps for its next build (`BuildSession`'s search outputs).
    kept: Arc<Mutex<u64>>,
}

impl SiteBuilder for SearchingBook {
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        self.builds.fetch_add(1, Ordering::SeqCst);
        self.book.rebuild(changed)
    }

    fn watch_paths(&self) -> Vec<PathBuf> {
        self.book.watch_paths()
    }

    fn take_deferred(&mut self) -> Option<Deferred> {
        let build = self.builds.load(Ordering::SeqCst);
        let (running, most, kept) = (self.running.clone(), self.most_at_once.clone(), self.kept.clone());
        Some(Box::new(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            // Stands in for the work of indexing: the first index takes longest.
            let work = if build == 1 { 400 } else { 20 };
            std::thread::sleep(Duration::from_millis(work));
            *kept.lock().unwrap() = build;
            running.fetch_sub(1, Ordering::SeqCst);
            vec![Output::new("search/index.json", build.to_string())]
        }))
    }
}

#[test]
fn search_indexes_are_built_one_at_a_time_and_the_newest_wins() {
    let (_tmp, root) = fixture("serve");
    let builds = Arc::new(AtomicU64::new(0));
    let most_at_once = Arc::new(AtomicUsize::new(0));
    let kept = Arc::new(Mutex::new(0));
    let builder = SearchingBook {
        book: FakeBook { root: root.clone() },
        builds: builds.clone(),
        running: Arc::default(),
        most_at_once: most_at_once.clone(),
        kept: kept.clone(),
    };
    let preview = live::start(builder, &options(), |_| {}).expect("server starts");
    let shm = root.join("content/shm.md");
    for i in 0..8 {
        let text = format!("# Shared memory\n\nedit {i}\n");
        std::fs::write(&shm, &text).unwrap();
        eventually("the edit to be served", LIMIT, || {
            let page = get(preview.addr(), "/shm.html").ok()?;
            page.text().contains(&text[17..]).then_some(())
        });
    }
    let last = builds.load(Ordering::SeqCst);
    assert!(last >= 9, "{last} builds");
    eventually("the newest index to be served", LIMIT, || {
        let index = get(preview.addr(), "/search/index.json").ok()?;
        (index.text() == last.to_string()).then_some(())
    });
    assert_eq!(*kept.lock().unwrap(), last, "an older index replaced a newer one");
    assert_eq!(most_at_once.load(Ordering::SeqCst), 1, "indexes built at once");
    preview.stop();
}

fn serve_book(root: &Path) -> Preview {
    let book = cookbook::cmd::serve::builder_for(root).unwrap();
    live::start(book, &options(), |_| {}).expect("server starts")
}

#[test]
fn a_new_verify_report_shows_its_badges_without_an_edit() {
    let (_tmp, root) = fixture("proof/badges");
    let report = root.join(".cookbook/verify.json");
    let saved = std::fs::read(&report).unwrap();
    // No verify run yet: no .cookbook folder at all.
    std::fs::remove_dir_all(root.join(".cookbook")).unwrap();
    let preview = serve_book(&root);
    let page = get(preview.addr(), "/shm.html").unwrap();
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("class=\"badge "), "no report, no badge");
    // `cookbook verify` finishes: the report appears.
    std::fs::create_dir(root.join(".cookbook")).unwrap();
    std::fs::write(&report, &saved).unwrap();
    eventually("the badges of the new report", LIMIT, || {
        let page = get(preview.addr(), "/shm.html").ok()?;
        page.text().contains("class=\"badge ").then_some(())
    });
    // A later run changes one outcome: the badge follows.
    let failing = String::from_utf8(saved).unwrap();
    let (fail, pass) = ("\"outcome\": \"fail\"", "\"outcome\": \"pass\"");
    assert!(failing.contains(fail), "the fixture has a failing block");
    std::fs::write(&report, failing.replace(fail, pass)).unwrap();
    eventually("the badges of the second report", LIMIT, || {
        let page = get(preview.addr(), "/shm.html").ok()?;
        (!page.text().contains("Failing: ")).then_some(())
    });
    preview.stop();
}
