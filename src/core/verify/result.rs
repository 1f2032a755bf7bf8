//! The results of a run, as every reporter reads them: one [`BlockResult`] per planned
//! block, in plan order, and the run's facts. Data only; rendering is in `report/`.

use std::collections::BTreeMap;
use std::time::Duration;

use super::block::VerifyBlock;
use super::host::HostFacts;
use super::judge::{Outcome, Verdict};
use super::plan::Partition;

/// Output kept in reports per block (the tail, where errors are).
pub const EXCERPT: usize = 4096;

/// What happened to one block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockResult {
    pub block: VerifyBlock,
    pub verdict: Verdict,
    pub duration: Duration,
    pub exit_code: Option<i32>,
    /// The output compared with the expected output (or the merged output), whole,
    /// as `--update` writes it; reports show [`excerpt`] of it.
    pub output: String,
    /// For a transcript judged command by command: each command's output that ran (as
    /// `--update` rewrites each command's expected lines); empty otherwise.
    pub commands: Vec<String>,
    /// Resources the block left behind, removed after its page (`container x (id)`).
    pub leaked: Vec<String>,
    pub attempts: u32,
    /// Whether this result fails the run: fail/stale/timeout always; skipped or blocked
    /// when `--require` names the capability; leaked with `--strict`.
    pub fails_run: bool,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunReport {
    /// RFC 3339, read from the clock by the command, never by the core.
    pub started_at: String,
    pub duration: Duration,
    pub tool_version: String,
    pub host: Option<HostFacts>,
    /// Why there are no host facts, when there are none.
    pub host_error: Option<String>,
    pub partition: Option<Partition>,
    pub results: Vec<BlockResult>,
    /// Notes about the run as a whole (unattributed resources, removal errors).
    pub notes: Vec<String>,
    pub interrupted: bool,
}

impl RunReport {
    /// How many blocks had each outcome.
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        let mut m = BTreeMap::new();
        for r in &self.results {
            *m.entry(r.verdict.outcome).or_insert(0) += 1;
        }
        m
    }

    /// `3 passed, 1 failed, 2 skipped` (and the other outcomes when there are any).
    pub fn summary_line(&self) -> String {
        let c = self.counts();
        let n = |o| c.get(&o).copied().unwrap_or(0);
        let mut parts = vec![
            format!("{} passed", n(Outcome::Pass)),
            format!("{} failed", n(Outcome::Fail)),
            format!("{} skipped", n(Outcome::Skipped)),
        ];
        for (o, word) in
            [(Outcome::Stale, "stale"), (Outcome::Timeout, "timed out"), (Outcome::Blocked, "blocked"), (Outcome::Leaked, "leaked")]
        {
            if n(o) > 0 {
                parts.push(format!("{} {word}", n(o)));
            }
        }
        let mut s = parts.join(", ");
        if self.interrupted {
            s.push_str(" (interrupted)");
        }
        s
    }
}

/// What a run proved: blocks that ran and whose claim held, and why the others did not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Proof {
    pub proven: usize,
    pub not_proven: usize,
    /// Why, in a fixed order: `failed`, `stale`, `timed out`, `needs gpu`, `blocked by
    /// registry`, …, `skipped`; only reasons with a count.
    pub why: Vec<(String, usize)>,
    /// `12 proven · 3 not proven (1 failed, 2 needs gpu)`.
    pub line: String,
}

impl RunReport {
    /// The run's proof: pass (and leaked without `--strict`: it ran and held) is proven;
    /// everything else is counted under its reason.
    pub fn proof(&self) -> Proof {
        Proof::of(self.results.iter().map(|r| (r.verdict.outcome.name(), r.verdict.missing.map(|n| n.name()).unwrap_or(""), r.fails_run)))
    }
}

impl Proof {
    /// The proof of blocks given as (outcome name, missing need or "", fails the run): for a
    /// run, and for a merged report, which only has the names.
    pub fn of<'a>(blocks: impl Iterator<Item = (&'a str, &'a str, bool)>) -> Proof {
        let mut why: BTreeMap<(u8, String), usize> = BTreeMap::new();
        let mut proven = 0;
        let mut total = 0;
        for (outcome, missing, fails_run) in blocks {
            total += 1;
            let reason = match outcome {
                "pass" => None,
                "leaked" if !fails_run => None,
                "leaked" => Some((1, "leaked".to_string())),
                "fail" => Some((0, "failed".to_string())),
                "stale" => Some((2, "stale".to_string())),
                "timeout" => Some((3, "timed out".to_string())),
                "skipped" if !missing.is_empty() => Some((4, format!("needs {missing}"))),
                "blocked" if !missing.is_empty() => Some((5, format!("blocked by {missing}"))),
                "blocked" => Some((6, "blocked".to_string())),
                _ => Some((7, "skipped".to_string())),
            };
            match reason {
                None => proven += 1,
                Some(k) => *why.entry(k).or_insert(0) += 1,
            }
        }
        let not_proven = total - proven;
        let why: Vec<(String, usize)> = why.into_iter().map(|((_, w), n)| (w, n)).collect();
        let mut line = format!("{proven} proven · {not_proven} not proven");
        if !why.is_empty() {
            let parts: Vec<String> = why.iter().map(|(w, n)| format!("{n} {w}")).collect();
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
        Proof { proven, not_proven, why, line }
    }
}

/// The last [`EXCERPT`] bytes of `text`, on a character boundary, marked when cut.
pub fn excerpt(text: &str) -> String {
    if text.len() <= EXCERPT {
        return text.to_string();
    }
    let mut start = text.len() - EXCERPT;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[… {start} bytes before]\n{}", &text[start..])
}

/// Formats a UNIX time as RFC 3339 UTC (`2026-11-29T09:22:45Z`), without a date crate.
pub fn rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_excerpts() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_944_165), "2026-11-29T09:22:45Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        let long = "é".repeat(EXCERPT);
        let e = excerpt(&long);
        assert!(e.starts_with("[… ") && e.len() < EXCERPT + 40);
        assert_eq!(excerpt("short"), "short");
    }
}
