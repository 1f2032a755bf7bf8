//! mdBook's `[output.html] default-theme` and `preferred-dark-theme` mapped onto cookbook's
//! light and dark themes: `light` and `rust` are light; `coal`, `navy` and `ayu` are dark.
//! mdBook shows `default-theme` when the reader's system prefers light and
//! `preferred-dark-theme` (default `navy`) when it prefers dark.

use super::config::HtmlConfig;

/// Light or dark for an mdBook (or cookbook) theme name; `None` for an unknown one.
pub fn kind(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "light" | "rust" => Some("light"),
        "dark" | "coal" | "navy" | "ayu" => Some("dark"),
        _ => None,
    }
}

/// The theme every page is fixed to, or `None` to follow the reader's system: when both
/// settings land on the same kind, that kind; when the default is dark, dark.
pub fn fixed(html: &HtmlConfig) -> Option<&'static str> {
    let default = html.default_theme.as_deref().and_then(kind)?;
    let dark = html.preferred_dark_theme.as_deref().and_then(kind).unwrap_or("dark");
    match (default, dark) {
        ("light", "dark") => None,
        (d, _) => Some(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(default: Option<&str>, dark: Option<&str>) -> HtmlConfig {
        HtmlConfig { default_theme: default.map(String::from), preferred_dark_theme: dark.map(String::from), ..HtmlConfig::default() }
    }

    #[test]
    fn mdbook_theme_names() {
        assert_eq!(fixed(&html(None, None)), None);
        assert_eq!(fixed(&html(Some("light"), None)), None, "light by day, navy by night: follow the system");
        assert_eq!(fixed(&html(Some("rust"), Some("rust"))), Some("light"));
        assert_eq!(fixed(&html(Some("navy"), Some("ayu"))), Some("dark"));
        assert_eq!(fixed(&html(Some("coal"), None)), Some("dark"));
        assert_eq!(fixed(&html(Some("dark"), None)), Some("dark"));
        assert_eq!(fixed(&html(Some("my-theme"), None)), None);
    }
}
