//! `book.toml`: mdBook's `[book]`, `[build]` and `[output.html]` keys plus our own `[site]`
//! and `[verify]` tables. Parses text into a `Config`; every unknown key becomes a warning
//! with file and line (never a silent ignore). Reading the file is `io::load`'s job.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::source::{SourceFile, Span};

/// `[book]`: what mdBook has.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct BookConfig {
    /// The book's title, shown in the header and the `<title>` of every page.
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub description: Option<String>,
    /// The folder of markdown sources, relative to the root (`content`, or mdBook's `src`).
    pub src: Option<String>,
    /// The `lang` attribute of every page.
    pub language: String,
    /// `ltr` or `rtl`.
    pub text_direction: Option<String>,
    /// Removed in mdBook 0.5; accepted so old books load.
    pub multilingual: Option<bool>,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: None,
            authors: Vec::new(),
            description: None,
            src: None,
            language: "en".into(),
            text_direction: None,
            multilingual: None,
        }
    }
}

/// `[build]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct BuildConfig {
    /// Where the site is written, relative to the root.
    pub build_dir: String,
    /// A chapter named in SUMMARY.md whose file is missing: like mdBook (`true`), it is
    /// built as a page holding its title, with a warning (cookbook does not write the file);
    /// `false` makes it an error.
    pub create_missing: bool,
    pub use_default_preprocessors: bool,
    /// More folders for `serve` to watch.
    pub extra_watch_dirs: Vec<String>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig { build_dir: "book".into(), create_missing: true, use_default_preprocessors: true, extra_watch_dirs: Vec::new() }
    }
}

/// `[output.html]`: the mdBook keys we honour; the rest of mdBook's keys are accepted with
/// a warning that they have no effect here.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct HtmlConfig {
    /// `light` or `dark`; unset follows `prefers-color-scheme`.
    pub default_theme: Option<String>,
    pub preferred_dark_theme: Option<String>,
    /// Curly quotes and dashes.
    pub smart_punctuation: bool,
    pub git_repository_url: Option<String>,
    pub git_repository_icon: Option<String>,
    /// `https://…/edit/main/{path}`: `{path}` is the page's source path relative to the root.
    pub edit_url_template: Option<String>,
    /// The public URL of the site; enables `sitemap.xml`.
    pub site_url: Option<String>,
    /// A markdown file (relative to the source folder) rendered as `404.html`.
    pub input_404: Option<String>,
    /// Stylesheets and scripts (relative to the root) added to every page.
    pub additional_css: Vec<String>,
    pub additional_js: Vec<String>,
    /// Folder (relative to the root) whose templates override the built-in theme.
    pub theme: Option<String>,
    pub cname: Option<String>,
    pub no_section_label: bool,
    /// `[output.html.redirect]`: old path (from the site root) → new URL; a redirect page is
    /// written at each old path.
    pub redirect: BTreeMap<String, String>,
    /// `[output.html.print]`: `enable = false` leaves out `print.html`.
    pub print: PrintConfig,
}

/// `[output.html.print]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct PrintConfig {
    /// Write `print.html`, the whole book on one page.
    pub enable: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig { enable: true }
    }
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig {
            default_theme: None,
            preferred_dark_theme: None,
            smart_punctuation: true,
            git_repository_url: None,
            git_repository_icon: None,
            edit_url_template: None,
            site_url: None,
            input_404: None,
            additional_css: Vec::new(),
            additional_js: Vec::new(),
            theme: None,
            cname: None,
            no_section_label: false,
            redirect: BTreeMap::new(),
            print: PrintConfig::default(),
        }
    }
}

/// mdBook `[output.html]` keys that cookbook accepts but does not implement.
const HTML_KEYS_WITHOUT_EFFECT: &[&str] = &[
    "mathjax-support",
    "copy-fonts",
    "hash-files",
    "definition-lists",
    "admonitions",
    "sidebar-header-nav",
    "live-reload-endpoint",
    "print",
    "fold",
    "playground",
    "code",
    "search",
    "curly-quotes",
];

/// `[site]`: what mdBook lacks.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct SiteConfig {
    /// Build the search index and show the search box.
    pub search: bool,
    /// Up to this many pages the sidebar is written into every page; above it, pages share
    /// one `toc.js` (and `toc.html` without JavaScript), so output grows linearly.
    pub inline_nav_limit: usize,
    /// Broken internal links and anchors, links to pages not in the book, missing included
    /// files and chapters fail the build. Off by default, as in mdBook (they are warnings);
    /// `cookbook init` books and the bundled cookbook turn it on.
    pub strict_links: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig { search: true, inline_nav_limit: 300, strict_links: false }
    }
}

