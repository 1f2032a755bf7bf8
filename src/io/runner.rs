//! Executes a verify plan: pages in parallel (up to `jobs` threads), each page's blocks
//! in order in a scratch directory of its own, cleanup blocks last (always), then the
//! page's leftover Docker resources removed and charged to the block that made them.
//! Judging is `core::verify::judge`; this file only sequences effects.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::core::verify::attrs::{Need, OutputStream};
use crate::core::verify::block::VerifyBlock;
use crate::core::verify::docker_error::{self, DockerError};
use crate::core::verify::fails_run::RunRule;
use crate::core::verify::judge::{self, Capabilities, Observed, Outcome, Verdict};
use crate::core::verify::ledger;
use crate::core::verify::plan::PagePlan;
use crate::core::verify::result::BlockResult;
use crate::core::verify::run_id::SCRATCH_PREFIX;
use crate::core::verify::{placeholder, script_lines, transcript};
use crate::io::docker::Engine;
use crate::io::leftovers;
use crate::io::shell::{self, INTERRUPTED};

mod trace;
use trace::{charge_leaks, clean_images, note_compose_projects, note_unattributed, sweep_run, IMAGE_LOCK_FILE, LEDGER_FILE};

/// Cleanup blocks run even after Ctrl-C, but no longer than this.
const CLEANUP_AFTER_INTERRUPT: Duration = Duration::from_secs(60);

/// How a run executes.
pub struct Settings {
    pub shell: String,
    pub jobs: usize,
    pub fail_fast: bool,
    pub strict: bool,
    pub required: BTreeSet<Need>,
    pub caps: Capabilities,
    /// This run's ID (`core::verify::run_id`), in its labels and scratch folder name.
    pub run_id: String,
    /// Keep the images pages build or tag (`--keep-images`), for faster reruns.
    pub keep_images: bool,
}

/// What the run produced, in plan order.
pub struct Ran {
    pub results: Vec<BlockResult>,
    pub notes: Vec<String>,
    pub interrupted: bool,
}

struct Shared<'a> {
    settings: &'a Settings,
    engine: Option<&'a Engine>,
    before_run: BTreeSet<String>,
    /// Image IDs and `repo:tag` → ID from before the run; `None` when they could not be listed.
    before_images: Option<(BTreeSet<String>, BTreeMap<String, String>)>,
    work: &'a Path,
    shim_dir: Option<PathBuf>,
    stop: AtomicBool,
    notes: Mutex<Vec<String>>,
}

/// Runs every page of the plan; `on_result` sees each block's result as it is known.
pub fn run(plan: Vec<PagePlan>, engine: Option<&Engine>, settings: &Settings, on_result: &(dyn Fn(&BlockResult) + Sync)) -> Ran {
    // Named for the run, so a later run can tell whether its owner is still alive.
    let work = match tempfile::Builder::new().prefix(&format!("{SCRATCH_PREFIX}{}.", settings.run_id)).tempdir() {
        Ok(d) => d,
        Err(e) => {
            return Ran { results: Vec::new(), notes: vec![format!("cannot create a scratch directory: {e}")], interrupted: false };
        }
    };
    let mut notes = Vec::new();
    leftovers::become_subreaper();
    let before_run: BTreeSet<String> = match engine.map(Engine::resources) {
        Some(Ok(list)) => list.into_iter().map(|r| r.id).collect(),
        Some(Err(e)) => {
            notes.push(format!("cannot list Docker resources, so none will be removed: {e}"));
            BTreeSet::new()
        }
        None => BTreeSet::new(),
    };
    let engine = engine.filter(|_| notes.is_empty());
    let before_images = engine.and_then(|e| match e.images() {
        Ok(list) => {
            let tags = list.iter().flat_map(|i| i.tags.iter().map(|t| (t.clone(), i.id.clone()))).collect();
            let ids = list.into_iter().map(|i| i.id).collect();
            // Kept with the scratch folder: if this run is killed, the next one still
            // knows which tags existed before it and points them back.
            let _ = std::fs::write(work.path().join(leftovers::SNAPSHOT_FILE), ledger::snapshot_text(&ids, &tags));
            Some((ids, tags))
        }
        Err(e) => {
            notes.push(format!("cannot list images, so none will be removed: {e}"));
            None
        }
    });
    let shim_dir = engine.and_then(|_| install_shim(work.path()));
    let shared = Shared {
        settings,
        engine,
        before_run,
        before_images,
        work: work.path(),
        shim_dir,
        stop: AtomicBool::new(false),
        notes: Mutex::new(notes),
    };
    // One worker per page at most: `--jobs 18446744073709551615` spawned threads for ever.
    let workers = settings.jobs.clamp(1, plan.len().max(1));
    let queue = Mutex::new(plan.into_iter().collect::<VecDeque<_>>());
    let done: Mutex<Vec<(usize, Vec<BlockResult>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(page) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else { break };
                let index = page.index;
                let results = run_page(&shared, page, on_result);
                done.lock().unwrap_or_else(|e| e.into_inner()).push((index, results));
            });
        }
    });
    let interrupted = INTERRUPTED.load(Ordering::SeqCst);
    // What outlived its page (made by a process after the page ended, or by pages
    // Ctrl-C stopped) is removed now, whichever page made it.
    sweep_run(&shared);
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    let mut notes = shared.notes.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(engine) = engine {
        note_unattributed(engine, &shared.before_run, &mut notes);
    }
    Ran { results: done.into_iter().flat_map(|(_, r)| r).collect(), notes, interrupted }
}

