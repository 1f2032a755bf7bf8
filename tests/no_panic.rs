//! No input makes the parsers or the renderer panic: property tests over arbitrary text
//! (and text built from the syntax they care about) for SUMMARY.md, front matter, book.toml,
//! includes and markdown.

use std::collections::BTreeMap;

use cookbook::core::{config, frontmatter, markdown, source::SourceFile, summary};
use proptest::prelude::*;

fn syntaxy() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop::sample::select(vec![
            "# ", "- ", "* ", "  ", "[", "]", "(", ")", "a.md", "\n", "---", "+++", "```bash verify\n", "```\n",
            "{{#include ", "}}", ":", "ANCHOR: x", "<!--", "-->", "> [!NOTE]", "|", "\u{feff}", "é", "\r\n", "=", "\"",
            "title", "#x", "../", "<CONTAINER>", "$ ", "> ",
            // mdBook's other directives and SUMMARY.md forms
            "{{#rustdoc_include ", "{{#playground ", "{{#title ", "\\{{#", "{{ #", "+ ", "1. ", "<", ">", "'", "```rust\n", "## ",
            " href=\"", " src=\"",
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
}
