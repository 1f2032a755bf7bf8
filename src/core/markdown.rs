//! One page's markdown to HTML: CommonMark + GFM (tables, task lists, strikethrough,
//! footnotes, alerts), heading ids and anchors, `.md` links rewritten to pages, code blocks
//! highlighted with a copy button. Also collects what other stages need from the page:
//! headings (table of contents, anchor checks), sections (search), links (link checks).

use std::collections::BTreeMap;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::codeblock::{code_html, copy_text};
use super::diagnostic::Diagnostic;
use super::fence::FenceInfo;
use super::highlight::escape;
use super::include::{self, Expanded};
use super::slug::{slugify, Slugger};
use super::source::SourceFile;

/// What a page links to, checked once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The target page's output path (`resources.html`), or `None` for this page.
    pub page_url: Option<String>,
    pub anchor: String,
    /// Byte span in the page source, for diagnostics.
    pub span: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// A heading-to-heading piece of the page: the unit of search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading's id; `None` for text before the first heading.
    pub id: Option<String>,
    pub heading_path: Vec<String>,
    pub text: String,
    pub code: String,
}

/// A rendered code block, for verification badges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMeta {
    /// The element id (`L42`): the line of the opening fence in the page.
    pub id: String,
    pub line: usize,
    pub info: String,
    pub code: String,
}

#[derive(Debug, Clone, Default)]
pub struct RenderedPage {
    /// Shared, so keeping a rendering between rebuilds costs no copy.
    pub html: std::sync::Arc<str>,
    pub headings: Vec<Heading>,
    pub sections: Vec<Section>,
    pub links: Vec<LinkRef>,
    pub code_blocks: Vec<CodeMeta>,
    /// Every `id` in the page's HTML (headings, code blocks, footnotes, raw HTML): the
    /// targets a link's `#anchor` may name. Collected while rendering, from the parse, in
    /// document order; never read back out of the finished HTML.
    pub ids: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The page's `<title>` from mdBook's `{{#title …}}`.
    pub title: Option<String>,
}

/// What a page needs to know about the rest of the book.
pub struct Context<'a> {
    pub page_rel: &'a str,
    pub page_url: &'a str,
    /// Source path → output path of every rendered page.
    pub urls: &'a BTreeMap<String, String>,
    pub files: &'a BTreeMap<String, Vec<u8>>,
    pub smart_punctuation: bool,
}

/// Renders the body of `src` (after `body_start`), includes expanded.
pub fn render(src: &SourceFile, body_start: usize, ctx: &Context<'_>) -> RenderedPage {
    let (expanded, diags) = include::expand(src, body_start, ctx.page_rel, ctx.files);
    let mut r =
        Renderer { src, exp: &expanded, ctx, out: RenderedPage { diagnostics: diags, ..Default::default() }, slugs: Slugger::default() };
    r.out.html = r.run().into();
    r.out.title = expanded.title.clone();
    r.out
}

struct Renderer<'a> {
    src: &'a SourceFile,
    exp: &'a Expanded,
    ctx: &'a Context<'a>,
    out: RenderedPage,
    slugs: Slugger,
}

/// The one set of markdown extensions every reader of a page parses it with: the renderer,
/// `verify`'s block finder, `check`'s link finder and the unclosed-fence check, so that a
/// link or a block one of them sees the others see too. CommonMark + GFM (tables, task
/// lists, strikethrough, alerts), footnotes and `{#id}` heading attributes; no math (`$`
/// is money in a cookbook, and math would swallow the links between two of them).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A parser of `text` with `options()`: the only way the core reads a page's markdown.
pub fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, options())
}

