//! What a page leaves behind, after it ran: its processes that outlived it killed, the
//! Docker resources it made removed and charged to the block that made them, the images
//! it built cleaned (routine, not a leak), and at the end of the run whatever this run's
//! labels still mark. What counts as the page's is `core::verify::ledger`; this file
//! only lists, removes and records.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::Shared;
use crate::core::verify::block::VerifyBlock;
use crate::core::verify::judge::{Outcome, Verdict};
use crate::core::verify::ledger::{self, Noted, Resource};
use crate::core::verify::plan::PagePlan;
use crate::core::verify::result::BlockResult;
use crate::io::docker::Engine;
use crate::io::leftovers;

/// The page's ledger file, where the shim notes what it cannot label.
pub(super) const LEDGER_FILE: &str = "ledger";

/// After a block that ran compose: the projects now running from the page's scratch
/// directory (compose labels their networks and volumes with the project name only).
pub(super) fn note_compose_projects(
    sh: &Shared,
    block: &VerifyBlock,
    index: usize,
    scratch: &Path,
    projects: &mut BTreeMap<String, usize>,
) {
    let Some(engine) = sh.engine else { return };
    if !block.script.contains("compose") {
        return;
    }
    if let Ok(listed) = engine.resources() {
        for p in ledger::compose_projects_in(&listed, &scratch.display().to_string()) {
            projects.entry(p).or_insert(index);
        }
    }
}

/// Kills the page's processes that outlived it, removes the Docker resources it left
/// behind, and charges each to the block that made it.
pub(super) fn charge_leaks(
    sh: &Shared,
    page_tag: &str,
    scratch: &Path,
    meta: &Path,
    projects: &BTreeMap<String, usize>,
    results: &mut [BlockResult],
) {
    let last_run = results.iter().rposition(|x| x.attempts > 0 && !x.block.attrs.cleanup).unwrap_or(0);
    let target_of = |b: Option<usize>, results: &[BlockResult]| b.and_then(|b| find_block(results, b)).unwrap_or(last_run);
    // (removed, not removed) per result position.
    let mut charged: BTreeMap<usize, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for p in leftovers::kill_page_processes(page_tag) {
        let block = p.block.as_deref().and_then(|b| b.rsplit('/').next()).and_then(|b| b.parse().ok());
        charged.entry(target_of(block, results)).or_default().0.push(p.describe());
    }
    if let Some(engine) = sh.engine {
        match engine.resources() {
            Ok(mut listed) => {
                mark_noted_volumes(&mut listed, page_tag, meta);
                let left = ledger::left_by_page(&listed, page_tag, &scratch.display().to_string(), projects, &sh.before_run);
                for r in left {
                    let block = ledger::block_of(r).or_else(|| ledger::compose_project(r).and_then(|p| projects.get(p).copied()));
                    let entry = charged.entry(target_of(block, results)).or_default();
                    if remove(sh, engine, r) {
                        entry.0.push(r.describe());
                    } else {
                        entry.1.push(r.describe());
                    }
                }
            }
            Err(e) => sh.notes.lock().unwrap_or_else(|e| e.into_inner()).push(format!("cannot list Docker resources after a page: {e}")),
        }
    }
    for (target, (removed, not_removed)) in charged {
        let Some(res) = results.get_mut(target) else { continue };
        res.leaked.extend(removed);
        res.leaked.extend(not_removed.iter().map(|d| format!("{d}{NOT_REMOVED}")));
        if matches!(res.verdict.outcome, Outcome::Pass | Outcome::Leaked) {
            let gone: Vec<String> = res.leaked.iter().filter(|l| !l.ends_with(NOT_REMOVED)).cloned().collect();
            let kept: Vec<String> = res.leaked.iter().filter_map(|l| l.strip_suffix(NOT_REMOVED)).map(str::to_string).collect();
            res.verdict = Verdict::new(Outcome::Leaked, ledger::leak_reason(&gone, &kept));
            res.fails_run = sh.settings.strict;
        }
    }
}

/// Marks a leaked entry verify could not remove.
const NOT_REMOVED: &str = " (not removed)";

/// Anonymous volumes the shim noted (they outlived `docker rm` without `-v`) get the
/// page's labels in this listing, so they are the page's like anything it labelled.
fn mark_noted_volumes(listed: &mut [Resource], page_tag: &str, meta: &Path) {
    let noted = ledger::parse_ledger(&std::fs::read_to_string(meta.join(LEDGER_FILE)).unwrap_or_default());
    for (n, block) in noted {
        let Noted::Volume(name) = n else { continue };
        for r in listed.iter_mut().filter(|r| r.kind == ledger::Kind::Volume && r.id == name && !r.labels.contains_key(ledger::PAGE_LABEL))
        {
            r.labels.insert(ledger::PAGE_LABEL.to_string(), page_tag.to_string());
            if let Some(b) = block {
                r.labels.insert(ledger::BLOCK_LABEL.to_string(), format!("{page_tag}/{b}"));
            }
        }
    }
}

/// The run's lock between image removals and builds (see the shim): the shim takes it
/// shared for `docker build`, exclusive for `docker rmi` and prunes, and so does
/// [`clean_images`] while it removes a page's images.
pub(super) const IMAGE_LOCK_FILE: &str = "image.lock";

