//! Optional front matter at the top of a page: TOML between `+++` lines or YAML between
//! `---` lines. Splits it from the body and parses it; errors point at the page's own lines.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::diagnostic::Diagnostic;
use super::source::SourceFile;

/// Per-page overrides of `[verify]`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct PageVerify {
    /// Per-block timeout for this page, e.g. `90s`.
    pub timeout: Option<String>,
    /// Placeholder values for this page; they win over `[verify.vars]`.
    pub vars: BTreeMap<String, String>,
    /// Skip every block of this page.
    pub skip: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Orders pages in a book without SUMMARY.md (lower first, then by file name).
    pub weight: Option<i64>,
    /// A draft is listed nowhere and not rendered.
    pub draft: bool,
    pub tags: Vec<String>,
    pub verify: PageVerify,
}

/// A page split into front matter and body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Split {
    pub front: FrontMatter,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Splits and parses a page's front matter. A page without any gives the defaults.
pub fn split(src: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &src.text;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let fence = if rest.starts_with("+++") {
        "+++"
    } else if rest.starts_with("---") {
        "---"
    } else {
        return Ok(Split { body_start: bom, ..Split::default() });
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != fence {
        return Ok(Split { body_start: bom, ..Split::default() });
    }
    let inner_start = bom + first_line_end;
    let mut pos = inner_start;
    let mut close = None;
    for line in text[inner_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((inner_end, body_start)) = close else {
        if fence == "---" {
            // A page may start with a thematic break; without a closing `---` it is one.
            return Ok(Split { body_start: bom, ..Split::default() });
        }
        return Err(Diagnostic::error("front-matter", "front matter is not closed")
            .at(src, bom..bom + 3)
            .label("opened here")
            .help("end the TOML front matter with a line holding only `+++`"));
    };
    let inner = &text[inner_start..inner_end];
    let first_line = src.line_of(inner_start);
    let mut ignored = Vec::new();
    let front: FrontMatter = if fence == "+++" {
        let de = toml::de::Deserializer::parse(inner).map_err(|e| {
            let span = e.span().map_or(inner_start..inner_start, |s| inner_start + s.start..inner_start + s.end);
            invalid(src, span, "TOML", e.message())
        })?;
        serde_ignored::deserialize(de, |p| ignored.push(p.to_string())).map_err(|e| {
            let span = e.span().map_or(inner_start..inner_start, |s| inner_start + s.start..inner_start + s.end);
            invalid(src, span, "TOML", e.message())
        })?
    } else if inner.trim().is_empty() {
        FrontMatter::default()
    } else {
        let de = serde_yaml_ng::Deserializer::from_str(inner);
        serde_ignored::deserialize(de, |p| ignored.push(p.to_string())).map_err(|e| {
            let line = e.location().map_or(first_line, |l| first_line + l.line() - 1);
            let span = src.line_span(line);
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            invalid(src, span, "YAML", &msg)
        })?
    };
    let warnings = ignored
        .into_iter()
        .map(|key| {
            let top = key.split('.').next().unwrap_or(&key).to_string();
            let line = (first_line..first_line + inner.lines().count())
                .find(|&l| src.line_text(l).trim_start().starts_with(top.as_str()))
                .unwrap_or(first_line - 1);
            Diagnostic::warning("front-matter", format!("unknown front matter key `{key}`"))
                .at_line(src, line)
                .label("not a front matter field")
                .help("known fields: title, description, weight, draft, tags, [verify] timeout/vars/skip")
        })
        .collect();
    Ok(Split { front, body_start, warnings })
}

fn invalid(src: &SourceFile, span: std::ops::Range<usize>, lang: &str, message: &str) -> Diagnostic {
    Diagnostic::error("front-matter", format!("invalid {lang} front matter: {}", super::wording::plain(message.trim())))
        .at(src, span)
        .label("here")
        .help(match lang {
            "TOML" => "front matter between `+++` lines is TOML: `title = \"My recipe\"`",
            _ => "front matter between `---` lines is YAML: `title: My recipe`",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_str(text: &str) -> Result<Split, Diagnostic> {
        split(&SourceFile::new("p.md", text))
    }

    #[test]
    fn toml_and_yaml() {
        let s = split_str("+++\ntitle = \"GPU\"\nweight = 2\n[verify]\nvars = { X = \"1\" }\n+++\n# Body\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("GPU"));
        assert_eq!(s.front.weight, Some(2));
        assert_eq!(s.front.verify.vars["X"], "1");
        assert_eq!(&"+++\ntitle = \"GPU\"\nweight = 2\n[verify]\nvars = { X = \"1\" }\n+++\n# Body\n"[s.body_start..], "# Body\n");
        let s = split_str("---\ntitle: Logs\ndraft: true\ntags: [a, b]\n---\ntext").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Logs"));
        assert!(s.front.draft);
        assert_eq!(s.front.tags, ["a", "b"]);
        assert_eq!(s.body_start, 45);
    }

    #[test]
    fn no_front_matter_and_thematic_break() {
        assert_eq!(split_str("# Title\n").unwrap().body_start, 0);
        assert_eq!(split_str("---\n\ntext\n").unwrap().body_start, 0);
    }

    #[test]
    fn errors_point_at_page_lines() {
        let e = split_str("# x\n").map(|_| ());
        assert!(e.is_ok());
        let e = split_str("+++\ntitle = \"a\"\nweight = \"heavy\"\n+++\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, 3, "{e}");
        let e = split_str("---\ntitle: a\nweight: [\n---\n").unwrap_err();
        assert!(e.location.as_ref().unwrap().line >= 2, "{e}");
        let e = split_str("+++\ntitle = \"a\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, 1);
        assert!(e.to_string().contains("not closed"));
    }

    #[test]
    fn unknown_keys_warn() {
        let s = split_str("+++\ntitle = \"a\"\nauthor = \"me\"\n+++\n").unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].location.as_ref().unwrap().line, 3);
    }
}
