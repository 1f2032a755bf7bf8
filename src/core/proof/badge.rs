//! What the site says about each verify block: the report entry matched to the block by
//! its hash (never by line, which moves when text above it changes), turned into a badge
//! with words (not colour alone) and a `title` with the details. Pure: report and blocks in,
//! values and HTML out; reading the report file is `io::proof`'s job.

use std::collections::BTreeSet;

use super::report::{BlockEntry, Report};
use crate::core::highlight::escape;
use crate::core::verify::block::VerifyBlock;

/// A block's verification state on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Verified,
    Failing,
    Stale,
    TimedOut,
    Leaked,
    Blocked,
    Skipped,
    /// The report has an entry at this place with another hash: the block was edited since.
    Changed,
    /// The report has nothing for this block.
    NotRun,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Verified,
        State::Failing,
        State::Stale,
        State::TimedOut,
        State::Leaked,
        State::Blocked,
        State::Skipped,
        State::Changed,
        State::NotRun,
    ];

    /// The CSS class (`assets/theme.css` colours `.badge.<class>`).
    pub fn class(self) -> &'static str {
        match self {
            State::Verified => "pass",
            State::Failing => "fail",
            State::Stale => "stale",
            State::TimedOut => "timeout",
            State::Leaked => "leaked",
            State::Blocked => "blocked",
            State::Skipped => "skipped",
            State::Changed => "changed",
            State::NotRun => "unrun",
        }
    }

    /// The words for it, as a column heading or a legend entry.
    pub fn words(self) -> &'static str {
        match self {
            State::Verified => "verified",
            State::Failing => "failing",
            State::Stale => "stale",
            State::TimedOut => "timed out",
            State::Leaked => "leaked",
            State::Blocked => "blocked",
            State::Skipped => "skipped",
            State::Changed => "changed since verified",
            State::NotRun => "not yet run",
        }
    }

    /// A symbol shown before the words (hidden from screen readers, which read the words).
    fn icon(self) -> &'static str {
        match self {
            State::Verified => "\u{2713}",
            State::Failing | State::Stale | State::TimedOut => "\u{2717}",
            State::Leaked | State::Blocked => "!",
            State::Skipped => "\u{2013}",
            State::Changed => "\u{270E}",
            State::NotRun => "?",
        }
    }

    fn from_outcome(outcome: &str) -> State {
        match outcome {
            "pass" => State::Verified,
            "fail" => State::Failing,
            "stale" => State::Stale,
            "timeout" => State::TimedOut,
            "leaked" => State::Leaked,
            "blocked" => State::Blocked,
            "skipped" => State::Skipped,
            _ => State::NotRun,
        }
    }
}

/// One block's badge: its state, the report entry it came from (the old entry for
/// `Changed`), and the text and tooltip the site shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge<'r> {
    /// The line of the block's opening fence in the page source.
    pub line: usize,
    /// The nearest heading above the block.
    pub heading: String,
    pub state: State,
    pub entry: Option<&'r BlockEntry>,
    pub text: String,
    pub title: String,
}