/// Holds the run's image lock exclusively while alive; `None` where it cannot be taken
/// (then the removal goes ahead unlocked, as it did before the lock).
fn image_lock(sh: &Shared) -> Option<std::fs::File> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().create(true).append(true).open(sh.work.join(IMAGE_LOCK_FILE)).ok()?;
    // SAFETY: flock on a descriptor this function owns; released when the file closes.
    (unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0).then_some(file)
}

/// Removes the images and tags the page made (routine, not a leak), points tags that
/// existed before back at their image, and says so in the run's notes.
pub(super) fn clean_images(sh: &Shared, page: &PagePlan, page_tag: &str, meta: &Path) {
    let (Some(engine), Some((before_ids, before_tags))) = (sh.engine, &sh.before_images) else { return };
    // The shim notes every command that can make an image; no note, no image to look for.
    let Ok(ledger_text) = std::fs::read_to_string(meta.join(LEDGER_FILE)) else { return };
    let noted: Vec<Noted> = ledger::parse_ledger(&ledger_text).into_iter().map(|(n, _)| n).collect();
    let now = match engine.images() {
        Ok(i) => i,
        Err(e) => {
            sh.notes.lock().unwrap_or_else(|e| e.into_inner()).push(format!("cannot list images after a page: {e}"));
            return;
        }
    };
    let plan = ledger::images_to_clean(&now, page_tag, &noted, before_ids, before_tags);
    if plan.is_empty() {
        return;
    }
    let held = image_lock(sh);
    let (done, failed) = leftovers::apply_images(engine, &plan);
    drop(held);
    let mut notes = sh.notes.lock().unwrap_or_else(|e| e.into_inner());
    if !done.is_empty() {
        notes.push(format!("{}: removed what it built or tagged (--keep-images keeps them): {}", page.file.display(), done.join(", ")));
    }
    if !failed.is_empty() {
        notes.push(format!("{}: could not remove {}", page.file.display(), failed.join(", ")));
    }
}

/// The position in `results` of the page's block with index `b` (block order in the page).
fn find_block(results: &[BlockResult], b: usize) -> Option<usize> {
    // Results hold non-cleanup blocks first; map back through the original order.
    let mut originals: Vec<(usize, usize)> = results.iter().enumerate().map(|(pos, r)| (r.block.line, pos)).collect();
    originals.sort();
    originals.get(b).map(|(_, pos)| *pos)
}

fn remove(sh: &Shared, engine: &Engine, r: &Resource) -> bool {
    match engine.remove(r) {
        Ok(()) => true,
        Err(e) => {
            sh.notes.lock().unwrap_or_else(|e| e.into_inner()).push(format!("could not remove {}: {e}", r.describe()));
            false
        }
    }
}

/// At the end of the run: remove whatever this run's labels still mark, whichever page
/// made it (pages Ctrl-C stopped; a process that outlived its page), and its processes.
pub(super) fn sweep_run(sh: &Shared) {
    let run = &sh.settings.run_id;
    let prefix = format!("{run}/");
    let mut found = Vec::new();
    for p in leftovers::marked_processes().into_iter().filter(|p| p.page.starts_with(&prefix)) {
        leftovers::kill_page_processes(&p.page);
        found.push(p.describe());
    }
    found.extend(leftovers::kill_unmarked_descendants().into_iter().map(|p| format!("{p}, without the run's marker")));
    if let Some(engine) = sh.engine {
        if let Ok(listed) = engine.resources() {
            for r in ledger::left_by_run(&listed, run, &sh.before_run) {
                if remove(sh, engine, r) {
                    found.push(r.describe());
                }
            }
        }
        if let (false, Ok(images), Some((before_ids, before_tags))) = (sh.settings.keep_images, engine.images(), &sh.before_images) {
            let labelled = images.iter().filter(|i| i.labels.get(ledger::PAGE_LABEL).is_some_and(|t| t.starts_with(&prefix)));
            // An image that still carries a tag from before the run keeps it.
            let untouchable = |i: &&ledger::Image| i.tags.iter().any(|t| before_tags.contains_key(t));
            for i in labelled.filter(|i| !before_ids.contains(&i.id)).filter(|i| !untouchable(i)) {
                if engine.remove_image(&i.id, true).is_ok() {
                    found.push(ledger::describe_image(i));
                }
            }
        }
    }
    if !found.is_empty() {
        sh.notes.lock().unwrap_or_else(|e| e.into_inner()).push(format!("removed what outlived its page: {}", found.join(", ")));
    }
}

/// Resources that appeared during the run without our labels: named, never touched.
pub(super) fn note_unattributed(engine: &Engine, before: &BTreeSet<String>, notes: &mut Vec<String>) {
    let Ok(listed) = engine.resources() else { return };
    let new: Vec<String> =
        listed.iter().filter(|r| !before.contains(&r.id) && !r.labels.contains_key(ledger::PAGE_LABEL)).map(Resource::describe).collect();
    if !new.is_empty() {
        notes.push(format!(
            "{} resource(s) appeared during the run without cookbook's labels and were left alone \
             (created by `/usr/bin/docker` by full path, the API, or another user of the engine): {}",
            new.len(),
            new.join(", ")
        ));
    }
}
