//! A partial verify run (a FILTER, a partition) folded into the report of earlier runs:
//! the blocks it ran replace their entries (matched by block hash, as badges are), every
//! other entry stays with the date and host of the run that produced it. A full run does
//! not come here: its report replaces the old one. Pure.

use std::collections::BTreeSet;

use super::report::{Report, RunEntry};

/// `old` with the blocks and pages of the partial run `new` put in, as one report whose
/// `runs` hold each contributing run (blocks point at theirs, so badges keep their dates).
/// `current` holds the hashes of every verify block the book has now.
pub fn fold(old: Report, new: Report, current: &BTreeSet<String>) -> Report {
    let ran: BTreeSet<&str> = new.blocks.iter().map(|b| b.hash.as_str()).collect();
    let mut out = Report { schema: 1, tool: new.tool.clone(), ..Report::default() };
    out.runs = if old.runs.is_empty() { vec![entry(&old)] } else { old.runs.clone() };
    let mut blocks: Vec<_> = old
        .blocks
        .iter()
        .filter(|b| !ran.contains(b.hash.as_str()) && current.contains(&b.hash))
        .cloned()
        .map(|mut b| {
            b.run = Some(b.run.unwrap_or(0));
            b
        })
        .collect();
    let new_run = out.runs.len();
    out.runs.push(entry(&new));
    blocks.extend(new.blocks.iter().cloned().map(|mut b| {
        b.run = Some(new_run);
        b
    }));
    // Keep only the runs some block still points at, renumbered in order.
    let used: BTreeSet<usize> = blocks.iter().filter_map(|b| b.run).collect();
    let renumber: Vec<Option<usize>> = (0..out.runs.len()).map(|i| used.contains(&i).then(|| used.range(..i).count())).collect();
    out.runs = out.runs.into_iter().enumerate().filter(|(i, _)| used.contains(i)).map(|(_, r)| r).collect();
    for b in &mut blocks {
        b.run = b.run.and_then(|i| renumber[i]);
    }
    blocks.sort_by(|a, b| (&a.file, a.line, &a.hash).cmp(&(&b.file, b.line, &b.hash)));
    out.blocks = blocks;
    let touched: BTreeSet<&str> = new.pages.iter().map(|p| p.file.as_str()).collect();
    out.pages = old.pages.iter().filter(|p| !touched.contains(p.file.as_str())).chain(&new.pages).cloned().collect();
    out.pages.sort_by(|a, b| a.file.cmp(&b.file));
    out.summary = out.counts();
    out.notes = new.notes.clone();
    out.run = new.run.clone();
    out.run.merged_from.clear();
    out.host = new.host.clone();
    out.host_error = new.host_error.clone();
    out
}

fn entry(r: &Report) -> RunEntry {
    RunEntry {
        partition: r.run.partition.clone(),
        started_at: r.run.started_at.clone(),
        duration_ms: r.run.duration_ms,
        interrupted: r.run.interrupted,
        host: r.host.clone(),
        host_error: r.host_error.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::proof::report::{BlockEntry, RunInfo};

    fn report(started: &str, blocks: &[(&str, usize, &str, &str)]) -> Report {
        let mut r = Report { schema: 1, ..Report::default() };
        r.run = RunInfo { started_at: started.into(), ..RunInfo::default() };
        for (file, line, hash, outcome) in blocks {
            r.blocks.push(BlockEntry {
                file: file.to_string(),
                line: *line,
                hash: hash.to_string(),
                outcome: outcome.to_string(),
                ..BlockEntry::default()
            });
        }
        r
    }

    #[test]
    fn replaces_what_ran_and_keeps_the_rest_with_its_date() {
        let old = report("t1", &[("a.md", 3, "h1", "pass"), ("a.md", 7, "h2", "pass"), ("b.md", 3, "h3", "pass")]);
        let new = report("t2", &[("b.md", 3, "h3", "fail")]);
        let current: BTreeSet<String> = ["h1", "h2", "h3"].map(String::from).into();
        let m = fold(old.clone(), new.clone(), &current);
        let got: Vec<_> = m.blocks.iter().map(|b| (b.hash.as_str(), b.outcome.as_str(), m.ran_on(b).started_at)).collect();
        assert_eq!(got, [("h1", "pass", "t1"), ("h2", "pass", "t1"), ("h3", "fail", "t2")]);
        assert_eq!((m.summary["pass"], m.summary["fail"]), (2, 1));
        assert_eq!(m.run.started_at, "t2");
        // Folding again drops a run nobody points at any more.
        let m = fold(m, report("t3", &[("a.md", 3, "h1", "pass"), ("a.md", 7, "h2", "pass")]), &current);
        assert_eq!(m.runs.iter().map(|r| r.started_at.as_str()).collect::<Vec<_>>(), ["t2", "t3"]);
        assert_eq!(m.blocks.iter().map(|b| m.ran_on(b).started_at).collect::<Vec<_>>(), ["t3", "t3", "t2"]);
        let again = Report::parse(&m.to_json()).unwrap();
        assert_eq!(again, m);
        // A block edited since (its hash is gone from the book) leaves the report.
        let m = fold(old, new, &["h1", "h3"].map(String::from).into());
        assert_eq!(m.blocks.iter().map(|b| b.hash.as_str()).collect::<Vec<_>>(), ["h1", "h3"]);
    }
}
