//! Assembles a loaded book: config, SUMMARY.md or the directory tree, and the pages in
//! reading order with their front matter. Pure: works on `Sources` already in memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::config::{self, Config};
use super::diagnostic::{self, Diagnostic};
use super::frontmatter::{self, FrontMatter};
use super::source::SourceFile;
use super::summary::{self, SummaryItem};

/// Everything read from disk, before any parsing.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub root: PathBuf,
    pub config: Option<SourceFile>,
    /// The source folder, relative to the root (`content`).
    pub src_dir: String,
    /// Every file under the source folder, keyed by its `/`-separated path inside it; and
    /// the files outside it that pages include, keyed by their path from it (`../x/y.rs`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The book's own templates (overriding the built-in theme), keyed likewise.
    pub templates: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<Diagnostic>,
}

/// One page of the book.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The markdown, with a path relative to the root (`content/resources.md`).
    pub source: SourceFile,
    /// The path inside the source folder (`resources.md`).
    pub rel: String,
    /// The output path (`resources.html`, `gpu/index.html`).
    pub url: String,
    pub front: FrontMatter,
    /// Byte offset of the markdown body, after the front matter.
    pub body_start: usize,
    /// The `<title>`: front matter title, else the navigation label.
    pub title: String,
    /// "1.2." style section number from SUMMARY.md; empty outside numbered chapters.
    pub number: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NavItem {
    Link { title: String, page: Option<usize>, number: Vec<u32>, children: Vec<NavItem> },
    Separator,
    Part(String),
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    pub root: PathBuf,
    pub config: Config,
    pub src_dir: String,
    /// Pages in reading order.
    pub pages: Vec<Page>,
    pub nav: Vec<NavItem>,
    /// The page rendered as `404.html`, if the book has one.
    pub page_404: Option<Page>,
    /// Every file under the source folder (pages, images, included files).
    pub files: BTreeMap<String, Vec<u8>>,
    pub templates: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<Diagnostic>,
}

impl Book {
    /// Files to copy to the site as they are: everything that is not markdown (nor an
    /// included file from outside the source folder, keyed `../…`).
    pub fn static_files(&self) -> impl Iterator<Item = (&String, &Vec<u8>)> {
        self.files.iter().filter(|(k, _)| !k.ends_with(".md") && !k.starts_with("../"))
    }

    pub fn page_by_rel(&self, rel: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.rel == rel)
    }
}

/// Decodes a file as UTF-8, or reports the line of the first invalid byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let src = SourceFile::new(path, lossy);
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..at]).len();
            Err(Diagnostic::error("encoding", format!("{} is not valid UTF-8", path.display()))
                .at(&src, prefix..prefix + 3)
                .label("invalid byte here")
                .help("save the file as UTF-8"))
        }
    }
}

/// The output path of a page: `README.md`/`index.md` become `index.html`.
pub fn url_of(rel: &str) -> String {
    let (dir, file) = rel.rsplit_once('/').map_or(("", rel), |(d, f)| (d, f));
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let name = if stem.eq_ignore_ascii_case("readme") || stem == "index" || stem == "_index" {
        "index.html".to_string()
    } else {
        format!("{stem}.html")
    };
    if dir.is_empty() {
        name
    } else {
        format!("{dir}/{name}")
    }
}

/// Parses the config and navigation and collects the pages; all problems together.
pub fn assemble(sources: &Sources) -> Result<Book, Vec<Diagnostic>> {
    let (book, errors) = assemble_partial(sources);
    if errors.is_empty() {
        Ok(book)
    } else {
        Err(errors)
    }
}

/// Like [`assemble`], but also returns the pages that did load when others failed, so a
/// build can go on to find the rest of the problems.
pub fn assemble_partial(sources: &Sources) -> (Book, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut warnings = sources.warnings.clone();
    let config = match &sources.config {
        Some(src) => match config::parse(src) {
            Ok((c, w)) => {
                warnings.extend(w);
                c
            }
            Err(e) => {
                errors.extend(e);
                Config::default()
            }
        },
        None => Config::default(),
    };
    let mut book = Book {
        root: sources.root.clone(),
        config,
        src_dir: sources.src_dir.clone(),
        files: sources.files.clone(),
        templates: sources.templates.clone(),
        ..Book::default()
    };
    let page_404_rel = book.config.html.input_404.clone().unwrap_or_else(|| "404.md".into());
    let mut loader = PageLoader { book: &mut book, errors: &mut errors, warnings: &mut warnings };
    if let Some(bytes) = sources.files.get("SUMMARY.md") {
        loader.from_summary(bytes.clone());
    } else {
        loader.from_tree(&page_404_rel);
    }
    if sources.files.contains_key(&page_404_rel) {
        book.page_404 =
            PageLoader { book: &mut book, errors: &mut errors, warnings: &mut warnings }.page(&page_404_rel, "Page not found", Vec::new());
    }
    if book.pages.is_empty() && errors.is_empty() {
        errors.push(
            Diagnostic::error("load", format!("no pages found in {}/", book.src_dir))
                .help("add markdown files, and list them in SUMMARY.md"),
        );
    }
    diagnostic::sort(&mut warnings);
    book.warnings = warnings;
    diagnostic::sort(&mut errors);
    (book, errors)
}

