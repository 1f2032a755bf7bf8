//! Finds mdBook's `{{#name arg}}` directives in page text exactly where mdBook's pattern
//! matches, and no more: `{{#include}}` without a file, or a name mdBook does not know,
//! is text. What a directive does is `include`'s job.

/// One `{{#name arg}}` found in the text (byte range of the whole directive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'t> {
    pub start: usize,
    pub end: usize,
    /// `None` for an escaped `\{{#…}}`.
    pub name: Option<&'t str>,
    pub arg: &'t str,
}

/// The directives mdBook expands.
const KNOWN: &[&str] = &["include", "rustdoc_include", "playground", "playpen", "title"];

/// The next directive at or after `from`, by mdBook's pattern: `\\\{\{#.*\}\}` (escaped, to the
/// last `}}` of the line) or `\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}`; matches of unknown names
/// are skipped, as mdBook leaves them alone.
pub fn next_directive(text: &str, mut from: usize) -> Option<Directive<'_>> {
    let bytes = text.as_bytes();
    while let Some(found) = text[from..].find("{{") {
        let open = from + found;
        if open > 0 && bytes[open - 1] == b'\\' && text[open + 2..].starts_with('#') {
            let line_end = text[open..].find('\n').map_or(text.len(), |e| open + e);
            if let Some(close) = text[open + 3..line_end].rfind("}}") {
                let end = open + 3 + close + 2;
                return Some(Directive { start: open - 1, end, name: None, arg: "" });
            }
        }
        from = open + 2;
        let after = text[open + 2..].trim_start();
        let Some(named) = after.strip_prefix('#') else {
            continue;
        };
        let name_len = named.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        let rest = &named[name_len..];
        let arg = rest.trim_start();
        if name_len == 0 || arg.len() == rest.len() {
            continue;
        }
        let Some(arg_len) = arg.find('}') else {
            continue;
        };
        if arg_len == 0 || !arg[arg_len..].starts_with("}}") {
            continue;
        }
        let end = text.len() - arg.len() + arg_len + 2;
        let name = &named[..name_len];
        if KNOWN.contains(&name) {
            return Some(Directive { start: open, end, name: Some(name), arg: &arg[..arg_len] });
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Option<&str>, &str)> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(d) = next_directive(text, at) {
            at = d.end;
            out.push((d.name, d.arg));
        }
        out
    }

    #[test]
    fn mdbooks_pattern() {
        assert_eq!(
            found("{{#include a.rs}} {{ #title  T }} {{#include}} {{#include }} {{#x y}} {{#playground p.rs editable}}"),
            [(Some("include"), "a.rs"), (Some("title"), "T "), (Some("playground"), "p.rs editable"),]
        );
        // Escaped: to the last `}}` of the line, whatever is in between.
        assert_eq!(found("\\{{#include a}} {{#include b}}\n{{#include c}}"), [(None, ""), (Some("include"), "c")]);
    }
}