/// Writes the labelling `docker` shim into `<work>/bin`, if a real docker is on PATH.
fn install_shim(work: &Path) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let real = std::env::split_paths(&path).map(|d| d.join("docker")).find(|p| p.is_file())?;
    let dir = work.join("bin");
    std::fs::create_dir_all(&dir).ok()?;
    let shim = dir.join("docker");
    std::fs::write(&shim, ledger::docker_shim(&real.display().to_string())).ok()?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).ok()?;
    Some(dir)
}

fn run_page(sh: &Shared, page: PagePlan, on_result: &(dyn Fn(&BlockResult) + Sync)) -> Vec<BlockResult> {
    let page_dir = sh.work.join(format!("page-{}", page.index));
    let scratch = page_dir.join("work");
    let meta = page_dir.join("meta");
    let mut results: Vec<BlockResult> = Vec::new();
    if let Err(e) = std::fs::create_dir_all(&scratch).and_then(|_| std::fs::create_dir_all(&meta)) {
        sh.notes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(format!("{}: cannot create its scratch directory: {e}", page.file.display()));
        return results;
    }
    // Canonical, so compose's working_dir label (an absolute real path) compares equal.
    let scratch = scratch.canonicalize().unwrap_or(scratch);
    let page_tag = ledger::page_tag(&sh.settings.run_id, page.index);
    let mut env_in: Option<PathBuf> = None;
    let mut page_failed = false;
    // Compose projects the page started, and the block that started each.
    let mut projects: BTreeMap<String, usize> = BTreeMap::new();
    let mut started = false;
    let order: Vec<usize> = (0..page.blocks.len())
        .filter(|&i| !page.blocks[i].attrs.cleanup)
        .chain((0..page.blocks.len()).filter(|&i| page.blocks[i].attrs.cleanup))
        .collect();
    for i in order {
        let block = &page.blocks[i];
        let cleanup = block.attrs.cleanup;
        let not_run = if cleanup && !started {
            // Nothing of the page ran (skipped, or never reached after --fail-fast or
            // Ctrl-C): there is nothing to clean up.
            Some("not run: nothing of its page ran, so there is nothing to clean up")
        } else if cleanup {
            None
        } else if INTERRUPTED.load(Ordering::SeqCst) {
            Some("not run: interrupted (Ctrl-C)")
        } else if sh.stop.load(Ordering::SeqCst) {
            Some("not run: --fail-fast stopped the run after a failure")
        } else if page.skip {
            Some("not run: the page's front matter sets [verify] skip")
        } else if page_failed {
            Some("not run: an earlier block of this page failed")
        } else {
            None
        };
        let result = match not_run {
            Some(reason) => skipped(block, reason),
            None => {
                let env_out = meta.join(format!("env-{i}"));
                let ctx =
                    BlockCtx { sh, page: &page, index: i, scratch: &scratch, meta: &meta, env_in: env_in.as_deref(), env_out: &env_out };
                let r = run_block(&ctx);
                started |= r.attempts > 0;
                if env_out.exists() {
                    env_in = Some(env_out);
                }
                note_compose_projects(sh, block, i, &scratch, &mut projects);
                r
            }
        };
        // A command that failed stops its page (later blocks depend on it); output that
        // merely differs does not, so one run (or `--update`) sees every block.
        if !cleanup && (result.fails_run || result.verdict.outcome.is_failure()) && result.verdict.diff.is_none() {
            page_failed = true;
        }
        if result.fails_run && sh.settings.fail_fast {
            sh.stop.store(true, Ordering::SeqCst);
        }
        results.push(result);
    }
    charge_leaks(sh, &page_tag, &scratch, &meta, &projects, &mut results);
    if !sh.settings.keep_images {
        clean_images(sh, &page, &page_tag, &meta);
    }
    // Report in the page's order: setup and checks first, cleanup last (as run).
    for r in &results {
        on_result(r);
    }
    let _ = std::fs::remove_dir_all(&page_dir);
    results
}

