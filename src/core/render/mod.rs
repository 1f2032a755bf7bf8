//! The render stage of the build: the whole site from an assembled book and its rendered
//! markdown. Pages are filled in parallel, links and anchors checked across pages, and the
//! extras (404.html, print.html, verification.html, sitemap.xml, redirects), the theme's
//! files and the book's static files added. Pure: returns outputs, writes nothing, and
//! keeps no cache: a caller that wants one (`build::BuildSession`) passes the outputs of an
//! earlier build in (`Previous`) and keeps the keyed outputs this returns.
//!
//! - `page`: one page's markdown, then the page template around it.
//! - `anchors`: links to headings checked across pages.
//! - `extras`: the pages the site adds around the book's own.
//! - `search_docs`: the documents the search index is built from.

mod anchors;
mod extras;
mod page;
mod search_docs;

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::book::Book;
use super::diagnostic::{self, Diagnostic};
use super::markdown::RenderedPage;
use super::nav::{self, root_of, Sidebar};
use super::output::Output;
use super::theme::Theme;

pub use anchors::{check_anchors, page_problems};
pub use page::{render_all_markdown, render_markdown, urls};
pub use search_docs::{page_search_docs, search_docs};

use extras::{landing_page, render_404, render_dashboard, render_print, sitemap};
use page::{render_page, Place};

/// An earlier build's output at a path, if it was made under this key: how a caller's
/// cache is asked (read-only) for a page that need not be rendered again.
pub type Previous<'a> = dyn Fn(&str, u64) -> Option<Output> + Sync + 'a;

/// What `render_site` made: the site (or why it failed) and, for a caller's cache, the
/// outputs that carry a key with the key each was made under. `keyed` is `None` when the
/// build stopped before any page was filled: the earlier cache still holds.
pub struct Rendered {
    pub site: Result<Vec<Output>, Vec<Diagnostic>>,
    pub keyed: Option<Vec<(u64, Output)>>,
}

/// Sorts outputs by path (the site's deterministic order), keeping the first of duplicates.
pub fn sorted(mut outputs: Vec<Output>) -> Vec<Output> {
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    outputs.dedup_by(|a, b| a.path == b.path);
    outputs
}

/// The site without its search index, unsorted. With `page_keys` (one per page: a hash of
/// what its markdown rendering depends on), pages whose key and whose navigation did not
/// change are taken from `previous` instead of being rendered again. `dashboard`, the
/// verification dashboard's article, is rendered as `verification.html` and linked from
/// every page's top bar. `last_verified` gives a page's verification line, if any.
pub fn render_site(
    book: &Book,
    theme: &Theme,
    rendered: &[RenderedPage],
    last_verified: &(dyn Fn(usize) -> Option<String> + Sync),
    dashboard: Option<&str>,
    page_keys: Option<&[u64]>,
    previous: &Previous,
) -> Rendered {
    let mut keyed = None;
    let site = site(book, theme, rendered, last_verified, dashboard, page_keys, previous, &mut keyed);
    Rendered { site, keyed }
}

