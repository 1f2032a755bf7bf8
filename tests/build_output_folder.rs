//! `cookbook build` never replaces a folder it did not write: not the book's sources, its
//! root, its templates, nor a non-empty folder without the marker of an earlier build.

mod support;

use support::{snapshot, TestBook};

const MARKER: &str = ".cookbook-build";

#[test]
fn out_content_is_refused_and_the_sources_survive() {
    let book = TestBook::new("site");
    let before = snapshot(&book.path("content"));
    book.run(["build", "--out", "content"])
        .fails_with(2)
        .stderr_has("error[output-folder]: refusing to write the site into `content`")
        .stderr_has("it holds the book's sources")
        .stderr_has("help:");
    assert_eq!(snapshot(&book.path("content")), before, "the sources are unchanged");
    assert!(!book.path("content").join(MARKER).exists());
}

#[test]
fn build_dir_equal_to_the_source_folder_is_refused() {
    let book = TestBook::new("site");
    let toml = book.read("book.toml") + "\n[build]\nbuild-dir = \"content\"\n";
    book.write("book.toml", toml);
    let before = snapshot(&book.path("content"));
    book.run(["build"]).fails_with(2).stderr_has("refusing to write the site into").stderr_has("book's sources");
    assert_eq!(snapshot(&book.path("content")), before);
}

#[test]
fn a_link_to_the_sources_is_refused_too() {
    let book = TestBook::new("site");
    std::os::unix::fs::symlink(book.path("content"), book.path("site-link")).unwrap();
    let before = snapshot(&book.path("content"));
    book.run(["build", "--out", "site-link"]).fails_with(2).stderr_has("book's sources");
    assert_eq!(snapshot(&book.path("content")), before);
}

#[test]
fn the_root_its_parent_and_the_templates_are_refused() {
    let book = TestBook::new("site");
    book.write("templates/page.html", "<!DOCTYPE html><title>{{ page_title }}</title>{{ content | safe }}\n");
    book.run(["build", "--out", "templates"]).fails_with(2).stderr_has("the book's templates");
    assert!(book.path("templates/page.html").exists());
    book.run(["build", "--out", "."]).fails_with(2).stderr_has("the book itself");
    book.run(["build", "--out", ".."]).fails_with(2).stderr_has("the book itself");
    // `--force` overrides only the "not written by cookbook" refusal, never these.
    book.run(["build", "--out", "content", "--force"]).fails_with(2).stderr_has("book's sources");
    assert!(book.path("book.toml").exists() && book.path("content/SUMMARY.md").exists());
}

#[test]
fn a_foreign_non_empty_folder_is_kept_unless_forced() {
    let book = TestBook::new("site");
    book.write("notes/todo.txt", "buy milk\n");
    book.run(["build", "--out", "notes"])
        .fails_with(2)
        .stderr_has("`notes` is not empty and was not written by `cookbook build`")
        .stderr_has("--force");
    assert_eq!(book.read("notes/todo.txt"), "buy milk\n");
    book.run(["build", "--out", "notes", "--force"]).success();
    assert!(book.path("notes/index.html").exists() && book.path("notes").join(MARKER).exists());
    assert!(!book.path("notes/todo.txt").exists(), "--force replaces the folder");
}

#[test]
fn an_empty_folder_or_an_earlier_site_is_replaced() {
    let book = TestBook::new("site");
    std::fs::create_dir(book.path("book")).unwrap();
    book.run(["build"]).success();
    assert!(book.path("book").join(MARKER).exists(), "every build leaves its marker");
    book.write("content/README.md", "# Home again\n");
    book.run(["build"]).success();
    assert!(book.read("book/index.html").contains("Home again"));
    assert!(book.path("book").join(MARKER).exists());
}
