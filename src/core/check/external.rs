//! The external (http, https) links and images of a page, with where they are, for
//! `cookbook check --external`. Probing them is `io::links`'s job.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use crate::core::book::Page;

/// One external link in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    /// Byte span in the page source.
    pub span: Range<usize>,
}

/// The page's http(s) links and images, in order.
pub fn links(page: &Page) -> Vec<ExternalLink> {
    let start = page.body_start.min(page.source.text.len());
    let body = &page.source.text[start..];
    let mut out = Vec::new();
    for (event, range) in crate::core::markdown::parser(body).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            let url = dest_url.to_string();
            if url.starts_with("http://") || url.starts_with("https://") {
                out.push(ExternalLink { url, span: range.start + start..range.end + start });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;

    #[test]
    fn finds_http_links_and_images() {
        let text = "+++\ntitle = \"x\"\n+++\n[a](https://a.example/x) [b](b.md) ![i](http://i.example/i.png) <https://c.example>\n`[no](https://code.example)`\n";
        let page = Page {
            source: SourceFile::new("content/a.md", text),
            rel: "a.md".into(),
            url: "a.html".into(),
            front: Default::default(),
            body_start: 20,
            title: "x".into(),
            number: vec![],
        };
        let got: Vec<(String, &str)> = links(&page).into_iter().map(|l| (l.url, &text[l.span])).collect();
        assert_eq!(
            got,
            [
                ("https://a.example/x".to_string(), "[a](https://a.example/x)"),
                ("http://i.example/i.png".to_string(), "![i](http://i.example/i.png)"),
                ("https://c.example".to_string(), "<https://c.example>"),
            ]
        );
    }
}