struct PageLoader<'a> {
    book: &'a mut Book,
    errors: &'a mut Vec<Diagnostic>,
    warnings: &'a mut Vec<Diagnostic>,
}

// `from_summary` / `from_tree` load pages from those sources; they are not conversions.
#[allow(clippy::wrong_self_convention)]
impl PageLoader<'_> {
    fn from_summary(&mut self, bytes: Vec<u8>) {
        let path = Path::new(&self.book.src_dir).join("SUMMARY.md");
        let src = match decode(&path, bytes) {
            Ok(s) => s,
            Err(d) => return self.errors.push(d),
        };
        match summary::parse_summary(&src) {
            Ok(s) => {
                let nav = self.nav_items(&s.items, &src);
                self.book.nav = nav;
            }
            Err(e) => self.errors.extend(e),
        }
    }

    fn nav_items(&mut self, items: &[SummaryItem], summary: &SourceFile) -> Vec<NavItem> {
        let mut nav = Vec::new();
        for item in items {
            match item {
                SummaryItem::Separator => nav.push(NavItem::Separator),
                SummaryItem::PartTitle { title, .. } => nav.push(NavItem::Part(title.clone())),
                SummaryItem::Chapter(c) => {
                    let page = c.path.as_ref().and_then(|p| {
                        if !self.book.files.contains_key(p) || p.starts_with("../") {
                            return self.missing_chapter(p, c, summary).map(|page| self.push(page));
                        }
                        self.page(p, &c.title, c.number.clone()).map(|page| self.push(page))
                    });
                    let children = self.nav_items(&c.nested, summary);
                    nav.push(NavItem::Link { title: c.title.clone(), page, number: c.number.clone(), children });
                }
            }
        }
        nav
    }

    /// A chapter whose file is missing. mdBook (with its default `create-missing`) writes
    /// the file with the chapter's title and builds on; so does cookbook, in memory, with a
    /// warning. With `create-missing = false` or strict links it is an error.
    fn missing_chapter(&mut self, p: &str, c: &summary::Chapter, summary: &SourceFile) -> Option<Page> {
        let d = Diagnostic::error("summary", format!("`{p}` does not exist"))
            .at(summary, c.path_span.clone())
            .label("listed in SUMMARY.md")
            .help(format!("create {}/{p}, or fix the link", self.book.src_dir));
        let cfg = &self.book.config;
        if cfg.site.strict_links || !cfg.build.create_missing {
            self.errors.push(d);
            return None;
        }
        self.warnings.push(
            Diagnostic { severity: diagnostic::Severity::Warning, ..d }
                .note("built as a page holding only its title, as mdBook does")
                .note("a build error with `[site] strict-links = true` in book.toml"),
        );
        let text = format!("# {}\n", c.title);
        self.page_from(p, text.into_bytes(), &c.title, c.number.clone())
    }

    fn push(&mut self, page: Page) -> usize {
        self.book.pages.push(page);
        self.book.pages.len() - 1
    }

    /// Without SUMMARY.md: folders become sections (their README/index page first), pages
    /// ordered by front matter `weight`, then file name.
    fn from_tree(&mut self, page_404: &str) {
        let mut md: Vec<String> =
            self.book.files.keys().filter(|k| k.ends_with(".md") && k.as_str() != page_404 && !k.starts_with("../")).cloned().collect();
        md.sort();
        let mut loaded = Vec::new();
        for rel in md {
            if let Some(page) = self.page(&rel, "", Vec::new()) {
                if !page.front.draft {
                    loaded.push(page);
                }
            }
        }
        self.book.nav = self.tree_level(&mut loaded, "");
    }

    fn tree_level(&mut self, pages: &mut Vec<Page>, dir: &str) -> Vec<NavItem> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut entries: Vec<(i64, String, NavItem)> = Vec::new();
        // Pages directly in this folder (its index page is the folder's own link).
        let here: Vec<Page> = {
            let (mine, rest): (Vec<Page>, Vec<Page>) =
                pages.drain(..).partition(|p| p.rel.strip_prefix(&prefix).is_some_and(|r| !r.contains('/')));
            *pages = rest;
            mine
        };
        let mut subdirs: Vec<String> =
            pages.iter().filter_map(|p| p.rel.strip_prefix(&prefix)?.split_once('/').map(|(d, _)| format!("{prefix}{d}"))).collect();
        subdirs.dedup();
        for page in here {
            if !dir.is_empty() && page.url == format!("{dir}/index.html") {
                // Handled by the parent: it is this folder's link.
                pages.push(page);
                continue;
            }
            let weight = page.front.weight.unwrap_or(0);
            let name = page.rel.clone();
            let title = page.title.clone();
            let idx = self.push(page);
            entries.push((weight, name, NavItem::Link { title, page: Some(idx), number: Vec::new(), children: Vec::new() }));
        }
        for sub in subdirs {
            let index_pos = pages.iter().position(|p| p.url == format!("{sub}/index.html"));
            let index = index_pos.map(|i| pages.remove(i));
            let weight = index.as_ref().and_then(|p| p.front.weight).unwrap_or(0);
            let title = index.as_ref().map(|p| p.title.clone()).unwrap_or_else(|| humanize(sub.rsplit('/').next().unwrap_or(&sub)));
            let page = index.map(|p| self.push(p));
            let children = self.tree_level(pages, &sub);
            entries.push((weight, sub.clone(), NavItem::Link { title, page, number: Vec::new(), children }));
        }
        // The index page of the root comes first whatever its weight.
        entries.sort_by(|a, b| {
            let root_a = a.1 == "README.md" || a.1 == "index.md";
            let root_b = b.1 == "README.md" || b.1 == "index.md";
            root_b.cmp(&root_a).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1))
        });
        // Page indices were assigned in visiting order; renumber to reading order below.
        let items: Vec<NavItem> = entries.into_iter().map(|e| e.2).collect();
        if dir.is_empty() {
            return self.reorder(items);
        }
        items
    }

    /// Makes `book.pages` follow the navigation's depth-first order.
    fn reorder(&mut self, nav: Vec<NavItem>) -> Vec<NavItem> {
        fn walk(items: Vec<NavItem>, old: &mut Vec<Option<Page>>, out: &mut Vec<Page>) -> Vec<NavItem> {
            items
                .into_iter()
                .map(|item| match item {
                    NavItem::Link { title, page, number, children } => {
                        let page = page.and_then(|i| old[i].take()).map(|p| {
                            out.push(p);
                            out.len() - 1
                        });
                        let children = walk(children, old, out);
                        NavItem::Link { title, page, number, children }
                    }
                    other => other,
                })
                .collect()
        }
        let mut old: Vec<Option<Page>> = self.book.pages.drain(..).map(Some).collect();
        let mut out = Vec::new();
        let nav = walk(nav, &mut old, &mut out);
        self.book.pages = out;
        nav
    }

    fn page(&mut self, rel: &str, nav_title: &str, number: Vec<u32>) -> Option<Page> {
        let bytes = self.book.files.get(rel)?.clone();
        self.page_from(rel, bytes, nav_title, number)
    }

    fn page_from(&mut self, rel: &str, bytes: Vec<u8>, nav_title: &str, number: Vec<u32>) -> Option<Page> {
        let path = Path::new(&self.book.src_dir).join(rel);
        let source = match decode(&path, bytes) {
            Ok(s) => s,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        let split = match frontmatter::split(&source) {
            Ok(s) => s,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        self.warnings.extend(split.warnings);
        for at in super::fence::unclosed(&source.text[split.body_start..]) {
            let line = source.line_of(split.body_start + at);
            self.errors.push(
                Diagnostic::error("fence", "code block is never closed")
                    .at_line(&source, line)
                    .label("this fence has no closing fence, so the rest of the page would be code")
                    .help("close it with a line of the same backticks (or tildes), at least as many as it opens with"),
            );
        }
        let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".md");
        let title = split
            .front
            .title
            .clone()
            .or_else(|| (!nav_title.is_empty()).then(|| nav_title.to_string()))
            .or_else(|| first_heading(&source.text[split.body_start..]))
            .unwrap_or_else(|| humanize(stem));
        Some(Page { rel: rel.to_string(), url: url_of(rel), front: split.front, body_start: split.body_start, title, number, source })
    }
}