impl Renderer<'_> {
    fn run(&mut self) -> String {
        let text = self.exp.text.as_str();
        let mut events: Vec<Event<'_>> = Vec::new();
        // Smart punctuation changes only the text of events, never which blocks or links exist.
        let smart = if self.ctx.smart_punctuation { Options::ENABLE_SMART_PUNCTUATION } else { Options::empty() };
        let mut iter = Parser::new_ext(text, options() | smart).into_offset_iter();
        let mut section = Section::default();
        let mut path: Vec<(u8, String)> = Vec::new();
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let mut inner = Vec::new();
                    for (e, _) in iter.by_ref() {
                        if matches!(e, Event::End(TagEnd::Heading(_))) {
                            break;
                        }
                        inner.push(e);
                    }
                    let level = heading_level(level);
                    let text = plain_text(&inner);
                    let id = match id {
                        Some(id) => self.slugs.reserve(&id),
                        None => self.slugs.unique(&slugify(&text)),
                    };
                    let has_link = inner.iter().any(|e| matches!(e, Event::Start(Tag::Link { .. })));
                    let raw_ids = inner.iter().flat_map(|e| match e {
                        Event::Html(h) | Event::InlineHtml(h) => raw_html_ids(h),
                        _ => Vec::new(),
                    });
                    self.out.ids.extend(raw_ids.collect::<Vec<_>>());
                    let inner = self.rewrite_inline(inner, range.start);
                    let mut inner_html = String::new();
                    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                    let body = if has_link { inner_html } else { format!("<a class=\"header\" href=\"#{id}\">{inner_html}</a>") };
                    events.push(Event::Html(format!("<h{level} id=\"{id}\">{body}</h{level}>\n").into()));
                    finish_section(&mut self.out.sections, std::mem::take(&mut section));
                    path.retain(|(l, _)| *l < level);
                    path.push((level, text.clone()));
                    section.id = Some(id.clone());
                    section.heading_path = path.iter().map(|(_, t)| t.clone()).collect();
                    self.out.ids.push(id.clone());
                    self.out.headings.push(Heading { level, id, text });
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let info = match &kind {
                        CodeBlockKind::Fenced(i) => i.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    let mut code = String::new();
                    for (e, _) in iter.by_ref() {
                        match e {
                            Event::Text(t) => code.push_str(&t),
                            Event::End(TagEnd::CodeBlock) => break,
                            _ => {}
                        }
                    }
                    let line = self.src.line_of(self.exp.page_offset(range.start));
                    let fence = FenceInfo::parse(&info);
                    if fence.is_hidden() {
                        continue;
                    }
                    if fence.lang == "rust" {
                        code = rustdoc_visible(&code);
                    }
                    if !fence.is_output() {
                        section.code.push_str(&code);
                    }
                    events.push(Event::Html(code_block_html(&code, &fence, line).into()));
                    self.out.ids.push(format!("L{line}"));
                    self.out.code_blocks.push(CodeMeta { id: format!("L{line}"), line, info, code });
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, title) = alert(kind);
                    events.push(Event::Html(
                        format!("<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{title}</p>\n").into(),
                    ));
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html("</div>\n".into())),
                Event::Text(ref t) | Event::Code(ref t) => {
                    section.text.push_str(t);
                    events.push(event);
                }
                // Inline markup ends inside a word's sentence ("**context**, to"): no space.
                Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image) => events.push(event),
                Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                    if !section.text.ends_with(' ') && !section.text.is_empty() {
                        section.text.push(' ');
                    }
                    events.push(event);
                }
                Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => {
                    let e = self.rewrite_link(event, range.start..range.end);
                    events.push(e);
                }
                Event::Start(Tag::FootnoteDefinition(ref name)) => {
                    // The id pulldown-cmark's HTML writer gives the definition's `<div>`
                    // (its escaping is the same five characters as `escape`'s).
                    self.out.ids.push(escape(name));
                    events.push(event);
                }
                Event::Html(ref h) | Event::InlineHtml(ref h) => {
                    self.out.ids.extend(raw_html_ids(h));
                    events.push(event);
                }
                other => events.push(other),
            }
        }
        finish_section(&mut self.out.sections, section);
        let mut html = String::with_capacity(text.len() * 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html
    }

    fn rewrite_inline<'e>(&mut self, inner: Vec<Event<'e>>, at: usize) -> Vec<Event<'e>> {
        inner.into_iter().map(|e| if matches!(e, Event::Start(Tag::Link { .. })) { self.rewrite_link(e, at..at + 1) } else { e }).collect()
    }

    /// Rewrites `.md` links to pages, checks that local targets exist.
    fn rewrite_link<'e>(&mut self, event: Event<'e>, range: std::ops::Range<usize>) -> Event<'e> {
        let span = include::page_span(self.exp, range);
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = self.link_target(&dest_url, span, false).map_or(dest_url, CowStr::from);
                Event::Start(Tag::Link { link_type, dest_url: dest, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                self.link_target(&dest_url, span, true);
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
            other => other,
        }
    }

    /// The rewritten href for a local link, or `None` to keep it as written.
    fn link_target(&mut self, dest: &str, span: std::ops::Range<usize>, image: bool) -> Option<String> {
        if dest.is_empty() || is_external(dest) {
            return None;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let path = super::urlpath::percent_decode_lossy(path);
        if path.is_empty() {
            if let Some(a) = anchor {
                self.out.links.push(LinkRef { page_url: None, anchor: a.to_string(), span });
            }
            return None;
        }
        let what = if image { "image" } else { "link" };
        let Some(key) = include::resolve(self.ctx.page_rel, &path) else {
            // It leaves the book (a sibling book on the same host): left as written, except
            // that, as in mdBook, a link to a `.md` source points at its page.
            let (page, _) = dest.split_once('#').unwrap_or((dest, ""));
            let stem = page.strip_suffix(".md").filter(|_| !image)?;
            return Some(format!("{stem}.html{}", dest.strip_prefix(page).unwrap_or("")));
        };
        if let Some(url) = self.ctx.urls.get(&key) {
            if let Some(a) = anchor {
                self.out.links.push(LinkRef { page_url: Some(url.clone()), anchor: a.to_string(), span });
            }
            let href = relative(self.ctx.page_url, url);
            return Some(match anchor {
                Some(a) => format!("{href}#{a}"),
                None => href,
            });
        }
        let is_page_html = self.ctx.urls.values().any(|u| *u == key);
        if self.ctx.files.contains_key(&key) || is_page_html || key.is_empty() {
            if key.ends_with(".md") {
                self.error(
                    span,
                    format!("link to `{dest}`, a page that is not in the book"),
                    "add the page to SUMMARY.md, or link to another page",
                );
            }
            return None;
        }
        let help = if image {
            "add the image to the source folder, or fix the path (relative to this page)"
        } else {
            "fix the path (relative to this page), or create the page"
        };
        self.error(span, format!("broken {what}: `{dest}` does not exist"), help);
        None
    }

    fn error(&mut self, span: std::ops::Range<usize>, msg: String, help: &str) {
        self.out.diagnostics.push(Diagnostic::error("link", msg).at(self.src, span).label("here").help(help));
    }
}

