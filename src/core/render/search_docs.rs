//! The search documents of a site: one per section (heading to heading) of every page,
//! addressed by the page's URL and the section's heading id. Pure.

use crate::core::book::{Book, Page};
use crate::core::markdown::RenderedPage;
use crate::core::search;

/// The search documents: one per section (heading to heading) of every page.
pub fn search_docs(book: &Book, rendered: &[RenderedPage]) -> Vec<search::SearchDoc> {
    book.pages.iter().zip(rendered).flat_map(|(page, r)| page_search_docs(page, r)).collect()
}

/// The search documents of one page.
pub fn page_search_docs(page: &Page, r: &RenderedPage) -> Vec<search::SearchDoc> {
    r.sections
        .iter()
        .map(|s| search::SearchDoc {
            url: match &s.id {
                Some(id) => format!("{}#{id}", page.url),
                None => page.url.clone(),
            },
            page_title: page.title.clone(),
            heading_path: s.heading_path.clone(),
            text: s.text.trim().to_string(),
            code: s.code.clone(),
        })
        .collect()
}
