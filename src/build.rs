//! The build pipeline as one session: load → assemble → render, in memory. `build` runs it
//! once and writes the site; `serve` keeps the session and calls `rebuild` after each change,
//! reusing the compiled theme and every page whose markdown did not change.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::core::book::Book;
use crate::core::diagnostic::Diagnostic;
use crate::core::markdown::RenderedPage;
use crate::core::output::Output;
use crate::core::render;
use crate::core::theme::Theme;
use crate::io::load;

/// A build that can be repeated cheaply.
pub struct BuildSession {
    root: PathBuf,
    theme: Option<(u64, Theme)>,
    /// Per source path: (hash of the page text and of the book's shape, its rendering).
    pages: HashMap<String, (u64, RenderedPage)>,
    warnings: Vec<Diagnostic>,
    book: Option<Book>,
    /// `--verify-report` files; empty means `<root>/.cookbook/verify.json` if it exists.
    verify_reports: Vec<PathBuf>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl BuildSession {
    pub fn new(root: &Path) -> BuildSession {
        BuildSession { root: root.to_path_buf(), theme: None, pages: HashMap::new(), warnings: Vec::new(), book: None, verify_reports: Vec::new() }
    }

    /// Badges the site from these verify reports (merged) instead of the default one.
    pub fn set_verify_reports(&mut self, paths: Vec<PathBuf>) {
        self.verify_reports = paths;
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
        }
        paths
    }

    /// Builds the whole site in memory. `_changed` is advisory: the session re-reads the book
    /// and re-renders only pages whose text or whose book shape changed.
    pub fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        let (book, mut errors) = crate::core::book::assemble_partial(&load::load(&self.root)?);
        self.warnings = book.warnings.clone();
        if book.pages.is_empty() {
            return Err(errors);
        }
        let theme_key = hash_of(&book.templates);
        if self.theme.as_ref().map(|(k, _)| *k) != Some(theme_key) {
            self.theme = Some((theme_key, Theme::new(&book.templates, "", Vec::new())?));
        }
        // A page's HTML depends on its text and on which pages and files exist.
        let shape = hash_of((render::urls(&book), book.files.keys().collect::<Vec<_>>(), book.config.html.smart_punctuation));
        let urls = render::urls(&book);
        crate::core::highlight::preload();
        let rendered: Vec<RenderedPage> = {
            use rayon::prelude::*;
            let cached = &self.pages;
            book.pages
                .par_iter()
                .map(|p| {
                    let key = hash_of((&p.source.text, shape));
                    match cached.get(&p.rel) {
                        Some((k, r)) if *k == key => r.clone(),
                        _ => render::render_markdown(&book, p, &urls),
                    }
                })
                .collect()
        };
        self.pages = book
            .pages
            .iter()
            .zip(&rendered)
            .map(|(p, r)| (p.rel.clone(), (hash_of((&p.source.text, shape)), r.clone())))
            .collect();
        let theme = &self.theme.as_ref().expect("theme compiled above").1;
        // The verify report is re-read on every build: `serve` shows a fresh run's badges.
        let (report, report_warnings) = crate::io::proof::read_reports(&self.root, &self.verify_reports);
        self.warnings.extend(report_warnings);
        let outputs = match &report {
            Some(report) => {
                let proof = crate::core::proof::site::apply(report, &book, &rendered);
                let badged: Vec<RenderedPage> =
                    rendered.iter().zip(proof.html).map(|(r, html)| RenderedPage { html, ..r.clone() }).collect();
                let last = &proof.last_verified;
                render::render_site(&book, theme, &badged, &|i| last.get(i).cloned().flatten(), Some(&proof.dashboard))
            }
            None => render::render_site(&book, theme, &rendered, &|_| None, None),
        };
        self.book = Some(book);
        match outputs {
            Ok(o) if errors.is_empty() => Ok(o),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                crate::core::diagnostic::sort(&mut errors);
                Err(errors)
            }
        }
    }
}
