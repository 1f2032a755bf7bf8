//! What a page or a dead run left outside Docker's labels: processes found by the
//! environment marker every block runs with (`COOKBOOK_VERIFY_PAGE`, read from
//! `/proc/<pid>/environ`, so leaving the process group or session does not hide them),
//! and after a crash, the labelled resources, images, processes and scratch folders of
//! runs that are no longer alive. Never touches what a live run owns. Linux only: where
//! `/proc` is missing, nothing is found and nothing is judged dead.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::core::verify::ledger::{self, ImageCleanup, Noted, Resource, PAGE_LABEL};
use crate::core::verify::run_id::{self, RunId};
use crate::io::docker::Engine;

/// A process that carries a verify run's marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    pub pid: i32,
    /// Its name, as `/proc/<pid>/comm` gives it.
    pub name: String,
    pub page: String,
    pub block: Option<String>,
}

impl Marked {
    /// `process sleep (pid 4242)` for reports.
    pub fn describe(&self) -> String {
        format!("process {} (pid {})", self.name, self.pid)
    }
}

/// This process's run ID.
pub fn own_run_id() -> RunId {
    let pid = std::process::id();
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    RunId { pid, start: start_ticks(pid as i32).unwrap_or(0), host: run_id::host_hash(hostname.trim()) }
}

/// Whether the run that made something may still be alive. Runs of another host, and
/// runs whose start time is unknown, are assumed alive: they are not ours to judge.
pub fn is_alive(run: RunId, own: RunId) -> bool {
    if run == own || run.host != own.host || run.start == 0 {
        return true;
    }
    i32::try_from(run.pid).ok().and_then(start_ticks) == Some(run.start)
}

/// A process's start time in clock ticks after boot (field 22 of `/proc/<pid>/stat`).
fn start_ticks(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

/// Every live process (zombies aside) that carries a run's marker, but this one.
pub fn marked_processes() -> Vec<Marked> {
    let pids = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()));
    marked_among(pids)
}

/// Those of `pids` that carry a run's marker and are alive (not zombies), but this one.
fn marked_among(pids: impl Iterator<Item = i32>) -> Vec<Marked> {
    let own = std::process::id() as i32;
    let mut found = Vec::new();
    for pid in pids.filter(|&p| p != own) {
        let dir = std::path::PathBuf::from(format!("/proc/{pid}"));
        let Ok(env) = std::fs::read(dir.join("environ")) else {
            continue;
        };
        let var = |name: &str| {
            env.split(|b| *b == 0)
                .find_map(|v| v.strip_prefix(name.as_bytes()).and_then(|v| v.strip_prefix(b"=")))
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        let Some(page) = var("COOKBOOK_VERIFY_PAGE") else {
            continue;
        };
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap_or_default();
        if stat.rsplit_once(')').and_then(|(_, s)| s.split_whitespace().next()) == Some("Z") {
            continue;
        }
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default().trim().to_string();
        found.push(Marked { pid, name, page, block: var("COOKBOOK_VERIFY_BLOCK") });
    }
    found.sort_by_key(|p| p.pid);
    found.dedup_by_key(|p| p.pid);
    found
}

/// Set once this process reaps its orphaned descendants (see [`become_subreaper`]).
static SUBREAPER: AtomicBool = AtomicBool::new(false);

/// Makes this process the reaper of its orphaned descendants (Linux's
/// `PR_SET_CHILD_SUBREAPER`): a process that leaves a block's session (`setsid`, a
/// daemon's double fork) is then re-parented here instead of to init, so a page's
/// processes are found by walking this process's tree, not all of `/proc`.
pub fn become_subreaper() {
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag on this process.
    let ok = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } == 0;
    SUBREAPER.store(ok, Ordering::SeqCst);
}

