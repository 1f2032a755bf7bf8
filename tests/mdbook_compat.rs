//! Existing mdBooks build unchanged: one fixture book per kind of mdBook that failed to
//! build before (`tests/fixtures/mdbook/<case>/`, written for these tests), each built by
//! the binary; and the page set of each compared with the one `mdbook build` writes
//! (recorded in the fixture's `mdbook-pages.txt`, regenerated when `mdbook` is installed).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use cookbook::build::BuildSession;
use support::TestBook;

fn book(case: &str) -> TestBook {
    TestBook::new(&format!("mdbook/{case}"))
}

/// HTML without the highlighter's `<span>`s, so code reads as written.
fn unspanned(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<span").or_else(|| rest.find("</span>")) {
        let at = [rest.find("<span"), rest.find("</span>")].into_iter().flatten().min().unwrap_or(at);
        out.push_str(&rest[..at]);
        rest = rest[at..].split_once('>').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

/// Builds the book; it must succeed without a single error line.
fn build_ok(book: &TestBook) -> String {
    let run = book.run(["build"]);
    run.success();
    assert!(!run.stderr.contains("error[") && !run.stderr.contains("error:"), "{}", run.stderr);
    run.stderr.clone()
}

#[test]
fn includes_from_outside_the_source_folder() {
    let book = book("outside-includes");
    build_ok(&book);
    let page = unspanned(&book.read("book/examples.html"));
    assert!(page.contains("fn greet(name: &amp;str)"), "the anchored part: {page}");
    assert!(!page.contains("ANCHOR"), "anchor lines are dropped: {page}");
    assert!(!page.contains("println!"), "only the anchored part: {page}");
    assert!(page.contains("use std::env;"), "`::3` takes the first three lines: {page}");
    assert!(!page.contains("arguments") && !page.contains("collect"), "lines 4 on are past `::3`: {page}");
    assert!(!page.contains("{{#include"), "{page}");
    // The included files are not published: they are not in the source folder.
    assert!(!book.path("book/examples/hello/src/main.rs").exists());
    // A missing file outside the folder names the path as written.
    book.write("src/examples.md", "# Examples\n\n{{#include ../examples/gone.rs}}\n");
    book.run(["build"]).success().stderr_has("`../examples/gone.rs`").stderr_has("src/examples.md:3:1");
}

#[test]
fn links_that_leave_the_book_are_left_as_written() {
    let book = book("outside-links");
    build_ok(&book);
    let page = book.read("book/layout.html");
    assert!(page.contains("href=\"../reference/type-layout.html\""), "{page}");
    assert!(
        page.contains("href=\"../book/ch19-03-advanced-traits.html#default-generic-type-parameters-and-operator-overloading\""),
        "{page}"
    );
    // Like mdBook, a link to another book's `.md` source points at its page.
    assert!(page.contains("href=\"../../nomicon/repr-rust.html\""), "{page}");
}

#[test]
fn text_that_is_not_a_directive_stays_literal() {
    let book = book("literal-directives");
    build_ok(&book);
    let page = book.read("book/includes.html");
    assert!(page.contains("<code>{{#include}}</code>"), "{page}");
    assert!(page.contains("an empty {{#include}} does nothing"), "{page}");
    assert!(page.contains("{{#template footer.md}}"), "{page}");
    assert!(page.contains(": {{#include listing.rs}}."), "escaped stays literal, without its backslash: {page}");
}

#[test]
fn summary_items_with_text_after_the_link() {
    let book = book("summary-text");
    build_ok(&book);
    let nav = book.read("book/part/start.html");
    assert!(nav.contains("<span class=\"num\">1.</span> Getting started</a>"), "{nav}");
    assert!(nav.contains("<span class=\"num\">1.1.</span> Parentheses</a>"), "{nav}");
    assert!(nav.contains("<span class=\"num\">1.2.</span> Emphasis and code</a>"), "{nav}");
    assert!(nav.contains("<span class=\"num\">2.</span> Reference</a>"), "{nav}");
    assert!(!nav.contains("read this first"), "{nav}");
    assert!(book.path("book/part/paren_(note).html").exists());
}

#[test]
fn broken_links_are_warnings_unless_the_book_asks_for_strict_links() {
    let book = book("broken-links");
    let stderr = build_ok(&book);
    for (at, what) in [
        ("src/start.md:3:", "anchor `#installing-the-tools` does not exist in setup.html"),
        ("src/start.md:4:", "`notes.md`, a page that is not in the book"),
        ("src/start.md:4:", "broken link: `faq.md` does not exist"),
        ("src/start.md:5:", "anchor `#the-top` does not exist"),
    ] {
        assert!(stderr.contains(at) && stderr.contains(what), "warning {what:?} at {at}:\n{stderr}");
    }
    assert!(stderr.contains("warning[link]"), "{stderr}");
    assert!(book.path("book/start.html").exists());
    // `check` still lists every one, with file:line, and fails.
    let check = book.run(["check"]);
    check.fails_with(1).stderr_has("src/start.md:3:").stderr_has("src/start.md:4:").stderr_has("src/start.md:5:");
    // Strict links: the same problems fail the build.
    let toml = book.read("book.toml");
    book.write("book.toml", format!("{toml}\n[site]\nstrict-links = true\n"));
    book.run(["build"])
        .fails_with(1)
        .stderr_has("error[link]: anchor `#installing-the-tools` does not exist")
        .stderr_has("src/start.md:3:");
}

#[test]
fn redirect_pages_for_moved_chapters() {
    let book = book("redirects");
    build_ok(&book);
    let page = book.read("book/getting-started.html");
    assert!(page.contains("<meta http-equiv=\"refresh\" content=\"0; url=guide/start.html\">"), "{page}");
    assert!(page.contains("<link rel=\"canonical\" href=\"guide/start.html\">"), "{page}");
    let deep = book.read("book/old/deep/install.html");
    assert!(deep.contains("url=../../guide/install.html#from-source\""), "fragment kept: {deep}");
    assert!(book.read("book/faq.html").contains("url=https://example.org/faq/\""));
    // Out of the sitemap and the search index.
    let sitemap = book.read("book/sitemap.xml");
    assert!(sitemap.contains("guide/start.html") && !sitemap.contains("getting-started"), "{sitemap}");
    let index: String = std::fs::read_dir(book.path("book"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("search"))
        .filter(|p| p.is_file())
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect();
    assert!(!index.contains("getting-started") && !index.contains("old/deep"));
}

#[test]
fn index_html_when_the_first_chapter_is_in_a_folder() {
    let book = book("index-subfolder");
    build_ok(&book);
    let index = book.read("book/index.html");
    assert!(index.contains("<h1 id=\"introduction\">"), "{index}");
    // Links and images work from the site root.
    assert!(index.contains("src=\"intro/logo.svg\""), "{index}");
    assert!(index.contains("href=\"usage/basics.html#first-steps\""), "{index}");
    assert!(index.contains("href=\"theme.css\""), "{index}");
    assert!(book.path("book/intro/index.html").exists());
}

#[test]
fn rustdoc_include_playground_title_print_and_themes() {
    let book = book("directives");
    let stderr = build_ok(&book);
    assert!(stderr.contains("preprocessor `generated` is not run"), "{stderr}");
    assert!(stderr.contains("`generated.md` does not exist"), "missing chapter is a warning: {stderr}");
    assert!(stderr.contains("theme/index.hbs"), "Handlebars theme is named in a warning: {stderr}");
    let code = unspanned(&book.read("book/code.html"));
    assert!(code.contains("<title>Code listings, in full"), "{code}");
    assert!(!code.contains("{{#title"), "{code}");
    assert!(code.contains("fn area(s: &amp;Square)"), "{code}");
    assert!(!code.contains("struct Square"), "lines outside the anchor are hidden: {code}");
    assert!(code.contains("println!(&quot;hello&quot;)"), "playground file included: {code}");
    assert!(code.contains("{{#generated-table rows}}"), "{code}");
    assert!(code.contains("data-theme=\"dark\""), "navy and ayu are dark themes: {code}");
    assert!(book.read("book/generated.html").contains("Generated by a preprocessor"));
    let print = unspanned(&book.read("book/print.html"));
    assert!(print.contains("fn area") && print.contains("Generated by a preprocessor"), "{print}");
}

#[test]
fn serve_rebuilds_when_an_included_file_outside_the_source_folder_changes() {
    let book = book("outside-includes");
    let root = book.dir.path().canonicalize().unwrap();
    let mut session = BuildSession::new(&root).keep_caches(true);
    session.rebuild(&[]).unwrap();
    let included = root.join("examples/hello/src/main.rs");
    assert!(session.watch_paths().contains(&included), "{:?}", session.watch_paths());
    std::fs::write(&included, "// ANCHOR: greet\nfn greet_again() {}\n// ANCHOR_END: greet\n").unwrap();
    let out = session.rebuild(std::slice::from_ref(&included)).unwrap();
    let page = out.iter().find(|o| o.path.to_str() == Some("examples.html")).unwrap();
    assert!(String::from_utf8_lossy(&page.bytes).contains("greet_again"));
}

#[test]
fn serve_reuses_print_html_until_a_page_changes() {
    let book = book("directives");
    let root = book.dir.path().canonicalize().unwrap();
    let mut session = BuildSession::new(&root).keep_caches(true);
    let print = |out: &[cookbook::core::output::Output]| out.iter().find(|o| o.path.to_str() == Some("print.html")).unwrap().bytes.clone();
    let first = print(&session.rebuild(&[]).unwrap());
    let page = root.join("src/code.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, &text).unwrap();
    let same = print(&session.rebuild(std::slice::from_ref(&page)).unwrap());
    assert!(std::sync::Arc::ptr_eq(&first, &same), "nothing changed: print.html is reused");
    std::fs::write(&page, text.replace("A runnable example", "A freshly edited example")).unwrap();
    let edited = print(&session.rebuild(std::slice::from_ref(&page)).unwrap());
    assert!(String::from_utf8_lossy(&edited).contains("A freshly edited example"));
}

#[test]
fn our_own_books_keep_broken_links_as_errors() {
    // The bundled cookbook …
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = TestBook::empty();
    std::fs::copy(repo.join("book.toml"), book.path("book.toml")).unwrap();
    support::copy_dir(&repo.join("content"), &book.path("content"));
    let readme = book.read("content/README.md");
    book.write("content/README.md", readme + "\nSee [the old page](gone.md) and [a lost part](install.md#no-such-part).\n");
    book.run(["build"])
        .fails_with(1)
        .stderr_has("error[link]: broken link: `gone.md` does not exist")
        .stderr_has("error[link]: anchor `#no-such-part` does not exist in install.html");
    // … and a book made by `cookbook init`.
    let new = TestBook::empty();
    new.run(["init", "mine"]).success();
    new.write("mine/content/README.md", "# Mine\n\nSee [the old page](gone.md).\n");
    new.run(["build", "--root", "mine"]).fails_with(1).stderr_has("error[link]: broken link: `gone.md` does not exist");
}

// ---- conformance with `mdbook build` ----

/// Pages mdBook writes that are not part of the comparison: its sidebar frame (cookbook
/// writes the sidebar into each page) and cookbook's own extras.
const NOT_COMPARED: &[&str] = &["toc.html", "verification.html"];

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mdbook");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    cases
}

/// Every `.html` file under `dir`, `/`-separated, minus [`NOT_COMPARED`].
fn html_pages(dir: &Path) -> BTreeSet<String> {
    walk_html(dir).into_iter().filter(|p| !NOT_COMPARED.contains(&p.as_str())).collect()
}

fn walk_html(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in walkdir_sorted(dir) {
        let rel = e.strip_prefix(dir).unwrap();
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        if rel.ends_with(".html") {
            out.insert(rel);
        }
    }
    out
}

fn walkdir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn recorded(case: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(case.join("mdbook-pages.txt")).expect("every fixture records mdBook's pages");
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !NOT_COMPARED.contains(l)).map(String::from).collect()
}

#[test]
fn every_fixture_has_mdbooks_page_set() {
    let cases = fixtures();
    assert!(cases.len() >= 8, "one fixture per class: {cases:?}");
    let mut differ = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let book = book(&name);
        let run = book.run(["build"]);
        run.success();
        let ours = html_pages(&book.path("book"));
        let theirs = recorded(case);
        if ours != theirs {
            differ.push(format!(
                "{name}: only cookbook: {:?}; only mdBook: {:?}",
                ours.difference(&theirs).collect::<Vec<_>>(),
                theirs.difference(&ours).collect::<Vec<_>>()
            ));
        }
    }
    assert!(differ.is_empty(), "page sets differ from mdBook's:\n{}", differ.join("\n"));
}