/// `[verify]`: how `cookbook verify` runs the book's blocks.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct VerifyConfig {
    /// Pages verified at once.
    pub jobs: usize,
    /// Per-block timeout, e.g. `90s`, `5m`.
    pub timeout: String,
    /// Capabilities whose absence is an error, not a skip: `docker`, `gpu`, `registry`.
    pub require: Vec<String>,
    /// The shell that runs each block.
    pub shell: String,
    /// Values for `<PLACEHOLDER>` tokens.
    pub vars: BTreeMap<String, String>,
}

impl Default for VerifyConfig {
    fn default() -> Self {
        VerifyConfig { jobs: 2, timeout: "5m".into(), require: vec!["docker".into()], shell: "bash".into(), vars: BTreeMap::new() }
    }
}

/// The whole `book.toml`, resolved.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Config {
    pub book: BookConfig,
    pub build: BuildConfig,
    pub html: HtmlConfig,
    pub site: SiteConfig,
    pub verify: VerifyConfig,
}

/// The file as serde sees it: `[output.*]` and `[preprocessor.*]` stay raw so other
/// renderers and preprocessors can be named in warnings.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawConfig {
    book: BookConfig,
    build: BuildConfig,
    site: SiteConfig,
    verify: VerifyConfig,
    output: BTreeMap<String, toml::Value>,
    preprocessor: BTreeMap<String, toml::Value>,
    rust: Option<toml::Value>,
}

/// Parses `book.toml`. `Err` holds the errors; `Ok` holds the config and its warnings.
pub fn parse(src: &SourceFile) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    let tree = DeTable::parse(&src.text).map_err(|e| vec![toml_error(src, &e)])?;
    let mut ignored = Vec::new();
    let de = toml::de::Deserializer::parse(&src.text).map_err(|e| vec![toml_error(src, &e)])?;
    let raw: RawConfig = serde_ignored::deserialize(de, |path| ignored.push(path.to_string())).map_err(|e| vec![toml_error(src, &e)])?;
    let tree = tree.into_inner();
    let mut warnings = Vec::new();
    for path in ignored {
        let span = locate(&tree, &path);
        warnings.push(
            Diagnostic::warning("config", format!("unknown key `{path}` in book.toml"))
                .at(src, span)
                .label("not a cookbook or mdBook setting")
                .help("remove it, or check its spelling against the book.toml reference in README.md"),
        );
    }
    let mut html = HtmlConfig::default();
    for (name, value) in &raw.output {
        if name == "html" {
            let (h, w) = parse_html(src, &tree, value)?;
            html = h;
            warnings.extend(w);
        } else {
            warnings.push(
                Diagnostic::warning("config", format!("renderer `output.{name}` is not run"))
                    .at(src, locate(&tree, &format!("output.{name}")))
                    .label("cookbook renders HTML only")
                    .help("remove the table, or build that output with mdBook"),
            );
        }
    }
    for name in raw.preprocessor.keys() {
        warnings.push(
            Diagnostic::warning("config", format!("preprocessor `{name}` is not run"))
                .at(src, locate(&tree, &format!("preprocessor.{name}")))
                .label("cookbook does not run mdBook preprocessors")
                .help("its effect is missing from the site; mdBook's {{#include}} is built in"),
        );
    }
    super::diagnostic::sort(&mut warnings);
    let mut config = Config { book: raw.book, build: raw.build, html, site: raw.site, verify: raw.verify };
    if config.verify.jobs == 0 {
        config.verify.jobs = 1;
    }
    Ok((config, warnings))
}

fn parse_html(src: &SourceFile, tree: &DeTable<'_>, value: &toml::Value) -> Result<(HtmlConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut ignored = Vec::new();
    let html: HtmlConfig = serde_ignored::deserialize(value.clone(), |p| ignored.push(p.to_string())).map_err(|e| {
        vec![Diagnostic::error("config", format!("invalid [output.html]: {e}"))
            .at(src, locate(tree, "output.html"))
            .help("see the book.toml reference in README.md")]
    })?;
    let warnings = ignored
        .into_iter()
        .map(|key| {
            let path = format!("output.html.{key}");
            let top = key.split('.').next().unwrap_or(&key);
            let d = if HTML_KEYS_WITHOUT_EFFECT.contains(&top) {
                Diagnostic::warning("config", format!("`{path}` has no effect in cookbook"))
                    .label("an mdBook option cookbook does not implement")
                    .help("it can stay for mdBook; cookbook ignores it")
            } else {
                Diagnostic::warning("config", format!("unknown key `{path}` in book.toml"))
                    .label("not an [output.html] setting")
                    .help("remove it, or check its spelling against the book.toml reference in README.md")
            };
            d.at(src, locate(tree, &path))
        })
        .collect();
    Ok((html, warnings))
}

