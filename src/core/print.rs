//! `print.html`: every page of the book, in reading order, on one page, for printing and
//! PDF (as mdBook writes it). Each page's HTML is reused: its ids are prefixed with the
//! page's name so they stay unique, links between pages become links inside the print
//! page, and other relative links and images are rewritten to work from the site root.
//! Not a page of the book: not searched, not in the sitemap.

use std::collections::HashMap;

use super::book::Book;
use super::markdown::RenderedPage;

/// The print page's article: the pages one after the other.
pub fn article(book: &Book, rendered: &[RenderedPage]) -> String {
    let names: HashMap<&str, String> = book.pages.iter().map(|p| (p.url.as_str(), name_of(&p.url))).collect();
    let total: usize = rendered.iter().map(|r| r.html.len() + 64).sum();
    let mut out = String::with_capacity(total);
    for (page, r) in book.pages.iter().zip(rendered) {
        let name = &names[page.url.as_str()];
        out.push_str(&format!("<div class=\"print-page\" id=\"{name}\">\n"));
        let dir = page.url.rsplit_once('/').map_or("", |(d, _)| d);
        out.push_str(&for_print(&r.html, dir, name, &names));
        out.push_str("</div>\n");
    }
    out
}

/// A page's name in the print page: its path without `.html`, `/` as `-`.
fn name_of(url: &str) -> String {
    url.strip_suffix(".html").unwrap_or(url).replace(['/', '.'], "-")
}

/// A page's HTML for the print page (see the file header).
fn for_print(html: &str, dir: &str, name: &str, names: &HashMap<&str, String>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some((at, attr)) = next_any(rest) {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let value = &tail[..end];
        match attr {
            Attr::Id => out.push_str(&format!("{name}--{value}")),
            Attr::Href if value.starts_with('#') => out.push_str(&format!("#{name}--{}", &value[1..])),
            Attr::Href | Attr::Src => {
                let url = if dir.is_empty() { value.to_string() } else { rebase_url(value, dir) };
                let (path, frag) = url.split_once('#').map_or((url.as_str(), None), |(p, f)| (p, Some(f)));
                match (attr, names.get(path)) {
                    (Attr::Href, Some(target)) => match frag {
                        Some(f) => out.push_str(&format!("#{target}--{f}")),
                        None => out.push_str(&format!("#{target}")),
                    },
                    _ => out.push_str(&url),
                }
            }
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Attr {
    Href,
    Src,
    Id,
}

/// The offset just after the next ` href="`, ` src="` or ` id="`, and which it was.
fn next_any(s: &str) -> Option<(usize, Attr)> {
    [(" href=\"", Attr::Href), (" src=\"", Attr::Src), (" id=\"", Attr::Id)]
        .into_iter()
        .filter_map(|(pat, a)| s.find(pat).map(|i| (i + pat.len(), a)))
        .min_by_key(|(i, _)| *i)
}

/// `html` of a page in `dir`, with its relative `href`/`src` values made relative to the root.
pub fn rebase(html: &str, dir: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = next_attr(rest) {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let end = tail.find('"').map_or(tail.len(), |e| e);
        out.push_str(&rebase_url(&tail[..end], dir));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The offset just after the next ` href="` or ` src="`.
fn next_attr(s: &str) -> Option<usize> {
    let h = s.find(" href=\"").map(|i| i + 7);
    let c = s.find(" src=\"").map(|i| i + 6);
    match (h, c) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn rebase_url(url: &str, dir: &str) -> String {
    let external = url.starts_with('#')
        || url.starts_with('/')
        || url.is_empty()
        || url.split_once(':').is_some_and(|(scheme, _)| scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)));
    if external {
        return url.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').collect();
    let mut up = 0;
    for seg in url.split('/') {
        match seg {
            "." => {}
            ".." => {
                if parts.pop().is_none() {
                    up += 1;
                }
            }
            s => parts.push(s),
        }
    }
    "../".repeat(up) + &parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_unique_and_links_between_pages_stay_inside() {
        let names: HashMap<&str, String> = [("a.html", "a".to_string()), ("g/b.html", "g-b".to_string())].into();
        let html = "<h2 id=\"x\"><a href=\"#x\">X</a></h2><a href=\"b.html#y\">b</a> <a href=\"b.html\">b</a> <img src=\"i.png\"> <a href=\"../a.html\">a</a> <a href=\"https://e.org/\">e</a>";
        assert_eq!(
            for_print(html, "g", "g-b", &names),
            "<h2 id=\"g-b--x\"><a href=\"#g-b--x\">X</a></h2><a href=\"#g-b--y\">b</a> <a href=\"#g-b\">b</a> <img src=\"g/i.png\"> <a href=\"#a\">a</a> <a href=\"https://e.org/\">e</a>"
        );
        assert_eq!(name_of("g/b.html"), "g-b");
    }

    #[test]
    fn links_of_pages_in_folders_work_from_the_root() {
        let html = "<a href=\"../usage/a.html#x\">a</a> <img src=\"logo.svg\" alt=\"\"> <a href=\"#here\">h</a> <a href=\"https://e.org/\">e</a> <a href=\"../../up.html\">u</a>";
        assert_eq!(
            rebase(html, "intro"),
            "<a href=\"usage/a.html#x\">a</a> <img src=\"intro/logo.svg\" alt=\"\"> <a href=\"#here\">h</a> <a href=\"https://e.org/\">e</a> <a href=\"../up.html\">u</a>"
        );
    }
}
