//! The pages a site adds around the book's own: `404.html`, the landing `index.html`,
//! `print.html`, `verification.html` (the dashboard) and `sitemap.xml`. Pure.

use crate::core::book::Book;
use crate::core::diagnostic::Diagnostic;
use crate::core::highlight::escape;
use crate::core::markdown::RenderedPage;
use crate::core::nav::{self, Sidebar};
use crate::core::output::Output;
use crate::core::theme::Theme;

use super::page::{render_markdown, render_page, urls, Place};

pub(super) fn render_404(book: &Book, theme: &Theme, verification: bool) -> Result<Output, Diagnostic> {
    let (page, rendered) = match &book.page_404 {
        Some(p) => {
            let r = render_markdown(book, p, &urls(book));
            (p.clone(), r)
        }
        None => {
            let mut p = book.pages[0].clone();
            p.title = "Page not found".into();
            p.url = "404.html".into();
            p.front = Default::default();
            let r = RenderedPage {
                html: "<h1 id=\"page-not-found\">Page not found</h1>\n<p>This page does not exist (any more). Try the search, or start from the <a href=\"index.html\">first page</a>.</p>\n".into(),
                ..Default::default()
            };
            (p, r)
        }
    };
    let sidebar = Sidebar::new(book, "").html;
    let html = render_page(book, theme, &page, &rendered, sidebar, Place::NotFound, None, verification)?;
    Ok(Output::new("404.html", html))
}

/// `index.html` when no page has that path: the first page, rendered again at the site
/// root when it lives in a folder (its links and images rebased to the root).
pub(super) fn landing_page(
    book: &Book,
    theme: &Theme,
    first: (&Output, &RenderedPage),
    shared_nav: bool,
    last_verified: Option<&str>,
    verification: bool,
) -> Result<Output, Diagnostic> {
    let page = &book.pages[0];
    let Some((dir, _)) = page.url.rsplit_once('/') else {
        return Ok(Output { path: "index.html".into(), ..first.0.clone() });
    };
    let mut at_root = page.clone();
    at_root.url = "index.html".into();
    let rendered = RenderedPage { html: crate::core::print::rebase(&first.1.html, dir).into(), ..first.1.clone() };
    let sidebar = if shared_nav { nav::shared_placeholder("") } else { Sidebar::new(book, "").for_page(0) };
    let html = render_page(book, theme, &at_root, &rendered, sidebar, Place::Book(0), last_verified, verification)?;
    Ok(Output::new("index.html", html))
}

/// `print.html`: the whole book on one page (see `print`).
pub(super) fn render_print(
    book: &Book,
    theme: &Theme,
    rendered: &[RenderedPage],
    shared_nav: bool,
    verification: bool,
) -> Result<Output, Diagnostic> {
    let mut page = book.pages[0].clone();
    page.title = book.config.book.title.clone().unwrap_or_else(|| "Cookbook".into());
    page.url = "print.html".into();
    page.front = Default::default();
    let r = RenderedPage { html: crate::core::print::article(book, rendered).into(), ..Default::default() };
    let sidebar = if shared_nav { nav::shared_placeholder("") } else { Sidebar::new(book, "").html };
    let html = render_page(book, theme, &page, &r, sidebar, Place::Extra, None, verification)?;
    Ok(Output::new("print.html", html))
}

/// `verification.html`: the dashboard's article in the page template, at the top level.
pub(super) fn render_dashboard(book: &Book, theme: &Theme, html: &str, shared_nav: bool) -> Result<Output, Diagnostic> {
    let mut page = book.pages[0].clone();
    page.title = "Verification".into();
    page.url = "verification.html".into();
    page.front = Default::default();
    // No table of contents: the dashboard's tables want the width.
    let rendered = RenderedPage { html: html.into(), ..Default::default() };
    let sidebar = if shared_nav { nav::shared_placeholder("") } else { Sidebar::new(book, "").html };
    let html = render_page(book, theme, &page, &rendered, sidebar, Place::Extra, None, true)?;
    Ok(Output::new("verification.html", html))
}

pub(super) fn sitemap(site: &str, book: &Book) -> String {
    let base = if site.ends_with('/') { site.to_string() } else { format!("{site}/") };
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in &book.pages {
        s.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(&format!("{base}{}", p.url))));
    }
    s.push_str("</urlset>\n");
    s
}
