//! The sidebar: the book's navigation as nested lists, rendered once per page depth (links
//! are relative so the site works from `file://`), with the current page marked by splicing
//! `aria-current` into the shared string instead of re-rendering the tree for every page.

use super::book::{Book, NavItem};
use super::highlight::escape;

/// The sidebar for pages at one depth, and where each page's link sits in it.
pub struct Sidebar {
    pub html: String,
    /// For each page index: the byte offset just after its `<a` (where attributes go).
    marks: Vec<Option<usize>>,
}

impl Sidebar {
    /// Renders the navigation with hrefs prefixed by `root` (`../` per level).
    pub fn new(book: &Book, root: &str) -> Sidebar {
        let mut s = Sidebar { html: String::with_capacity(book.pages.len() * 96), marks: vec![None; book.pages.len()] };
        s.html.push_str("<ol class=\"chapters\">");
        s.items(&book.nav, book, root);
        s.html.push_str("</ol>");
        s
    }

    fn items(&mut self, items: &[NavItem], book: &Book, root: &str) {
        for item in items {
            match item {
                NavItem::Separator => self.html.push_str("<li class=\"sep\"></li>"),
                NavItem::Part(title) => {
                    self.html.push_str("<li class=\"part-title\">");
                    self.html.push_str(&escape(title));
                    self.html.push_str("</li>");
                }
                NavItem::Link { title, page, number, children } => {
                    self.html.push_str("<li>");
                    let num = if number.is_empty() || book.config.html.no_section_label {
                        String::new()
                    } else {
                        let n: Vec<String> = number.iter().map(u32::to_string).collect();
                        format!("<span class=\"num\">{}.</span> ", n.join("."))
                    };
                    match page {
                        Some(i) => {
                            self.html.push_str("<a");
                            self.marks[*i] = Some(self.html.len());
                            self.html.push_str(" href=\"");
                            self.html.push_str(root);
                            self.html.push_str(&escape(&book.pages[*i].url));
                            self.html.push_str("\">");
                            self.html.push_str(&num);
                            self.html.push_str(&escape(title));
                            self.html.push_str("</a>");
                        }
                        None => {
                            self.html.push_str("<span class=\"draft\">");
                            self.html.push_str(&num);
                            self.html.push_str(&escape(title));
                            self.html.push_str("</span>");
                        }
                    }
                    if !children.is_empty() {
                        self.html.push_str("<ol>");
                        self.items(children, book, root);
                        self.html.push_str("</ol>");
                    }
                    self.html.push_str("</li>");
                }
            }
        }
    }

    /// The sidebar with page `index` marked as the current one.
    pub fn for_page(&self, index: usize) -> String {
        const CURRENT: &str = " aria-current=\"page\"";
        match self.marks.get(index).copied().flatten() {
            Some(at) => {
                let mut s = String::with_capacity(self.html.len() + CURRENT.len());
                s.push_str(&self.html[..at]);
                s.push_str(CURRENT);
                s.push_str(&self.html[at..]);
                s
            }
            None => self.html.clone(),
        }
    }
}

/// For large books: the navigation as one script that fills `#sidebar` on every page (links
/// are made relative to the page from `data-root`, the current page is marked), and as a
/// page of its own for readers without JavaScript.
pub fn shared_files(book: &Book) -> (String, String) {
    let html = Sidebar::new(book, "").html;
    let json = serde_json::to_string(&html).unwrap_or_else(|_| "\"\"".into());
    let js = format!(
        "(function(){{var n=document.getElementById(\"sidebar\");if(!n)return;var r=document.documentElement.dataset.root||\"\";\
n.innerHTML={json};var here=location.href.split(\"#\")[0];n.querySelectorAll(\"a[href]\").forEach(function(a){{\
a.setAttribute(\"href\",r+a.getAttribute(\"href\"));if(a.href===here){{a.setAttribute(\"aria-current\",\"page\");\
setTimeout(function(){{n.scrollTop=a.offsetTop-n.clientHeight/2}})}}}})}})();\n"
    );
    let title = escape(book.config.book.title.as_deref().unwrap_or("Cookbook"));
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>Chapters · {title}</title><base target=\"_parent\">\
<link rel=\"stylesheet\" href=\"theme.css\"></head><body class=\"toc-page\"><nav class=\"sidebar\" aria-label=\"Chapters\">{html}</nav></body></html>\n",
        escape(&book.config.book.language)
    );
    (js, page)
}

/// What a page of a large book carries in place of the sidebar.
pub fn shared_placeholder(root: &str) -> String {
    format!(
        "<noscript><iframe class=\"toc-frame\" src=\"{root}toc.html\" title=\"Chapters\"></iframe></noscript><script src=\"{root}toc.js\"></script>"
    )
}

/// `../` once per folder level of an output path.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}
