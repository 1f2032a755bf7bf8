//! The site on a phone (390×844) and a desktop (1280×900), light and dark, in headless
//! Chromium: nothing scrolls sideways, a linked heading lands below the sticky header, the
//! chapter drawer opens in view after scrolling, the search panel stays on screen, the
//! header is one line, keyboard shortcuts work, the 404 page is styled at any depth.
//! Screenshots land in target/screenshots/phone-*.png.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;
use support::browser::Browser;
use support::static_server::StaticServer;
use support::TestBook;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

/// The bundled cookbook and the badges fixture (a verify report: badges beside Copy, the
/// dashboard), built once per test.
struct Sites {
    _tmp: TestBook,
    bundled: PathBuf,
    badges: PathBuf,
    _badges_book: TestBook,
}

fn build_sites() -> Sites {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = TestBook::empty();
    let bundled = tmp.path("bundled");
    let run = Command::new(env!("CARGO_BIN_EXE_cookbook")).args(["build", "--root"]).arg(repo).arg("--out").arg(&bundled).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let badges_book = TestBook::new("proof/badges");
    badges_book.run(["build"]).success();
    Sites { bundled, badges: badges_book.path("book"), _tmp: tmp, _badges_book: badges_book }
}

fn pages(site: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html") && !e.path().to_string_lossy().contains("/search/"))
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

fn url(page: &Path) -> String {
    format!("file://{}", page.display())
}

/// Sizes the window so the page's viewport (innerWidth × innerHeight) is `w`×`h`.
fn resize(b: &Browser, (w, h): (u32, u32)) {
    let target = (w as i64, h as i64);
    let (mut ww, mut wh) = target;
    let mut seen = Vec::new();
    for _ in 0..10 {
        b.rt.block_on(b.client.set_window_size(ww as u32, wh as u32)).expect("set window size");
        let (iw, ih) = settled_viewport(b, target);
        seen.push(format!("window {ww}×{wh} → viewport {iw}×{ih}"));
        if (iw, ih) == target {
            return;
        }
        // The window's chrome is the difference; a reading that is still out of range
        // (0, under load) must not push the window out of range.
        (ww, wh) = ((ww + w as i64 - iw).clamp(w as i64, w as i64 + 400), (wh + h as i64 - ih).clamp(h as i64, h as i64 + 400));
    }
    panic!("could not size the viewport to {w}×{h}: {}", seen.join("; "));
}

/// The viewport once a resize has landed: the target, or the same reading for a quarter
/// of a second (under load Chromium reports the old size for a while after a resize, and
/// correcting the window by that stale reading overshoots).
fn settled_viewport(b: &Browser, target: (i64, i64)) -> (i64, i64) {
    let read = || {
        let inner = b.execute("return [innerWidth, innerHeight]", vec![]);
        (inner[0].as_i64().unwrap_or(0), inner[1].as_i64().unwrap_or(0))
    };
    let (mut last, mut same) = (read(), 0);
    for _ in 0..60 {
        if last == target || same >= 5 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        let now = read();
        same = if now == last { same + 1 } else { 0 };
        last = now;
    }
    last
}

/// Runs `check` in light and dark mode at each of `views`.
fn each_view(views: &[(u32, u32)], check: impl Fn(&Browser, (u32, u32), &str)) {
    for dark in [false, true] {
        let Some(b) = Browser::start(dark) else {
            return;
        };
        for &v in views {
            resize(&b, v);
            check(&b, v, if dark { "dark" } else { "light" });
        }
    }
}

fn shot(b: &Browser, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    b.screenshot(&dir.join(format!("phone-{name}.png")));
}

fn press(b: &Browser, css: &str, keys: &str) {
    let e = b.rt.block_on(b.client.find(Locator::Css(css))).unwrap_or_else(|e| panic!("find {css}: {e}"));
    b.rt.block_on(e.send_keys(keys)).unwrap();
}

fn click(b: &Browser, css: &str) {
    let e = b.rt.block_on(b.client.find(Locator::Css(css))).unwrap_or_else(|e| panic!("find {css}: {e}"));
    b.rt.block_on(e.click()).unwrap_or_else(|e| panic!("click {css}: {e}"));
}

#[test]
fn no_page_scrolls_sideways_and_wide_code_shows_a_cue() {
    let sites = build_sites();
    let all: Vec<PathBuf> = pages(&sites.bundled).into_iter().chain(pages(&sites.badges)).collect();
    each_view(&[PHONE, DESKTOP], |b, (w, h), theme| {
        let mut bad = Vec::new();
        for page in &all {
            b.goto(&url(page));
            let v = b.execute(
                "const wide = [...document.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 1);
                 const cue = (p) => p.tabIndex === 0 && getComputedStyle(p).backgroundImage.includes('gradient');
                 return [document.documentElement.scrollWidth, wide.length, wide.filter(p => !cue(p)).length];",
                vec![],
            );
            let (sw, no_cue) = (v[0].as_u64().unwrap(), v[2].as_u64().unwrap());
            if sw > w as u64 {
                bad.push(format!("{} scrolls sideways: {sw} px wide at {w}×{h} {theme}", page.display()));
            }
            if no_cue > 0 {
                bad.push(format!("{}: {no_cue} of {} wide code blocks scroll with no cue at {w}×{h} {theme}", page.display(), v[1]));
            }
        }
        if w == PHONE.0 {
            b.goto(&url(&sites.badges.join("shm.html")));
            shot(b, &format!("badges-{theme}"));
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    });
}

#[test]
fn a_heading_reached_by_a_link_lies_below_the_header() {
    let sites = build_sites();
    let page = sites.bundled.join("resources.html");
    each_view(&[PHONE, DESKTOP], |b, (w, _), theme| {
        b.goto(&url(&page));
        let ids = b.execute("return [...document.querySelectorAll('article h2[id], article h3[id]')].map(h => h.id)", vec![]);
        let ids: Vec<String> = ids.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert!(ids.len() >= 3, "{ids:?}");
        let covered = "const h = document.getElementById(arguments[0]).getBoundingClientRect();
                       const top = document.querySelector('header.top').getBoundingClientRect().bottom;
                       return h.top < top - 0.5 ? `top ${h.top} under the header's bottom ${top}` : null;";
        for id in &ids {
            // As a TOC link or a search result does: a same-page link...
            b.execute("location.hash = arguments[0]", vec![json!(id)]);
            let v = b.execute(covered, vec![json!(id)]);
            assert!(v.is_null(), "#{id} at {w} {theme} (link): {v}");
        }
        // ...and a deep link from elsewhere.
        b.goto(&format!("{}#{}", url(&page), ids[1]));
        let v = b.execute(covered, vec![json!(ids[1])]);
        assert!(v.is_null(), "#{} at {w} {theme} (deep link): {v}", ids[1]);
    });
}

/// Polls until the drawer is open and in view (`open`) or hidden; panics with what it is.
fn drawer(b: &Browser, open: bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let v = b.execute(DRAWER_IN_VIEW, vec![]);
        if (open && v.is_null()) || (!open && v == "hidden") {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: the drawer is {v}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

const DRAWER_IN_VIEW: &str = "const s = document.getElementById('sidebar'), r = s.getBoundingClientRect();
    if (getComputedStyle(s).display === 'none' || getComputedStyle(s).visibility === 'hidden') return 'hidden';
    if (r.top < -1 || r.top > innerHeight / 2 || r.height < 200 || r.left < -1 || r.right > innerWidth + 1) return `off screen: ${JSON.stringify(r)}`;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + 100);
    return s.contains(hit) ? null : `covered by ${hit && hit.outerHTML.slice(0, 80)}`;";

#[test]
fn the_phone_menu_is_a_drawer_in_view_after_scrolling() {
    let sites = build_sites();
    let page = sites.bundled.join("resources.html");
    each_view(&[PHONE], |b, _, theme| {
        b.goto(&url(&page));
        b.execute("scrollTo(0, document.body.scrollHeight)", vec![]);
        click(b, "button.menu");
        drawer(b, true, &format!("{theme}: after scrolling, ☰"));
        assert_eq!(b.execute("return document.querySelector('button.menu').getAttribute('aria-expanded')", vec![]), "true");
        let inside = b.execute("return document.getElementById('sidebar').contains(document.activeElement)", vec![]);
        assert_eq!(inside, true, "{theme}: focus moves into the open drawer");
        shot(b, &format!("menu-{theme}"));
        // Esc closes it and gives focus back to the button.
        press(b, "#sidebar a", "\u{E00C}");
        drawer(b, false, &format!("{theme}: Esc"));
        assert_eq!(b.execute("return document.activeElement.classList.contains('menu')", vec![]), true, "{theme}");
        // A tap outside closes it.
        click(b, "button.menu");
        drawer(b, true, &format!("{theme}: ☰ again"));
        b.execute("document.elementFromPoint(innerWidth - 10, innerHeight - 10).click()", vec![]);
        drawer(b, false, &format!("{theme}: an outside tap"));
        // Following a link closes it (the link is kept from navigating here).
        click(b, "button.menu");
        drawer(b, true, &format!("{theme}: ☰ once more"));
        b.execute(
            "const a = document.querySelector('#sidebar a'); a.addEventListener('click', e => e.preventDefault()); a.click()",
            vec![],
        );
        drawer(b, false, &format!("{theme}: a link click"));
    });
}

#[test]
fn the_header_is_one_line_on_a_phone_and_the_placeholder_fits() {
    let sites = build_sites();
    each_view(&[PHONE, DESKTOP], |b, (w, _), theme| {
        b.goto(&url(&sites.bundled.join("index.html")));
        let v = b.execute(
            "const hd = document.querySelector('header.top').getBoundingClientRect().height;
             const i = document.getElementById('search-input'), cs = getComputedStyle(i);
             const c = document.createElement('canvas').getContext('2d');
             c.font = `${cs.fontSize} ${cs.fontFamily}`;
             const room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
             return [hd, c.measureText(i.placeholder).width, room, i.placeholder];",
            vec![],
        );
        let (height, text, room) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap(), v[2].as_f64().unwrap());
        assert!(height <= 60.0, "{w} {theme}: the header is {height} px tall");
        assert!(text <= room, "{w} {theme}: the placeholder {} needs {text} px, has {room}", v[3]);
        if w == PHONE.0 {
            shot(b, &format!("header-{theme}"));
        }
    });
}

/// Types `query` into the search box and waits for results.
fn type_query(b: &Browser, query: &str) {
    b.wait_for("return !document.querySelector('form.search').hidden", "the search box");
    press(b, "#search-input", query);
    b.wait_for("return document.querySelectorAll('#search-results .search-result').length", "search results");
}

#[test]
fn the_search_panel_lies_within_the_viewport_and_esc_keeps_the_query() {
    let sites = build_sites();
    each_view(&[PHONE, DESKTOP], |b, (w, _), theme| {
        b.goto(&url(&sites.bundled.join("resources.html")));
        type_query(b, "docker");
        let r = b.execute(
            "const r = document.getElementById('search-results').getBoundingClientRect(); return [r.left, r.right, innerWidth]",
            vec![],
        );
        let (left, right) = (r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
        assert!(left >= 0.0 && right <= w as f64, "{w} {theme}: the panel spans {left}..{right}");
        if w == PHONE.0 {
            shot(b, &format!("search-{theme}"));
        }
        press(b, "#search-input", "\u{E00C}");
        let v =
            b.execute("return [document.getElementById('search-results').hidden, document.getElementById('search-input').value]", vec![]);
        assert_eq!(v, json!([true, "docker"]), "{w} {theme}: Esc closes the panel and keeps the query");
    });
}

#[test]
fn ctrl_k_and_s_focus_search_and_arrows_move_between_chapters() {
    let sites = build_sites();
    each_view(&[DESKTOP], |b, _, theme| {
        for keys in ["\u{E009}k", "s"] {
            b.goto(&url(&sites.bundled.join("resources.html")));
            press(b, "body", keys);
            let id = b.execute("return document.activeElement.id", vec![]);
            assert_eq!(id, "search-input", "{theme}: {keys:?} focuses search");
        }
        b.goto(&url(&sites.bundled.join("resources.html")));
        let next = b.execute("return document.querySelector('a[rel=next]').href", vec![]);
        press(b, "body", "\u{E014}");
        b.wait_for(&format!("return location.href === {next}"), "→ to open the next chapter");
        press(b, "body", "\u{E012}");
        b.wait_for("return location.pathname.endsWith('/resources.html')", "← to go back a chapter");
    });
}

#[test]
fn the_theme_toggle_can_go_back_to_following_the_system() {
    let sites = build_sites();
    each_view(&[DESKTOP], |b, _, theme| {
        b.goto(&url(&sites.bundled.join("index.html")));
        b.execute("localStorage.clear()", vec![]);
        b.goto(&url(&sites.bundled.join("index.html")));
        let state = "return [document.documentElement.dataset.theme || 'system', localStorage.getItem('cookbook-theme')]";
        assert_eq!(b.execute(state, vec![]), json!(["system", null]));
        let mut seen = Vec::new();
        for _ in 0..3 {
            click(b, ".theme-toggle");
            seen.push(b.execute(state, vec![])[0].as_str().unwrap().to_string());
        }
        assert_eq!(seen.last().unwrap(), "system", "{theme}: three clicks come back to the system: {seen:?}");
        assert_eq!(b.execute(state, vec![]), json!(["system", null]), "{theme}: nothing stored");
        let first = if theme == "dark" { "light" } else { "dark" };
        assert_eq!(seen[0], first, "{theme}: the first click shows the other theme: {seen:?}");
    });
}

#[test]
fn the_verification_chart_is_readable_on_a_phone() {
    let sites = build_sites();
    each_view(&[PHONE], |b, _, theme| {
        b.goto(&url(&sites.badges.join("verification.html")));
        let v = b.execute(
            "const labels = [...document.querySelectorAll('.proof-chart .label')];
             return [labels.length, Math.min(...labels.map(l => l.getBoundingClientRect().height))];",
            vec![],
        );
        assert!(v[0].as_u64().unwrap() > 0, "{v}");
        assert!(v[1].as_f64().unwrap() >= 12.0, "{theme}: chart labels are {} px tall", v[1]);
        // The per-page table scrolls sideways on a phone; its caption stays whole in view.
        let c = b.execute(
            "const cap = document.querySelector('.proof-pages caption'), table = cap.closest('table');
             table.scrollIntoView();
             const range = document.createRange();
             range.selectNodeContents(cap);
             const t = range.getBoundingClientRect(), box = table.getBoundingClientRect();
             return [cap.textContent, t.left, t.right, Math.max(0, box.left), Math.min(innerWidth, box.left + table.clientWidth), table.scrollWidth > table.clientWidth];",
            vec![],
        );
        assert_eq!(c[0], "Blocks per page and state");
        let (left, right, min, max) = (c[1].as_f64().unwrap(), c[2].as_f64().unwrap(), c[3].as_f64().unwrap(), c[4].as_f64().unwrap());
        assert!(
            left >= min - 0.5 && right <= max + 0.5,
            "{theme}: the caption spans {left}..{right} px, the visible table {min}..{max} px: {c}"
        );
        shot(b, &format!("pages-table-{theme}"));
        b.execute("document.querySelector('.proof-chart').scrollIntoView()", vec![]);
        shot(b, &format!("chart-{theme}"));
    });
}

#[test]
fn the_404_page_is_styled_at_a_nested_url_and_every_page_has_a_favicon() {
    let sites = build_sites();
    // What a web server does for a missing nested URL: the 404 page's bytes at that URL.
    let nested = sites.bundled.join("no/such/page.html");
    std::fs::create_dir_all(nested.parent().unwrap()).unwrap();
    std::fs::copy(sites.bundled.join("404.html"), &nested).unwrap();
    let Some(server) = StaticServer::start(&sites.bundled) else {
        let _ = support::browser::unavailable("python3 -m http.server did not start");
        return;
    };
    each_view(&[PHONE], |b, _, theme| {
        for path in ["no/such/page.html", "index.html", "resources.html"] {
            b.goto(&format!("http://127.0.0.1:{}/{path}", server.1));
            let v = b.execute_async(
                "const done = arguments[arguments.length - 1];
                 const icon = document.querySelector('link[rel=icon]');
                 const styled = getComputedStyle(document.querySelector('header.top')).position === 'sticky';
                 if (!icon) return done([styled, 'no <link rel=icon>']);
                 fetch(icon.href).then(r => done([styled, r.ok ? 'ok' : `${icon.href}: ${r.status}`]), e => done([styled, String(e)]));",
                vec![],
            );
            assert_eq!(v, json!([true, "ok"]), "{theme} /{path}: [styled, favicon]");
        }
    });
}

#[test]
fn pages_without_a_report_carry_no_badge_markers() {
    let book = TestBook::new("site");
    book.run(["build"]).success();
    for page in pages(&book.path("book")) {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(!html.contains("<!--badge:"), "{}: {}", page.display(), html.lines().find(|l| l.contains("<!--badge:")).unwrap());
    }
}

#[test]
fn elided_output_shows_a_quiet_marker_not_test_syntax() {
    let sites = build_sites();
    let mut markers = 0;
    for page in pages(&sites.bundled) {
        let html = std::fs::read_to_string(&page).unwrap();
        for pre in html.split("<pre").skip(1) {
            let code = pre.split("</pre>").next().unwrap();
            if !code.contains("language-output") && !code.contains("class=\"out\"") {
                continue;
            }
            markers += code.matches("class=\"elided\"").count();
            let shown: String = strip_tags(code);
            assert!(!shown.contains("[..]"), "{}: {shown}", page.display());
            assert!(!shown.lines().any(|l| l.trim() == "..."), "{}: {shown}", page.display());
        }
    }
    // Whatever the content says today: every elision in its sources shows as a marker.
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let in_sources: usize = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default().matches("[..]").count())
        .sum();
    assert!(in_sources == 0 || markers > 0, "{in_sources} `[..]` in content/, no marker shown");
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

#[test]
fn the_toc_marks_the_section_in_view() {
    let sites = build_sites();
    let page = sites.bundled.join("resources.html");
    each_view(&[DESKTOP, (1600, 900)], |b, (w, _), theme| {
        b.goto(&url(&page));
        let ids = b.execute("return [...document.querySelectorAll('.toc a')].map(a => a.hash.slice(1))", vec![]);
        let ids: Vec<String> = ids.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert!(ids.len() >= 3, "{ids:?}");
        for id in [&ids[1], &ids[ids.len() / 2]] {
            b.execute("document.getElementById(arguments[0]).scrollIntoView()", vec![json!(id)]);
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let marked = b.execute(
                    "const a = document.querySelectorAll('.toc a[aria-current]'); return a.length === 1 ? a[0].hash.slice(1) : a.length",
                    vec![],
                );
                if marked == json!(id) {
                    break;
                }
                assert!(Instant::now() < deadline, "{w} {theme}: #{id} in view, the TOC marks {marked}");
                std::thread::sleep(Duration::from_millis(25));
            }
        }
    });
}

#[test]
fn copy_sits_inside_command_blocks_and_is_announced() {
    let sites = build_sites();
    each_view(&[PHONE, DESKTOP], |b, (w, _), theme| {
        b.goto(&url(&sites.bundled.join("resources.html")));
        let v = b.execute(
            "const blocks = [...document.querySelectorAll('.code')];
             const bad = blocks.filter(c => {
               const buttons = c.querySelectorAll('button.copy'), out = c.classList.contains('output');
               if (buttons.length !== (out ? 0 : 1)) return true;
               if (out) return false;
               const r = buttons[0].getBoundingClientRect(), p = c.querySelector('pre').getBoundingClientRect();
               return r.left < p.left || r.right > p.right || r.top < p.top || r.bottom > p.bottom;
             }).map(c => c.id);
             const joined = blocks.filter(c => c.classList.contains('output') && c.previousElementSibling && c.previousElementSibling.classList.contains('code'))
               .filter(c => Math.abs(c.getBoundingClientRect().top - c.previousElementSibling.getBoundingClientRect().bottom) > 1).map(c => c.id);
             return [blocks.length, bad, joined];",
            vec![],
        );
        assert!(v[0].as_u64().unwrap() > 3, "{v}");
        assert_eq!(v[1], json!([]), "{w} {theme}: blocks whose Copy is missing, doubled or outside the code");
        assert_eq!(v[2], json!([]), "{w} {theme}: output blocks not joined to their command");
        click(b, ".code:not(.output) button.copy");
        b.wait_for(
            "return [...document.querySelectorAll('[role=status]')].some(s => /Copied/.test(s.textContent))",
            "\"Copied\" announced",
        );
    });
}

#[test]
fn long_code_may_run_wider_than_the_prose() {
    let sites = build_sites();
    each_view(&[(1600, 900)], |b, _, theme| {
        let mut widened = 0;
        for page in pages(&sites.bundled) {
            b.goto(&url(&page));
            let v = b.execute(
                "const p = document.querySelector('article > p'); if (!p) return [0, 0, 0];
                 const prose = p.getBoundingClientRect().width, main = document.querySelector('main').clientWidth;
                 const wide = [...document.querySelectorAll('article > .code')].map(c => c.getBoundingClientRect().width).filter(x => x > prose + 1);
                 return [wide.length, document.documentElement.scrollWidth > innerWidth ? 1 : 0, Math.max(0, ...wide) > main ? 1 : 0];",
                vec![],
            );
            widened += v[0].as_u64().unwrap();
            assert_eq!((v[1].as_u64(), v[2].as_u64()), (Some(0), Some(0)), "{} {theme}: overflow", page.display());
        }
        assert!(widened > 0, "{theme}: no code block ran wider than the prose at 1600 px");
    });
}

#[test]
fn a_page_opened_from_search_marks_the_terms() {
    let sites = build_sites();
    each_view(&[PHONE, DESKTOP], |b, (w, _), theme| {
        b.goto(&url(&sites.bundled.join("index.html")));
        type_query(b, "shm size");
        press(b, "#search-input", "\u{E007}");
        b.wait_for("return location.search.includes('h=') && document.readyState === 'complete'", "the result to open");
        let marks = b.wait_for(
            "return [...document.querySelectorAll('article mark.search-hit')].map(m => m.textContent.toLowerCase()).join(' ')",
            "marked terms",
        );
        let marks = marks.as_str().unwrap();
        assert!(marks.contains("shm") && marks.contains("size"), "{w} {theme}: {marks}");
        let v = b.execute("const h = document.getElementById(location.hash.slice(1)); return h ? h.getBoundingClientRect().top >= document.querySelector('header.top').getBoundingClientRect().bottom - 0.5 : 'no target'", vec![]);
        assert_eq!(v, true, "{w} {theme}: the section lands below the header");
    });
}

#[test]
fn the_search_box_is_a_combobox_with_a_live_count() {
    let sites = build_sites();
    each_view(&[PHONE, DESKTOP], |b, (w, _), theme| {
        b.goto(&url(&sites.bundled.join("index.html")));
        let state = "const c = document.querySelector('[role=combobox]'), i = document.getElementById('search-input');
                     return [c && c.contains(i), c && c.getAttribute('aria-expanded'), c && c.getAttribute('aria-owns'), i.getAttribute('aria-controls'),
                             document.querySelectorAll('#search-results [role=option]').length, document.getElementById('search-status').textContent]";
        assert_eq!(b.execute(state, vec![]), json!([true, "false", "search-results", "search-results", 0, ""]), "{w} {theme}: closed");
        type_query(b, "docker");
        let v = b.wait_for("return document.getElementById('search-status').textContent", "the live count");
        let n = b.execute("return document.querySelectorAll('#search-results [role=option]').length", vec![]);
        assert_eq!(v, json!(format!("{n} results")), "{w} {theme}: the count is announced");
        assert_eq!(b.execute(state, vec![])[1], "true", "{w} {theme}: expanded with results");
        press(b, "#search-input", "\u{E015}");
        let active = b.execute("return document.getElementById('search-input').getAttribute('aria-activedescendant')", vec![]);
        assert_eq!(active, "search-result-0", "{w} {theme}: ↓ picks the first result");
        press(b, "#search-input", "\u{E00C}");
        assert_eq!(b.execute(state, vec![])[1], "false", "{w} {theme}: Esc collapses it");
    });
}
