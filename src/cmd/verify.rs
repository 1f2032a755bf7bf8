//! `cookbook verify`: load the book → plan the blocks → preflight the engine → run →
//! judge → report, with the exit code DESIGN.md gives (0 ok, 1 fail/stale/timeout,
//! 2 usage/config/block grammar, 3 a required capability is missing, 130 Ctrl-C).

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;

use crate::cli::{ReportFormat, VerifyArgs};
use crate::core::config::parse_duration;
use crate::core::diagnostic::{self, Diagnostic};
use crate::core::verify::attrs::Need;
use crate::core::verify::judge::Capabilities;
use crate::core::verify::plan::{self, Filter, PagePlan, Partition};
use crate::core::verify::report::{github, human, json, junit};
use crate::core::verify::result::{rfc3339, BlockResult, RunReport};
use crate::core::verify::select;
use crate::core::verify::{judge::Outcome, update};
use crate::core::wording::count;
use crate::exit;
use crate::io::docker::Engine;
use crate::io::{atomic, leftovers, runner, shell};

pub fn run(args: &VerifyArgs) -> i32 {
    if args.watch {
        return crate::cmd::watch::run(args);
    }
    run_once(args)
}

/// One run of `cookbook verify` (what `--watch` repeats).
pub fn run_once(args: &VerifyArgs) -> i32 {
    match execute(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::USAGE
        }
    }
}

