//! The build session behind `serve`: rebuilds read only the changed files, reuse the pages
//! that did not change (the very same bytes), and can leave the search index for later.

mod support;

use std::sync::Arc;

use cookbook::build::BuildSession;
use cookbook::core::output::Output;
use support::TestBook;

fn page<'a>(outputs: &'a [Output], path: &str) -> &'a Output {
    outputs.iter().find(|o| o.path.to_str() == Some(path)).unwrap_or_else(|| panic!("no {path}"))
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.bytes).into_owned()
}

#[test]
fn a_one_page_edit_re_renders_that_page_only() {
    let book = TestBook::new("site");
    let root = book.dir.path().canonicalize().unwrap();
    let mut session = BuildSession::new(&root).keep_caches(true);
    let first = session.rebuild(&[]).unwrap();
    let edited = root.join("content/recipes.md");
    std::fs::write(&edited, "+++\ntitle = \"Recipes\"\n+++\n# Recipes\n\n## Run it\n\nNow with new words.\n").unwrap();
    let second = session.rebuild(std::slice::from_ref(&edited)).unwrap();
    assert!(text(page(&second, "recipes.html")).contains("Now with new words."));
    let (a, b) = (page(&first, "sub/nested.html"), page(&second, "sub/nested.html"));
    assert!(Arc::ptr_eq(&a.bytes, &b.bytes), "an unchanged page is reused, not rendered again");
    // A title change reaches every page's navigation.
    std::fs::write(&edited, "+++\ntitle = \"Cooking\"\n+++\n# Recipes\n\n## Run it\n").unwrap();
    let third = session.rebuild(&[edited]).unwrap();
    assert!(!Arc::ptr_eq(&page(&second, "sub/nested.html").bytes, &page(&third, "sub/nested.html").bytes));
    assert!(text(page(&third, "sub/nested.html")).contains("Cooking"));
}

#[test]
fn deleted_and_new_files_and_config_changes_are_seen() {
    let book = TestBook::new("site");
    let root = book.dir.path().canonicalize().unwrap();
    let mut session = BuildSession::new(&root).keep_caches(true);
    session.rebuild(&[]).unwrap();
    let img = root.join("content/img/logo.svg");
    std::fs::remove_file(&img).unwrap();
    // A broken image is a warning without `[site] strict-links` (as in mdBook).
    session.rebuild(std::slice::from_ref(&img)).unwrap();
    let warnings = session.warnings();
    assert!(warnings.iter().any(|d| d.message.contains("broken image")), "{warnings:?}");
    std::fs::write(&img, "<svg/>").unwrap();
    session.rebuild(&[img]).unwrap();
    let toml = root.join("book.toml");
    std::fs::write(&toml, "[book]\ntitle = \"Renamed\"\nsrc = \"content\"\n").unwrap();
    let out = session.rebuild(&[toml]).unwrap();
    assert!(text(page(&out, "index.html")).contains("Renamed"));
}

#[test]
fn the_search_index_can_wait_until_the_pages_are_served() {
    let book = TestBook::new("site");
    let root = book.dir.path().canonicalize().unwrap();
    let mut session = BuildSession::new(&root).defer_search(true).keep_caches(true);
    let first = session.rebuild(&[]).unwrap();
    assert!(session.take_deferred().is_none(), "the first build has its index already");
    let index = |o: &[Output]| -> String { o.iter().filter(|o| o.path.starts_with("search")).map(text).collect() };
    assert!(!index(&first).contains("zanzibar"));
    let edited = root.join("content/recipes.md");
    std::fs::write(&edited, "# Recipes\n\n## Run it\n\nzanzibar\n").unwrap();
    let second = session.rebuild(&[edited]).unwrap();
    assert_eq!(index(&first), index(&second), "the old index is served meanwhile");
    let job = session.take_deferred().expect("a deferred index");
    assert!(index(&job()).contains("zanzibar"));
}
