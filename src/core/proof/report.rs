//! The JSON verify report as `cookbook build` reads it back (schema 1, written by
//! `core::verify::report::json`), and merging the reports of N CI partitions into one.
//! Pure: parsing text and combining values; reading files is the caller's job.
//! Fields this file does not need are kept as they were (`rest`), so a merge loses nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Outcome names in the order reports list them.
pub const OUTCOMES: [&str; 7] = ["pass", "fail", "stale", "timeout", "blocked", "skipped", "leaked"];

/// A whole report. `runs` is only present in merged reports: one entry per partition,
/// and each block's `run` indexes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    pub schema: u32,
    pub tool: Value,
    pub run: RunInfo,
    pub host: Option<Host>,
    pub host_error: Option<String>,
    pub summary: BTreeMap<String, usize>,
    pub pages: Vec<PageEntry>,
    pub blocks: Vec<BlockEntry>,
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<RunEntry>,
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

/// The host facts a badge and the dashboard show: what `verify` wrote.
pub use crate::core::verify::host::HostFacts as Host;

impl Host {
    /// GPU models without index or UUID (`NVIDIA H100 80GB HBM3`), deduplicated, in order.
    pub fn gpu_models(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for line in &self.host_gpus {
            let model = line.split_once(": ").map_or(line.as_str(), |(_, m)| m);
            let model = model.split(" (UUID").next().unwrap_or(model).trim().to_string();
            if !model.is_empty() && !out.contains(&model) {
                out.push(model);
            }
        }
        out
    }
}

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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockEntry {
    pub file: String,
    pub line: usize,
    pub heading: String,
    pub hash: String,
    pub outcome: String,
    pub reason: String,
    pub duration_ms: u64,
    pub needs: Vec<String>,
    pub hidden: bool,
    /// Merged reports: index into [`Report::runs`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<usize>,
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
        if report.schema != 1 {
            return Err(format!("unsupported report schema {} (this cookbook reads schema 1)", report.schema));
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

/// Combines partition reports: blocks and pages concatenated and sorted by file and line,
/// the summary recomputed, each partition's run and host kept in `runs` (blocks point at
/// theirs). `host` is the shared host when all partitions ran on equal hosts, else the
/// first partition's (for readers that only know `host`).
///
/// The result does not depend on the order of `reports`: a block (file, line) in several
/// reports is taken from the run that saw the newest version of its page (latest start,
/// when the hashes differ); for the same version, a verdict that ran beats one that did not
/// (a GPU job's `pass` over a CPU job's `skipped (needs GPU)`), and a failure beats a pass
/// (a setup block that failed in one job is not proven). A page's outcome is then the worst
/// of its blocks, and it is verified (at the earliest of its runs) when that is a pass.
pub fn merge(reports: Vec<Report>) -> (Report, Vec<String>) {
    let notes = Vec::new();
    let mut out = Report { schema: 1, ..Report::default() };
    let mut blocks: BTreeMap<(String, usize), BlockEntry> = BTreeMap::new();
    let mut page_runs: BTreeMap<String, Vec<(Option<String>, String)>> = BTreeMap::new();
    for (i, r) in reports.iter().enumerate() {
        for p in &r.pages {
            page_runs.entry(p.file.clone()).or_default().push((p.verified_at.clone(), r.run.started_at.clone()));
        }
        for b in &r.blocks {
            let mut b = b.clone();
            b.run = Some(i);
            let key = (b.file.clone(), b.line);
            // The run's start, then its partition: a total order that ignores input order.
            let started = |x: &BlockEntry| {
                x.run.and_then(|j| reports.get(j)).map_or((String::new(), String::new()), |r| (r.run.started_at.clone(), r.run.partition.clone().unwrap_or_default()))
            };
            let keep_old = blocks.get(&key).is_some_and(|old| {
                if old.hash != b.hash {
                    (started(old), &old.hash) >= (started(&b), &b.hash)
                } else {
                    (outcome_rank(&old.outcome), started(old)) >= (outcome_rank(&b.outcome), started(&b))
                }
            });
            if !keep_old {
                blocks.insert(key, b);
            }
        }
        out.notes.extend(r.notes.iter().cloned());
        out.runs.push(RunEntry {
            partition: r.run.partition.clone(),
            started_at: r.run.started_at.clone(),
            duration_ms: r.run.duration_ms,
            interrupted: r.run.interrupted,
            host: r.host.clone(),
            host_error: r.host_error.clone(),
        });
    }
    out.tool = reports.first().map(|r| r.tool.clone()).unwrap_or(Value::Null);
    out.blocks = blocks.into_values().collect();
    out.pages = page_runs
        .into_iter()
        .map(|(file, runs)| {
            let outcome = out.blocks.iter().filter(|b| b.file == file).map(|b| b.outcome.clone()).max_by_key(|o| page_severity(o)).unwrap_or_else(|| "pass".into());
            let verified_at = (outcome == "pass").then(|| runs.iter().map(|(v, started)| v.clone().unwrap_or_else(|| started.clone())).min()).flatten();
            PageEntry { file, outcome, verified_at }
        })
        .collect();
    out.summary = out.counts();
    out.run = RunInfo {
        started_at: out.runs.iter().map(|r| r.started_at.clone()).filter(|s| !s.is_empty()).min().unwrap_or_default(),
        // Partitions run side by side: the merged run took as long as the slowest one.
        duration_ms: out.runs.iter().map(|r| r.duration_ms).max().unwrap_or(0),
        partition: None,
        interrupted: out.runs.iter().any(|r| r.interrupted),
        merged_from: out.runs.iter().enumerate().map(|(i, r)| r.partition.clone().unwrap_or_else(|| format!("report {}", i + 1))).collect(),
    };
    out.host = out.runs.iter().find_map(|r| r.host.clone());
    out.host_error = if out.host.is_none() { out.runs.iter().find_map(|r| r.host_error.clone()) } else { None };
    (out, notes)
}

/// For one version of a block: a verdict that ran outranks one that did not; a failure
/// outranks a pass.
fn outcome_rank(outcome: &str) -> u8 {
    match outcome {
        "skipped" => 0,
        "blocked" => 1,
        "pass" => 2,
        "leaked" => 3,
        "timeout" => 4,
        "stale" => 5,
        "fail" => 6,
        _ => 0,
    }
}

/// How bad a page whose blocks have this outcome is (its worst block names it).
fn page_severity(outcome: &str) -> u8 {
    match outcome {
        "pass" => 0,
        "leaked" => 1,
        "skipped" => 2,
        "blocked" => 3,
        "timeout" => 4,
        "stale" => 5,
        "fail" => 6,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(partition: &str, started: &str, engine: &str, blocks: &[(&str, usize, &str, &str)]) -> Report {
        let host = Host { engine_version: engine.into(), ..Host::default() };
        let mut r = Report { schema: 1, host: Some(host), ..Report::default() };
        r.run = RunInfo { started_at: started.into(), duration_ms: 10, partition: Some(partition.into()), ..RunInfo::default() };
        for (file, line, hash, outcome) in blocks {
            r.blocks.push(BlockEntry { file: file.to_string(), line: *line, hash: hash.to_string(), outcome: outcome.to_string(), ..BlockEntry::default() });
            if !r.pages.iter().any(|p| p.file == *file) {
                r.pages.push(PageEntry { file: file.to_string(), outcome: outcome.to_string(), verified_at: None });
            }
        }
        r
    }

    #[test]
    fn merges_partitions_sorted_with_their_hosts() {
        let a = report("2/2", "2026-01-02T00:00:00Z", "27.0", &[("content/b.md", 3, "h3", "fail")]);
        let b = report("1/2", "2026-01-01T00:00:00Z", "20.10", &[("content/a.md", 9, "h2", "pass"), ("content/a.md", 2, "h1", "pass")]);
        let (m, notes) = merge(vec![a, b]);
        assert!(notes.is_empty());
        let order: Vec<_> = m.blocks.iter().map(|b| (b.file.as_str(), b.line, b.run)).collect();
        assert_eq!(order, [("content/a.md", 2, Some(1)), ("content/a.md", 9, Some(1)), ("content/b.md", 3, Some(0))]);
        assert_eq!(m.summary["pass"], 2);
        assert_eq!(m.summary["fail"], 1);
        assert_eq!(m.summary["stale"], 0);
        assert_eq!(m.run.started_at, "2026-01-01T00:00:00Z");
        assert_eq!(m.run.merged_from, ["2/2", "1/2"]);
        assert_eq!(m.ran_on(&m.blocks[2]).host.unwrap().engine_version, "27.0");
        assert_eq!(m.ran_on(&m.blocks[0]).started_at, "2026-01-01T00:00:00Z");
        let again = Report::parse(&m.to_json()).unwrap();
        assert_eq!(again, m);
    }

    #[test]
    fn a_page_in_two_reports_keeps_its_newest_version() {
        let a = || report("1/2", "t1", "1", &[("content/a.md", 2, "old", "fail")]);
        let b = || report("1/2", "t2", "1", &[("content/a.md", 2, "new", "pass")]);
        for order in [vec![a(), b()], vec![b(), a()]] {
            let (m, _) = merge(order);
            assert_eq!(m.blocks.len(), 1);
            assert_eq!(m.blocks[0].hash, "new");
        }
    }

    /// CPU partitions skip the GPU block; the GPU job runs it with its page's setup.
    /// Whatever the order of the reports, the merged report is the same.
    #[test]
    fn cpu_and_gpu_reports_merge_the_same_in_any_order() {
        let cpu = || report("1/1", "t1", "1", &[("content/gpu.md", 3, "h1", "pass"), ("content/gpu.md", 9, "h2", "skipped"), ("content/x.md", 3, "h3", "pass")]);
        let gpu = || report("gpu", "t2", "1", &[("content/gpu.md", 3, "h1", "fail"), ("content/gpu.md", 9, "h2", "pass")]);
        let (m1, _) = merge(vec![cpu(), gpu()]);
        let (m2, _) = merge(vec![gpu(), cpu()]);
        let view = |m: &Report| m.blocks.iter().map(|b| (b.file.clone(), b.line, b.outcome.clone())).collect::<Vec<_>>();
        assert_eq!(view(&m1), view(&m2));
        let outcomes: Vec<String> = m1.blocks.iter().map(|b| b.outcome.clone()).collect();
        assert_eq!(outcomes, ["fail", "pass", "pass"], "the GPU job's pass beats the skip; its failed setup beats the CPU pass");
        assert_eq!(m1.pages, m2.pages);
        assert_eq!(m1.pages[0].outcome, "fail");
        assert_eq!(m1.pages[1].verified_at.as_deref(), Some("t1"));
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(Report::parse("[1]").unwrap_err().contains("not a cookbook verify report"));
        assert!(Report::parse("{\"schema\": 7, \"blocks\": []}").unwrap_err().contains("schema 7"));
        assert!(Report::parse("{\"schema\": 1, \"blocks\": [{\"line\": \"x\"}]}").is_err());
        let h = Host { host_gpus: vec!["GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)".into(), "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-2)".into()], ..Host::default() };
        assert_eq!(h.gpu_models(), ["NVIDIA H100 80GB HBM3"]);
    }
}