fn execute(args: &VerifyArgs) -> anyhow::Result<i32> {
    if args.clean {
        return Ok(clean());
    }
    let color = std::io::stderr().is_terminal();
    let book = match crate::io::load::load_book(&args.root) {
        Ok(b) => b,
        Err(diags) => return Ok(print_diags(&diags, color)),
    };
    for w in &book.warnings {
        eprintln!("{}", w.render(color));
    }
    let cfg = &book.config.verify;
    let Resolved { timeout, required, partition, format } = resolve(args, cfg)?;
    let (pages, diags) = plan::from_book(&book, timeout);
    let sources: BTreeMap<PathBuf, crate::core::source::SourceFile> =
        book.pages.iter().map(|p| (p.source.path.clone(), p.source.clone())).collect();
    let filters: Vec<Filter> = args.filters.iter().map(|f| Filter::parse(f)).collect();
    let mut hashes: BTreeSet<String> = pages.iter().flat_map(|p| p.blocks.iter().map(|b| b.hash.clone())).collect();
    let needs = parse_required(&args.needs)?;
    let pages = plan::select_needs(pages, &needs);
    let plan = plan::select(pages, &filters, partition);
    if plan.is_empty() && !(filters.is_empty() && needs.is_empty()) {
        let mut names: Vec<String> = args.filters.iter().map(|f| format!("`{f}`")).collect();
        names.extend(args.needs.iter().map(|n| format!("`--needs {n}`")));
        eprintln!(
            "error: no verify block matches {}\n  = help: a FILTER is a page path (`content/gpu.md`, `gpu/`), `file:line`, \
             or part of a block's heading; `cookbook verify --list` shows every block",
            names.join(" or ")
        );
        return Ok(exit::USAGE);
    }
    if args.list {
        // Always lists; the problems go to stderr and their blocks are marked.
        let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
        crate::cmd::report::print(&errors);
        out(&list(&plan, &errors));
        return Ok(exit::OK);
    }
    let (diags, elsewhere) = select::split(diags, &plan, &filters, filters.is_empty() && partition.is_none());
    if diagnostic::has_errors(&diags) {
        return Ok(print_diags(&diags, color));
    }
    note_elsewhere(&elsewhere);

    if let Err(why) = shell::probe(&cfg.shell) {
        let d = Diagnostic::error("verify-env", format!("the shell `{}` cannot run verify blocks", cfg.shell))
            .note(why)
            .help("set `shell` under [verify] in book.toml to an installed shell (bash is the default), or install it");
        eprintln!("{}", d.render(color));
        return Ok(exit::ENVIRONMENT);
    }
    let started_at = rfc3339(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    let clock = Instant::now();
    let (engine, host, host_error) = match Engine::connect().and_then(|e| e.preflight().map(|h| (e, h))) {
        Ok((e, h)) => (Some(e), Some(h), None),
        Err(e) => (None, None, Some(e.to_string())),
    };
    let caps = Capabilities { docker: engine.is_some(), gpu: host.as_ref().is_some_and(|h| h.gpu.available) };
    let say = |line: &str| {
        if format == ReportFormat::Json {
            eprintln!("{line}");
        } else {
            out(&format!("{line}\n"));
        }
    };
    match (&host, &host_error) {
        (Some(h), _) => say(&human::header(h)),
        (None, Some(e)) => say(&format!("no Docker engine: {e}")),
        _ => {}
    }
    if let Some(code) = missing_requirement(&required, caps, host_error.as_deref(), color) {
        return Ok(code);
    }

    let bar = progress_bar(&plan, format);
    let paint = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() && format != ReportFormat::Json;
    let on_result = |r: &BlockResult| {
        let mut line = human::block_line(r);
        if paint {
            line = human::paint_word(&line);
        }
        if args.show_output && !r.output.is_empty() && !r.fails_run {
            line.push_str(&human::indented(&r.output));
        }
        match &bar {
            Some(b) => {
                b.println(line);
                b.inc(1);
            }
            None => say(&line),
        }
    };
    if let Err(e) = crate::io::interrupt::on_stop_signals() {
        eprintln!("warning: cannot handle Ctrl-C ({e}); it will stop the run without cleanup");
    }
    let own = leftovers::own_run_id();
    let settings = runner::Settings {
        shell: cfg.shell.clone(),
        // More workers than pages would only wait: cap (`--jobs 18446744073709551615`).
        jobs: args.jobs.unwrap_or(cfg.jobs).clamp(1, plan.len().max(1)),
        fail_fast: args.fail_fast,
        strict: args.strict,
        required,
        caps,
        run_id: own.to_string(),
        keep_images: args.keep_images,
    };
    let recovered = leftovers::recover(engine.as_ref(), own);
    let ran = runner::run(plan, engine.as_ref(), &settings, &on_result);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut report = RunReport {
        started_at,
        duration: clock.elapsed(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        host,
        host_error,
        partition,
        results: ran.results,
        notes: recovered.into_iter().chain(ran.notes).collect(),
        interrupted: ran.interrupted,
    };
    if args.update && !report.interrupted {
        // Blocks rewritten by --update are in the book under their new hash only.
        for (old, new) in apply_updates(&book, &mut report)? {
            hashes.remove(&old);
            hashes.insert(new);
        }
    }
    let partial = (!filters.is_empty() || partition.is_some()).then_some(&hashes);
    write_reports(args, &book.root, &report, partial)?;
    print_report(format, &report, &sources, color);
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    say(&report.proof().line);
    say(&report.summary_line());
    Ok(exit_code(&report))
}

/// The run's settings from the flags, falling back to `[verify]`.
struct Resolved {
    timeout: Duration,
    required: BTreeSet<Need>,
    partition: Option<Partition>,
    format: ReportFormat,
}

fn resolve(args: &VerifyArgs, cfg: &crate::core::config::VerifyConfig) -> anyhow::Result<Resolved> {
    let timeout_text = args.timeout.clone().unwrap_or_else(|| cfg.timeout.clone());
    let timeout = parse_duration(&timeout_text)
        .filter(|d| !d.is_zero())
        .with_context(|| format!("invalid timeout `{timeout_text}`: write a duration such as `90s` or `5m`"))?;
    let required = parse_required(args.require.as_ref().unwrap_or(&cfg.require))?;
    let partition = args.partition.as_deref().map(Partition::parse).transpose().map_err(anyhow::Error::msg)?;
    let format = args.report.unwrap_or(if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        ReportFormat::Github
    } else {
        ReportFormat::Human
    });
    Ok(Resolved { timeout, required, partition, format })
}

/// A progress bar on stderr, only when it is a terminal (and stdout is not JSON).
fn progress_bar(plan: &[PagePlan], format: ReportFormat) -> Option<indicatif::ProgressBar> {
    (format != ReportFormat::Json && std::io::stderr().is_terminal()).then(|| {
        let total: usize = plan.iter().map(|p| p.blocks.len()).sum();
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} blocks {elapsed}") {
            bar.set_style(style);
        }
        bar
    })
}