/// The badges of one page's verify blocks, in the blocks' order. `file` is the page's path
/// as reports name it (`content/a.md`).
pub fn for_page<'r>(report: &'r Report, file: &str, blocks: &[VerifyBlock]) -> Vec<Badge<'r>> {
    let entries: Vec<&BlockEntry> = report.blocks.iter().filter(|b| b.file == file).collect();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    // First, exact matches by hash (the nearest line wins when a block is repeated).
    let mut matched: Vec<Option<usize>> = blocks
        .iter()
        .map(|b| {
            let best = entries
                .iter()
                .enumerate()
                .filter(|(i, e)| e.hash == b.hash && !used.contains(i))
                .min_by_key(|(_, e)| e.line.abs_diff(b.line))
                .map(|(i, _)| i);
            if let Some(i) = best {
                used.insert(i);
            }
            best
        })
        .collect();
    // Then, the blocks left: an unused entry at the same line, or under the same heading,
    // is this block before it was edited.
    let mut previous: Vec<Option<usize>> = vec![None; blocks.len()];
    for (k, b) in blocks.iter().enumerate() {
        if matched[k].is_some() {
            continue;
        }
        let same = |pred: &dyn Fn(&BlockEntry) -> bool, used: &BTreeSet<usize>| {
            entries.iter().enumerate().find(|(i, e)| !used.contains(i) && pred(e)).map(|(i, _)| i)
        };
        let old = same(&|e| e.line == b.line, &used).or_else(|| same(&|e| !b.heading.is_empty() && e.heading == b.heading, &used));
        if let Some(i) = old {
            used.insert(i);
            previous[k] = Some(i);
        }
    }
    blocks
        .iter()
        .enumerate()
        .map(|(k, b)| match (matched[k].take(), previous[k]) {
            (Some(i), _) => described(report, b, entries[i]),
            (None, Some(i)) => changed(report, b, entries[i]),
            (None, None) => not_run(report, b),
        })
        .collect()
}

/// `2026-11-29` from `2026-11-29T09:22:45Z` (the text as given when it is not a date).
pub fn date_of(timestamp: &str) -> &str {
    match timestamp.get(..10) {
        Some(d) if d.as_bytes().get(4) == Some(&b'-') && d.as_bytes().get(7) == Some(&b'-') => d,
        _ => timestamp,
    }
}

