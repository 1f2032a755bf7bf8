//! The default theme, embedded in the binary (templates, CSS, JS) so `cookbook build` works
//! for any book; a book's own `templates/` folder overrides any template by name.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

use super::diagnostic::Diagnostic;
use super::output::Output;
use super::source::SourceFile;

/// Built-in templates: name → source.
const TEMPLATES: &[(&str, &str)] = &[("page.html", include_str!("../../templates/page.html"))];

pub const THEME_CSS: &str = include_str!("../../assets/theme.css");
pub const THEME_JS: &str = include_str!("../../assets/theme.js");
pub const SEARCH_JS: &str = include_str!("../../assets/search.js");
pub const SEARCH_CSS: &str = include_str!("../../assets/search.css");
pub const FAVICON_SVG: &str = include_str!("../../assets/favicon.svg");

/// Compiled templates plus the static theme files.
pub struct Theme {
    pub tera: Tera,
    /// The theme's static files: `theme.css`, `theme.js`, `favicon.svg` (and the search client when enabled).
    pub assets: Vec<Output>,
}

impl Theme {
    /// Compiles the built-in templates, overridden by `overrides` (the book's templates/).
    pub fn new(overrides: &BTreeMap<String, Vec<u8>>, search: bool) -> Result<Theme, Vec<Diagnostic>> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::highlight::escape);
        let mut errors = Vec::new();
        let mut sources: Vec<(String, String, bool)> = TEMPLATES.iter().map(|(n, s)| (n.to_string(), s.to_string(), false)).collect();
        for (name, bytes) in overrides.iter().filter(|(n, _)| n.ends_with(".html")) {
            let text = String::from_utf8_lossy(bytes).into_owned();
            match sources.iter_mut().find(|(n, _, _)| n == name) {
                Some(slot) => *slot = (name.clone(), text, true),
                None => sources.push((name.clone(), text, true)),
            }
        }
        for (name, text, overridden) in &sources {
            if let Err(e) = tera.add_raw_template(name, text) {
                let shown = if *overridden { format!("templates/{name}") } else { format!("(built-in) templates/{name}") };
                errors.push(template_error(Path::new(&shown), text, &e));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut assets = vec![
            Output::new("theme.css", format!("{THEME_CSS}{SEARCH_CSS}")),
            Output::new("theme.js", THEME_JS),
            Output::new("favicon.svg", FAVICON_SVG),
        ];
        if search {
            assets.push(Output::new("search.js", shipped_js(SEARCH_JS)));
        }
        Ok(Theme { tera, assets })
    }
}

/// The theme's JS as a browser downloads it: without comment lines and indentation (the
/// source keeps them for readers), and lines joined where a line ends in `; { ( [ , = > & | ? :`
/// or the next starts with `) ] } . , ? :` (no semicolon is ever inferred there). Only whole-line
/// comments go and only line breaks are removed, so code is never touched.
pub fn shipped_js(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut in_comment = false;
    for line in src.lines().map(str::trim) {
        if in_comment || line.starts_with("/*") {
            in_comment = !line.contains("*/");
        } else if !line.is_empty() && !line.starts_with("//") {
            let prev = out.strip_suffix('\n').unwrap_or("");
            let prev_line = &prev[prev.rfind('\n').map_or(0, |i| i + 1)..];
            let open = prev.ends_with([';', '{', '(', '[', ',', '=', '>', '&', '|', '?', ':']);
            if (open || line.starts_with([')', ']', '}', '.', ',', '?', ':'])) && !prev.is_empty() && !prev_line.contains("//") {
                out.pop();
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A tera error as a diagnostic at the template's line when tera names one.
pub fn template_error(path: &Path, text: &str, e: &tera::Error) -> Diagnostic {
    let mut chain = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        chain.push(err.to_string());
        cur = err.source();
    }
    let full = chain.join(": ");
    let src = SourceFile::new(path, text);
    // tera's parse errors read "--> 12:5" for line 12, column 5.
    let at = full.split("--> ").nth(1).and_then(|rest| {
        let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
        Some((it.next()?.parse::<usize>().ok()?, it.next()?.parse::<usize>().ok()?))
    });
    let message = full.lines().find(|l| !l.trim().is_empty()).unwrap_or("template error").to_string();
    let d = Diagnostic::error("template", format!("template error: {message}"))
        .help("fix the template, or delete it to use the built-in one")
        .note(full.replace('\n', " "));
    match at {
        Some((line, col)) if line >= 1 && line <= src.line_count() => {
            let start = src.line_span(line).start + col.saturating_sub(1);
            d.at(&src, start..start + 1).label("here")
        }
        _ => d.in_file(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_compile() {
        let t = Theme::new(&BTreeMap::new(), true).unwrap();
        assert!(t.tera.get_template_names().any(|n| n == "page.html"));
        assert_eq!(t.assets.len(), 4);
    }

    #[test]
    fn theme_js_and_css_stay_within_budget() {
        let total = THEME_CSS.len() + THEME_JS.len() + SEARCH_CSS.len() + SEARCH_JS.len();
        assert!(total < 40 * 1024, "theme JS + CSS is {total} bytes; the budget is 40 KB");
    }

    #[test]
    fn the_search_client_ships_within_its_10_kb_budget() {
        let shipped = shipped_js(SEARCH_JS);
        assert!(shipped.len() <= 10 * 1024, "search.js ships {} bytes; the budget is 10 KB", shipped.len());
        assert_eq!(
            shipped_js("/* a\n b */\n  let a = 1; // kept\n// gone\n\n  x('//', \"/*\");\n"),
            "let a = 1; // kept\nx('//', \"/*\");\n"
        );
        // Joined only there (not after `++`), never after a line holding `//`.
        assert_eq!(
            shipped_js("f(a,\n  b) {\n  return [\n 1];\n}\nx = 1\n(y)\ng('//', {\nz\ni++\nj &&\nk\n"),
            "f(a,b) {return [1];}\nx = 1\n(y)\ng('//', {\nz\ni++\nj &&k\n"
        );
        // After a semicolon nothing is inferred either.
        assert_eq!(shipped_js("a();\n  b();\nc = 1 // x;\nd;\n"), "a();b();c = 1 // x;\nd;\n");
    }

    #[test]
    fn a_broken_override_names_its_line() {
        let mut o = BTreeMap::new();
        o.insert("page.html".to_string(), b"<p>\n{{ content | safe }\n".to_vec());
        let e = Theme::new(&o, false).err().unwrap();
        eprintln!("{:?}", e[0].location);
        assert_eq!(e[0].position().unwrap(), "templates/page.html:2:19", "{}", e[0]);
        assert!(e[0].to_string().contains("2 | {{ content | safe }"), "{}", e[0]);
    }
}