/// The `id="…"` attributes of the author's own HTML (a raw block or inline tag), as
/// written: targets a link's `#anchor` may name, next to the ids the renderer makes.
fn raw_html_ids(html: &str) -> Vec<String> {
    html.split(" id=\"").skip(1).filter_map(|rest| rest.find('"').map(|end| rest[..end].to_string())).collect()
}

fn finish_section(sections: &mut Vec<Section>, s: Section) {
    if s.id.is_some() || !s.text.trim().is_empty() || !s.code.is_empty() {
        sections.push(s);
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The HTML of one code block: a header with the language and a copy button, then `<pre>`.
fn code_block_html(code: &str, info: &FenceInfo, line: usize) -> String {
    let copy = copy_text(code, info);
    let shown = code.trim_end_matches('\n');
    let data_copy = if copy != shown { format!(" data-copy=\"{}\"", escape(&copy)) } else { String::new() };
    let mut classes = String::from("code");
    if info.is_verify() {
        classes.push_str(" verify");
    }
    if info.is_output() {
        classes.push_str(" output");
    }
    let label = if info.is_output() {
        "output"
    } else if info.lang.is_empty() {
        "text"
    } else {
        &info.lang
    };
    // Copy sits inside the code; output is read, not pasted, so it has none.
    let button = if info.is_output() {
        String::new()
    } else {
        format!(
            "<button type=\"button\" class=\"copy\" hidden aria-label=\"Copy {label} to clipboard\"{data_copy}>Copy</button>",
            label = escape(label)
        )
    };
    format!(
        "<div class=\"{classes}\" id=\"L{line}\"><div class=\"code-head\"><span class=\"lang\">{label}</span><!--badge:L{line}--></div><div class=\"code-body\"><pre><code class=\"language-{lang}\">{body}</code></pre>{button}</div></div>\n",
        lang = escape(label),
        label = escape(label),
        body = code_html(shown, info),
    )
}

/// A rust block as rustdoc and mdBook show it: `# ` lines (and a lone `#`) hidden, `##`
/// shown as `#`. `{{#rustdoc_include}}` hides the lines outside its part this way.
fn rustdoc_visible(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let t = line.trim_start();
        let body = t.trim_end_matches(['\n', '\r']);
        if body == "#" || t.starts_with("# ") {
            continue;
        }
        match t.strip_prefix("##") {
            Some(rest) => {
                out.push_str(&line[..line.len() - t.len()]);
                out.push('#');
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

fn is_external(dest: &str) -> bool {
    dest.starts_with("//")
        || dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
}

/// The relative href from the page at output path `from` to output path `to`.
pub fn relative(from: &str, to: &str) -> String {
    super::nav::root_of(from) + to
}

#[cfg(test)]
mod tests;