fn print_report(format: ReportFormat, report: &RunReport, sources: &BTreeMap<PathBuf, crate::core::source::SourceFile>, color: bool) {
    match format {
        ReportFormat::Human => out(&human::problems(report, sources, color)),
        ReportFormat::Github => {
            // Output quoted in the problems must not become workflow commands.
            let token = format!("cookbook-{}", inert_token());
            out(&github::inert(&human::problems(report, sources, false), &token));
            out(&github::render(report));
        }
        ReportFormat::Json => out(&json::render(report)),
    }
}

/// Writes to stdout; a closed stdout (`cookbook verify | head -1`) stops the printing,
/// not the run: blocks still run, cleanup still happens, the reports are still written.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

fn exit_code(report: &RunReport) -> i32 {
    if report.interrupted {
        match crate::io::interrupt::stopped_by() {
            Some(libc::SIGTERM) => exit::TERMINATED,
            _ => exit::INTERRUPTED,
        }
    } else if report.results.iter().any(|r| r.fails_run) {
        exit::FAILURE
    } else {
        exit::OK
    }
}

fn parse_required(words: &[String]) -> anyhow::Result<BTreeSet<Need>> {
    words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .map(|w| {
            Need::parse(w)
                .with_context(|| format!("unknown capability `{w}` (in --require or --needs): known are docker, gpu, registry, network"))
        })
        .collect()
}

/// Exit 3 when a required capability is absent altogether.
fn missing_requirement(required: &BTreeSet<Need>, caps: Capabilities, host_error: Option<&str>, color: bool) -> Option<i32> {
    let mut diags = Vec::new();
    if required.contains(&Need::Docker) && !caps.docker {
        diags.push(
            Diagnostic::error("verify-env", "Docker is required but no engine is reachable")
                .note(host_error.unwrap_or("no engine").to_string())
                .help("start the Docker daemon or set DOCKER_HOST; or drop `docker` from --require / [verify] require"),
        );
    }
    if required.contains(&Need::Gpu) && !caps.gpu {
        diags.push(
            Diagnostic::error("verify-env", "a GPU is required but this host has none")
                .help("run on a host with an NVIDIA GPU and the NVIDIA Container Toolkit, or drop `gpu` from --require"),
        );
    }
    if diags.is_empty() {
        return None;
    }
    for d in &diags {
        eprintln!("{}", d.render(color));
    }
    Some(exit::ENVIRONMENT)
}

fn print_diags(diags: &[Diagnostic], _color: bool) -> i32 {
    crate::cmd::report::print(diags);
    eprintln!("error: {}; nothing was run", crate::cmd::report::counts(diags));
    exit::USAGE
}

/// One line about errors in pages this run did not select.
fn note_elsewhere(diags: &[Diagnostic]) {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return;
    }
    let mut files: Vec<String> = errors.iter().filter_map(|d| d.location.as_ref()).map(|l| l.file.display().to_string()).collect();
    files.dedup();
    let n = errors.len();
    let (noun, pages) = (if n == 1 { "error" } else { "errors" }, if files.len() == 1 { "a page" } else { "pages" });
    let them = if n == 1 { "it" } else { "them" };
    eprintln!("note: {n} {noun} in {pages} not selected ({}); `cookbook check` shows {them}", files.join(", "));
}

/// `--list`: one line per block with its needs and flags (`malformed` when it has an error).
fn list(plan: &[PagePlan], diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for p in plan {
        for b in &p.blocks {
            let needs: Vec<&str> = b.attrs.needs.iter().map(|n| n.name()).collect();
            let mut flags: Vec<&str> = Vec::new();
            let last = b.line + b.code.lines().count() + 1;
            let malformed = select::is_malformed(diags, &b.file, b.line, last);
            for (on, word) in [
                (b.attrs.hidden, "hidden"),
                (b.attrs.cleanup, "cleanup"),
                (b.attrs.skip, "skip"),
                (b.attrs.setup, "setup"),
                (malformed, "malformed"),
            ] {
                if on {
                    flags.push(word);
                }
            }
            let needs = if needs.is_empty() { "-".to_string() } else { needs.join(",") };
            out.push_str(&format!("{}\tneeds={}\t{}\t{}\n", b.position(), needs, flags.join(","), b.heading));
        }
    }
    let n: usize = plan.iter().map(|p| p.blocks.len()).sum();
    out.push_str(&format!("{} in {}\n", count(n, "block"), count(plan.len(), "page")));
    out
}

