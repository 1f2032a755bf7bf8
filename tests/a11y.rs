//! Accessibility of the default theme: axe-core (as bundled by PyPI's axe-selenium-python)
//! run in headless Chromium on every page of a fixture book and of the bundled cookbook,
//! in light and dark mode, and with the phone's chapter drawer and the search results open.
//! Any violation fails, whatever its impact.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::browser::Browser;
use support::TestBook;

/// axe.min.js from the axe-selenium-python package (`pip install axe-selenium-python`).
fn axe_source() -> Option<String> {
    if let Ok(p) = std::env::var("COOKBOOK_AXE_JS") {
        return std::fs::read_to_string(p).ok();
    }
    let out = Command::new("python3")
        .args(["-c", "import axe_selenium_python, os; print(os.path.dirname(axe_selenium_python.__file__))"])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    std::fs::read_to_string(dir.join("node_modules/axe-core/axe.min.js")).ok()
}

fn pages(site: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

fn violations(browser: &Browser, axe: &str, page: &Path) -> Vec<String> {
    browser.goto(&format!("file://{}", page.display()));
    run_axe(browser, axe)
}

/// The page at phone size with the chapter drawer open, then with search results shown.
fn violations_while_open(browser: &Browser, axe: &str, page: &Path) -> Vec<String> {
    browser.rt.block_on(browser.client.set_window_size(390, 844)).unwrap();
    browser.goto(&format!("file://{}", page.display()));
    browser.execute("document.querySelector('button.menu').click()", vec![]);
    browser.wait_for("return document.getElementById('sidebar').classList.contains('open')", "the drawer to open");
    let mut found: Vec<String> = run_axe(browser, axe).into_iter().map(|v| format!("menu open: {v}")).collect();
    browser.execute("document.querySelector('button.menu').click()", vec![]);
    browser.wait_for("return !document.querySelector('form.search').hidden", "the search box");
    browser.execute(
        "const i = document.getElementById('search-input'); i.focus(); i.value = 'docker'; i.dispatchEvent(new Event('input'))",
        vec![],
    );
    browser.wait_for("return document.querySelectorAll('#search-results .search-result').length", "search results");
    found.extend(run_axe(browser, axe).into_iter().map(|v| format!("search open: {v}")));
    browser.rt.block_on(browser.client.set_window_size(1280, 900)).unwrap();
    found
}

fn run_axe(browser: &Browser, axe: &str) -> Vec<String> {
    browser.execute(axe, vec![]);
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ["violations"] }).then(r => done(r.violations.map(v =>
            v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))));
    "#;
    let v = browser.execute_async(script, vec![]);
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap_or_default().to_string()).collect()
}

fn check_sites(sites: &[PathBuf]) {
    let Some(axe) = axe_source() else {
        if std::env::var("COOKBOOK_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("COOKBOOK_REQUIRE_BROWSER=1 but axe-selenium-python is not installed");
        }
        eprintln!("skipping: axe-selenium-python is not installed (pip install axe-selenium-python)");
        return;
    };
    for dark in [false, true] {
        let Some(browser) = Browser::start(dark) else { return };
        // The harness itself must see a violation where there is one.
        let probe = tempfile::tempdir().unwrap();
        let bad = probe.path().join("bad.html");
        std::fs::write(&bad, "<!DOCTYPE html><html lang=en><title>x</title><main><img src=x.png></main></html>").unwrap();
        let seen = violations(&browser, &axe, &bad);
        assert!(seen.iter().any(|v| v.starts_with("image-alt")), "axe did not run: {seen:?}");
        let mut found = Vec::new();
        let mut checked = 0;
        for site in sites {
            for page in pages(site) {
                checked += 1;
                for v in violations(&browser, &axe, &page) {
                    found.push(format!("{} [{}]: {v}", page.display(), if dark { "dark" } else { "light" }));
                }
            }
        }
        assert!(checked > 0);
        for site in sites.iter().filter(|s| s.join("search").exists()) {
            for v in violations_while_open(&browser, &axe, &site.join("index.html")) {
                found.push(format!("{} [{}]: {v}", site.display(), if dark { "dark" } else { "light" }));
            }
        }
        assert!(found.is_empty(), "axe found violations:\n{}", found.join("\n"));
    }
}

#[test]
fn no_axe_violations_in_light_or_dark() {
    let book = TestBook::new("site");
    book.run(["build"]).success();
    // Verify badges, "last verified" lines and the verification dashboard.
    let proof = TestBook::new("proof/badges");
    proof.run(["build"]).success();
    let mut sites = vec![book.path("book"), proof.path("book")];
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = TestBook::empty();
    if repo.join("content/SUMMARY.md").exists() {
        let out = bundled.path("site");
        let run = Command::new(env!("CARGO_BIN_EXE_cookbook")).args(["build", "--root"]).arg(repo).arg("--out").arg(&out).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        sites.push(out);
    }
    check_sites(&sites);
}
