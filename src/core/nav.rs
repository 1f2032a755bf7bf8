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

/// `../` once per folder level of an output path.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}
