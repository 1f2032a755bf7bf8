//! `[output.html.redirect]`: a small page at each old path that sends the reader to the new
//! one (meta refresh, canonical link, a plain link without JavaScript), as mdBook writes
//! them. A target starting with `/` is read from the site root and written relative to the
//! old page, so the site also works under a sub-path and from `file://`; other targets (and
//! their `#fragment`) are kept as written. Redirect pages are not pages of the book: they
//! stay out of the search index and the sitemap, and ask search engines not to index them.

use std::collections::{BTreeMap, BTreeSet};

use super::highlight::escape;
use super::nav::root_of;
use super::output::Output;

/// One output per redirect whose old path is free: an old path that is now a page of the
/// book (or a fragment-only entry, `old.html#part`) writes nothing.
pub fn pages(redirects: &BTreeMap<String, String>, taken: &BTreeSet<String>) -> Vec<Output> {
    let mut out = Vec::new();
    for (from, to) in redirects {
        let path = from.trim_start_matches('/');
        let path = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
        if path.contains('#') || path.split('/').any(|p| p == ".." || p == ".") || taken.contains(&path) {
            continue;
        }
        let target = match to.strip_prefix('/') {
            Some(rooted) if !rooted.starts_with('/') => root_of(&path) + rooted,
            _ => to.clone(),
        };
        out.push(Output::new(path, page(&target)));
    }
    out
}

fn page(target: &str) -> String {
    let url = escape(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n\
<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n\
<link rel=\"canonical\" href=\"{url}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{url}</a>.</p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_paths_new_targets() {
        let map: BTreeMap<String, String> = [
            ("/a.html", "guide/a.html"),
            ("/old/deep/b.html", "/guide/b.html#part"),
            ("/x.html", "https://example.org/x?a=1&b=2"),
            ("/page.html", "elsewhere.html"),
            ("/c.html#frag", "c2.html"),
            ("/../escape.html", "x.html"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let taken: BTreeSet<String> = ["page.html".to_string()].into();
        let got = pages(&map, &taken);
        let paths: Vec<_> = got.iter().map(|o| o.path.to_string_lossy().into_owned()).collect();
        assert_eq!(paths, ["a.html", "old/deep/b.html", "x.html"]);
        let html = |i: usize| String::from_utf8(got[i].bytes.to_vec()).unwrap();
        assert!(html(0).contains("<meta http-equiv=\"refresh\" content=\"0; url=guide/a.html\">"));
        assert!(html(0).contains("<link rel=\"canonical\" href=\"guide/a.html\">"));
        assert!(html(1).contains("url=../../guide/b.html#part\""), "{}", html(1));
        assert!(html(2).contains("url=https://example.org/x?a=1&amp;b=2\""), "{}", html(2));
    }
}
