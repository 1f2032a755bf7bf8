//! Links between pages checked against the headings they point to: an anchor that no
//! heading of its target page has is a diagnostic, with the closest id as the fix. Pure.

use std::collections::{BTreeSet, HashMap};

use crate::core::book::Book;
use crate::core::diagnostic::{self, Diagnostic};
use crate::core::markdown::RenderedPage;

/// Anchors that don't exist on their target page.
pub fn check_anchors(book: &Book, rendered: &[RenderedPage]) -> Vec<Diagnostic> {
    let mut ids: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (page, r) in book.pages.iter().zip(rendered) {
        ids.entry(page.url.as_str()).or_default().extend(r.ids.iter().map(String::as_str));
    }
    let mut out = Vec::new();
    for (page, r) in book.pages.iter().zip(rendered) {
        for link in &r.links {
            let target = link.page_url.as_deref().unwrap_or(&page.url);
            let exists = ids.get(target).is_some_and(|s| s.contains(link.anchor.as_str()));
            if !exists && !link.anchor.is_empty() {
                let near = ids.get(target).and_then(|s| crate::core::wording::closest(&link.anchor, s.iter().copied()));
                out.push(
                    Diagnostic::error("link", format!("anchor `#{}` does not exist in {target}", link.anchor))
                        .at(&page.source, link.span.clone())
                        .label("this link")
                        .help(match near {
                            Some(id) => format!("did you mean `#{id}`?"),
                            None => "link to a heading's id: lower case, spaces as `-`, punctuation dropped (e.g. `#shared-memory`)".into(),
                        }),
                );
            }
        }
    }
    out
}

/// The pages' problems (links, anchors, includes) as (errors, warnings): without
/// `[site] strict-links`, the ones mdBook lets through are warnings.
pub fn page_problems(book: &Book, rendered: &[RenderedPage]) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut all: Vec<Diagnostic> = rendered.iter().flat_map(|r| r.diagnostics.iter().cloned()).collect();
    all.extend(check_anchors(book, rendered));
    diagnostic::sort(&mut all);
    crate::core::strict_links::split(all, book.config.site.strict_links)
}
