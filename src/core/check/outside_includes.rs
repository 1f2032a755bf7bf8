//! Includes that leave the repository: mdBook resolves `{{#include}}` anywhere on disk, and
//! so does cookbook, but a file above the book's root is not in its repository, so a clone
//! (CI, a colleague) may not have it. A warning at the directive.

use crate::core::book::Book;
use crate::core::diagnostic::Diagnostic;
use crate::core::include;

/// One warning per directive whose file lies above the book's root.
pub fn find(book: &Book) -> Vec<Diagnostic> {
    let depth = book.src_dir.split('/').filter(|p| !p.is_empty() && *p != ".").count();
    let mut out = Vec::new();
    for page in &book.pages {
        let body = page.body_start.min(page.source.text.len());
        for (key, span) in include::targets_at(&page.rel, &page.source.text[body..]) {
            if key.matches("../").count() <= depth {
                continue;
            }
            out.push(
                Diagnostic::warning("include-outside", format!("this include reads a file outside the book's root: {key}"))
                    .at(&page.source, span.start + body..span.end + body)
                    .label("outside the repository?")
                    .help("keep included files inside the book's folder, so every clone of the repository can build it"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::book::{assemble, Sources};
    use std::path::PathBuf;

    #[test]
    fn only_files_above_the_root() {
        let files = [
            ("SUMMARY.md", "- [A](a/p.md)\n"),
            ("a/p.md", "# P\n\n{{#include ../../examples/x.rs}}\n{{#include ../../../elsewhere/y.rs:2}}\n{{#include ../n.rs}}\n"),
        ];
        let sources = Sources {
            root: PathBuf::from("/book"),
            src_dir: "src".into(),
            files: files.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect(),
            ..Sources::default()
        };
        let book = assemble(&sources).unwrap();
        let found = find(&book);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].position().unwrap(), "src/a/p.md:4:1");
        assert!(found[0].message.ends_with("../../elsewhere/y.rs"), "{}", found[0].message);
    }
}
