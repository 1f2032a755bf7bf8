//! The build pipeline as one session: load → assemble → render, in memory. `build` runs it
//! once and writes the site; `serve` keeps the session and calls `rebuild` after each change:
//! only the changed files are read again, only pages whose text (or the book's shape)
//! changed are rendered again, and the search index can be built off the critical path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use crate::core::book::{assemble_partial, Book, Sources};
use crate::core::diagnostic::{self, Diagnostic};
use crate::core::markdown::RenderedPage;
use crate::core::output::Output;
use crate::core::render::{self, hash_of};
use crate::core::search::{self, SearchDoc};
use crate::core::theme::Theme;
use crate::io::load;

use crate::io::live::Deferred;

/// A page's search documents and the key (text, title, address) they were made under.
type PageDocs = (u64, Arc<[Arc<SearchDoc>]>);

/// A build that can be repeated cheaply.
pub struct BuildSession {
    root: PathBuf,
    sources: Option<Sources>,
    theme: Option<(u64, Theme)>,
    /// Per source path: (hash of the page text and of the book's shape, its rendering).
    markdown: HashMap<String, (u64, RenderedPage)>,
    /// Per output path: (the key it was rendered under, the page file), so that unchanged
    /// pages are not filled again.
    pages: HashMap<String, (u64, Output)>,
    warnings: Vec<Diagnostic>,
    book: Option<Book>,
    /// Build the search index later (`take_deferred`) and serve the previous one meanwhile.
    defer_search: bool,
    search_outputs: Arc<Mutex<Vec<Output>>>,
    deferred: Option<Vec<Arc<SearchDoc>>>,
    /// Per source path, kept between rebuilds when caching.
    docs: HashMap<String, PageDocs>,
    timings: bool,
    /// `--verify-report` files; empty means `<root>/.cookbook/verify.json` if it exists.
    verify_reports: Vec<PathBuf>,
    keep_caches: bool,
}

impl BuildSession {
    pub fn new(root: &Path) -> BuildSession {
        BuildSession {
            root: root.to_path_buf(),
            sources: None,
            theme: None,
            markdown: HashMap::new(),
            pages: HashMap::new(),
            warnings: Vec::new(),
            book: None,
            defer_search: false,
            search_outputs: Arc::default(),
            deferred: None,
            docs: HashMap::new(),
            timings: std::env::var_os("COOKBOOK_TIMINGS").is_some(),
            verify_reports: Vec::new(),
            keep_caches: false,
        }
    }

    /// Badges the site from these verify reports (merged) instead of the default one.
    pub fn set_verify_reports(&mut self, paths: Vec<PathBuf>) {
        self.verify_reports = paths;
    }

    /// Serve the previous search index while the new one is built by `take_deferred`.
    pub fn defer_search(mut self, defer: bool) -> Self {
        self.defer_search = defer;
        self
    }

    /// Keep sources, renderings and pages between rebuilds (what `serve` wants; a one-shot
    /// `build` saves the memory).
    pub fn keep_caches(mut self, keep: bool) -> Self {
        self.keep_caches = keep;
        self
    }

    /// Warnings of the last build (unknown config keys, skipped links …).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The book as last loaded.
    pub fn book(&self) -> Option<&Book> {
        self.book.as_ref()
    }

    /// What `serve` watches: the source folder, templates, assets and book.toml.
    pub fn watch_paths(&self) -> Vec<PathBuf> {
        let src = self.book.as_ref().map_or_else(|| "content".to_string(), |b| b.src_dir.clone());
        let mut paths = vec![self.root.join("book.toml"), self.root.join(src), self.root.join("templates"), self.root.join("assets")];
        if let Some(b) = &self.book {
            paths.extend(b.config.build.extra_watch_dirs.iter().map(|d| self.root.join(d)));
            // Files outside the source folder that pages include (`../examples/x.rs`).
            let src = self.root.join(&b.src_dir);
            paths.extend(b.files.keys().filter(|k| k.starts_with("../")).map(|k| lexical(&src.join(k))));
        }
        paths
    }

    /// The search index of the latest build, when it was deferred: a job that returns the
    /// whole site with the new index in place of the old one.
    pub fn take_deferred(&mut self) -> Option<Deferred> {
        let docs = self.deferred.take()?;
        let slot = self.search_outputs.clone();
        Some(Box::new(move || {
            let outputs = search::build_index(&docs);
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = outputs.clone();
            outputs
        }))
    }