#[allow(clippy::too_many_arguments)] // `render_site`'s arguments and where the keyed outputs go
fn site(
    book: &Book,
    theme: &Theme,
    rendered: &[RenderedPage],
    last_verified: &(dyn Fn(usize) -> Option<String> + Sync),
    dashboard: Option<&str>,
    page_keys: Option<&[u64]>,
    previous: &Previous,
    keyed: &mut Option<Vec<(u64, Output)>>,
) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let (mut errors, _) = page_problems(book, rendered);
    if diagnostic::has_errors(&errors) {
        diagnostic::sort(&mut errors);
        return Err(errors);
    }
    let shared_nav = book.pages.len() > book.config.site.inline_nav_limit;
    let nav_key = nav_signature(book);
    let mut depths: Vec<usize> = book.pages.iter().map(|p| p.url.matches('/').count()).collect();
    depths.sort_unstable();
    depths.dedup();
    let sidebars: HashMap<usize, Sidebar> =
        if shared_nav { HashMap::new() } else { depths.into_iter().map(|d| (d, Sidebar::new(book, &"../".repeat(d)))).collect() };
    let pages: Vec<Result<(u64, Output), Diagnostic>> = book
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let lv = last_verified(i);
            let key = page_keys.map(|k| hash_of((k[i], nav_key, i, &lv, dashboard.is_some())));
            if let Some(out) = key.and_then(|key| previous(&page.url, key)) {
                return Ok((key.unwrap_or(0), out));
            }
            let sidebar = match sidebars.get(&page.url.matches('/').count()) {
                Some(s) => s.for_page(i),
                None => nav::shared_placeholder(&root_of(&page.url)),
            };
            let html = super::panic::caught(&page.source.path, "filling this page's template", || {
                render_page(book, theme, page, &rendered[i], sidebar, Place::Book(i), lv.as_deref(), dashboard.is_some())
            })??;
            Ok((key.unwrap_or(0), Output::new(page.url.clone(), html)))
        })
        .collect();
    let mut outputs = Vec::with_capacity(pages.len() + 8);
    let mut fresh = Vec::with_capacity(pages.len() + 3);
    for p in pages {
        match p {
            Ok((key, o)) => {
                fresh.push((key, o.clone()));
                outputs.push(o);
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        *keyed = Some(fresh);
        errors.truncate(1); // one broken template fails every page the same way
        return Err(errors);
    }
    if !book.pages.iter().any(|p| p.url == "index.html") {
        // Like mdBook: the first page doubles as the landing page.
        outputs.push(
            landing_page(book, theme, (&outputs[0], &rendered[0]), shared_nav, last_verified(0).as_deref(), dashboard.is_some())
                .map_err(|d| vec![d])?,
        );
    }
    // The 404 page and the shared navigation depend on the navigation alone: reused while
    // it does not change (each holds the whole table of contents).
    let frame_key = hash_of((nav_key, dashboard.is_some(), shared_nav));
    let reusable = |path: &str| page_keys.and_then(|_| previous(path, frame_key));
    let mut frame = Vec::new();
    match reusable("404.html") {
        Some(o) => frame.push(o),
        None => frame.push(render_404(book, theme, dashboard.is_some()).map_err(|d| vec![d])?),
    }
    if shared_nav {
        match (reusable("toc.js"), reusable("toc.html")) {
            (Some(js), Some(page)) => frame.extend([js, page]),
            _ => {
                let (js, page) = nav::shared_files(book);
                frame.extend([Output::new("toc.js", js), Output::new("toc.html", page)]);
            }
        }
    }
    for o in frame {
        fresh.push((frame_key, o.clone()));
        outputs.push(o);
    }
    if book.config.html.print.enable {
        // The whole book on one page: reused while no page and not the navigation changed.
        let key = page_keys.map(|k| hash_of((k, frame_key)));
        let print = match key.and_then(|key| previous("print.html", key)) {
            Some(o) => o,
            None => render_print(book, theme, rendered, shared_nav, dashboard.is_some()).map_err(|d| vec![d])?,
        };
        fresh.push((key.unwrap_or(0), print.clone()));
        outputs.push(print);
    }
    *keyed = Some(fresh);
    if let Some(html) = dashboard {
        outputs.push(render_dashboard(book, theme, html, shared_nav).map_err(|d| vec![d])?);
    }
    if let Some(site) = &book.config.html.site_url {
        outputs.push(Output::new("sitemap.xml", sitemap(site, book)));
    }
    if let Some(cname) = &book.config.html.cname {
        outputs.push(Output::new("CNAME", format!("{cname}\n")));
    }
    outputs.extend(theme.assets.iter().cloned());
    outputs.extend(book.static_files().map(|(k, v)| Output::new(k.clone(), v.clone())));
    if !book.config.html.redirect.is_empty() {
        let taken: BTreeSet<String> = outputs.iter().map(|o| o.path.to_string_lossy().into_owned()).collect();
        outputs.extend(super::redirect::pages(&book.config.html.redirect, &taken));
    }
    Ok(outputs)
}

/// A stable-within-one-process hash, for cache keys.
pub(crate) fn hash_of(value: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// What every page's frame depends on: titles, paths and numbers of all pages, the
/// navigation tree, and the config.
fn nav_signature(book: &Book) -> u64 {
    let pages: Vec<(&str, &str, &[u32])> = book.pages.iter().map(|p| (p.url.as_str(), p.title.as_str(), p.number.as_slice())).collect();
    let config = serde_json::to_string(&book.config).unwrap_or_default();
    hash_of((pages, format!("{:?}", book.nav), config))
}
