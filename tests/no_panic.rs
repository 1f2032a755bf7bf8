//! No input makes the parsers or the renderer panic: property tests over arbitrary text
//! (and text built from the syntax they care about) for SUMMARY.md, front matter, book.toml,
//! included files (any text, anchor markers in any order, any line range) and markdown.

use std::collections::BTreeMap;

use cookbook::core::{config, frontmatter, include, markdown, source::SourceFile, summary};
use proptest::prelude::*;

fn syntaxy() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop::sample::select(vec![
            "# ",
            "- ",
            "* ",
            "  ",
            "[",
            "]",
            "(",
            ")",
            "a.md",
            "\n",
            "---",
            "+++",
            "```bash verify\n",
            "```\n",
            "{{#include ",
            "}}",
            ":",
            "ANCHOR: x",
            "<!--",
            "-->",
            "> [!NOTE]",
            "|",
            "\u{feff}",
            "é",
            "\r\n",
            "=",
            "\"",
            "title",
            "#x",
            "../",
            "<CONTAINER>",
            "$ ",
            "> ",
            // mdBook's other directives and SUMMARY.md forms
            "{{#rustdoc_include ",
            "{{#playground ",
            "{{#title ",
            "\\{{#",
            "{{ #",
            "+ ",
            "1. ",
            "<",
            ">",
            "'",
            "```rust\n",
            "## ",
            " href=\"",
            " src=\"",
        ]),
        0..40,
    );
    pieces.prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), syntaxy()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn summary_never_panics(text in any_text()) {
        let _ = summary::parse_summary(&SourceFile::new("SUMMARY.md", text));
    }

    #[test]
    fn front_matter_and_config_never_panic(text in any_text()) {
        let src = SourceFile::new("p.md", text);
        let _ = frontmatter::split(&src);
        let _ = config::parse(&src);
    }

    #[test]
    fn include_targets_and_print_rebase_never_panic(text in any_text()) {
        let _ = cookbook::core::include::targets_at("a/p.md", &text);
        let _ = cookbook::core::print::rebase(&text, "a/b");
    }

    #[test]
    fn markdown_never_panics(text in any_text()) {
        let src = SourceFile::new("content/a/p.md", text);
        let body = frontmatter::split(&src).map(|s| s.body_start).unwrap_or(0);
        let mut files = BTreeMap::new();
        files.insert("a/x.txt".to_string(), b"one\nANCHOR: x\ntwo\nANCHOR_END: x\n".to_vec());
        files.insert("../x.txt".to_string(), b"# hidden\n## shown\nANCHOR: x\n".to_vec());
        let urls = BTreeMap::from([("a/p.md".to_string(), "a/p.html".to_string())]);
        let ctx = markdown::Context { page_rel: "a/p.md", page_url: "a/p.html", urls: &urls, files: &files, smart_punctuation: true };
        let r = markdown::render(&src, body, &ctx);
        for d in &r.diagnostics {
            let _ = d.render(false);
        }
    }

    #[test]
    fn included_files_never_panic(file in prop_oneof![any_text(), anchored_text()], selector in include_selector()) {
        include_never_panics(file, &selector);
    }

    #[test]
    fn anchors_in_any_order_never_panic(file in anchored_text()) {
        include_never_panics(file, ":x");
    }

    /// Every count the command line takes (`--jobs`, `--port`, `--partition K/N`, a
    /// `file:line` filter), at any size or none, parses to a value or a usage error.
    #[test]
    fn cli_counts_never_panic(count in count_text(), other in count_text()) {
        use clap::Parser as _;
        use cookbook::cli::Cli;
        use cookbook::core::verify::plan::{self, Filter, Partition};
        let partition = format!("{count}/{other}");
        for args in [
            vec!["verify", "--jobs", &count],
            vec!["verify", "-j", &count, "--partition", &partition],
            vec!["check", "--jobs", &count],
            vec!["serve", "--port", &count],
        ] {
            let _ = Cli::try_parse_from(std::iter::once("cookbook").chain(args));
        }
        if let Ok(p) = Partition::parse(&partition) {
            prop_assert!(p.k >= 1 && p.k <= p.n);
            let _ = plan::select(Vec::new(), &[Filter::parse(&format!("content/a.md:{count}"))], Some(p));
        }
    }
}

/// A count as typed: small, huge, past `u64`, negative, empty or not a number.
fn count_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0u32..4).prop_map(|n| n.to_string()),
        Just("18446744073709551616".to_string()),
        Just("-1".to_string()),
        Just(String::new()),
        "[0-9a-z+ -]{0,6}",
    ]
}

/// A page that includes `file` with `selector`, and once whole.
fn include_never_panics(file: String, selector: &str) {
    let page = SourceFile::new("content/a/p.md", format!("x\n{{{{#include x.txt{selector}}}}}\ny {{{{#include x.txt}}}}\n"));
    let files = BTreeMap::from([("a/x.txt".to_string(), file.into_bytes())]);
    let (expanded, diagnostics) = include::expand(&page, 0, "a/p.md", &files);
    let _ = expanded.page_offset(expanded.text.len());
    for d in &diagnostics {
        let _ = d.render(false);
    }
}

/// Lines of anchor markers in any order and number, several on one line.
fn anchored_text() -> impl Strategy<Value = String> {
    let line = prop::collection::vec(
        prop::sample::select(vec!["ANCHOR: x ", "ANCHOR_END: x ", "ANCHOR: ", "ANCHOR_END: ", "<!-- ANCHOR: x -->"]),
        0..5,
    );
    prop::collection::vec(line.prop_map(|l| l.concat()), 0..6).prop_map(|lines| lines.join("\n"))
}

/// What may follow `{{#include x.txt`: nothing, line ranges (huge, reversed, empty) or an
/// anchor name, including the names the included text uses.
fn include_selector() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (any::<u64>(), any::<u64>()).prop_map(|(a, b)| format!(":{a}:{b}")),
        (0u32..6, 0u32..6).prop_map(|(a, b)| format!(":{a}:{b}")),
        (0u32..6).prop_map(|a| format!(":{a}:")),
        (0u32..6).prop_map(|b| format!("::{b}")),
        Just(":x".to_string()),
        Just(":18446744073709551616".to_string()),
        "[a-z:]{0,4}".prop_map(|s| format!(":{s}")),
    ]
}
