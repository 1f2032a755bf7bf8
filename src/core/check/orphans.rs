//! Markdown files under the source folder that no reader can reach: not in SUMMARY.md
//! (SUMMARY.md itself, the 404 page and files pulled in by `{{#include}}` excepted).
//! Without SUMMARY.md every page is in the directory-tree navigation: no orphans.

use std::collections::BTreeSet;
use std::path::Path;

use crate::core::book::{self, Book};
use crate::core::diagnostic::Diagnostic;
use crate::core::include;

/// One diagnostic per orphan page, pointing at its first line.
pub fn find(book: &Book) -> Vec<Diagnostic> {
    if !book.files.contains_key("SUMMARY.md") {
        return Vec::new();
    }
    let mut reachable: BTreeSet<String> = book.pages.iter().map(|p| p.rel.clone()).collect();
    reachable.insert("SUMMARY.md".into());
    reachable.insert(book.config.html.input_404.clone().unwrap_or_else(|| "404.md".into()));
    for page in &book.pages {
        reachable.extend(included(&page.rel, &page.source.text));
    }
    let mut out = Vec::new();
    for (rel, bytes) in &book.files {
        if !rel.ends_with(".md") || rel.starts_with("../") || reachable.contains(rel) {
            continue;
        }
        // Included files may include others.
        if book.files.iter().any(|(k, v)| k != rel && reachable.contains(k) && included(k, &String::from_utf8_lossy(v)).contains(rel)) {
            continue;
        }
        let path = Path::new(&book.src_dir).join(rel);
        let d = Diagnostic::error("orphan", format!("{rel} is not in SUMMARY.md"))
            .label("no link in the navigation reaches this page")
            .help(format!("add `- [Title]({rel})` to {}/SUMMARY.md, or delete the file", book.src_dir));
        out.push(match book::decode(&path, bytes.clone()) {
            Ok(src) if src.line_count() > 0 => d.at_line(&src, 1),
            _ => d.in_file(&path),
        });
    }
    out
}

/// The files a page includes (`{{#include file.md}}`, `{{#include file.md:2:9}}`).
fn included(rel: &str, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for part in text.split("{{#").skip(1) {
        let Some(rest) = part.strip_prefix("include").or_else(|| part.strip_prefix("rustdoc_include")) else { continue };
        let arg = rest.split("}}").next().unwrap_or("").trim();
        let path = arg.split(':').next().unwrap_or("");
        if let Some(key) = include::resolve(rel, path) {
            out.insert(key);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::book::{assemble_partial, Sources};

    #[test]
    fn finds_pages_missing_from_summary() {
        let files = [
            ("SUMMARY.md", "- [A](a.md)\n"),
            ("a.md", "# A\n{{#include parts/snippet.md}}\n"),
            ("parts/snippet.md", "shared\n"),
            ("404.md", "# Lost\n"),
            ("lost.md", "# Lost page\n"),
            ("img.png", "x"),
        ];
        let sources = Sources {
            src_dir: "content".into(),
            files: files.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect(),
            ..Sources::default()
        };
        let (book, _) = assemble_partial(&sources);
        let found: Vec<String> = find(&book).iter().map(|d| format!("{} {}", d.position().unwrap_or_default(), d.message)).collect();
        assert_eq!(found, ["content/lost.md:1:1 lost.md is not in SUMMARY.md"]);
    }
}