/// This process's descendants, from `/proc/<pid>/task/<tid>/children`; `None` where the
/// kernel does not offer that file.
fn descendants() -> Option<Vec<i32>> {
    let mut out = Vec::new();
    let mut queue = vec![std::process::id() as i32];
    while let Some(pid) = queue.pop() {
        for task in std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten() {
            match std::fs::read_to_string(task.path().join("children")) {
                Ok(text) => {
                    for child in text.split_whitespace().filter_map(|c| c.parse::<i32>().ok()) {
                        out.push(child);
                        queue.push(child);
                    }
                }
                Err(_) if out.is_empty() && pid == std::process::id() as i32 => return None,
                Err(_) => {}
            }
        }
    }
    Some(out)
}

/// Kills (SIGKILL) the page's processes that are still alive, and returns them.
pub fn kill_page_processes(page_tag: &str) -> Vec<Marked> {
    let candidates = if SUBREAPER.load(Ordering::SeqCst) { descendants() } else { None };
    let marked = match candidates {
        Some(pids) => marked_among(pids.into_iter()),
        None => marked_processes(),
    };
    let found: Vec<Marked> = marked.into_iter().filter(|p| p.page == page_tag).collect();
    let own = std::process::id() as i32;
    for p in &found {
        kill(p.pid);
        if parent_of(p.pid) == Some(own) {
            // Re-parented here: reap it, or it stays a zombie until the run ends.
            // SAFETY: waiting for our own child, just killed; no memory is shared.
            unsafe {
                libc::waitpid(p.pid, std::ptr::null_mut(), 0);
            }
        }
    }
    found
}

