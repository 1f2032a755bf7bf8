//! A verify report applied to a rendered book: each page's HTML with its badges spliced
//! in, its "last verified" line, and the dashboard's article. Pure.

use super::badge::{self, Badge};
use super::dashboard::{self, PageProof};
use super::report::Report;
use crate::core::book::Book;
use crate::core::markdown::RenderedPage;
use crate::core::nav::root_of;
use crate::core::verify::block;

/// What the report adds to the site.
pub struct Proof {
    /// Per page, in book order: the page's HTML with badges.
    pub html: Vec<String>,
    /// Per page: the "last verified" line (`None` for pages without verify blocks).
    pub last_verified: Vec<Option<String>>,
    /// The dashboard's article, for `verification.html`.
    pub dashboard: String,
}

/// Badges every verify block of every page (matched to the report by hash).
pub fn apply(report: &Report, book: &Book, rendered: &[RenderedPage]) -> Proof {
    let mut proof = Proof { html: Vec::new(), last_verified: Vec::new(), dashboard: String::new() };
    let mut pages = Vec::new();
    for (page, r) in book.pages.iter().zip(rendered) {
        let file = page.source.path.to_string_lossy().replace('\\', "/");
        let (blocks, _) = block::extract(&page.source, page.body_start);
        let badges: Vec<Badge<'_>> = badge::for_page(report, &file, &blocks);
        let root = root_of(&page.url);
        let href = |b: &Badge<'_>| format!("{root}verification.html#{}", dashboard::anchor(&file, b.line));
        proof.html.push(badge::splice(&r.html, &badges, &href));
        proof.last_verified.push(badge::last_verified(
            report,
            &badges,
            &format!("{root}verification.html#{}", dashboard::page_anchor(&file)),
        ));
        pages.push(PageProof { title: page.title.clone(), url: page.url.clone(), file, badges });
    }
    proof.dashboard = dashboard::render(report, &pages);
    proof
}