struct BlockCtx<'a> {
    sh: &'a Shared<'a>,
    page: &'a PagePlan,
    index: usize,
    scratch: &'a Path,
    meta: &'a Path,
    env_in: Option<&'a Path>,
    env_out: &'a Path,
}

fn run_block(ctx: &BlockCtx) -> BlockResult {
    let block = &ctx.page.blocks[ctx.index];
    let settings = ctx.sh.settings;
    if let Some(v) = judge::before_run(&block.attrs, settings.caps) {
        return finish(settings, block, v, Duration::ZERO, None, String::new(), 0);
    }
    let mut timeout = block.attrs.timeout.unwrap_or(ctx.page.timeout);
    if block.attrs.cleanup && INTERRUPTED.load(Ordering::SeqCst) {
        timeout = timeout.min(CLEANUP_AFTER_INTERRUPT);
    }
    // Where the shim records what each failed docker invocation said (see `docker_error`).
    let docker_errors_dir = ctx.meta.join(format!("docker-errors-{}", ctx.index));
    let mut path = std::env::var("PATH").unwrap_or_default();
    if let Some(shim) = &ctx.sh.shim_dir {
        path = format!("{}:{path}", shim.display());
    }
    let env = vec![
        ("PATH".to_string(), path),
        ("COOKBOOK_VERIFY_PAGE".to_string(), ledger::page_tag(&settings.run_id, ctx.page.index)),
        ("COOKBOOK_VERIFY_BLOCK".to_string(), ledger::block_tag(&settings.run_id, ctx.page.index, ctx.index)),
        ("COOKBOOK_SCRATCH".to_string(), ctx.scratch.display().to_string()),
        ("COOKBOOK_VERIFY_LEDGER".to_string(), ctx.meta.join(LEDGER_FILE).display().to_string()),
        ("COOKBOOK_VERIFY_DOCKER_ERRORS".to_string(), docker_errors_dir.display().to_string()),
        ("COOKBOOK_VERIFY_IMAGE_LOCK".to_string(), ctx.sh.work.join(IMAGE_LOCK_FILE).display().to_string()),
    ];
    let script_file = ctx.meta.join(format!("block-{}.sh", ctx.index));
    // An ERR trap records the failing line, told later as the markdown's file:line.
    let failed_file = ctx.meta.join(format!("failed-{}", ctx.index));
    let exported = exported_before(ctx);
    let subst = |t: &str| placeholder::substitute(t, &ctx.page.vars, &exported, true).unwrap_or_else(|_| t.to_string());
    // A transcript is judged command by command: markers the script prints before each
    // command split its output back into each command's.
    let token = format!("#cookbook-cmd:{}:", settings.run_id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', ""));
    let console = block.transcript.as_ref().and_then(|t| transcript::marked_script(t, &block.script, &token, &block.attrs).map(|s| (t, s)));
    let body = console.as_ref().map_or(block.script.as_str(), |(_, s)| s.as_str());
    let script = format!("{}{}", script_lines::probe(&failed_file), body);
    let expected = block.expected.as_ref().map(|e| subst(&e.text));
    let expected_each: Option<Vec<String>> =
        console.as_ref().and_then(|(t, _)| block.expected.as_ref().map(|_| t.commands.iter().map(|c| subst(&c.expected)).collect()));
    let started = Instant::now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let req = shell::Request {
            shell: &settings.shell,
            script: &script,
            cwd: ctx.scratch,
            env_in: ctx.env_in,
            env_out: ctx.env_out,
            script_file: &script_file,
            env: &env,
            timeout,
            interruptible: !block.attrs.cleanup,
            one_pipe: !matches!(block.attrs.output, OutputStream::Stdout | OutputStream::Stderr),
        };
        let _ = std::fs::remove_dir_all(&docker_errors_dir);
        let _ = std::fs::create_dir_all(&docker_errors_dir);
        let f = match shell::run(&req) {
            Ok(f) => f,
            Err(e) => {
                return finish(
                    settings,
                    block,
                    Verdict::new(Outcome::Blocked, e.to_string()),
                    started.elapsed(),
                    None,
                    String::new(),
                    attempts,
                )
            }
        };
        let base = std::fs::read_to_string(&script_file)
            .ok()
            .and_then(|t| t.lines().position(|l| l.starts_with(script_lines::BASE)))
            .map_or(0, |i| i + 1);
        let hide = |t: &str| script_lines::hide_script(t, &script_file, base, block);
        let judged = match block.attrs.output {
            OutputStream::Stderr => &f.stderr,
            _ => &f.stdout,
        };
        let split = console.as_ref().map(|_| transcript::split(&hide(judged), &token, f.exit_code));
        let unmark = |t: &str| transcript::strip(&hide(t), &token);
        let seen = Observed {
            exit_code: f.exit_code,
            timed_out: f.timed_out,
            interrupted: f.interrupted,
            stdout: unmark(&f.stdout),
            stderr: unmark(&f.stderr),
            merged: unmark(&f.merged),
            timeout_secs: timeout.as_secs_f64(),
            docker_errors: read_docker_errors(&docker_errors_dir),
        };
        let mut verdict = match (&console, &split) {
            (Some((t, _)), Some(ran)) if !seen.timed_out && !seen.interrupted => {
                let file = block.file.display().to_string();
                transcript::judge(t, &file, &block.attrs, expected_each.as_deref(), ran, &seen.docker_errors, settings.caps)
            }
            _ => judge::judge(&block.attrs, expected.as_deref(), &seen, settings.caps),
        };
        let failed_line = std::fs::read_to_string(&failed_file).ok().and_then(|t| t.trim().parse().ok());
        let _ = std::fs::remove_file(&failed_file);
        if let Some(at) = failed_line
            .filter(|_| verdict.outcome == Outcome::Fail && verdict.diff.is_none() && console.is_none())
            .and_then(|k| script_lines::failed_at(block, k))
        {
            verdict.reason = format!("{} {at}", verdict.reason);
        }
        let transient = verdict.outcome == Outcome::Blocked;
        if transient && attempts <= block.attrs.retries && !INTERRUPTED.load(Ordering::SeqCst) {
            // A transient failure (rate limit, network): back off a little, then retry.
            std::thread::sleep(Duration::from_secs(u64::from(attempts)));
            continue;
        }
        let output = match block.attrs.output {
            OutputStream::Stdout => seen.stdout,
            OutputStream::Stderr => seen.stderr,
            _ => seen.merged,
        };
        let mut result = finish(settings, block, verdict, started.elapsed(), f.exit_code, output, attempts);
        // Each command's output, for `--update`, only when every status held.
        if let (Some((t, _)), Some(ran)) = (&console, split) {
            if transcript::statuses_held(t, &block.attrs, &ran) {
                result.commands = ran.commands.into_iter().map(|(o, _)| o).collect();
            }
        }
        return result;
    }
}

