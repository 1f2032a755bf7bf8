//! `print.html`: every page of the book, in reading order, on one page, for printing and
//! PDF (as mdBook writes it). Each page's HTML is reused; relative links and images of
//! pages in subfolders are rewritten to work from the site root. Not a page of the book:
//! not searched, not in the sitemap.

use super::book::Book;
use super::markdown::RenderedPage;

/// The print page's article: the pages one after the other.
pub fn article(book: &Book, rendered: &[RenderedPage]) -> String {
    let total: usize = rendered.iter().map(|r| r.html.len() + 64).sum();
    let mut out = String::with_capacity(total);
    for (page, r) in book.pages.iter().zip(rendered) {
        out.push_str("<div class=\"print-page\">\n");
        match page.url.rsplit_once('/') {
            Some((dir, _)) => out.push_str(&rebase(&r.html, dir)),
            None => out.push_str(&r.html),
        }
        out.push_str("</div>\n");
    }
    out
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
        || url.split_once(':').is_some_and(|(scheme, _)| {
            scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        });
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
    fn links_of_pages_in_folders_work_from_the_root() {
        let html = "<a href=\"../usage/a.html#x\">a</a> <img src=\"logo.svg\" alt=\"\"> <a href=\"#here\">h</a> <a href=\"https://e.org/\">e</a> <a href=\"../../up.html\">u</a>";
        assert_eq!(
            rebase(html, "intro"),
            "<a href=\"usage/a.html#x\">a</a> <img src=\"intro/logo.svg\" alt=\"\"> <a href=\"#here\">h</a> <a href=\"https://e.org/\">e</a> <a href=\"../up.html\">u</a>"
        );
    }
}
