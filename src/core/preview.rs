//! What the preview server answers to a request, as a function of the site it serves (a
//! [`Snapshot`]) and the request line: status, type, ETag, body, or "wait for a reload".
//! Pure: sockets, threads and the long-poll waiting itself live in `io::server`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use super::livereload::{self, LAST_GOOD, RELOAD_PATH};
use super::mime;
use super::output::Output;
use super::urlpath::{self, query_value, split_target};

/// One site file in memory, with its ETag computed on first use.
#[derive(Debug)]
pub struct Page {
    pub bytes: Arc<[u8]>,
    etag: OnceLock<String>,
}

impl Page {
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Self {
        let bytes = bytes.into();
        Page { bytes, etag: OnceLock::new() }
    }

    /// A strong validator: the first 64 bits of the SHA-256 of the bytes, quoted.
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            let digest = Sha256::digest(&self.bytes);
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!("\"{hex}\"")
        })
    }
}

/// The site as served at one moment: every file, and the diagnostics of a failing rebuild.
/// A new snapshot replaces the old one whole, so a request sees one build, never a mix.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Moves on at each install; a page served at version N reloads once it is not N.
    pub version: u64,
    pub pages: BTreeMap<String, Arc<Page>>,
    /// The rendered diagnostics of the latest rebuild, when it failed.
    pub error: Option<String>,
}

impl Snapshot {
    /// The next snapshot after a successful build: exactly these files.
    pub fn built(&self, outputs: Vec<Output>) -> Snapshot {
        // A file whose bytes are the very ones served now keeps its page (and its ETag).
        let pages = outputs
            .into_iter()
            .map(|o| {
                let key = key_of(&o.path);
                let page = match self.pages.get(&key) {
                    Some(p) if Arc::ptr_eq(&p.bytes, &o.bytes) => p.clone(),
                    _ => Arc::new(Page::new(o.bytes)),
                };
                (key, page)
            })
            .collect();
        Snapshot { version: self.version + 1, pages, error: None }
    }

    /// The same version with the files under `prefix` replaced by `outputs`.
    pub fn with_replaced(&self, prefix: &str, outputs: Vec<Output>) -> Snapshot {
        let mut pages: BTreeMap<String, Arc<Page>> =
            self.pages.iter().filter(|(k, _)| !k.starts_with(prefix)).map(|(k, v)| (k.clone(), v.clone())).collect();
        pages.extend(outputs.into_iter().map(|o| (key_of(&o.path), Arc::new(Page::new(o.bytes)))));
        Snapshot { version: self.version, pages, error: self.error.clone() }
    }

    /// The next snapshot after a failed build: the last good files, and the error.
    pub fn failed(&self, diagnostics: String) -> Snapshot {
        Snapshot { version: self.version + 1, pages: self.pages.clone(), error: Some(diagnostics) }
    }
}

/// An output path as a site key: `/` separators, no leading `./` or `/`.
fn key_of(path: &std::path::Path) -> String {
    let parts: Vec<_> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The parts of a request the answer depends on.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: Method,
    pub target: &'a str,
    pub if_none_match: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

/// A response body: a shared site file, or bytes made for this response.
#[derive(Debug, Clone)]
pub enum Body {
    Shared(Arc<Page>),
    Owned(Vec<u8>),
}

impl Body {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Body::Shared(p) => &p.bytes,
            Body::Owned(b) => b,
        }
    }
}

/// What to send back.
#[derive(Debug, Clone)]
pub enum Answer {
    Content {
        status: u16,
        content_type: &'static str,
        etag: Option<String>,
        body: Body,
    },
    NotModified {
        etag: String,
    },
    /// 301 to a folder URL with its trailing slash.
    Redirect {
        location: String,
    },
    /// Long-poll: answer once the served version differs from `seen` (or at the timeout).
    WaitForReload {
        seen: u64,
    },
    MethodNotAllowed,
}

/// The answer to `req` from `site`.
pub fn answer(site: &Snapshot, req: &Request) -> Answer {
    if req.method == Method::Other {
        return Answer::MethodNotAllowed;
    }
    let (path, query) = split_target(req.target);
    if path == RELOAD_PATH {
        return reload(site, query);
    }
    let Ok(found) = urlpath::resolve(req.target) else {
        return not_found(site, path);
    };
    let Some(page) = site.pages.get(&found.key) else {
        let folder_index = format!("{}/index.html", found.key);
        if !found.folder && site.pages.contains_key(&folder_index) {
            return Answer::Redirect { location: format!("{path}/") };
        }
        return not_found(site, path);
    };
    if !mime::is_html(&found.key) {
        return content(200, &found.key, Some(page.etag().to_string()), Body::Shared(page.clone()), req);
    }
    match &site.error {
        Some(diags) if query_value(query, LAST_GOOD).is_none() => error_page(site, diags, path),
        _ => html(site, 200, page, req),
    }
}

fn reload(site: &Snapshot, query: &str) -> Answer {
    match query_value(query, "v").and_then(|v| v.parse::<u64>().ok()) {
        Some(seen) if seen == site.version => Answer::WaitForReload { seen },
        Some(_) => reload_now(site.version),
        None => Answer::Content {
            status: 400,
            content_type: "text/plain; charset=utf-8",
            etag: None,
            body: Body::Owned(b"expected ?v=<version>\n".to_vec()),
        },
    }
}

/// The 200 a long-poll waiter gets when the version moves on: the new version, as text.
pub fn reload_now(version: u64) -> Answer {
    Answer::Content {
        status: 200,
        content_type: "text/plain; charset=utf-8",
        etag: None,
        body: Body::Owned(format!("{version}\n").into_bytes()),
    }
}

/// An HTML page with the snippet; its ETag names the version too, because the body does.
fn html(site: &Snapshot, status: u16, page: &Arc<Page>, req: &Request) -> Answer {
    let tag = page.etag();
    let etag = format!("{}-v{}\"", &tag[..tag.len() - 1], site.version);
    let body = Body::Owned(livereload::inject(&page.bytes, site.version));
    content(status, "index.html", Some(etag), body, req)
}

fn content(status: u16, key: &str, etag: Option<String>, body: Body, req: &Request) -> Answer {
    if let (Some(etag), Some(inm), 200) = (&etag, req.if_none_match, status) {
        if etag_matches(inm, etag) {
            return Answer::NotModified { etag: etag.clone() };
        }
    }
    Answer::Content { status, content_type: mime::content_type(key), etag, body }
}

/// `If-None-Match` matching (weak comparison, as RFC 9110 asks for this header).
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

fn not_found(site: &Snapshot, path: &str) -> Answer {
    if let Some(diags) = &site.error {
        return error_page(site, diags, path);
    }
    let body = match site.pages.get("404.html") {
        Some(page) => livereload::inject(&page.bytes, site.version),
        None => livereload::fallback_not_found(path, site.version).into_bytes(),
    };
    Answer::Content { status: 404, content_type: mime::content_type("404.html"), etag: None, body: Body::Owned(body) }
}

fn error_page(site: &Snapshot, diags: &str, path: &str) -> Answer {
    let href = format!("{path}?{LAST_GOOD}");
    let body = livereload::error_page(diags, site.version, &href).into_bytes();
    Answer::Content { status: 500, content_type: mime::content_type("error.html"), etag: None, body: Body::Owned(body) }
}

#[cfg(test)]
mod tests;
