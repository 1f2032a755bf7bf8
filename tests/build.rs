//! `cookbook build` end to end: fixture books in, a site out.

mod support;

use support::{snapshot, TestBook};

#[test]
fn renders_pages_nav_and_extras() {
    let book = TestBook::new("site");
    book.run(["build"]).success().stderr_has("Built 3 pages");
    let home = book.read("book/index.html");
    assert!(home.contains("<a aria-current=\"page\" href=\"index.html\">Home</a>"), "{home}");
    assert!(home.contains("href=\"recipes.html#run-it\""));
    assert!(home.contains("\u{201c}quotes\u{201d} \u{2013} and dashes") || home.contains("\u{201c}quotes\u{201d}"), "smart punctuation");
    assert!(home.contains("class=\"alert alert-note\""));
    let nested = book.read("book/sub/nested.html");
    assert!(nested.contains("href=\"../theme.css\""), "relative root");
    assert!(nested.contains("<a aria-current=\"page\" href=\"../sub/nested.html\"><span class=\"num\">1.1.</span> Nested</a>"), "{nested}");
    assert!(nested.contains("https://example.org/edit/content/sub/nested.md"));
    let recipes = book.read("book/recipes.html");
    assert!(recipes.contains("data-copy=\"docker run --rm \\\n  busybox echo hi\""), "console copy text");
    assert!(recipes.contains("class=\"ph\""), "placeholder marked");
    assert!(recipes.contains("<a rel=\"prev\"") || recipes.contains("rel=\"prev\""));
    assert!(book.read("book/sitemap.xml").contains("<loc>https://example.org/docs/sub/nested.html</loc>"));
    assert!(book.read("book/404.html").contains("<base href=\"https://example.org/docs/\">"));
    assert!(book.path("book/img/logo.svg").exists());
}

#[test]
fn an_mdbook_builds_with_a_warning() {
    let book = TestBook::new("mdbook-layout");
    let run = book.run(["build"]);
    run.success()
        .stderr_has("warning[config]: preprocessor `admonish` is not run")
        .stderr_has("book.toml:16:15")
        .stderr_has("`output.html.playground` has no effect");
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    let source = book.read("book/guide/source.html");
    assert!(source.contains("line two\nline three"), "{source}");
    let nav = book.read("book/config.html");
    assert!(nav.contains("<li class=\"part-title\">User guide</li>"));
    assert!(nav.contains("<span class=\"draft\"><span class=\"num\">3.</span> Not written yet</span>"), "{nav}");
    assert!(nav.contains("<span class=\"num\">1.1.</span> From source"));
}

#[test]
fn two_builds_are_byte_identical() {
    let book = TestBook::new("site");
    book.run(["build", "--out", "one"]).success();
    book.run(["build", "--out", "two"]).success();
    let (a, b) = (snapshot(&book.path("one")), snapshot(&book.path("two")));
    assert!(a.len() > 5);
    assert_eq!(a, b);
}

