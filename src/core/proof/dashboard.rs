//! The verification dashboard's article: totals, a chart and a table of states per page,
//! the host facts of the run, and every block with its outcome, duration and host. Pure
//! HTML from values; the theme's page template wraps it (`render::render_site`).
//! The chart is inline SVG (no script); its numbers are also in a table beside it.

use super::badge::{self, Badge, State};
use super::report::{Host, Report};
use crate::core::highlight::escape;

/// One page of the book and the badges of its verify blocks.
pub struct PageProof<'r> {
    pub title: String,
    /// The page's output path (`gpu/index.html`).
    pub url: String,
    /// The page source as reports name it (`content/gpu/README.md`).
    pub file: String,
    pub badges: Vec<Badge<'r>>,
}

/// The id of a block's row on the dashboard (`content-a-md-L12`).
pub fn anchor(file: &str, line: usize) -> String {
    format!("{}-L{line}", page_anchor(file))
}

/// The id of a page's section on the dashboard (`content-a-md`).
pub fn page_anchor(file: &str) -> String {
    file.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// The dashboard's article HTML.
pub fn render(report: &Report, pages: &[PageProof<'_>]) -> String {
    let pages: Vec<&PageProof<'_>> = pages.iter().filter(|p| !p.badges.is_empty()).collect();
    let states: Vec<State> = State::ALL.into_iter().filter(|s| pages.iter().any(|p| p.badges.iter().any(|b| b.state == *s))).collect();
    let mut h = String::with_capacity(16 * 1024);
    h.push_str("<div class=\"proof-dashboard\">\n<h1 id=\"verification\">Verification</h1>\n");
    lead(&mut h, report, &pages);
    h.push_str("<h2 id=\"by-page\">By page</h2>\n");
    chart(&mut h, &pages, &states);
    per_page_table(&mut h, &pages, &states);
    totals(&mut h, report, &pages, &states);
    hosts(&mut h, report);
    blocks(&mut h, report, &pages);
    h.push_str("</div>\n");
    h
}

fn count(p: &PageProof<'_>, s: State) -> usize {
    p.badges.iter().filter(|b| b.state == s).count()
}

fn lead(h: &mut String, report: &Report, pages: &[&PageProof<'_>]) {
    let total: usize = pages.iter().map(|p| p.badges.len()).sum();
    let verified: usize = pages.iter().map(|p| count(p, State::Verified)).sum();
    let pct = (verified * 100).checked_div(total).unwrap_or(0);
    let engine = report.host.as_ref().map(|h| h.engine_version.as_str()).filter(|v| !v.is_empty());
    h.push_str(&format!(
        "<p class=\"proof-lead\"><strong>{verified} of {total} blocks verified ({pct}%)</strong> across {} pages, in the run started <time datetime=\"{}\">{}</time>",
        pages.len(),
        escape(&report.run.started_at),
        escape(&report.run.started_at.replace('T', " ").replace('Z', " UTC")),
    ));
    if let Some(v) = engine {
        h.push_str(&format!(" on Docker {}", escape(v)));
    }
    h.push_str(&format!(", which took {}", badge::duration(report.run.duration_ms)));
    if !report.run.merged_from.is_empty() {
        h.push_str(&format!(" (merged from partitions {})", escape(&report.run.merged_from.join(", "))));
    } else if let Some(p) = &report.run.partition {
        h.push_str(&format!(" (partition {} only)", escape(p)));
    }
    h.push('.');
    if report.run.interrupted {
        h.push_str(" The run was interrupted; blocks it did not reach show as not yet run.");
    }
    h.push_str("</p>\n");
}

fn badge_label(s: State) -> String {
    format!("<span class=\"badge {}\">{}</span>", s.class(), escape(s.words()))
}

fn totals(h: &mut String, report: &Report, pages: &[&PageProof<'_>], states: &[State]) {
    h.push_str("<h2 id=\"totals\">Totals</h2>\n<table class=\"proof-totals\">\n<thead><tr><th scope=\"col\">State</th><th scope=\"col\">Blocks</th></tr></thead>\n<tbody>\n");
    let mut total = 0;
    for s in states {
        let n: usize = pages.iter().map(|p| count(p, *s)).sum();
        total += n;
        h.push_str(&format!("<tr><td>{}</td><td class=\"num\">{n}</td></tr>\n", badge_label(*s)));
    }
    h.push_str(&format!("</tbody>\n<tfoot><tr><th scope=\"row\">Total</th><td class=\"num\">{total}</td></tr></tfoot>\n</table>\n"));
    let counts = report.counts();
    let parts: Vec<String> = counts.iter().filter(|(_, n)| **n > 0).map(|(o, n)| format!("{n} {o}")).collect();
    h.push_str(&format!(
        "<p class=\"proof-note\">The report holds {} results ({}). Blocks edited since the run count as changed; blocks it did not run, as not yet run.</p>\n",
        report.blocks.len(),
        if parts.is_empty() { "none".to_string() } else { escape(&parts.join(", ")) }
    ));
}

fn chart(h: &mut String, pages: &[&PageProof<'_>], states: &[State]) {
    // Each page's title above its bar, in a chart as narrow as a phone: drawn at its own
    // size there, its 13 px labels stay 13 px.
    const BAR_W: usize = 300;
    const ROW: usize = 42;
    const BAR_H: usize = 16;
    let max = pages.iter().map(|p| p.badges.len()).max().unwrap_or(1).max(1);
    let height = pages.len() * ROW + 4;
    let width = BAR_W + 44;
    let desc: Vec<String> = pages
        .iter()
        .map(|p| {
            let parts: Vec<String> =
                states.iter().filter(|s| count(p, **s) > 0).map(|s| format!("{} {}", count(p, *s), s.words())).collect();
            format!("{}: {}", p.title, parts.join(", "))
        })
        .collect();
    h.push_str(&format!(
        "<figure class=\"proof-chart\">\n<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\n\
<title id=\"chart-title\">Verify outcomes per page</title>\n<desc id=\"chart-desc\">{}</desc>\n",
        escape(&desc.join("; "))
    ));
    for (i, p) in pages.iter().enumerate() {
        let y = i * ROW + 20;
        let label: String =
            if p.title.chars().count() > 48 { p.title.chars().take(47).collect::<String>() + "\u{2026}" } else { p.title.clone() };
        h.push_str(&format!("<text class=\"label\" x=\"0\" y=\"{}\">{}</text>\n", y - 5, escape(&label)));
        let mut x = 0;
        for s in states {
            let n = count(p, *s);
            if n == 0 {
                continue;
            }
            let w = n * BAR_W / max;
            h.push_str(&format!(
                "<rect class=\"{}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\"><title>{}: {n} {}</title></rect>\n",
                s.class(),
                BAR_H,
                escape(&p.title),
                s.words()
            ));
            x += w;
        }
        h.push_str(&format!("<text class=\"count\" x=\"{}\" y=\"{}\">{}</text>\n", x + 6, y + 13, p.badges.len()));
    }
    h.push_str("</svg>\n<figcaption><ul class=\"proof-legend\">");
    for s in states {
        h.push_str(&format!("<li><span class=\"swatch {}\"></span>{}</li>", s.class(), escape(s.words())));
    }
    h.push_str("</ul></figcaption>\n</figure>\n");
}

fn per_page_table(h: &mut String, pages: &[&PageProof<'_>], states: &[State]) {
    h.push_str("<table class=\"proof-pages\">\n<caption>Blocks per page and state</caption>\n<thead><tr><th scope=\"col\">Page</th>");
    for s in states {
        h.push_str(&format!("<th scope=\"col\">{}</th>", escape(s.words())));
    }
    h.push_str("<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n");
    for p in pages {
        h.push_str(&format!("<tr><th scope=\"row\"><a href=\"#{}\">{}</a></th>", escape(&page_anchor(&p.file)), escape(&p.title)));
        for s in states {
            h.push_str(&format!("<td class=\"num\">{}</td>", count(p, *s)));
        }
        h.push_str(&format!("<td class=\"num\">{}</td></tr>\n", p.badges.len()));
    }
    h.push_str("</tbody>\n</table>\n");
}

fn hosts(h: &mut String, report: &Report) {
    h.push_str("<h2 id=\"host\">Host</h2>\n");
    let columns: Vec<(String, Option<&Host>, Option<&str>)> = if report.runs.is_empty() {
        vec![(String::from("This run"), report.host.as_ref(), report.host_error.as_deref())]
    } else {
        report
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r.partition.as_ref().map_or_else(|| format!("Report {}", i + 1), |p| format!("Partition {p}")),
                    r.host.as_ref(),
                    r.host_error.as_deref(),
                )
            })
            .collect()
    };
    h.push_str("<table class=\"proof-host\">\n<thead><tr><th scope=\"col\">Fact</th>");
    for (name, _, _) in &columns {
        h.push_str(&format!("<th scope=\"col\">{}</th>", escape(name)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(", ") };
    type Fact<'a> = (&'a str, &'a dyn Fn(&Host) -> String);
    let facts: [Fact<'_>; 10] = [
        ("Docker host", &|h| h.docker_host.clone()),
        ("Engine version", &|h| h.engine_version.clone()),
        ("API version", &|h| h.api_version.clone()),
        ("Operating system", &|h| h.os.clone()),
        ("Kernel", &|h| h.kernel.clone()),
        ("cgroup version", &|h| h.cgroup_version.clone()),
        ("Runtimes", &|h| format!("{} (default {})", list(&h.runtimes), h.default_runtime)),
        ("CDI devices", &|h| list(&h.cdi_devices)),
        ("GPUs", &|h| list(&h.host_gpus)),
        ("GPU containers", &gpu_support),
    ];
    for (name, fact) in facts {
        h.push_str(&format!("<tr><th scope=\"row\">{name}</th>"));
        for (_, host, err) in &columns {
            let v = match host {
                Some(host) => fact(host),
                None => format!("no host facts: {}", err.unwrap_or("no Docker engine")),
            };
            h.push_str(&format!("<td>{}</td>", escape(&v)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

fn gpu_support(h: &Host) -> String {
    let (available, evidence) = (h.gpu.available, &h.gpu.evidence);
    match (available, evidence.is_empty()) {
        (true, false) => format!("yes ({})", evidence.join(", ")),
        (true, true) => "yes".into(),
        (false, _) => "no".into(),
    }
}

fn blocks(h: &mut String, report: &Report, pages: &[&PageProof<'_>]) {
    h.push_str("<h2 id=\"blocks\">Every block</h2>\n");
    for p in pages {
        h.push_str(&format!(
            "<h3 id=\"{}\"><a href=\"{}\">{}</a> <code>{}</code></h3>\n",
            escape(&page_anchor(&p.file)),
            escape(&p.url),
            escape(&p.title),
            escape(&p.file)
        ));
        h.push_str("<table class=\"proof-blocks\">\n<thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Section</th><th scope=\"col\">State</th><th scope=\"col\">Duration</th><th scope=\"col\">Host</th></tr></thead>\n<tbody>\n");
        for b in &p.badges {
            let (dur, host) = match b.entry.filter(|_| b.state != State::Changed) {
                Some(e) => {
                    let ran = report.ran_on(e);
                    let host = ran.host.map(|h| {
                        let mut s = format!("Docker {}", h.engine_version);
                        if e.needs.iter().any(|n| n == "gpu")
                            && !h.gpu_models().is_empty()
                            && !matches!(b.state, State::Skipped | State::Blocked)
                        {
                            s.push_str(&format!(", {}", h.gpu_models().join(", ")));
                        }
                        s
                    });
                    (badge::duration(e.duration_ms), host.unwrap_or_default())
                }
                None => (String::new(), String::new()),
            };
            h.push_str(&format!(
                "<tr id=\"{}\"><td class=\"num\"><a href=\"{}#L{}\">{}</a></td><td>{}</td><td><span class=\"badge {}\" title=\"{}\">{}</span><br><span class=\"why\">{}</span>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                escape(&anchor(&p.file, b.line)),
                escape(&p.url),
                b.line,
                b.line,
                escape(&b.heading),
                b.state.class(),
                escape(&b.title),
                escape(b.state.words()),
                escape(&detail(b)),
                evidence(b),
                escape(&dur),
                escape(&host),
            ));
        }
        h.push_str("</tbody>\n</table>\n");
    }
}

/// For a block that failed: its diff, else its output, folded under the reason.
fn evidence(b: &Badge<'_>) -> String {
    let Some(e) = b.entry.filter(|_| matches!(b.state, State::Failing | State::Stale | State::TimedOut)) else { return String::new() };
    let diff = e.diff.as_deref().filter(|s| !s.is_empty());
    let output = Some(e.output.as_str()).filter(|s| !s.is_empty());
    match (diff, output) {
        (Some(d), _) => format!("<details class=\"proof-detail\"><summary>diff</summary><pre>{}</pre></details>", escape(d)),
        (None, Some(o)) => format!("<details class=\"proof-detail\"><summary>output</summary><pre>{}</pre></details>", escape(o)),
        _ => String::new(),
    }
}

/// A short line under a block's state: why, in the report's words.
fn detail(b: &Badge<'_>) -> String {
    match (b.state, b.entry) {
        (State::Changed, Some(e)) => format!("edited after the run; it was {} then", state_of(&e.outcome).words()),
        (State::NotRun, None) => "no result in the report".into(),
        (_, Some(e)) => e.reason.clone(),
        _ => String::new(),
    }
}

fn state_of(outcome: &str) -> State {
    State::ALL.into_iter().find(|s| s.class() == outcome).unwrap_or(State::NotRun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::proof::report::{BlockEntry, RunInfo};

    fn b(line: usize, state: State, entry: Option<&BlockEntry>) -> Badge<'_> {
        Badge { line, heading: "H".into(), state, entry, text: state.words().into(), title: "t".into() }
    }

    #[test]
    fn numbers_match_the_badges() {
        let e = BlockEntry { outcome: "pass".into(), duration_ms: 1500, ..BlockEntry::default() };
        let report = Report {
            schema: 1,
            run: RunInfo { started_at: "2026-11-29T09:30:55Z".into(), duration_ms: 2000, ..RunInfo::default() },
            host: Some(Host { engine_version: "20.10.24".into(), ..Host::default() }),
            blocks: vec![e.clone()],
            ..Report::default()
        };
        let pages = vec![
            PageProof {
                title: "A & B".into(),
                url: "a.html".into(),
                file: "content/a.md".into(),
                badges: vec![b(3, State::Verified, Some(&e)), b(9, State::Failing, None)],
            },
            PageProof { title: "Empty".into(), url: "e.html".into(), file: "content/e.md".into(), badges: vec![] },
        ];
        let html = render(&report, &pages);
        assert!(html.contains("<strong>1 of 2 blocks verified (50%)</strong> across 1 pages"), "{html}");
        assert!(html.contains("on Docker 20.10.24, which took 2.00 s."));
        assert!(html.contains("<desc id=\"chart-desc\">A &amp; B: 1 verified, 1 failing</desc>"), "{html}");
        assert!(html.contains("<rect class=\"pass\" x=\"0\" y=\"20\" width=\"150\""), "{html}");
        assert!(html.contains("<tr id=\"content-a-md-L3\"><td class=\"num\"><a href=\"a.html#L3\">3</a></td>"));
        assert!(html.contains("<br><span class=\"why\"></span></td><td class=\"num\">1.50 s</td><td>Docker 20.10.24</td>"), "{html}");
        assert!(!html.contains("Empty"), "pages without blocks are left out");
        assert!(html.contains("<tfoot><tr><th scope=\"row\">Total</th><td class=\"num\">2</td>"));
    }
}