/// The plain text of the page's first level-1 heading, as the renderer sees it (ATX or
/// setext, `{#id}` dropped, inline markup stripped; never a line inside a code block).
fn first_heading(body: &str) -> Option<String> {
    use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
    let mut events = super::markdown::parser(body);
    events.find(|e| matches!(e, Event::Start(Tag::Heading { level: HeadingLevel::H1, .. })))?;
    let mut text = String::new();
    for e in events {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    Some(text.trim().to_string())
}

fn humanize(stem: &str) -> String {
    let s = stem.replace(['-', '_'], " ");
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> Sources {
        Sources {
            root: PathBuf::from("/book"),
            config: None,
            src_dir: "content".into(),
            files: files.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect(),
            ..Sources::default()
        }
    }

    fn titles(nav: &[NavItem], book: &Book, depth: usize, out: &mut Vec<String>) {
        for item in nav {
            if let NavItem::Link { title, page, children, .. } = item {
                let url = page.map(|i| book.pages[i].url.clone()).unwrap_or_default();
                out.push(format!("{}{title} {url}", "  ".repeat(depth)));
                titles(children, book, depth + 1, out);
            }
        }
    }

    #[test]
    fn urls() {
        assert_eq!(url_of("README.md"), "index.html");
        assert_eq!(url_of("gpu/README.md"), "gpu/index.html");
        assert_eq!(url_of("gpu/cdi.md"), "gpu/cdi.html");
    }

    #[test]
    fn directory_tree_by_weight_then_name() {
        let b = assemble(&sources(&[
            ("README.md", "# Home\n"),
            ("b.md", "+++\nweight = 1\n+++\n# Bee\n"),
            ("a.md", "+++\nweight = 2\n+++\n# Ay\n"),
            ("c.md", "# Sea\n"),
            ("gpu/index.md", "---\ntitle: GPUs\nweight: 5\n---\n"),
            ("gpu/cdi.md", "# CDI\n"),
            ("draft.md", "+++\ndraft = true\n+++\n"),
            ("img.png", "x"),
        ]))
        .unwrap();
        let mut out = Vec::new();
        titles(&b.nav, &b, 0, &mut out);
        assert_eq!(out, ["Home index.html", "Sea c.html", "Bee b.html", "Ay a.html", "GPUs gpu/index.html", "  CDI gpu/cdi.html"]);
        let order: Vec<_> = b.pages.iter().map(|p| p.rel.as_str()).collect();
        assert_eq!(order, ["README.md", "c.md", "b.md", "a.md", "gpu/index.md", "gpu/cdi.md"]);
        assert_eq!(b.static_files().count(), 1);
    }

    #[test]
    fn a_title_from_the_first_heading_is_the_heading_the_page_shows() {
        let b = assemble(&sources(&[
            ("a.md", "Intro.\n\n    # a comment in indented code\n\n# Using `docker` {#use}\n"),
            ("b.md", "~~~\n```\n~~~\n\n# B title\n"),
            ("c.md", "C title\n=======\n\ntext\n"),
        ]))
        .unwrap();
        let titles: Vec<&str> = b.pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Using docker", "B title", "C title"]);
    }

    #[test]
    fn summary_order_and_missing_files() {
        let b = assemble(&sources(&[
            ("SUMMARY.md", "[Home](README.md)\n- [Two](two.md)\n  - [Draft]()\n"),
            ("README.md", "# H\n"),
            ("two.md", "no heading"),
        ]))
        .unwrap();
        assert_eq!(b.pages.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["Home", "Two"]);
        assert_eq!(b.pages[1].number, [1]);
        let files = [("SUMMARY.md", "- [Gone](gone.md)\n- [Bad](bad.md)\n"), ("bad.md", "+++\nweight = x\n+++\n")];
        // As in mdBook, a missing chapter is built from its title, with a warning …
        let (b, e) = assemble_partial(&sources(&files));
        assert_eq!(e.iter().map(|d| d.position().unwrap()).collect::<Vec<_>>(), ["content/bad.md:2:10"]);
        assert_eq!(b.pages[0].source.text, "# Gone\n");
        let w: Vec<_> = b.warnings.iter().map(|d| (d.position().unwrap(), d.message.clone())).collect();
        assert_eq!(w, [("content/SUMMARY.md:1:10".to_string(), "`gone.md` does not exist".to_string())]);
        // … and an error where the book asks for strict links.
        let mut strict = sources(&files);
        strict.config = Some(SourceFile::new("book.toml", "[site]\nstrict-links = true\n"));
        let e = assemble(&strict).unwrap_err();
        let pos: Vec<_> = e.iter().map(|d| d.position().unwrap()).collect();
        assert_eq!(pos, ["content/SUMMARY.md:1:10", "content/bad.md:2:10"]);
    }

    #[test]
    fn non_utf8_is_reported_with_its_line() {
        let mut s = sources(&[("a.md", "")]);
        s.files.insert("a.md".into(), b"# ok\nbad \xff byte\n".to_vec());
        let e = assemble(&s).unwrap_err();
        assert_eq!(e[0].position().unwrap(), "content/a.md:2:5");
        assert!(e[0].message.contains("not valid UTF-8"));
    }
}
