//! Search in a real browser: the built site opened over HTTP and from `file://`, `/` focuses
//! the box, a query shows results, Enter lands on the matching section. Screenshots of the
//! results panel in light and dark mode are written to target/screenshots/.

mod support;

use std::path::Path;

use fantoccini::Locator;
use support::browser::Browser;
use support::static_server::StaticServer;
use support::TestBook;

fn search(browser: &Browser, start: &str, query: &str) -> serde_json::Value {
    browser.goto(start);
    browser.wait_for("return !document.querySelector('form.search').hidden", "the search box to appear");
    let body = browser.rt.block_on(browser.client.find(Locator::Css("body"))).unwrap();
    browser.rt.block_on(body.send_keys("/")).unwrap();
    let focused = browser.execute("return document.activeElement && document.activeElement.id", vec![]);
    assert_eq!(focused, "search-input", "`/` focuses the search box");
    let input = browser.rt.block_on(browser.client.find(Locator::Id("search-input"))).unwrap();
    browser.rt.block_on(input.send_keys(query)).unwrap();
    browser.wait_for("return document.querySelectorAll('#search-results .search-result').length", &format!("results for {query:?}"));
    browser.execute("return [...document.querySelectorAll('#search-results .search-result')].map(r => r.innerText)", vec![])
}

fn press_enter(browser: &Browser) {
    let input = browser.rt.block_on(browser.client.find(Locator::Id("search-input"))).unwrap();
    browser.rt.block_on(input.send_keys("\u{E007}")).unwrap();
}

#[test]
fn search_works_over_http_and_from_file_urls() {
    let book = TestBook::new("search-site");
    book.run(["build"]).success();
    let site = book.path("book");
    let server = StaticServer::start(&site);
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for dark in [false, true] {
        let Some(browser) = Browser::start(dark) else { return };
        let mut bases = vec![format!("file://{}/", site.display())];
        if let Some(s) = &server {
            bases.push(format!("http://127.0.0.1:{}/", s.1));
        }
        for base in &bases {
            let results = search(&browser, &format!("{base}run.html"), "shm size");
            let first = results[0].as_str().unwrap();
            assert!(first.contains("Shared memory"), "{base}: first result {first:?} of {results:?}");
            let shot = shots.join(format!("search-{}.png", if dark { "dark" } else { "light" }));
            browser.screenshot(&shot);
            press_enter(&browser);
            let landed =
                browser.wait_for("return location.pathname.endsWith('/resources.html') && location.hash", "Enter to open the first result");
            assert_eq!(landed, "#shared-memory", "{base}");
            // Commands are findable as written, and content is text, not markup.
            let r = search(&browser, &format!("{base}index.html"), "restart unless-stopped");
            assert!(r[0].as_str().unwrap().contains("Restart policies"), "{r:?}");
            let r = search(&browser, &format!("{base}index.html"), "nvidia-smi");
            assert!(r[0].as_str().unwrap().contains("Checking the driver"), "{r:?}");
            let r = search(&browser, &format!("{base}index.html"), "alert");
            assert!(
                r.as_array().unwrap().iter().any(|x| x.as_str().unwrap().contains("<script>alert(1)</script>")),
                "shown as text: {r:?}"
            );
            let r = search(&browser, &format!("{base}index.html"), "onerror");
            assert!(r[0].as_str().unwrap().contains("<img src=x onerror=alert(2)>"), "heading shown as text: {r:?}");
            let markup = browser.execute("return document.querySelectorAll('#search-results script, #search-results img').length", vec![]);
            assert_eq!(markup, 0);
        }
    }
}

#[test]
fn the_search_box_is_hidden_without_javascript() {
    let book = TestBook::new("search-site");
    book.run(["build"]).success();
    let html = book.read("book/index.html");
    assert!(html.contains("<form class=\"search\" role=\"search\" hidden"), "{html}");
}
