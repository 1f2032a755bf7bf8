//! The live preview: an initial build, the server, the watcher, and one thread that rebuilds
//! each batch of changes and installs the result, so the reload fires only once the new
//! pages are being served. The build itself is behind [`SiteBuilder`].

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use crate::core::diagnostic::Diagnostic;
use crate::core::output::Output;
use crate::core::preview::Snapshot;
use crate::io::deferred::DeferredWork;
use crate::io::server::{self, LiveSite, RunningServer, ServerOptions};
use crate::io::watch::{self, Change, Watch};

/// Work left for after the pages are served: builds the search index of the latest build
/// and returns the whole site with the new index in place of the old one.
pub type Deferred = Box<dyn FnOnce() -> Vec<Output> + Send>;

/// A site builder that keeps what it can between builds.
pub trait SiteBuilder: Send + 'static {
    /// The whole site after `changed` (empty: everything), or what went wrong.
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>>;
    /// The folders and files whose changes need a rebuild.
    fn watch_paths(&self) -> Vec<PathBuf>;
    /// Folders under the watched ones that never need a rebuild (the output folder).
    fn ignored_paths(&self) -> Vec<PathBuf> {
        Vec::new()
    }
    /// Warnings of the last build (shown, never served).
    fn warnings(&self) -> Vec<Diagnostic> {
        Vec::new()
    }
    /// Slow work of the last build left for after its pages are served (the search index):
    /// its files replace those under `search/` once done, unless a newer build came first.
    fn take_deferred(&mut self) -> Option<Deferred> {
        None
    }
}

impl SiteBuilder for Box<dyn SiteBuilder> {
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        (**self).rebuild(changed)
    }

    fn watch_paths(&self) -> Vec<PathBuf> {
        (**self).watch_paths()
    }

    fn take_deferred(&mut self) -> Option<Deferred> {
        (**self).take_deferred()
    }

    fn ignored_paths(&self) -> Vec<PathBuf> {
        (**self).ignored_paths()
    }

    fn warnings(&self) -> Vec<Diagnostic> {
        (**self).warnings()
    }
}

/// What happened, for the terminal.
#[derive(Debug)]
pub enum Event {
    Built {
        version: u64,
        pages: usize,
        /// Problems that did not stop the build (unknown config keys …).
        warnings: Vec<Diagnostic>,
        changed: Vec<PathBuf>,
        took: Duration,
    },
    Failed {
        version: u64,
        diagnostics: Vec<Diagnostic>,
        changed: Vec<PathBuf>,
        took: Duration,
    },
}

#[derive(Debug, Clone)]
pub struct LiveOptions {
    pub server: ServerOptions,
    /// A burst of saves closer together than this is one rebuild.
    pub debounce: Duration,
    /// Never rebuild for changes here (the output folder).
    pub ignored: Vec<PathBuf>,
}

impl Default for LiveOptions {
    fn default() -> Self {
        // 20 ms: editors' write-and-rename saves take well under that, and the reload
        // budget (under 50 ms from save to new page) has no room for more.
        LiveOptions { server: ServerOptions::default(), debounce: Duration::from_millis(20), ignored: Vec::new() }
    }
}

enum Wake {
    Changed(Change),
    Stop,
}

/// A running preview; [`Preview::stop`] ends it.
pub struct Preview {
    server: RunningServer,
    site: Arc<LiveSite>,
    wake: Sender<Wake>,
    rebuilder: JoinHandle<()>,
    taken_ports: Vec<u16>,
}

