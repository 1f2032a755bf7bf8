//! `cookbook check`: every problem a reader or `cookbook verify` would hit, found without
//! running anything: the build's own errors (links, anchors, images, SUMMARY.md, front
//! matter, templates) from an in-memory build, orphan pages, verify block grammar,
//! attributes and placeholders, `needs` that disagree with the script, blocks that change
//! the host; with `--external`, http(s) links that do not answer. All reported together.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::build::BuildSession;
use crate::cli::CheckArgs;
use crate::cmd::report;
use crate::core::book::Book;
use crate::core::check::{blocks, external, orphans, outside_includes};
use crate::core::config::parse_duration;
use crate::core::diagnostic::{self, Diagnostic};
use crate::core::verify::plan;
use crate::core::wording::count;
use crate::exit;
use crate::io::links;

pub fn run(args: &CheckArgs) -> i32 {
    let Some(timeout) = parse_duration(&args.timeout).filter(|d| !d.is_zero()) else {
        to_stderr!("error: invalid --timeout `{}`: write a duration such as `10s` or `500ms`", args.timeout);
        return exit::USAGE;
    };
    let mut session = BuildSession::new(&args.root);
    let mut found = session.rebuild(&[]).err().unwrap_or_default();
    let Some(book) = session.book() else {
        report::print(&found);
        to_stderr!("error: no book to check at {}", args.root.display());
        return exit::USAGE;
    };
    found.extend(session.warnings().iter().filter(|w| w.code != "verify-report").cloned());
    found.extend(orphans::find(book));
    found.extend(outside_includes::find(book));
    found.extend(verify_findings(book));
    let mut links_checked = 0;
    if args.external {
        let (diags, n) = external_findings(book, args.jobs, timeout);
        found.extend(diags);
        links_checked = n;
    }
    crate::core::strict_links::promote(&mut found);
    dedup(&mut found);
    report::print(&found);
    let errors = found.iter().filter(|d| d.is_error()).count();
    let pages = count(book.pages.len(), "page");
    let links = if args.external { format!(", {}", count(links_checked, "external link")) } else { String::new() };
    if errors > 0 {
        to_stderr!("check: {} in {pages}{links}", report::counts(&found));
        exit::FAILURE
    } else {
        let warn = report::counts(&found);
        to_stderr!("check: no problems in {pages}{links}{}", if warn.is_empty() { String::new() } else { format!(" ({warn})") });
        exit::OK
    }
}

/// Block grammar, attributes and placeholders (as `verify` would refuse them), then
/// `needs` and host changes.
fn verify_findings(book: &Book) -> Vec<Diagnostic> {
    let (pages, mut found) = plan::from_book(book, Duration::from_secs(300));
    for p in &pages {
        found.extend(blocks::check(&book.pages[p.index].source, &p.blocks));
    }
    found
}

fn external_findings(book: &Book, jobs: usize, timeout: Duration) -> (Vec<Diagnostic>, usize) {
    let mut places = Vec::new();
    for page in &book.pages {
        for link in external::links(page) {
            places.push((page, link));
        }
    }
    let mut urls: Vec<String> = places.iter().map(|(_, l)| l.url.clone()).collect();
    urls.sort();
    urls.dedup();
    let probes: BTreeMap<String, links::Probe> = links::probe_all(&urls, jobs, timeout);
    let mut out = Vec::new();
    for (page, link) in places {
        let problem = match probes.get(&link.url) {
            Some(Ok(status)) if *status >= 400 => format!("external link answers HTTP {status}: {}", link.url),
            Some(Err(why)) => format!("external link cannot be reached ({why}): {}", link.url),
            _ => continue,
        };
        out.push(
            Diagnostic::error("link-external", problem)
                .at(&page.source, link.span.clone())
                .label("this link")
                .help("fix or remove the link; if the site is only down for now, run `cookbook check --external` again later"),
        );
    }
    (out, urls.len())
}

fn dedup(found: &mut Vec<Diagnostic>) {
    diagnostic::sort(found);
    found.dedup_by(|a, b| a.message == b.message && a.position() == b.position());
}
