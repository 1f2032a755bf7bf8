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
/// first partition's (for readers that only know `host`). A page present in two reports
/// is taken from the later one; the returned notes say so.
pub fn merge(reports: Vec<Report>) -> (Report, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = Report { schema: SCHEMA, ..Report::default() };
    let mut blocks: BTreeMap<(String, usize, String), BlockEntry> = BTreeMap::new();
    let mut pages: BTreeMap<String, (usize, PageEntry)> = BTreeMap::new();
    for (i, r) in reports.iter().enumerate() {
        for p in &r.pages {
            if let Some((j, _)) = pages.get(&p.file) {
                notes.push(format!("{} is in reports {} and {}; keeping report {}", p.file, j + 1, i + 1, i + 1));
                blocks.retain(|k, b| !(k.0 == p.file && b.run == Some(*j)));
            }
            pages.insert(p.file.clone(), (i, p.clone()));
        }
        for b in &r.blocks {
            let mut b = b.clone();
            b.run = Some(i);
            blocks.insert((b.file.clone(), b.line, b.hash.clone()), b);
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
    out.pages = pages.into_values().map(|(_, p)| p).collect();
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
    fn a_page_in_two_reports_keeps_the_later() {
        let a = report("1/2", "t1", "1", &[("content/a.md", 2, "old", "fail")]);
        let b = report("1/2", "t2", "1", &[("content/a.md", 2, "new", "pass")]);
        let (m, notes) = merge(vec![a, b]);
        assert_eq!(m.blocks.len(), 1);
        assert_eq!(m.blocks[0].hash, "new");
        assert_eq!(notes.len(), 1);
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
