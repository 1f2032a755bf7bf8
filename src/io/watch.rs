//! Watches the book's sources with notify and debounces them: a burst of saves arrives as one
//! batch. Folders are watched recursively, so editors that save by writing a temporary file
//! and renaming it are seen; single files (book.toml) through their parent folder.
//! Which paths matter is `core::changes`; what to do about them is `io::live`.
//!
//! Not notify-debouncer-mini: it drops the event kind, and inotify reports every `open()` —
//! the rebuild's own reads would trigger the next rebuild, forever. Here reads are dropped
//! before debouncing.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use crate::core::changes::WatchSet;

/// One debounced batch from the watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These watched paths changed (created, written, removed or renamed).
    Paths(Vec<PathBuf>),
    /// The watcher lost events (queue overflow, a watched root vanished): rebuild everything.
    Rescan,
}

/// Keeps the watcher alive; dropping it stops watching and ends the debounce thread.
pub struct Watch {
    watcher: RecommendedWatcher,
    /// Folders that did not exist yet (watched ones, or those of watched files): watched
    /// from their parent until they appear.
    pending: Vec<PathBuf>,
}

/// Starts watching `paths` (folders recursively, files via their parent folder); each batch
/// that holds a path that matters goes to `on_change`, on the debounce thread. A batch ends
/// when no event came for `quiet`, or after ten times that in a steady stream of events.
pub fn watch(
    paths: &[PathBuf],
    ignored: &[PathBuf],
    quiet: Duration,
    on_change: impl Fn(Change) + Send + 'static,
) -> notify::Result<Watch> {
    let mut set = WatchSet { ignored: ignored.to_vec(), ..WatchSet::default() };
    for p in paths {
        if p.is_file() || (!p.exists() && p.extension().is_some()) {
            set.files.push(p.clone());
        } else {
            set.folders.push(p.clone());
        }
    }
    let (tx, rx) = mpsc::channel();
    let watcher = notify::recommended_watcher(tx)?;
    let mut watch = Watch { watcher, pending: Vec::new() };
    for f in &set.files {
        let Some(parent) = f.parent() else { continue };
        if parent.is_dir() {
            watch.add(parent, RecursiveMode::NonRecursive)?;
        } else {
            // `.cookbook/` before the first verify run: watched once it appears.
            if let Some(grandparent) = parent.parent().filter(|p| p.is_dir()) {
                watch.add(grandparent, RecursiveMode::NonRecursive)?;
            }
            watch.pending.push(parent.to_path_buf());
        }
    }
    for d in &set.folders {
        if d.is_dir() {
            watch.add(d, RecursiveMode::Recursive)?;
        } else {
            if let Some(parent) = d.parent().filter(|p| p.is_dir()) {
                watch.add(parent, RecursiveMode::NonRecursive)?;
            }
            watch.pending.push(d.clone());
        }
    }
    thread::Builder::new().name("serve-watch".into()).spawn(move || debounce(rx, &set, quiet, on_change)).map_err(notify::Error::io)?;
    Ok(watch)
}

type Raw = notify::Result<notify::Event>;

fn debounce(rx: Receiver<Raw>, set: &WatchSet, quiet: Duration, on_change: impl Fn(Change)) {
    let mut batch = Batch::default();
    while let Ok(first) = rx.recv() {
        batch.add(first, set);
        if batch.is_empty() {
            continue;
        }
        let started = Instant::now();
        while started.elapsed() < quiet * 10 {
            match rx.recv_timeout(quiet) {
                Ok(more) => batch.add(more, set),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        on_change(batch.take());
    }
}

#[derive(Default)]
struct Batch {
    paths: Vec<PathBuf>,
    rescan: bool,
}

impl Batch {
    fn add(&mut self, raw: Raw, set: &WatchSet) {
        match raw {
            Ok(event) if event.need_rescan() => self.rescan = true,
            Ok(event) if changes_content(&event.kind) => {
                self.paths.extend(event.paths.into_iter().filter(|p| set.matters(p)));
            }
            Ok(_) => {}
            Err(_) => self.rescan = true,
        }
    }

    fn is_empty(&self) -> bool {
        !self.rescan && self.paths.is_empty()
    }

    fn take(&mut self) -> Change {
        let batch = std::mem::take(self);
        if batch.rescan {
            return Change::Rescan;
        }
        let mut paths = batch.paths;
        paths.sort();
        paths.dedup();
        Change::Paths(paths)
    }
}

/// Whether an event can change what a build reads: not opening or reading a file (the
/// build's own reads), but closing it after writing counts.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

impl Watch {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.watcher.watch(path, mode)
    }

    /// Starts watching the folders that have appeared since (a new `templates/`).
    pub fn refresh(&mut self) {
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending).into_iter().partition(|d| d.is_dir());
        self.pending = later;
        for d in now {
            if self.add(&d, RecursiveMode::Recursive).is_err() {
                self.pending.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};

    #[test]
    fn reads_do_not_count_but_writes_renames_and_removals_do() {
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Name(RenameMode::To))));
        assert!(changes_content(&EventKind::Remove(RemoveKind::File)));
    }
}