/// The span of the deepest key of a dotted path that exists in the parsed tree.
fn locate(tree: &DeTable<'_>, path: &str) -> Span {
    let mut table = tree;
    let mut found = 0..0;
    for seg in path.split('.') {
        let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == seg) else { break };
        found = key.span();
        match value.get_ref() {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    found
}

fn toml_error(src: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    Diagnostic::error("config", format!("invalid book.toml: {}", super::wording::plain(e.message().trim())))
        .at(src, span)
        .label("here")
        .help("book.toml is TOML: `key = \"value\"` under `[book]`, `[build]`, `[output.html]`, `[site]` or `[verify]`")
}

/// Parses a duration like `90s`, `5m`, `1h 30m`, `500ms` (humantime's grammar) or a bare
/// number of seconds. A value too large to represent is `None` (a diagnostic for the
/// caller), never a panic.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().ok().map(std::time::Duration::from_secs);
    }
    humantime::parse_duration(t).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        parse(&SourceFile::new("book.toml", text))
    }

    #[test]
    fn reads_mdbook_and_own_tables() {
        let (c, w) = parse_str(
            "[book]\ntitle = \"T\"\nsrc = \"content\"\n[output.html]\nsite-url = \"https://x.org/\"\n\
             [verify]\njobs = 4\n[verify.vars]\nCONTAINER = \"demo\"\n",
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.book.title.as_deref(), Some("T"));
        assert_eq!(c.html.site_url.as_deref(), Some("https://x.org/"));
        assert_eq!(c.verify.jobs, 4);
        assert_eq!(c.verify.vars["CONTAINER"], "demo");
        assert!(c.site.search && c.html.smart_punctuation);
    }

    #[test]
    fn strict_links_redirects_and_print() {
        let (c, w) = parse_str(
            "[output.html]\ndefault-theme = \"navy\"\n[output.html.print]\nenable = false\n\
             [output.html.redirect]\n\"/old.html\" = \"new.html\"\n[site]\nstrict-links = true\n",
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert!(c.site.strict_links && !c.html.print.enable && c.build.create_missing);
        assert_eq!(c.html.redirect["/old.html"], "new.html");
        let (c, _) = parse_str("").unwrap();
        assert!(!c.site.strict_links && c.html.print.enable, "mdBook's defaults");
    }

    #[test]
    fn unknown_keys_are_warnings_with_lines() {
        let (_, w) = parse_str(
            "[book]\ntitel = \"T\"\n[output.html]\nmathjax-support = true\nfoo = 1\n\
             [preprocessor.katex]\ncommand = \"x\"\n[output.pdf]\n",
        )
        .unwrap();
        let got: Vec<_> = w.iter().map(|d| (d.message.clone(), d.location.as_ref().unwrap().line)).collect();
        assert_eq!(
            got,
            [
                ("unknown key `book.titel` in book.toml".to_string(), 2),
                ("`output.html.mathjax-support` has no effect in cookbook".to_string(), 4),
                ("unknown key `output.html.foo` in book.toml".to_string(), 5),
                ("preprocessor `katex` is not run".to_string(), 6),
                ("renderer `output.pdf` is not run".to_string(), 8),
            ]
        );
    }

    #[test]
    fn syntax_and_type_errors_point_at_the_line() {
        let e = parse_str("[book]\ntitle = \"T\n").unwrap_err();
        assert_eq!(e[0].location.as_ref().unwrap().line, 2);
        let e = parse_str("[book]\ntitle = \"T\"\n[verify]\njobs = \"two\"\n").unwrap_err();
        assert_eq!(e[0].location.as_ref().unwrap().line, 4, "{}", e[0]);
    }

    #[test]
    fn durations() {
        use std::time::Duration;
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("12"), Some(Duration::from_secs(12)));
        assert_eq!(parse_duration("5 parsecs"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("1h 30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("99999999999999999999h"), None);
        assert_eq!(parse_duration("99999999999999999999"), None);
    }
}
