//! What `serve` adds to HTML at request time: the live-reload snippet (a long-poll loop on
//! [`RELOAD_PATH`]) and the error page shown while a rebuild fails. The site on disk never
//! contains either; `build` does not know they exist.

/// The long-poll endpoint: `GET /__cookbook/reload?v=N` answers 200 once the served version
/// is not N, or 204 after the poll timeout.
pub const RELOAD_PATH: &str = "/__cookbook/reload";

/// The query flag that shows a page's last good build while a rebuild is failing.
pub const LAST_GOOD: &str = "last-good";

/// The snippet for a page served at `version`: reload when the server's version moves on.
/// A 204 (poll timeout) polls again at once; a network error (server stopped) retries slowly.
pub fn snippet(version: u64) -> String {
    format!(
        "<script>/* cookbook serve: live reload */(function(){{var v={version};\
function poll(){{fetch(\"{RELOAD_PATH}?v=\"+v,{{cache:\"no-store\"}}).then(function(r){{\
if(r.status===200){{location.reload();}}else if(r.status===204){{poll();}}\
else{{setTimeout(poll,1000);}}}},function(){{setTimeout(poll,1000);}});}}poll();}})();</script>"
    )
}

/// `html` with the snippet inserted before its last `</body>` (or appended when it has none).
pub fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let snippet = snippet(version);
    let at = rfind_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).rev().find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

pub use super::highlight::escape;

/// The page served in place of every HTML page while the latest rebuild fails: the rendered
/// diagnostics (plain text, as the terminal shows them without colour), a link to the page's
/// last good build, and the snippet, so fixing the file brings the page back by itself.
pub fn error_page(diagnostics: &str, version: u64, last_good_href: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Build failed · cookbook serve</title><style>\
body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;\
color:#1f2328;background:#fff}}h1{{color:#b3261e;font-size:1.4rem}}\
pre{{background:#f6f8fa;border-left:4px solid #b3261e;padding:1rem;overflow:auto;\
font:14px/1.45 ui-monospace,monospace;white-space:pre}}\
@media (prefers-color-scheme:dark){{body{{color:#e6edf3;background:#0d1117}}\
pre{{background:#161b22}}a{{color:#58a6ff}}}}</style></head><body>\n\
<h1>The last rebuild failed</h1>\n<p>Fix the file and save: this page reloads by itself.\n\
<a href=\"{href}\">Show the last good build of this page</a>.</p>\n<pre>{diags}</pre>\n{snippet}\n</body></html>\n",
        href = escape(last_good_href),
        diags = escape(diagnostics),
        snippet = snippet(version),
    )
}

/// The 404 page used when the site has no `404.html` of its own.
pub fn fallback_not_found(path: &str, version: u64) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>\
</head><body>\n<h1>404: nothing at {}</h1>\n<p><a href=\"/\">Home</a></p>\n{}\n</body></html>\n",
        escape(path),
        snippet(version)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_close() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", 7);
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("<html><body><p>x</p><script>"));
        assert!(out.ends_with("</script></BODY></html>"));
        assert!(out.contains("var v=7;"));
        let bare = String::from_utf8(inject(b"<p>no body</p>", 1)).unwrap();
        assert!(bare.starts_with("<p>no body</p><script>") && bare.ends_with("</script>"));
        assert!(String::from_utf8(inject(b"", 1)).unwrap().starts_with("<script>"));
    }

    #[test]
    fn error_page_escapes_the_diagnostics() {
        let page = error_page("error[front-matter]: <script>alert(1)</script> & co", 3, "/a.html?last-good");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("var v=3;"));
        assert!(page.contains("href=\"/a.html?last-good\""));
    }
}
