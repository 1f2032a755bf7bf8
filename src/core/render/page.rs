//! One page in the page template: a page's markdown rendered (`render_markdown`), then
//! wrapped with its navigation, table of contents and neighbours (`render_page`). Pure.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::core::book::{Book, Page};
use crate::core::diagnostic::Diagnostic;
use crate::core::markdown::{self, Context, RenderedPage};
use crate::core::nav::root_of;
use crate::core::theme::Theme;

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct TocEntry<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

/// The variables every page template sees.
#[derive(Serialize)]
struct PageContext<'a> {
    lang: &'a str,
    book_title: &'a str,
    page_title: &'a str,
    description: Option<&'a str>,
    root: String,
    base: Option<&'a str>,
    default_theme: Option<&'a str>,
    content: &'a str,
    sidebar: String,
    toc: Vec<TocEntry<'a>>,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    edit_url: Option<String>,
    repo_url: Option<&'a str>,
    search: bool,
    extra_css: &'a [String],
    extra_js: &'a [String],
    last_verified: Option<&'a str>,
    /// Whether the site has a verification dashboard to link to.
    verification: bool,
}

/// Which kind of page `render_page` renders.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A page of the book, by index.
    Book(usize),
    /// `404.html`: absolute links through `<base>`, since it is served at any depth.
    NotFound,
    /// A page the site adds at the top level (`verification.html`).
    Extra,
}

/// Output paths of every page, keyed by source path.
pub fn urls(book: &Book) -> BTreeMap<String, String> {
    book.pages.iter().map(|p| (p.rel.clone(), p.url.clone())).collect()
}

/// Renders one page's markdown.
pub fn render_markdown(book: &Book, page: &Page, urls: &BTreeMap<String, String>) -> RenderedPage {
    let ctx = Context {
        page_rel: &page.rel,
        page_url: &page.url,
        urls,
        files: &book.files,
        smart_punctuation: book.config.html.smart_punctuation,
    };
    let mut rendered = crate::core::panic::caught(&page.source.path, "rendering this page's markdown", || {
        markdown::render(&page.source, page.body_start, &ctx)
    })
    .unwrap_or_else(|d| RenderedPage { diagnostics: vec![d], ..RenderedPage::default() });
    rendered.diagnostics.extend(crate::core::verify::block::orphan_outputs(&page.source, page.body_start));
    rendered
}

/// Renders every page's markdown in parallel, in page order.
pub fn render_all_markdown(book: &Book) -> Vec<RenderedPage> {
    crate::core::highlight::preload();
    let urls = urls(book);
    book.pages.par_iter().map(|p| render_markdown(book, p, &urls)).collect()
}

#[allow(clippy::too_many_arguments)] // the page and everything around it, each a plain value
pub(super) fn render_page(
    book: &Book,
    theme: &Theme,
    page: &Page,
    r: &RenderedPage,
    sidebar: String,
    place: Place,
    last_verified: Option<&str>,
    verification: bool,
) -> Result<String, Diagnostic> {
    let cfg = &book.config;
    let index = match place {
        Place::Book(i) => Some(i),
        _ => None,
    };
    let prev = index.and_then(|i| i.checked_sub(1)).map(|j| &book.pages[j]);
    let next = index.and_then(|i| book.pages.get(i + 1));
    let ctx = PageContext {
        lang: &cfg.book.language,
        book_title: cfg.book.title.as_deref().unwrap_or("Cookbook"),
        page_title: r.title.as_deref().unwrap_or(&page.title),
        description: page.front.description.as_deref().or(cfg.book.description.as_deref()),
        root: if index.is_some() { root_of(&page.url) } else { String::new() },
        // Served at any depth: without a site-url, assume the site's root (as mdBook does).
        base: if place == Place::NotFound { Some(cfg.html.site_url.as_deref().unwrap_or("/")) } else { None },
        default_theme: crate::core::color_theme::fixed(&cfg.html),
        // Badge markers the verify report did not fill (or no report at all) are dropped.
        content: &crate::core::proof::badge::splice(&r.html, &[], &|_| String::new()),
        sidebar,
        toc: r
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .map(|h| TocEntry { level: h.level, id: &h.id, text: &h.text })
            .collect(),
        prev: prev.map(|p| Link { title: &p.title, url: &p.url }),
        next: next.map(|p| Link { title: &p.title, url: &p.url }),
        edit_url: cfg
            .html
            .edit_url_template
            .as_ref()
            .filter(|_| place != Place::Extra)
            .map(|t| t.replace("{path}", &page.source.path.to_string_lossy().replace('\\', "/"))),
        repo_url: cfg.html.git_repository_url.as_deref(),
        search: cfg.site.search,
        extra_css: &cfg.html.additional_css,
        extra_js: &cfg.html.additional_js,
        last_verified,
        verification,
    };
    let context = tera::Context::from_serialize(&ctx).map_err(|e| Diagnostic::error("template", e.to_string()))?;
    theme
        .tera
        .render("page.html", &context)
        .map_err(|e| crate::core::theme::template_error(std::path::Path::new("templates/page.html"), "", &e))
}