/// The `mdbook` binary: `$MDBOOK`, else on PATH, else `~/.cargo/bin/mdbook`.
fn mdbook() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MDBOOK") {
        return Some(PathBuf::from(p));
    }
    let on_path =
        std::env::var_os("PATH").into_iter().flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).map(|d| d.join("mdbook"));
    let cargo = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/mdbook"));
    on_path.chain(cargo).find(|p| p.is_file())
}

/// Runs the real `mdbook build` on each fixture and compares its pages with the recorded
/// list; `COOKBOOK_RECORD_MDBOOK=1` rewrites the lists instead.
#[test]
fn recorded_page_lists_match_real_mdbook() {
    let Some(mdbook) = mdbook() else {
        assert!(
            std::env::var("COOKBOOK_REQUIRE_MDBOOK").as_deref() != Ok("1"),
            "COOKBOOK_REQUIRE_MDBOOK=1 but `mdbook` is not installed (cargo install mdbook --locked --version 0.5.4)"
        );
        eprintln!("skipping: `mdbook` is not installed (cargo install mdbook --locked); the recorded page lists are checked instead");
        return;
    };
    let record = std::env::var_os("COOKBOOK_RECORD_MDBOOK").is_some();
    let mut differ = Vec::new();
    for case in fixtures() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let book = book(&name);
        let out = Command::new(&mdbook).arg("build").current_dir(book.dir.path()).output().expect("run mdbook");
        assert!(out.status.success(), "mdbook build {name} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let all = walk_html(&book.path("book"));
        if record {
            let text: String = all.iter().map(|p| format!("{p}\n")).collect();
            std::fs::write(case.join("mdbook-pages.txt"), text).unwrap();
            continue;
        }
        let theirs: BTreeSet<String> = all.into_iter().filter(|p| !NOT_COMPARED.contains(&p.as_str())).collect();
        if theirs != recorded(&case) {
            differ.push(format!("{name}: mdbook writes {theirs:?}"));
        }
    }
    assert!(differ.is_empty(), "recorded lists are out of date (rerun with COOKBOOK_RECORD_MDBOOK=1):\n{}", differ.join("\n"));
}