/// The failed docker invocations the shim recorded for a block, oldest first.
fn read_docker_errors(dir: &Path) -> Vec<DockerError> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "failed")).collect();
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).filter_map(|b| docker_error::parse(&String::from_utf8_lossy(&b))).collect()
}

/// Names the page's earlier blocks export: they win over configured values.
fn exported_before(ctx: &BlockCtx) -> BTreeSet<String> {
    ctx.page.blocks[..ctx.index].iter().flat_map(|b| placeholder::exports(&b.code)).collect()
}

fn finish(
    settings: &Settings,
    block: &VerifyBlock,
    verdict: Verdict,
    duration: Duration,
    exit_code: Option<i32>,
    output: String,
    attempts: u32,
) -> BlockResult {
    let rule = RunRule { strict: settings.strict, required: &settings.required };
    let verdict = rule.explain(verdict, &block.attrs.needs);
    let fails_run = rule.fails_run(&verdict, &block.attrs.needs);
    BlockResult {
        block: block.clone(),
        verdict,
        duration,
        exit_code,
        output,
        commands: Vec::new(),
        leaked: Vec::new(),
        attempts,
        fails_run,
    }
}

fn skipped(block: &VerifyBlock, reason: &str) -> BlockResult {
    BlockResult {
        block: block.clone(),
        verdict: Verdict::new(Outcome::Skipped, reason),
        duration: Duration::ZERO,
        exit_code: None,
        output: String::new(),
        commands: Vec::new(),
        leaked: Vec::new(),
        attempts: 0,
        fails_run: false,
    }
}