/// Builds once, starts serving, then rebuilds on every change until stopped. `report` sees
/// each build (the first one too) on the rebuild thread. Watching starts before the first
/// build, so a save made while it runs is the next rebuild.
pub fn start<B: SiteBuilder>(mut builder: B, opts: &LiveOptions, mut report: impl FnMut(&Event) + Send + 'static) -> io::Result<Preview> {
    let site = LiveSite::new(Snapshot::default());
    let (wake, woken) = mpsc::channel();
    let before = builder.watch_paths();
    let mut watcher = watch_for(&builder, &before, opts, &wake)?;
    let first_build = SystemTime::now();
    let search = DeferredWork::start(site.clone())?;
    report(&build(&mut builder, &site, &search, Vec::new()));
    let after = builder.watch_paths();
    if after != before {
        // The book's config moved its sources (`src = "src"`): watch where they are now,
        // and rebuild if anything there changed while the first build ran.
        watcher = watch_for(&builder, &after, opts, &wake)?;
        let new: Vec<PathBuf> = after.into_iter().filter(|p| !before.contains(p)).collect();
        if changed_since(&new, first_build) {
            let _ = wake.send(Wake::Changed(Change::Rescan));
        }
    }
    let (listener, taken_ports) = server::bind(&opts.server)?;
    let server = server::start(listener, site.clone(), &opts.server)?;
    let rebuild_site = site.clone();
    let rebuilder = thread::Builder::new().name("serve-rebuild".into()).spawn(move || {
        let mut watcher: Watch = watcher;
        while let Ok(Wake::Changed(first)) = woken.recv() {
            let mut batch = vec![first];
            let mut stop = false;
            for more in woken.try_iter() {
                match more {
                    Wake::Changed(c) => batch.push(c),
                    Wake::Stop => stop = true,
                }
            }
            if stop {
                break;
            }
            watcher.refresh();
            report(&build(&mut builder, &rebuild_site, &search, merge(batch)));
        }
    })?;
    Ok(Preview { server, site, wake, rebuilder, taken_ports })
}

/// A watcher on `paths` whose batches wake the rebuild thread.
fn watch_for(builder: &impl SiteBuilder, paths: &[PathBuf], opts: &LiveOptions, wake: &Sender<Wake>) -> io::Result<Watch> {
    let mut ignored = opts.ignored.clone();
    ignored.extend(builder.ignored_paths());
    let to_rebuilder = wake.clone();
    watch::watch(paths, &ignored, opts.debounce, move |c| {
        let _ = to_rebuilder.send(Wake::Changed(c));
    })
    .map_err(io::Error::other)
}

/// Whether a file under `paths` was modified at `since` or later. Filesystem times come
/// from a clock that may lag the system's by a tick, hence the 20 ms of slack.
fn changed_since(paths: &[PathBuf], since: SystemTime) -> bool {
    let since = since - Duration::from_millis(20);
    paths.iter().any(|p| {
        walkdir::WalkDir::new(p)
            .into_iter()
            .flatten()
            .any(|e| e.metadata().ok().and_then(|m| m.modified().ok()).is_some_and(|t| t >= since))
    })
}

/// The union of a run of batches; a rescan anywhere means everything (an empty list).
fn merge(batch: Vec<Change>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for change in batch {
        match change {
            Change::Paths(p) => paths.extend(p),
            Change::Rescan => return Vec::new(),
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

fn build(builder: &mut impl SiteBuilder, site: &Arc<LiveSite>, search: &DeferredWork, changed: Vec<PathBuf>) -> Event {
    let started = Instant::now();
    match builder.rebuild(&changed) {
        Ok(outputs) => {
            let pages = outputs.len();
            let version = site.install_build(outputs);
            let took = started.elapsed();
            if let Some(job) = builder.take_deferred() {
                search.submit(version, job);
            }
            Event::Built { version, pages, warnings: builder.warnings(), changed, took }
        }
        Err(diagnostics) => {
            let text: Vec<String> = diagnostics.iter().map(|d| d.render(false)).collect();
            let version = site.install_failure(text.join("\n\n"));
            Event::Failed { version, diagnostics, changed, took: started.elapsed() }
        }
    }
}

impl Preview {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:3000/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr())
    }

    /// The ports that were taken before the one in use.
    pub fn taken_ports(&self) -> &[u16] {
        &self.taken_ports
    }

    /// The version being served (it moves on after each install).
    pub fn version(&self) -> u64 {
        self.site.current().version
    }

    pub fn site(&self) -> &Arc<LiveSite> {
        &self.site
    }

    /// Stops watching and rebuilding, answers the waiting browsers, closes the socket.
    pub fn stop(self) {
        let _ = self.wake.send(Wake::Stop);
        let _ = self.rebuilder.join();
        self.server.stop();
    }
}