/// `1.05 s`, `2 m 3 s`, `410 ms`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1000..=59_999 => format!("{:.2} s", ms as f64 / 1000.0),
        _ => format!("{} m {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

fn described<'r>(report: &'r Report, b: &VerifyBlock, e: &'r BlockEntry) -> Badge<'r> {
    let state = State::from_outcome(&e.outcome);
    let ran = report.ran_on(e);
    let date = date_of(ran.started_at);
    let engine = ran.host.map(|h| h.engine_version.as_str()).filter(|v| !v.is_empty());
    let on_docker = engine.map(|v| format!(" on Docker {v}")).unwrap_or_default();
    let gpu = ran
        .host
        .filter(|_| e.needs.iter().any(|n| n == "gpu") && !matches!(state, State::Skipped | State::Blocked))
        .map(|h| h.gpu_models().join(", "))
        .filter(|g| !g.is_empty());
    let text = match state {
        State::Verified => {
            let mut t = format!("verified {date}");
            if let Some(v) = engine {
                t.push_str(&format!(" \u{b7} Docker {v}"));
            }
            if let Some(g) = &gpu {
                t.push_str(&format!(" \u{b7} {g}"));
            }
            t
        }
        State::Skipped if e.reason.starts_with("needs a GPU") => "skipped: needs a GPU".into(),
        State::Skipped if e.reason.starts_with("marked `skip`") => "skipped: marked skip".into(),
        State::Leaked => "leaked resources".into(),
        State::NotRun => format!("unknown outcome `{}`", e.outcome),
        s => s.words().into(),
    };
    let mut title = format!("{}: {} in the run of {}{on_docker}", capitalised(state.words()), e.reason, ran.started_at);
    if let Some(g) = &gpu {
        title.push_str(&format!(" with {g}"));
    }
    if state != State::Skipped {
        title.push_str(&format!(" ({})", duration(e.duration_ms)));
    }
    Badge { line: b.line, heading: b.heading.clone(), state, entry: Some(e), text, title }
}

fn changed<'r>(report: &'r Report, b: &VerifyBlock, old: &'r BlockEntry) -> Badge<'r> {
    let ran = report.ran_on(old);
    Badge {
        line: b.line,
        heading: b.heading.clone(),
        state: State::Changed,
        entry: Some(old),
        text: "changed since last verified".into(),
        title: format!(
            "This block was edited after the run of {} (it was {} then: {}); run `cookbook verify` to prove it again",
            ran.started_at,
            State::from_outcome(&old.outcome).words(),
            old.reason
        ),
    }
}

fn not_run<'r>(report: &'r Report, b: &VerifyBlock) -> Badge<'r> {
    let when = if report.run.started_at.is_empty() { String::new() } else { format!(" of {}", report.run.started_at) };
    Badge {
        line: b.line,
        heading: b.heading.clone(),
        state: State::NotRun,
        entry: None,
        text: "not yet run".into(),
        title: format!("The verify report{when} has no result for this block; run `cookbook verify` to prove it"),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The badge as HTML: a link to the block's row on the dashboard, words and icon inside.
pub fn html(badge: &Badge<'_>, href: &str) -> String {
    format!(
        "<a class=\"badge {}\" href=\"{}\" title=\"{}\"><span aria-hidden=\"true\">{}</span> {}</a>",
        badge.state.class(),
        escape(href),
        escape(&badge.title),
        badge.state.icon(),
        escape(&badge.text)
    )
}

/// Replaces each `<!--badge:L{line}-->` marker in a page's HTML with its badge (markers
/// without a badge are dropped). `href` gives the link for a badge.
pub fn splice(page_html: &str, badges: &[Badge<'_>], href: &dyn Fn(&Badge<'_>) -> String) -> String {
    const OPEN: &str = "<!--badge:L";
    let mut out = String::with_capacity(page_html.len() + badges.len() * 200);
    let mut rest = page_html;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let Some(end) = after.find("-->") else { break };
        out.push_str(&rest[..at]);
        if let Ok(line) = after[..end].parse::<usize>() {
            if let Some(b) = badges.iter().find(|b| b.line == line) {
                out.push_str(&html(b, &href(b)));
            }
        } else {
            out.push_str(&rest[at..at + OPEN.len() + end + 3]);
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

/// The page's "last verified" line: the date and engine when every block is verified,
/// else how many are in each state. `None` for a page without verify blocks.
pub fn last_verified(report: &Report, badges: &[Badge<'_>], dashboard: &str) -> Option<String> {
    let first = badges.first()?;
    let link = format!(" <a href=\"{}\">Verification details</a>", escape(dashboard));
    let when = |e: &BlockEntry| {
        let ran = report.ran_on(e);
        let engine = ran.host.map(|h| h.engine_version.as_str()).filter(|v| !v.is_empty());
        let on = engine.map(|v| format!(" on Docker {}", escape(v))).unwrap_or_default();
        format!("<time datetime=\"{0}\">{1}</time>{on}", escape(ran.started_at), escape(date_of(ran.started_at)))
    };
    if badges.iter().all(|b| b.state == State::Verified) {
        // In a merged report a page ran in one partition; its first block says which.
        let e = first.entry?;
        return Some(format!(
            "<span class=\"badge pass\"><span aria-hidden=\"true\">\u{2713}</span> Last verified</span> {}.{link}",
            when(e)
        ));
    }
    let mut parts = Vec::new();
    for s in State::ALL {
        let n = badges.iter().filter(|b| b.state == s).count();
        if n > 0 {
            parts.push(format!("{n} {}", s.words()));
        }
    }
    let run = badges.iter().find_map(|b| b.entry).map(|e| format!(" (last run {})", when(e))).unwrap_or_default();
    Some(format!("Verification: {}{run}.{link}", parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::proof::report::{Host, RunInfo};
    use crate::core::source::SourceFile;
    use crate::core::verify::block;

    const PAGE: &str =
        "# Shm\n\n```bash verify\necho one\n```\n\n## GPU\n\n```bash verify\nnvidia-smi -L\n```\n\n```bash verify\necho three\n```\n";

    fn blocks(text: &str) -> Vec<VerifyBlock> {
        block::extract(&SourceFile::new("content/a.md", text), 0).0
    }

    fn report(entries: Vec<BlockEntry>) -> Report {
        let host =
            Host { engine_version: "20.10.24".into(), host_gpus: vec!["GPU 0: NVIDIA H100 (UUID: GPU-x)".into()], ..Host::default() };
        Report {
            schema: 1,
            host: Some(host),
            run: RunInfo { started_at: "2026-11-29T09:30:55Z".into(), ..RunInfo::default() },
            blocks: entries,
            ..Report::default()
        }
    }

    fn entry(b: &VerifyBlock, outcome: &str, reason: &str) -> BlockEntry {
        BlockEntry {
            file: "content/a.md".into(),
            line: b.line,
            heading: b.heading.clone(),
            hash: b.hash.clone(),
            outcome: outcome.into(),
            reason: reason.into(),
            duration_ms: 410,
            needs: b.attrs.needs.iter().map(|n| n.name().to_string()).collect(),
            ..BlockEntry::default()
        }
    }

    #[test]
    fn matches_by_hash_when_lines_moved() {
        let bs = blocks(PAGE);
        let r = report(vec![entry(&bs[0], "pass", "ok"), entry(&bs[1], "pass", "ok"), entry(&bs[2], "fail", "exit status 1")]);
        // Two lines added at the top: every block moved, none changed.
        let moved = blocks(&format!("Intro\n\n{PAGE}"));
        let badges = for_page(&r, "content/a.md", &moved);
        let got: Vec<_> = badges.iter().map(|b| (b.line, b.state, b.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (5, State::Verified, "verified 2026-11-29 \u{b7} Docker 20.10.24"),
                (11, State::Verified, "verified 2026-11-29 \u{b7} Docker 20.10.24 \u{b7} NVIDIA H100"),
                (15, State::Failing, "failing"),
            ]
        );
        assert!(badges[2].title.contains("exit status 1") && badges[2].title.contains("410 ms"), "{}", badges[2].title);
    }

    #[test]
    fn edited_blocks_are_changed_and_new_ones_not_run() {
        let bs = blocks(PAGE);
        let r = report(vec![entry(&bs[0], "pass", "ok"), entry(&bs[1], "skipped", "needs a GPU; this host has none")]);
        let edited = blocks(&PAGE.replace("echo one", "echo uno"));
        let badges = for_page(&r, "content/a.md", &edited);
        let got: Vec<_> = badges.iter().map(|b| (b.state, b.text.as_str())).collect();
        assert_eq!(
            got,
            [(State::Changed, "changed since last verified"), (State::Skipped, "skipped: needs a GPU"), (State::NotRun, "not yet run")]
        );
        assert!(badges[0].title.contains("verified then"), "{}", badges[0].title);
    }

    #[test]
    fn splices_badges_and_summarises_the_page() {
        let bs = blocks(PAGE);
        let r = report(bs.iter().map(|b| entry(b, "pass", "ok")).collect());
        let badges = for_page(&r, "content/a.md", &bs);
        let html = splice("<x><!--badge:L3--></x><!--badge:L99--><!--badge:Lx-->", &badges, &|b| format!("v.html#a-{}", b.line));
        assert_eq!(
            html,
            "<x><a class=\"badge pass\" href=\"v.html#a-3\" title=\"Verified: ok in the run of 2026-11-29T09:30:55Z on Docker 20.10.24 (410 ms)\">\
             <span aria-hidden=\"true\">\u{2713}</span> verified 2026-11-29 \u{b7} Docker 20.10.24</a></x><!--badge:Lx-->"
        );
        let line = last_verified(&r, &badges, "verification.html").unwrap();
        assert!(
            line.contains("Last verified</span> <time datetime=\"2026-11-29T09:30:55Z\">2026-11-29</time> on Docker 20.10.24."),
            "{line}"
        );
        let mixed = report(vec![entry(&bs[0], "fail", "x")]);
        let line = last_verified(&mixed, &for_page(&mixed, "content/a.md", &bs), "v.html").unwrap();
        assert!(line.starts_with("Verification: 1 failing, 2 not yet run (last run"), "{line}");
        assert_eq!(last_verified(&r, &[], "v.html"), None);
        assert_eq!((duration(1050), duration(125_000), date_of("x")), ("1.05 s".into(), "2 m 5 s".into(), "x"));
    }
}
