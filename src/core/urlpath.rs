//! Turns a request target (`/gpu/cdi.html?x=1`) into the key of a site file (`gpu/cdi.html`),
//! refusing anything that could name a file outside the site. Pure: it never looks at a disk,
//! and it does not know which files exist (that is `core::preview`'s business).
//! It is also the one home of percent-decoding: link destinations (`markdown`) and
//! SUMMARY.md paths (`summary`) decode by the same rule as request targets.

/// Why a request target was refused. Every refusal is answered with the 404 page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not an origin-form target (`/…`): `http://host/…`, `*`, or empty.
    NotOriginForm,
    /// A `.` or `..` segment, written plainly or percent-encoded.
    DotSegment,
    /// A `/` or `\` inside a segment (`%2f`, `%5c`, or a raw backslash).
    Separator,
    /// An empty segment (`//`), which could make the rest an absolute path.
    EmptySegment,
    /// A Windows drive (`/C:/…`).
    Drive,
    /// NUL or another control character.
    ControlChar,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

/// A site file named by a request: its key in the site map, and whether the URL named a
/// folder (`/gpu/` → `gpu/index.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    pub key: String,
    pub folder: bool,
}

/// The path part of a request target and its query (without `?`); a fragment is dropped.
pub fn split_target(target: &str) -> (&str, &str) {
    let target = target.split('#').next().unwrap_or("");
    match target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (target, ""),
    }
}

/// The site key a request target names, or why it is refused.
pub fn resolve(target: &str) -> Result<SitePath, Refusal> {
    let (path, _) = split_target(target);
    let rest = path.strip_prefix('/').ok_or(Refusal::NotOriginForm)?;
    let folder = rest.is_empty() || rest.ends_with('/');
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut segments = Vec::new();
    if !rest.is_empty() {
        for raw in rest.split('/') {
            segments.push(segment(raw)?);
        }
    }
    if let Some(first) = segments.first() {
        let b = first.as_bytes();
        if b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(Refusal::Drive);
        }
    }
    let mut key = segments.join("/");
    if folder {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Ok(SitePath { key, folder })
}

/// One decoded, checked path segment.
fn segment(raw: &str) -> Result<String, Refusal> {
    if raw.is_empty() {
        return Err(Refusal::EmptySegment);
    }
    let bytes = percent_decode(raw);
    for &b in &bytes {
        match b {
            b'/' | b'\\' => return Err(Refusal::Separator),
            0..=0x1f | 0x7f => return Err(Refusal::ControlChar),
            _ => {}
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| Refusal::NotUtf8)?;
    if text == "." || text == ".." {
        return Err(Refusal::DotSegment);
    }
    Ok(text)
}

/// `%XX` → the byte; a `%` not followed by two hex digits stays as written, as browsers and
/// the `url` crate treat it; `+` stays `+` (it means a space only in query strings).
pub fn percent_decode(raw: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(raw).collect()
}

/// `percent_decode`, with bytes that are not UTF-8 replaced by U+FFFD.
pub fn percent_decode_lossy(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// The value of `name` in a query string (`v=3&x` → `v` is `3`), undecoded.
pub fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| match pair.split_once('=') {
        Some((k, v)) if k == name => Some(v),
        None if pair == name => Some(""),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str) -> Result<String, Refusal> {
        resolve(t).map(|p| p.key)
    }

    #[test]
    fn maps_urls_to_site_keys() {
        assert_eq!(key("/"), Ok("index.html".into()));
        assert_eq!(key("/index.html"), Ok("index.html".into()));
        assert_eq!(key("/gpu/"), Ok("gpu/index.html".into()));
        assert_eq!(key("/gpu/cdi.html?x=1#top"), Ok("gpu/cdi.html".into()));
        assert_eq!(key("/assets/theme%20dark.css"), Ok("assets/theme dark.css".into()));
        assert_eq!(key("/caf%C3%A9.html"), Ok("café.html".into()));
        assert_eq!(resolve("/gpu").unwrap(), SitePath { key: "gpu".into(), folder: false });
        assert!(resolve("/gpu/").unwrap().folder);
    }

    #[test]
    fn refuses_everything_that_could_leave_the_site() {
        let cases = [
            ("/../etc/passwd", Refusal::DotSegment),
            ("/gpu/../../etc/passwd", Refusal::DotSegment),
            ("/..", Refusal::DotSegment),
            ("/./index.html", Refusal::DotSegment),
            ("/%2e%2e/etc/passwd", Refusal::DotSegment),
            ("/%2E%2E/etc/passwd", Refusal::DotSegment),
            ("/.%2e/etc/passwd", Refusal::DotSegment),
            ("/gpu%2f..%2f..%2fetc%2fpasswd", Refusal::Separator),
            ("/%2fetc/passwd", Refusal::Separator),
            ("/..%5c..%5cetc", Refusal::Separator),
            ("/..\\..\\etc\\passwd", Refusal::Separator),
            ("/a\\b", Refusal::Separator),
            ("//etc/passwd", Refusal::EmptySegment),
            ("/gpu//cdi.html", Refusal::EmptySegment),
            ("/C:/Windows/win.ini", Refusal::Drive),
            ("/c%3a/Windows", Refusal::Drive),
            ("/index.html%00.css", Refusal::ControlChar),
            ("/a%0ab", Refusal::ControlChar),
            ("/%ff.html", Refusal::NotUtf8),
            ("etc/passwd", Refusal::NotOriginForm),
            ("http://evil/etc/passwd", Refusal::NotOriginForm),
            ("*", Refusal::NotOriginForm),
            ("", Refusal::NotOriginForm),
        ];
        for (target, why) in cases {
            assert_eq!(resolve(target), Err(why), "{target}");
        }
    }

    #[test]
    fn a_percent_without_two_hex_digits_stays_as_written() {
        // The one rule for request targets, link destinations and SUMMARY.md paths (as
        // browsers and the `url` crate decode): a page `100%.md` is served at `/100%.html`.
        assert_eq!(key("/100%.html"), Ok("100%.html".into()));
        assert_eq!(key("/%zz/%2"), Ok("%zz/%2".into()));
        assert_eq!(key("/100%25.html"), Ok("100%.html".into()));
        assert_eq!(percent_decode_lossy("a%20b%zz%e9%C3%A9%"), "a b%zz\u{fffd}é%");
        assert_eq!(percent_decode("%2e%2E+"), b"..+");
    }

    #[test]
    fn reads_query_values() {
        assert_eq!(query_value("v=3&x", "v"), Some("3"));
        assert_eq!(query_value("v=3&x", "x"), Some(""));
        assert_eq!(query_value("v=3", "w"), None);
        assert_eq!(split_target("/a?b=1#c"), ("/a", "b=1"));
    }
}
