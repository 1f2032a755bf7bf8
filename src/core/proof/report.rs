//! Merging the JSON verify reports of N CI partitions into one, and the host facts the site
//! shows. The report's types are `core::verify::report::schema`, re-exported here for the
//! site's modules. Pure: combining values; reading files is the caller's job.

use std::collections::BTreeMap;

pub use crate::core::verify::report::schema::{BlockEntry, Host, PageEntry, RanOn, Report, RunEntry, RunInfo, Tool, OUTCOMES, SCHEMA};

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
    let mut out = Report { schema: SCHEMA, ..Report::default() };
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
                x.run
                    .and_then(|j| reports.get(j))
                    .map_or((String::new(), String::new()), |r| (r.run.started_at.clone(), r.run.partition.clone().unwrap_or_default()))
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
    out.tool = reports.first().map(|r| r.tool.clone()).unwrap_or_default();
    out.blocks = blocks.into_values().collect();
    out.pages = page_runs
        .into_iter()
        .map(|(file, runs)| {
            let outcome = out
                .blocks
                .iter()
                .filter(|b| b.file == file)
                .map(|b| b.outcome.clone())
                .max_by_key(|o| page_severity(o))
                .unwrap_or_else(|| "pass".into());
            let verified_at =
                (outcome == "pass").then(|| runs.iter().map(|(v, started)| v.clone().unwrap_or_else(|| started.clone())).min()).flatten();
            PageEntry { file, outcome, verified_at }
        })
        .collect();
    out.summary = out.counts();
    out.proof = Some(super::super::verify::report::schema::ProofEntry::of_blocks(&out.blocks));
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
            r.blocks.push(BlockEntry {
                file: file.to_string(),
                line: *line,
                hash: hash.to_string(),
                outcome: outcome.to_string(),
                ..BlockEntry::default()
            });
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
        let cpu = || {
            report(
                "1/1",
                "t1",
                "1",
                &[("content/gpu.md", 3, "h1", "pass"), ("content/gpu.md", 9, "h2", "skipped"), ("content/x.md", 3, "h3", "pass")],
            )
        };
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
        let h = Host {
            host_gpus: vec!["GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)".into(), "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-2)".into()],
            ..Host::default()
        };
        assert_eq!(h.gpu_models(), ["NVIDIA H100 80GB HBM3"]);
    }
}