#[test]
fn a_failed_build_keeps_the_previous_site() {
    let book = TestBook::new("site");
    book.run(["build"]).success();
    let before = snapshot(&book.path("book"));
    book.write("content/recipes.md", "+++\ntitle = \n+++\n# Broken\n");
    book.run(["build"]).fails_with(1).stderr_has("content/recipes.md:2:").stderr_has("was left as it was");
    assert_eq!(snapshot(&book.path("book")), before);
    let leftovers: Vec<_> = std::fs::read_dir(book.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn all_problems_are_reported_together_with_lines() {
    let book = TestBook::new("site");
    // Broken links and missing chapters are errors only with strict links (mdbook_compat.rs).
    let toml = book.read("book.toml") + "\n[site]\nstrict-links = true\n";
    book.write("book.toml", toml);
    book.write(
        "content/SUMMARY.md",
        "[Home](README.md)\n\n- [Recipes](recipes.md)\n  - [Nested](sub/nested.md)\n- [Gone](gone.md)\n- [Bytes](bytes.md)\n",
    );
    book.write("content/README.md", "# Home\n\nA [broken](nope.md) link and a [bad anchor](recipes.md#nope).\n\n![x](missing.png)\n");
    book.write("content/sub/nested.md", "---\ntitle: [unclosed\n---\n");
    book.write("content/bytes.md", b"# Bytes\n\xff\xfe\n".as_slice());
    let run = book.run(["build"]);
    run.fails_with(1)
        .stderr_has("content/SUMMARY.md:5:10")
        .stderr_has("`gone.md` does not exist")
        .stderr_has("content/README.md:3:3")
        .stderr_has("broken link: `nope.md` does not exist")
        .stderr_has("anchor `#nope` does not exist in recipes.html")
        .stderr_has("broken image: `missing.png` does not exist")
        .stderr_has("content/sub/nested.md:2:")
        .stderr_has("content/bytes.md:2:1")
        .stderr_has("is not valid UTF-8")
        .stderr_has("help:");
    assert!(!book.path("book").exists());
}

#[test]
fn bad_config_is_a_usage_error() {
    let book = TestBook::new("site");
    book.write("book.toml", "[book]\ntitle = \"x\"\n[verify]\njobs = \"many\"\n");
    book.run(["build"]).fails_with(2).stderr_has("book.toml:4:8").stderr_has("invalid book.toml");
}

#[test]
fn a_books_templates_override_the_theme() {
    let book = TestBook::new("site");
    book.write("templates/page.html", "<!DOCTYPE html><title>{{ page_title }}</title><body class=custom>{{ content | safe }}</body>\n");
    book.run(["build"]).success();
    assert!(book.read("book/recipes.html").starts_with("<!DOCTYPE html><title>Recipes</title><body class=custom>"));
    book.write("templates/page.html", "{% if %}\n");
    book.run(["build"]).fails_with(1).stderr_has("templates/page.html:1:");
}

#[test]
fn init_makes_a_book_that_builds() {
    let book = TestBook::empty();
    book.run(["init", "mybook", "--title", "My recipes"]).success();
    book.run(["build", "--root", "mybook"]).success();
    assert!(book.read("mybook/book/first-recipe.html").contains("My recipes"));
    book.run(["init", "mybook"]).fails_with(2).stderr_has("already has book.toml");
}

#[test]
fn directory_tree_without_summary() {
    let book = TestBook::empty();
    book.write("content/zeta.md", "+++\nweight = -1\n+++\n# Zeta first\n");
    book.write("content/alpha.md", "# Alpha\n");
    book.run(["build"]).success();
    let html = book.read("book/index.html");
    let z = html.find("Zeta first</a>").unwrap();
    let a = html.find("Alpha</a>").unwrap();
    assert!(z < a, "weight orders before name");
}

#[test]
fn large_books_share_one_navigation_file() {
    let book = TestBook::new("site");
    let toml = book.read("book.toml") + "\n[site]\ninline-nav-limit = 2\n";
    book.write("book.toml", toml);
    book.run(["build"]).success();
    let nested = book.read("book/sub/nested.html");
    assert!(nested.contains("<script src=\"../toc.js\"></script>"), "{nested}");
    assert!(nested.contains("<iframe class=\"toc-frame\" src=\"../toc.html\" title=\"Chapters\">"));
    assert!(!nested.contains("<ol class=\"chapters\">"), "no inline sidebar");
    let js = book.read("book/toc.js");
    assert!(js.contains("sub/nested.html") && js.contains("aria-current"));
    assert!(book.read("book/toc.html").contains("<base target=\"_parent\">"));
}

#[test]
fn additional_css_and_js_are_copied_or_reported() {
    let book = TestBook::new("site");
    let toml = book
        .read("book.toml")
        .replace("[output.html]", "[output.html]\nadditional-css = [\"theme/extra.css\"]\nadditional-js = [\"extra.js\"]");
    book.write("book.toml", &toml);
    book.write("theme/extra.css", "body { color: red }");
    book.write("extra.js", "console.log(1)");
    book.run(["build"]).success();
    assert_eq!(book.read("book/theme/extra.css"), "body { color: red }");
    assert!(book.read("book/sub/nested.html").contains("href=\"../theme/extra.css\""));
    std::fs::remove_file(book.path("extra.js")).unwrap();
    book.run(["build"]).fails_with(2).stderr_has("cannot add `extra.js` to the site").stderr_has("book.toml:7:");
}