    fn lap(&self, what: &str, t0: Instant) {
        if self.timings {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "{what}: {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
        }
    }

    /// Builds the whole site in memory, stage by stage: load → assemble → markdown → pages
    /// → search (writing it is the caller's: `cmd::build`, or `serve`'s live site).
    /// `changed` lists the files that changed since the last call (empty: anything may
    /// have); only they are read again.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        let t0 = Instant::now();
        let sources = self.load(changed)?;
        self.lap("load", t0);
        let (book, extra_files, mut errors) = self.assemble(sources);
        self.lap("assemble", t0);
        if book.pages.is_empty() {
            return Err(errors);
        }
        self.compile_theme(&book)?;
        let (keys, rendered) = self.render_markdown(&book);
        self.lap("markdown", t0);
        let result = self.render_pages(&book, &keys, &rendered);
        self.lap("pages", t0);
        let mut outputs = match result {
            Ok(o) if errors.is_empty() => o,
            Ok(_) => {
                self.keep_markdown(&book, &keys, rendered);
                self.book = Some(book);
                return Err(errors);
            }
            Err(more) => {
                errors.extend(more);
                diagnostic::sort(&mut errors);
                self.keep_markdown(&book, &keys, rendered);
                self.book = Some(book);
                return Err(errors);
            }
        };
        if book.config.site.search {
            outputs.extend(self.search_index(&book, &keys, &rendered)?);
            self.lap("search", t0);
        }
        outputs.extend(extra_files);
        self.keep_markdown(&book, &keys, rendered);
        self.book = Some(book);
        Ok(render::sorted(outputs))
    }

    /// Load: the book's files, only the changed ones again when the sources are kept.
    fn load(&mut self, changed: &[PathBuf]) -> Result<Sources, Vec<Diagnostic>> {
        let patched = self.sources.take().and_then(|mut s| (!changed.is_empty() && load::patch(&mut s, &self.root, changed)).then_some(s));
        match patched {
            Some(s) => Ok(s),
            None => load::load(&self.root),
        }
    }

    /// Assemble: the book from its files (with what is wrong with it), and the files
    /// `additional-css`/`-js` name from outside the source folder.
    fn assemble(&mut self, sources: Sources) -> (Book, Vec<Output>, Vec<Diagnostic>) {
        let (book, mut errors) = assemble_partial(&sources);
        let (extra_files, extra_errors) = load::additional_files(&self.root, &book.config, sources.config.as_ref());
        errors.extend(extra_errors);
        if self.keep_caches {
            self.sources = Some(sources);
        }
        self.warnings = book.warnings.clone();
        (book, extra_files, errors)
    }

    /// The page templates, compiled again only when they (or the search switch) changed.
    fn compile_theme(&mut self, book: &Book) -> Result<(), Vec<Diagnostic>> {
        let theme_key = hash_of((&book.templates, book.config.site.search));
        if self.theme.as_ref().map(|(k, _)| *k) != Some(theme_key) {
            self.theme = Some((theme_key, Theme::new(&book.templates, book.config.site.search)?));
        }
        Ok(())
    }

    /// Markdown: every page's rendering, in page order, with the key it depends on; pages
    /// whose key did not change are taken from the last build.
    fn render_markdown(&mut self, book: &Book) -> (Vec<u64>, Vec<RenderedPage>) {
        // A page's HTML depends on its text and on which pages and files exist.
        let urls = render::urls(book);
        let shape = hash_of((&urls, book.files.keys().collect::<Vec<_>>(), book.config.html.smart_punctuation));
        // … and on the files it includes.
        let keys: Vec<u64> = book
            .pages
            .par_iter()
            .map(|p| {
                let included: Vec<Option<&Vec<u8>>> =
                    crate::core::include::targets(&p.rel, &p.source.text).iter().map(|k| book.files.get(k)).collect();
                hash_of((&p.source.text, p.body_start, shape, included))
            })
            .collect();
        crate::core::highlight::preload();
        // Renderings whose key still matches are moved out of the cache, not copied.
        let mut cached = std::mem::take(&mut self.markdown);
        let mut reused: Vec<Option<RenderedPage>> =
            book.pages.iter().zip(&keys).map(|(p, key)| cached.remove(&p.rel).filter(|(k, _)| k == key).map(|(_, r)| r)).collect();
        drop(cached);
        let rendered: Vec<RenderedPage> = book
            .pages
            .par_iter()
            .zip(reused.par_iter_mut())
            .map(|(p, slot)| slot.take().unwrap_or_else(|| render::render_markdown(book, p, &urls)))
            .collect();
        self.warnings.extend(render::page_problems(book, &rendered).1);
        (keys, rendered)
    }

    /// Pages: the site around the renderings, badged from the verify report (re-read on
    /// every build: `serve` shows a fresh run's badges). Unchanged pages come from the last
    /// build's; this build's are kept for the next (when caching).
    fn render_pages(&mut self, book: &Book, keys: &[u64], rendered: &[RenderedPage]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        let theme = &self.theme.as_ref().expect("theme compiled before the pages").1;
        let (report, report_warnings) = crate::io::proof::read_reports(&self.root, &self.verify_reports);
        self.warnings.extend(report_warnings);
        let pages = &self.pages;
        let previous = |path: &str, key: u64| pages.get(path).filter(|(k, _)| *k == key).map(|(_, o)| o.clone());
        let result = match &report {
            Some(report) => {
                let proof = crate::core::proof::site::apply(report, book, rendered);
                // A page's key covers its badges too: a new report re-renders what it changes.
                let keys: Vec<u64> = keys.iter().zip(&proof.html).map(|(k, html)| hash_of((k, html))).collect();
                let badged: Vec<RenderedPage> =
                    rendered.iter().zip(proof.html).map(|(r, html)| RenderedPage { html: html.into(), ..r.clone() }).collect();
                let last = &proof.last_verified;
                let lv = |i: usize| last.get(i).cloned().flatten();
                render::render_site(book, theme, &badged, &lv, Some(&proof.dashboard), Some(&keys), &previous)
            }
            None => render::render_site(book, theme, rendered, &|_| None, None, Some(keys), &previous),
        };
        if let Some(keyed) = result.keyed.filter(|_| self.keep_caches) {
            self.pages = keyed.into_iter().map(|(k, o)| (o.path.to_string_lossy().into_owned(), (k, o))).collect();
        }
        result.site
    }

    /// Search: the index's files, or (deferred, with an index already served) the previous
    /// ones while `take_deferred` builds the new.
    fn search_index(&mut self, book: &Book, keys: &[u64], rendered: &[RenderedPage]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        let docs = self.search_docs(book, keys, rendered);
        let mut current = self.search_outputs.lock().unwrap_or_else(|e| e.into_inner());
        if self.defer_search && !current.is_empty() {
            self.deferred = Some(docs);
        } else {
            let src = Path::new(&book.src_dir);
            *current = crate::core::panic::caught(src, "building the search index", || search::build_index(&docs)).map_err(|d| vec![d])?;
        }
        Ok(current.clone())
    }

    /// Every section's search document, reusing those of pages that did not change.
    fn search_docs(&mut self, book: &Book, keys: &[u64], rendered: &[RenderedPage]) -> Vec<Arc<SearchDoc>> {
        let mut fresh = HashMap::with_capacity(book.pages.len());
        let mut all = Vec::new();
        for ((page, key), r) in book.pages.iter().zip(keys).zip(rendered) {
            let key = hash_of((key, &page.title, &page.url));
            let docs = match self.docs.remove(&page.rel) {
                Some((k, d)) if k == key => d,
                _ => render::page_search_docs(page, r).into_iter().map(Arc::new).collect(),
            };
            all.extend(docs.iter().cloned());
            if self.keep_caches {
                fresh.insert(page.rel.clone(), (key, docs));
            }
        }
        self.docs = fresh;
        all
    }

    /// Keeps this build's renderings for the next rebuild (when caching).
    fn keep_markdown(&mut self, book: &Book, keys: &[u64], rendered: Vec<RenderedPage>) {
        if self.keep_caches {
            self.markdown = book.pages.iter().zip(keys).zip(rendered).map(|((p, k), r)| (p.rel.clone(), (*k, r))).collect();
        }
    }
}

/// `a/b/../c` → `a/c`, without touching the disk (watcher events name paths that way).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
