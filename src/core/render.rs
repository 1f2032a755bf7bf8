//! The whole site from a book: pages rendered in parallel (markdown, then the page
//! template), links and anchors checked across pages, plus 404.html, sitemap.xml, the
//! theme's files and the book's static files. Pure: returns outputs, writes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use super::book::{Book, Page};
use super::diagnostic::{self, Diagnostic};
use super::highlight::escape;
use super::markdown::{self, Context, RenderedPage};
use super::nav::{self, root_of, Sidebar};
use super::output::Output;
use super::search;
use super::theme::Theme;

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
enum Place {
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
    let mut rendered =
        super::panic::caught(&page.source.path, "rendering this page's markdown", || markdown::render(&page.source, page.body_start, &ctx))
            .unwrap_or_else(|d| RenderedPage { diagnostics: vec![d], ..RenderedPage::default() });
    rendered.diagnostics.extend(super::verify::block::orphan_outputs(&page.source, page.body_start));
    rendered
}

/// Renders every page's markdown in parallel, in page order.
pub fn render_all_markdown(book: &Book) -> Vec<RenderedPage> {
    super::highlight::preload();
    let urls = urls(book);
    book.pages.par_iter().map(|p| render_markdown(book, p, &urls)).collect()
}

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
                let near = ids.get(target).and_then(|s| super::wording::closest(&link.anchor, s.iter().copied()));
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
    super::strict_links::split(all, book.config.site.strict_links)
}

/// Rendered page files from an earlier build, keyed by output path, with the key they were
/// rendered under: `serve` keeps one between rebuilds so unchanged pages are not re-rendered.
pub type PageCache = HashMap<String, (u64, Output)>;

/// Everything the site is made of, sorted by path. `last_verified` gives a page's
/// verification line, if any.
pub fn render_site(
    book: &Book,
    theme: &Theme,
    rendered: &[RenderedPage],
    last_verified: &(dyn Fn(usize) -> Option<String> + Sync),
) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let mut outputs = render_site_cached(book, theme, rendered, last_verified, None, None, &mut PageCache::new())?;
    if book.config.site.search {
        outputs.extend(search::build_index(&search_docs(book, rendered)));
    }
    Ok(sorted(outputs))
}

/// Sorts outputs by path (the site's deterministic order), keeping the first of duplicates.
pub fn sorted(mut outputs: Vec<Output>) -> Vec<Output> {
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    outputs.dedup_by(|a, b| a.path == b.path);
    outputs
}

/// The site without its search index, unsorted. With `page_keys` (one per page: a hash of
/// what its markdown rendering depends on), pages whose key and whose navigation did not
/// change are taken from `cache` instead of being rendered again. `dashboard`, the
/// verification dashboard's article, is rendered as `verification.html` and linked from
/// every page's top bar.
pub fn render_site_cached(
    book: &Book,
    theme: &Theme,
    rendered: &[RenderedPage],
    last_verified: &(dyn Fn(usize) -> Option<String> + Sync),
    dashboard: Option<&str>,
    page_keys: Option<&[u64]>,
    cache: &mut PageCache,
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
            if let (Some(key), Some((old, out))) = (key, cache.get(&page.url)) {
                if *old == key {
                    return Ok((key, out.clone()));
                }
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
    let mut fresh = PageCache::with_capacity(pages.len());
    for p in pages {
        match p {
            Ok((key, o)) => {
                fresh.insert(o.path.to_string_lossy().into_owned(), (key, o.clone()));
                outputs.push(o);
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        *cache = fresh;
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
    let reusable = |path: &str| page_keys.and(cache.get(path)).filter(|(k, _)| *k == frame_key).map(|(_, o)| o.clone());
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
        fresh.insert(o.path.to_string_lossy().into_owned(), (frame_key, o.clone()));
        outputs.push(o);
    }
    if book.config.html.print.enable {
        // The whole book on one page: reused while no page and not the navigation changed.
        let key = page_keys.map(|k| hash_of((k, frame_key)));
        let print = match (key, cache.get("print.html")) {
            (Some(key), Some((old, o))) if *old == key => o.clone(),
            _ => render_print(book, theme, rendered, shared_nav, dashboard.is_some()).map_err(|d| vec![d])?,
        };
        fresh.insert("print.html".into(), (key.unwrap_or(0), print.clone()));
        outputs.push(print);
    }
    *cache = fresh;
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

#[allow(clippy::too_many_arguments)] // the page and everything around it, each a plain value
fn render_page(
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
        default_theme: super::color_theme::fixed(&cfg.html),
        // Badge markers the verify report did not fill (or no report at all) are dropped.
        content: &super::proof::badge::splice(&r.html, &[], &|_| String::new()),
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
    theme.tera.render("page.html", &context).map_err(|e| super::theme::template_error(std::path::Path::new("templates/page.html"), "", &e))
}

fn render_404(book: &Book, theme: &Theme, verification: bool) -> Result<Output, Diagnostic> {
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
fn landing_page(
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
    let rendered = RenderedPage { html: super::print::rebase(&first.1.html, dir).into(), ..first.1.clone() };
    let sidebar = if shared_nav { nav::shared_placeholder("") } else { Sidebar::new(book, "").for_page(0) };
    let html = render_page(book, theme, &at_root, &rendered, sidebar, Place::Book(0), last_verified, verification)?;
    Ok(Output::new("index.html", html))
}

/// `print.html`: the whole book on one page (see `print`).
fn render_print(book: &Book, theme: &Theme, rendered: &[RenderedPage], shared_nav: bool, verification: bool) -> Result<Output, Diagnostic> {
    let mut page = book.pages[0].clone();
    page.title = book.config.book.title.clone().unwrap_or_else(|| "Cookbook".into());
    page.url = "print.html".into();
    page.front = Default::default();
    let r = RenderedPage { html: super::print::article(book, rendered).into(), ..Default::default() };
    let sidebar = if shared_nav { nav::shared_placeholder("") } else { Sidebar::new(book, "").html };
    let html = render_page(book, theme, &page, &r, sidebar, Place::Extra, None, verification)?;
    Ok(Output::new("print.html", html))
}

/// `verification.html`: the dashboard's article in the page template, at the top level.
fn render_dashboard(book: &Book, theme: &Theme, html: &str, shared_nav: bool) -> Result<Output, Diagnostic> {
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

fn sitemap(site: &str, book: &Book) -> String {
    let base = if site.ends_with('/') { site.to_string() } else { format!("{site}/") };
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in &book.pages {
        s.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(&format!("{base}{}", p.url))));
    }
    s.push_str("</urlset>\n");
    s
}
