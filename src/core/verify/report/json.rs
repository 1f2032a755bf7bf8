//! `--json FILE` (and `.cookbook/verify.json`): the machine-readable record of a run,
//! read by `cookbook build` (a badge per block, matched by `hash`; "last verified" per
//! page) and by dashboards. Reports of N partitions merge by concatenating `blocks` and
//! `pages` (each block is keyed by `file`, `line` and `hash`; partitions never share a page).
//!
//! The types and their shape are `schema`'s; this file only fills them from a run.
//! Outcomes are `pass fail stale timeout blocked skipped leaked`. Durations vary from run
//! to run; everything else is a function of the book, the host and the run's outcomes.

use super::schema::{BlockEntry, PageEntry, Report, RunInfo, Tool, SCHEMA};
use crate::core::verify::judge::Outcome;
use crate::core::verify::result::{excerpt, RunReport};

/// The report of a run, as the schema's values.
pub fn report(run: &RunReport) -> Report {
    let mut summary: std::collections::BTreeMap<String, usize> = super::schema::OUTCOMES.iter().map(|o| (o.to_string(), 0)).collect();
    for (o, n) in run.counts() {
        summary.insert(o.name().to_string(), n);
    }
    let mut pages: Vec<(String, Outcome)> = Vec::new();
    for r in &run.results {
        let file = r.block.file.to_string_lossy().replace('\\', "/");
        match pages.iter_mut().find(|p| p.0 == file) {
            Some(p) => p.1 = worse(p.1, r.verdict.outcome),
            None => pages.push((file, r.verdict.outcome)),
        }
    }
    let pages = pages
        .into_iter()
        .map(|(file, outcome)| PageEntry {
            file,
            outcome: outcome.name().to_string(),
            verified_at: (outcome == Outcome::Pass && !run.interrupted).then(|| run.started_at.clone()),
        })
        .collect();
    let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let blocks = run
        .results
        .iter()
        .map(|r| BlockEntry {
            file: r.block.file.to_string_lossy().replace('\\', "/"),
            line: r.block.line,
            heading: r.block.heading.clone(),
            hash: r.block.hash.clone(),
            outcome: r.verdict.outcome.name().to_string(),
            reason: r.verdict.reason.clone(),
            fails_run: r.fails_run,
            missing: r.verdict.missing.map(|n| n.name().to_string()),
            duration_ms: ms(r.duration),
            attempts: r.attempts,
            needs: r.block.attrs.needs.iter().map(|n| n.name().to_string()).collect(),
            expected_exit: r.block.attrs.exit,
            exit_code: r.exit_code,
            hidden: r.block.attrs.hidden,
            cleanup: r.block.attrs.cleanup,
            output: excerpt(&r.output),
            diff: r.verdict.diff.clone(),
            leaked: r.leaked.clone(),
            ..BlockEntry::default()
        })
        .collect();
    Report {
        schema: SCHEMA,
        tool: Tool { name: "cookbook".into(), version: run.tool_version.clone() },
        run: RunInfo {
            started_at: run.started_at.clone(),
            duration_ms: ms(run.duration),
            partition: run.partition.map(|p| format!("{}/{}", p.k, p.n)),
            interrupted: run.interrupted,
            ..RunInfo::default()
        },
        host: run.host.clone(),
        host_error: run.host_error.clone(),
        summary,
        proof: {
            let p = run.proof();
            Some(super::schema::ProofEntry { proven: p.proven, not_proven: p.not_proven, why: p.why.into_iter().collect(), line: p.line })
        },
        pages,
        blocks,
        notes: run.notes.clone(),
        ..Report::default()
    }
}

/// The report as pretty-printed JSON, ending with a newline.
pub fn render(run: &RunReport) -> String {
    report(run).to_json()
}

/// The worse of two outcomes for a page badge: failures, then stale, timeout, leaked,
/// blocked, skipped, pass.
fn worse(a: Outcome, b: Outcome) -> Outcome {
    let rank = |o| match o {
        Outcome::Fail => 0,
        Outcome::Stale => 1,
        Outcome::Timeout => 2,
        Outcome::Leaked => 3,
        Outcome::Blocked => 4,
        Outcome::Skipped => 5,
        Outcome::Pass => 6,
    };
    if rank(a) <= rank(b) {
        a
    } else {
        b
    }
}