/// What is still below this process once every page has ended: processes that outlived
/// their page without the run's marker (`env -i` cleared it, or a daemon its environment)
/// but were re-parented here, the subreaper. Nothing of the run should be left by then,
/// so each is killed, reaped and described (`process NAME (pid N)`). Empty where this
/// process is not a subreaper: there such processes cannot be told from anyone else's.
pub fn kill_unmarked_descendants() -> Vec<String> {
    if !SUBREAPER.load(Ordering::SeqCst) {
        return Vec::new();
    }
    let own = std::process::id() as i32;
    let mut found = Vec::new();
    // A few passes: a process killed while forking may leave a child behind.
    for _ in 0..3 {
        let Some(pids) = descendants() else { break };
        let mut killed = Vec::new();
        for pid in pids {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if stat.is_empty() || stat.rsplit_once(')').and_then(|(_, s)| s.split_whitespace().next()) == Some("Z") {
                killed.push(pid);
                continue;
            }
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string();
            kill(pid);
            found.push(format!("process {name} (pid {pid})"));
            killed.push(pid);
        }
        if killed.is_empty() {
            break;
        }
        for pid in killed.into_iter().filter(|&p| parent_of(p) == Some(own)) {
            // SAFETY: waiting for our own child, killed or already a zombie; no memory is shared.
            unsafe {
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
        }
    }
    found
}

/// A process's parent (field 4 of `/proc/<pid>/stat`).
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

fn kill(pid: i32) {
    if pid > 1 {
        // SAFETY: kill has no memory effects; a process already gone returns ESRCH.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Where a run keeps the images from before it, in its scratch folder.
pub const SNAPSHOT_FILE: &str = "before-images";

/// Carries out an image cleanup: tags from before pointed back first, then new tags and
/// images removed (never an image still carrying a tag from before). Returns what was
/// done and what failed, described for the notes.
pub fn apply_images(engine: &Engine, plan: &ImageCleanup) -> (Vec<String>, Vec<String>) {
    let mut done = Vec::new();
    let mut failed = Vec::new();
    let mut not_back = BTreeSet::new();
    for (tag, old) in &plan.restore {
        match engine.tag_image(old, tag) {
            Ok(()) => done.push(format!("tag {tag} pointed back at its image from before the run")),
            Err(e) => {
                not_back.insert(tag.clone());
                failed.push(format!("tag {tag} (it existed before the run; could not point it back: {e})"));
            }
        }
    }
    for tag in &plan.untag {
        match engine.remove_image(tag, false) {
            Ok(()) => done.push(format!("tag {tag}")),
            Err(e) => failed.push(format!("tag {tag} ({e})")),
        }
    }
    for image in plan.remove.iter().filter(|i| !i.tags.iter().any(|t| not_back.contains(t))) {
        match engine.remove_image(&image.id, true) {
            Ok(()) => done.push(ledger::describe_image(image)),
            Err(e) => failed.push(format!("{} ({e})", ledger::describe_image(image))),
        }
    }
    (done, failed)
}

/// Removes what runs that are no longer alive left: their processes, labelled
/// containers, networks, volumes and images, and scratch folders. Returns what it did.
pub fn recover(engine: Option<&Engine>, own: RunId) -> Vec<String> {
    let dead = |tag: &str| RunId::parse(tag).is_some_and(|r| !is_alive(r, own));
    let mut notes = Vec::new();
    let run_of = |tag: &str| tag.split('/').next().unwrap_or("").to_string();
    for p in marked_processes().into_iter().filter(|p| dead(&p.page)) {
        kill(p.pid);
        notes.push(format!("killed {} left by run {} (no longer alive)", p.describe(), run_of(&p.page)));
    }
    let scratch = dead_scratch(&std::env::temp_dir(), own);
    if let Some(engine) = engine {
        match engine.resources() {
            Ok(listed) => {
                let mut left: Vec<&Resource> = listed.iter().filter(|r| r.labels.get(PAGE_LABEL).is_some_and(|t| dead(t))).collect();
                left.sort();
                for r in left {
                    let run = run_of(&r.labels[PAGE_LABEL]);
                    notes.push(match engine.remove(r) {
                        Ok(()) => format!("removed {} left by run {run} (no longer alive)", r.describe()),
                        Err(e) => format!("could not remove {} left by run {run} (no longer alive): {e}", r.describe()),
                    });
                }
            }
            Err(e) => notes.push(format!("cannot list Docker resources to remove what dead runs left: {e}")),
        }
        notes.extend(recover_images(engine, &scratch));
    }
    for (run, dir) in scratch {
        notes.push(match std::fs::remove_dir_all(&dir) {
            Ok(()) => format!("removed scratch folder {} left by run {run} (no longer alive)", dir.display()),
            Err(err) => format!("could not remove scratch folder {}: {err}", dir.display()),
        });
    }
    notes
}

/// The images runs that died (their scratch folder is still there) made, removed as the
/// run would have at its pages' ends: tags from before pointed back, from the snapshot in
/// the folder; without a snapshot, only images with no tag (a tag may have existed before).
/// A run that ended removed its folder and already cleaned its images, or kept them on
/// purpose (`--keep-images`): those are not looked at.
fn recover_images(engine: &Engine, scratch: &[(RunId, PathBuf)]) -> Vec<String> {
    let Ok(images) = engine.images() else {
        return vec!["cannot list images to remove what dead runs left".into()];
    };
    let mut notes = Vec::new();
    let mut handled: BTreeSet<String> = BTreeSet::new();
    for (run, dir) in scratch {
        let Ok(text) = std::fs::read_to_string(dir.join(SNAPSHOT_FILE)) else {
            continue;
        };
        let (before_ids, before_tags) = ledger::parse_snapshot(&text);
        let mut pages: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| Some((e.file_name().to_str()?.strip_prefix("page-")?.parse().ok()?, e.path())))
            .collect();
        pages.sort();
        let page_tags: Vec<String> = pages.iter().map(|(n, _)| format!("{run}/{n}")).collect();
        for ((_, page_dir), page_tag) in pages.iter().zip(&page_tags) {
            let ledger_text = std::fs::read_to_string(page_dir.join("meta").join("ledger")).unwrap_or_default();
            let noted: Vec<Noted> = ledger::parse_ledger(&ledger_text).into_iter().map(|(n, _)| n).collect();
            let plan = ledger::images_to_clean(&images, page_tag, &noted, &before_ids, &before_tags);
            handled.extend(plan.remove.iter().map(|i| i.id.clone()));
            let (done, failed) = apply_images(engine, &plan);
            notes.extend(done.into_iter().map(|d| format!("removed {d} left by run {run} (no longer alive)")));
            notes.extend(failed.into_iter().map(|d| format!("could not remove {d} left by run {run}")));
        }
    }
    let crashed: BTreeSet<String> = scratch.iter().map(|(run, _)| run.to_string()).collect();
    let of_crashed = |t: &String| crashed.contains(t.split('/').next().unwrap_or(""));
    for i in images.iter().filter(|i| !handled.contains(&i.id) && i.labels.get(PAGE_LABEL).is_some_and(of_crashed)) {
        let run = i.labels[PAGE_LABEL].split('/').next().unwrap_or("").to_string();
        if !i.tags.is_empty() {
            notes.push(format!(
                "left {} made by run {run} (no longer alive): its tags may have existed before that run",
                ledger::describe_image(i)
            ));
            continue;
        }
        notes.push(match engine.remove_image(&i.id, true) {
            Ok(()) => format!("removed {} left by run {run} (no longer alive)", ledger::describe_image(i)),
            Err(e) => format!("could not remove {} left by run {run}: {e}", ledger::describe_image(i)),
        });
    }
    notes
}

/// The scratch folders of runs that are no longer alive.
fn dead_scratch(tmp: &Path, own: RunId) -> Vec<(RunId, PathBuf)> {
    let mut found: Vec<(RunId, PathBuf)> = std::fs::read_dir(tmp)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((run_id::run_of_scratch(e.file_name().to_str()?)?, e.path())))
        .filter(|(run, _)| !is_alive(*run, own))
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_run_is_alive_and_a_reused_pid_is_not() {
        let own = own_run_id();
        assert!(own.start > 0, "this host has /proc");
        assert!(is_alive(own, own));
        let dead = RunId { start: own.start + 1, ..own };
        assert!(!is_alive(dead, own), "same PID, other start time: another (dead) run");
        let gone = RunId { pid: u32::MAX - 1, ..own };
        assert!(!is_alive(gone, own));
        let foreign = RunId { host: own.host ^ 1, ..dead };
        assert!(is_alive(foreign, own), "another host's runs are never judged");
    }

    #[test]
    fn finds_a_process_by_its_marker_outside_its_session() {
        let mut child = std::process::Command::new("setsid")
            .args(["sleep", "30"])
            .env("COOKBOOK_VERIFY_PAGE", "unit-test/7")
            .env("COOKBOOK_VERIFY_BLOCK", "unit-test/7/2")
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let found = loop {
            let f = kill_page_processes("unit-test/7");
            if !f.is_empty() || std::time::Instant::now() > deadline {
                break f;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let _ = child.wait();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].pid, found[0].block.as_deref()), (pid, Some("unit-test/7/2")));
        assert!(kill_page_processes("unit-test/7").is_empty(), "killed");
    }

    #[test]
    fn finds_only_dead_runs_scratch() {
        let tmp = tempfile::tempdir().unwrap();
        let own = own_run_id();
        let dead = RunId { start: own.start + 1, ..own };
        for run in [own, dead] {
            std::fs::create_dir_all(tmp.path().join(format!("cookbook-verify-{run}.abc/page-0"))).unwrap();
        }
        std::fs::create_dir_all(tmp.path().join("cookbook-verify-4d2-9f8e7d6c5b.x")).unwrap();
        let found = dead_scratch(tmp.path(), own);
        assert_eq!(found, [(dead, tmp.path().join(format!("cookbook-verify-{dead}.abc")))]);
    }
}
