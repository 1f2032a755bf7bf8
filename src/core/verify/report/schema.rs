//! The JSON verify report, schema 1: one set of serde types, written by `json` from a run
//! (and by `merge-reports`), read back by `cookbook build` for badges and the dashboard.
//! Every struct is `#[serde(default)]`: a field added later (or missing in an older report)
//! reads as its default, and a block's fields this version does not know are kept in `rest`,
//! so a merge loses nothing. Shape:
//! ```text
//! {
//!   "schema": 1,
//!   "tool": { "name": "cookbook", "version": "0.1.0" },
//!   "run": { "started_at": "2026-11-29T09:22:45Z", "duration_ms": 1234,
//!            "partition": "1/2" | null, "interrupted": false, "merged_from": [..] (merged only) },
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
//!                 "leaked": ["container name (id)", ..], "run": n (merged only) } ],
//!   "notes": [..],
//!   "runs": [ { "partition", "started_at", "duration_ms", "interrupted", "host",
//!               "host_error" } ] (merged only)
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::verify::host::HostFacts;

/// The schema version this cookbook writes and reads.
pub const SCHEMA: u32 = 1;

/// Outcome names in the order reports list them.
pub const OUTCOMES: [&str; 7] = ["pass", "fail", "stale", "timeout", "blocked", "skipped", "leaked"];

/// A whole report. `runs` is only present in merged reports: one entry per partition,
/// and each block's `run` indexes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    pub schema: u32,
    pub tool: Tool,
    pub run: RunInfo,
    pub host: Option<Host>,
    pub host_error: Option<String>,
    pub summary: BTreeMap<String, usize>,
    /// What was proven and why the rest was not (absent in reports of older versions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<ProofEntry>,
    pub pages: Vec<PageEntry>,
    pub blocks: Vec<BlockEntry>,
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<RunEntry>,
}

/// `{"proven": n, "not_proven": m, "why": {"needs gpu": k, …}, "line": "n proven · m not proven (…)"}`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProofEntry {
    pub proven: usize,
    pub not_proven: usize,
    pub why: BTreeMap<String, usize>,
    pub line: String,
}

impl ProofEntry {
    /// The proof of a report's blocks (a merged report recomputes it this way).
    pub fn of_blocks(blocks: &[BlockEntry]) -> ProofEntry {
        let p = crate::core::verify::result::Proof::of(
            blocks.iter().map(|b| (b.outcome.as_str(), b.missing.as_deref().unwrap_or(""), b.fails_run)),
        );
        ProofEntry { proven: p.proven, not_proven: p.not_proven, why: p.why.into_iter().collect(), line: p.line }
    }
}

/// What wrote the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// When and how a run went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// RFC 3339 UTC (`2026-11-29T09:22:45Z`).
    pub started_at: String,
    pub duration_ms: u64,
    pub partition: Option<String>,
    pub interrupted: bool,
    /// Merged reports: the partitions merged, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
}

/// The host facts a badge and the dashboard show: what `verify` found.
pub type Host = HostFacts;

/// One partition of a merged report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunEntry {
    pub partition: Option<String>,
    pub started_at: String,
    pub duration_ms: u64,
    pub interrupted: bool,
    pub host: Option<Host>,
    pub host_error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageEntry {
    pub file: String,
    pub outcome: String,
    pub verified_at: Option<String>,
}

/// One verify block's result, keyed by `file`, `line` and `hash` (of its info string, code
/// and expected output, as `verify::block` computes it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockEntry {
    pub file: String,
    pub line: usize,
    pub heading: String,
    pub hash: String,
    pub outcome: String,
    pub reason: String,
    pub fails_run: bool,
    /// The capability whose absence skipped or blocked the block.
    pub missing: Option<String>,
    pub duration_ms: u64,
    pub attempts: u32,
    pub needs: Vec<String>,
    pub expected_exit: i32,
    pub exit_code: Option<i32>,
    pub hidden: bool,
    pub cleanup: bool,
    /// The last 4 KiB of what the block printed.
    pub output: String,
    pub diff: Option<String>,
    pub leaked: Vec<String>,
    /// Merged reports: index into [`Report::runs`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<usize>,
    /// Fields of a newer cookbook, kept as they were.
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// Where and when a block ran: its partition's facts in a merged report, else the run's.
pub struct RanOn<'a> {
    pub started_at: &'a str,
    pub host: Option<&'a Host>,
}

impl Report {
    /// Parses a report; the error says what is wrong in words a user can act on.
    pub fn parse(text: &str) -> Result<Report, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if !value.get("schema").is_some_and(Value::is_u64) || !value.get("blocks").is_some_and(Value::is_array) {
            return Err("not a cookbook verify report (no `schema` and `blocks`)".into());
        }
        let report: Report = serde_json::from_value(value).map_err(|e| format!("not a cookbook verify report: {e}"))?;
        if report.schema != SCHEMA {
            return Err(format!("unsupported report schema {} (this cookbook reads schema {SCHEMA})", report.schema));
        }
        Ok(report)
    }

    /// The report as pretty JSON ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    pub fn ran_on(&self, block: &BlockEntry) -> RanOn<'_> {
        match block.run.and_then(|i| self.runs.get(i)) {
            Some(r) => RanOn { started_at: &r.started_at, host: r.host.as_ref() },
            None => RanOn { started_at: &self.run.started_at, host: self.host.as_ref() },
        }
    }

    /// Block counts per outcome, every outcome present (zero when absent).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m: BTreeMap<String, usize> = OUTCOMES.iter().map(|o| (o.to_string(), 0)).collect();
        for b in &self.blocks {
            *m.entry(b.outcome.clone()).or_insert(0) += 1;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_and_newer_reports_read() {
        // An older report lacks fields (they read as defaults); a newer one has fields this
        // version does not know: a block keeps them through a read and write.
        let text = r#"{"schema": 1, "blocks": [{"file": "content/a.md", "line": 3, "hash": "h", "outcome": "pass", "proof": {"kind": "new"}}], "later": true}"#;
        let r = Report::parse(text).unwrap();
        assert_eq!(r.blocks[0].attempts, 0);
        assert_eq!(r.blocks[0].missing, None);
        assert_eq!(r.blocks[0].rest["proof"], serde_json::json!({"kind": "new"}));
        let again = Report::parse(&r.to_json()).unwrap();
        assert_eq!(again, r);
        assert!(r.to_json().contains("\"proof\": {"));
    }
}