/// `--update`: rewrites the expected output of the blocks whose output differed. Each file
/// is read again just before writing and left alone if it changed during the run (an edit
/// saved meanwhile is never lost); a symlinked page is written through its link. Updated
/// blocks get their new line and hash, so their badges stay "verified".
/// Returns the (old, new) hashes of the blocks whose hash changed.
fn apply_updates(book: &crate::core::book::Book, report: &mut RunReport) -> anyhow::Result<Vec<(String, String)>> {
    let texts: BTreeMap<PathBuf, String> = book.pages.iter().map(|p| (p.source.path.clone(), p.source.text.clone())).collect();
    let vars: BTreeMap<PathBuf, BTreeMap<String, String>> = book
        .pages
        .iter()
        .map(|p| {
            let mut v = book.config.verify.vars.clone();
            v.extend(p.front.verify.vars.clone());
            (p.source.path.clone(), v)
        })
        .collect();
    let (edits, notes) = update::edits(&report.results, &texts, &vars);
    report.notes.extend(notes);
    let mut moved: BTreeMap<PathBuf, BTreeMap<usize, (usize, String)>> = BTreeMap::new();
    let mut rehashed = Vec::new();
    for (file, e) in &edits {
        let (Some(text), Some(page)) = (texts.get(file), book.pages.iter().find(|p| &p.source.path == file)) else { continue };
        let path = book.root.join(file);
        if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            eprintln!("error: {} changed while verify ran; not updated (run `cookbook verify --update` again)", file.display());
            continue;
        }
        let target = path.canonicalize().unwrap_or(path);
        let new = update::apply(text, e);
        atomic::write(&target, new.as_bytes()).with_context(|| format!("updating {}", file.display()))?;
        moved.insert(file.clone(), update::relocate(file, text, &new, page.body_start));
    }
    for r in &mut report.results {
        let Some(places) = moved.get(&r.block.file) else { continue };
        let updated = edits
            .get(&r.block.file)
            .is_some_and(|es| r.block.expected.as_ref().and_then(|x| x.span.clone()).is_some_and(|s| es.iter().any(|e| e.span == s)));
        if let Some((line, hash)) = places.get(&r.block.line) {
            if *hash != r.block.hash {
                rehashed.push((r.block.hash.clone(), hash.clone()));
            }
            r.block.line = *line;
            r.block.hash = hash.clone();
        }
        if updated {
            report.notes.push(format!("{}: expected output updated", r.block.position()));
            r.verdict = crate::core::verify::judge::Verdict::new(Outcome::Pass, "expected output updated (--update)");
            r.fails_run = false;
        }
    }
    Ok(rehashed)
}

/// Writes the reports. A partial run (FILTER or `--partition`) folds its blocks into the
/// default report and keeps the rest (`partial` holds the hashes of the book's blocks);
/// `--json FILE` gets this run's blocks only.
fn write_reports(args: &VerifyArgs, root: &Path, report: &RunReport, partial: Option<&BTreeSet<String>>) -> anyhow::Result<()> {
    let json_text = json::render(report);
    let default = root.join(".cookbook").join("verify.json");
    let folded = partial.and_then(|current| {
        let old = crate::io::proof::read_one(&default).ok()?;
        let new = crate::core::proof::report::Report::parse(&json_text).ok()?;
        Some(crate::core::proof::partial::fold(old, new, current).to_json())
    });
    let default_text = folded.as_deref().unwrap_or(&json_text);
    atomic::write(&default, default_text.as_bytes()).with_context(|| format!("writing {}", default.display()))?;
    if let Some(path) = &args.json {
        atomic::write(path, json_text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.junit {
        atomic::write(path, junit::render(report).as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `--clean`: remove what dead runs left (never a live run's things) and say what.
fn clean() -> i32 {
    let engine = Engine::connect().and_then(|e| e.preflight().map(|_| e));
    if let Err(e) = &engine {
        println!("no Docker engine ({e}): only processes and scratch folders were checked");
    }
    let notes = leftovers::recover(engine.as_ref().ok(), leftovers::own_run_id());
    for n in &notes {
        println!("{n}");
    }
    if notes.is_empty() {
        println!("nothing left behind by runs that are no longer alive");
    }
    exit::OK
}

/// A token for `::stop-commands::` that no block's output can know in advance.
fn inert_token() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", std::process::id(), nanos & 0xff_ffff_ffff)
}
