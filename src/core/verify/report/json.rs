//! `--json FILE` (and `.cookbook/verify.json`): the machine-readable record of a run,
//! read by `cookbook build` (a badge per block, matched by `hash`; "last verified" per
//! page) and by dashboards. Reports of N partitions merge by concatenating `blocks` and
//! `pages` (each block is keyed by `file`, `line` and `hash`; partitions never share a page).
//!
//! Schema (version 1):
//! ```text
//! {
//!   "schema": 1,
//!   "tool": { "name": "cookbook", "version": "0.1.0" },
//!   "run": { "started_at": "2026-11-29T09:22:45Z", "duration_ms": 1234,
//!            "partition": "1/2" | null, "interrupted": false },
//!   "host": { "docker_host", "engine_version", "api_version", "os", "kernel",
//!             "cgroup_version", "runtimes": [..], "default_runtime", "cdi_devices": [..],
//!             "host_gpus": [..], "gpu": { "available": bool, "evidence": [..] } } | null,
//!   "host_error": "why there are no host facts" | null,
//!   "summary": { "pass": n, "fail": n, "stale": n, "timeout": n, "blocked": n,
//!                "skipped": n, "leaked": n },
//!   "proof": { "proven": n, "not_proven": m, "why": { "failed": k, "needs gpu": j, … },
//!              "line": "n proven · m not proven (k failed, j needs gpu)" },
//!   "pages": [ { "file", "outcome": worst outcome of its blocks,
//!                "verified_at": started_at when every block passed, else null } ],
//!   "blocks": [ { "file", "line", "heading", "hash", "outcome", "reason",
//!                 "fails_run": bool, "missing": "gpu"|"docker"|"registry"|"network"|null,
//!                 "duration_ms", "attempts", "needs": [..],
//!                 "expected_exit", "exit_code": n | null, "hidden", "cleanup",
//!                 "output": excerpt (last 4 KiB), "diff": unified diff | null,
//!                 "leaked": ["container name (id)", ..] } ],
//!   "notes": [..]
//! }
//! ```
//! Outcomes are `pass fail stale timeout blocked skipped leaked`. Durations vary from run
//! to run; everything else is a function of the book, the host and the run's outcomes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::verify::attrs::Need;
use crate::core::verify::host::HostFacts;
use crate::core::verify::judge::Outcome;
use crate::core::verify::result::{excerpt, RunReport};

#[derive(Serialize)]
struct Doc<'a> {
    schema: u32,
    tool: Tool<'a>,
    run: Run<'a>,
    host: Option<&'a HostFacts>,
    host_error: Option<&'a str>,
    summary: BTreeMap<&'static str, usize>,
    /// `{"proven": n, "not_proven": m, "why": {"needs gpu": k, …}, "line": "…"}`
    proof: ProofDoc,
    pages: Vec<Page>,
    blocks: Vec<Block<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct ProofDoc {
    proven: usize,
    not_proven: usize,
    why: serde_json::Map<String, serde_json::Value>,
    line: String,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Run<'a> {
    started_at: &'a str,
    duration_ms: u128,
    partition: Option<String>,
    interrupted: bool,
}

#[derive(Serialize)]
struct Page {
    file: String,
    outcome: Outcome,
    verified_at: Option<String>,
}

#[derive(Serialize)]
struct Block<'a> {
    file: String,
    line: usize,
    heading: &'a str,
    hash: &'a str,
    outcome: Outcome,
    reason: &'a str,
    fails_run: bool,
    missing: Option<Need>,
    duration_ms: u128,
    attempts: u32,
    needs: Vec<Need>,
    expected_exit: i32,
    exit_code: Option<i32>,
    hidden: bool,
    cleanup: bool,
    output: String,
    diff: Option<&'a str>,
    leaked: &'a [String],
}

/// The report as pretty-printed JSON, ending with a newline.
pub fn render(report: &RunReport) -> String {
    let mut summary = BTreeMap::new();
    for o in [Outcome::Pass, Outcome::Fail, Outcome::Stale, Outcome::Timeout, Outcome::Blocked, Outcome::Skipped, Outcome::Leaked] {
        summary.insert(o.name(), 0);
    }
    for (o, n) in report.counts() {
        summary.insert(o.name(), n);
    }
    let mut pages: Vec<Page> = Vec::new();
    for r in &report.results {
        let file = r.block.file.to_string_lossy().replace('\\', "/");
        match pages.iter_mut().find(|p| p.file == file) {
            Some(p) => p.outcome = worse(p.outcome, r.verdict.outcome),
            None => pages.push(Page { file, outcome: r.verdict.outcome, verified_at: None }),
        }
    }
    for p in &mut pages {
        if p.outcome == Outcome::Pass && !report.interrupted {
            p.verified_at = Some(report.started_at.clone());
        }
    }
    let blocks = report
        .results
        .iter()
        .map(|r| Block {
            file: r.block.file.to_string_lossy().replace('\\', "/"),
            line: r.block.line,
            heading: &r.block.heading,
            hash: &r.block.hash,
            outcome: r.verdict.outcome,
            reason: &r.verdict.reason,
            fails_run: r.fails_run,
            missing: r.verdict.missing,
            duration_ms: r.duration.as_millis(),
            attempts: r.attempts,
            needs: r.block.attrs.needs.iter().copied().collect(),
            expected_exit: r.block.attrs.exit,
            exit_code: r.exit_code,
            hidden: r.block.attrs.hidden,
            cleanup: r.block.attrs.cleanup,
            output: excerpt(&r.output),
            diff: r.verdict.diff.as_deref(),
            leaked: &r.leaked,
        })
        .collect();
    let doc = Doc {
        schema: 1,
        tool: Tool { name: "cookbook", version: &report.tool_version },
        run: Run {
            started_at: &report.started_at,
            duration_ms: report.duration.as_millis(),
            partition: report.partition.map(|p| format!("{}/{}", p.k, p.n)),
            interrupted: report.interrupted,
        },
        host: report.host.as_ref(),
        host_error: report.host_error.as_deref(),
        summary,
        proof: {
            let p = report.proof();
            let why = p.why.iter().map(|(w, n)| (w.clone(), serde_json::Value::from(*n))).collect();
            ProofDoc { proven: p.proven, not_proven: p.not_proven, why, line: p.line }
        },
        pages,
        blocks,
        notes: &report.notes,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
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
