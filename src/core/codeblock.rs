//! How a fenced code block looks on the page: highlighted, `<PLACEHOLDER>` tokens marked,
//! a copy button that copies what a person would paste (for `console` transcripts the
//! commands without `$ `/`> ` prompts and without their output). Elisions in expected
//! output (`[..]`, a `...` line) show as a quiet marker; verify's matching is not here.

use super::fence::FenceInfo;
use super::highlight::{escape, highlight};

/// What the copy button copies.
pub fn copy_text(code: &str, info: &FenceInfo) -> String {
    if !info.is_console() {
        return code.trim_end_matches('\n').to_string();
    }
    // The commands as verify reads them (`core::verify::transcript`): one rule for what a
    // prompt and a continuation are, on the page and in the run.
    let transcript = crate::core::verify::transcript::parse(code, 0);
    let commands: Vec<&str> = transcript.commands.iter().map(|c| c.code.trim_end_matches('\n')).collect();
    commands.join("\n")
}

/// The byte ranges of `<NAME>` placeholders, by verify's own rule
/// ([`crate::core::verify::placeholder::find`]): what verify needs a value for is what the
/// site marks, `<A>` included.
pub fn placeholders(code: &str) -> Vec<std::ops::Range<usize>> {
    crate::core::verify::placeholder::find(code).into_iter().map(|(r, _)| r).collect()
}

// Placeholders are swapped for a plain word before highlighting (a shell grammar would
// split `<NAME>` into redirections) and swapped back into marked-up spans afterwards.
const PH_OPEN: &str = "CBKPHo";
const PH_CLOSE: &str = "oCBKPH";

fn mark_placeholders(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(PH_OPEN) {
        let after = &rest[start + PH_OPEN.len()..];
        let Some(end) = after.find(PH_CLOSE) else { break };
        out.push_str(&rest[..start]);
        out.push_str("<span class=\"ph\" title=\"placeholder: replace with your value\">&lt;");
        out.push_str(&after[..end]);
        out.push_str("&gt;</span>");
        rest = &after[end + PH_CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// Highlighted HTML for the inside of `<code>`.
pub fn code_html(code: &str, info: &FenceInfo) -> String {
    let phs = if info.is_shell() { placeholders(code) } else { Vec::new() };
    let mut prepared = String::with_capacity(code.len());
    let mut last = 0;
    for r in &phs {
        prepared.push_str(&code[last..r.start]);
        prepared.push_str(PH_OPEN);
        prepared.push_str(&code[r.start + 1..r.end - 1]);
        prepared.push_str(PH_CLOSE);
        last = r.end;
    }
    prepared.push_str(&code[last..]);
    let html = if info.is_console() {
        console_html(&prepared)
    } else if info.is_output() {
        elide(&escape(&prepared))
    } else {
        highlight(&prepared, info.highlight_lang())
    };
    if phs.is_empty() {
        html
    } else {
        mark_placeholders(&html)
    }
}

const WITHIN_LINE: &str =
    "<span class=\"elided\" role=\"img\" aria-label=\"text that varies between runs\" title=\"varies between runs\">\u{22ef}</span>";
const WHOLE_LINES: &str = "<span class=\"elided\" role=\"img\" aria-label=\"lines that vary between runs\" title=\"lines that vary between runs\">\u{22ef}</span>";

/// Escaped expected output with its elisions as markers: `[..]` within a line, a line of
/// `...` for any number of lines (snapbox's syntax).
fn elide(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    for line in escaped.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim() == "..." {
            out.push_str(&body.replace("...", WHOLE_LINES));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(&line.replace("[..]", WITHIN_LINE));
        }
    }
    out
}

/// A transcript: prompts dimmed and not selectable, commands highlighted as bash, output plain.
fn console_html(code: &str) -> String {
    let mut out = String::new();
    let mut in_command = false;
    for line in code.split_inclusive('\n') {
        let (prompt, rest) = if let Some(r) = line.strip_prefix("$ ") {
            in_command = true;
            ("$ ", r)
        } else if let (true, Some(r)) = (in_command, line.strip_prefix("> ")) {
            ("> ", r)
        } else {
            in_command = false;
            ("", line)
        };
        if prompt.is_empty() {
            out.push_str("<span class=\"out\">");
            out.push_str(&elide(&escape(rest)));
            out.push_str("</span>");
        } else {
            out.push_str("<span class=\"prompt\">");
            out.push_str(&escape(prompt));
            out.push_str("</span>");
            out.push_str(&highlight(rest, "bash"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(s: &str) -> FenceInfo {
        FenceInfo::parse(s)
    }

    #[test]
    fn console_copy_drops_prompts_and_output() {
        let code = "$ docker run --rm \\\n> busybox echo hi\nhi\n$ docker ps -q\n\n$\n";
        assert_eq!(copy_text(code, &info("console")), "docker run --rm \\\nbusybox echo hi\ndocker ps -q\n");
        assert_eq!(copy_text("echo a\necho b\n", &info("bash verify")), "echo a\necho b");
        assert_eq!(copy_text("> not a continuation\n", &info("console")), "");
    }

    #[test]
    fn placeholders_are_found_and_marked() {
        let code = "docker inspect <CONTAINER> | grep <A> <lower> <X_1>";
        let found: Vec<_> = placeholders(code).into_iter().map(|r| &code[r]).collect();
        assert_eq!(found, ["<CONTAINER>", "<A>", "<X_1>"]);
        assert!(placeholders("cat <<EOF>\n").is_empty(), "a heredoc is not a placeholder");
        let html = code_html("docker inspect <CONTAINER>\n", &info("bash"));
        assert!(html.contains("<span class=\"ph\" title=\"placeholder: replace with your value\">&lt;CONTAINER&gt;</span>"), "{html}");
        assert!(!html.contains(PH_OPEN));
        // Not in other languages, where <T> is syntax.
        assert!(!code_html("Vec<TT>\n", &info("rust")).contains("class=\"ph\""));
    }

    #[test]
    fn elisions_in_output_show_as_markers() {
        let html = code_html("id: [..] done\n...\nlast ... line\n", &info("output"));
        assert_eq!(html.matches("class=\"elided\"").count(), 2, "{html}");
        assert!(html.starts_with("id: <span class=\"elided\" role=\"img\" aria-label=\"text that varies between runs\""), "{html}");
        assert!(html.contains("\n<span class=\"elided\" role=\"img\" aria-label=\"lines that vary between runs\""), "{html}");
        assert!(html.ends_with("</span>\nlast ... line\n"), "{html}");
        assert!(!html.contains("[..]"), "{html}");
        let console = code_html("$ docker ps\nCONTAINER [..]\n...\n", &info("console"));
        assert_eq!(console.matches("class=\"elided\"").count(), 2, "{console}");
        // Only expected output: `[..]` in a script is the script's.
        assert!(!code_html("echo [..]\n...\n", &info("bash")).contains("elided"));
    }

    #[test]
    fn console_html_marks_prompts_and_output() {
        let html = code_html("$ echo <NAME>\nhi\n", &info("console"));
        assert!(html.starts_with("<span class=\"prompt\">$ </span>"), "{html}");
        assert!(html.contains("<span class=\"out\">hi\n</span>"), "{html}");
        assert!(html.contains("class=\"ph\""), "{html}");
    }
}
