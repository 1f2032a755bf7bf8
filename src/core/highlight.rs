//! Build-time syntax highlighting with syntect, as CSS classes (`hl-keyword`, `hl-string` …)
//! styled by the theme's own small stylesheet for light and dark. The `SyntaxSet` (bat's
//! grammars via two-face: bash, Dockerfile, Python, YAML, TOML, JSON …) is loaded once.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let set = syntaxes();
    let token = match lang {
        "" | "text" | "output" | "plain" | "txt" => return None,
        "console" | "shell" | "sh" | "zsh" => "bash",
        "dockerfile" | "containerfile" => "Dockerfile",
        "yml" => "yaml",
        "jsonc" => "json",
        other => other,
    };
    set.find_syntax_by_token(token)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Highlights `code` as `lang`, returning HTML for the inside of a `<code>` element.
/// Unknown languages and plain text are escaped only. Never fails: a grammar error
/// falls back to plain text.
pub fn highlight(code: &str, lang: &str) -> String {
    let Some(syntax) = syntax_for(lang) else { return escape(code) };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if gen.parse_html_for_line_which_includes_newline(line).is_err() {
            return escape(code);
        }
    }
    gen.finalize()
}

/// Warms the grammar set up (e.g. before rendering pages in parallel).
pub fn preload() {
    let _ = syntaxes();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_for_known_languages() {
        let html = highlight("# say hi\necho \"hi\" --shm-size=1g\n", "bash");
        assert!(html.contains(r#"<span class="hl-comment"#), "{html}");
        assert!(html.contains("hl-string"), "{html}");
        let docker = highlight("FROM busybox\nRUN echo hi\n", "dockerfile");
        assert!(docker.contains("hl-keyword"), "{docker}");
        for lang in ["python", "yaml", "toml", "json"] {
            assert!(highlight("x = 1\n", lang).contains("<span class=\"hl-source"), "{lang}");
        }
    }

    #[test]
    fn plain_text_is_escaped() {
        assert_eq!(highlight("<b>&\n", "text"), "&lt;b&gt;&amp;\n");
        assert_eq!(highlight("<b>\n", "no-such-lang"), "&lt;b&gt;\n");
    }
}
