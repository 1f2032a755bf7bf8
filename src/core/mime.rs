//! The Content-Type of a site file, from its extension. Only the types a static docs site
//! ships; anything else is `application/octet-stream` (never sniffed). A table by hand
//! rather than `mime_guess`: its few hundred types would add nothing a docs site serves, and
//! here each answer is one we chose (`charset=utf-8` on text, `.mjs` as JavaScript).

/// The Content-Type header value for a site key such as `assets/theme.css`.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" | "toml" | "yaml" | "yml" | "sh" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Whether a site key is an HTML page (it gets the live-reload snippet).
pub fn is_html(key: &str) -> bool {
    content_type(key).starts_with("text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/theme.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("assets/search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("img/a.b/logo.svg"), "image/svg+xml");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("a.b/README"), "application/octet-stream");
        assert_eq!(content_type("x.unknown"), "application/octet-stream");
        assert!(is_html("gpu/cdi.html") && !is_html("sitemap.xml"));
    }
}
