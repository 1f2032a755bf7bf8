//! Proof on the page: `cookbook build` with a known verify report (tests/fixtures/proof/,
//! made by `proof_fixtures.rs`) badges every verify block by hash, writes "last
//! verified" lines and the verification dashboard; a browser screenshot of the dashboard.

mod support;

use support::browser::Browser;
use support::TestBook;

fn badges(html: &str) -> Vec<String> {
    html.split("<a class=\"badge ")
        .skip(1)
        .map(|rest| {
            let class = &rest[..rest.find('"').unwrap()];
            let text_start = rest.find("</span> ").unwrap() + "</span> ".len();
            let text = &rest[text_start..text_start + rest[text_start..].find("</a>").unwrap()];
            format!("{class}: {text}")
        })
        .collect()
}

#[test]
fn every_outcome_gets_a_badge_with_words() {
    let book = TestBook::new("proof/badges");
    book.run(["build"]).success();
    assert_eq!(
        badges(&book.read("book/shm.html")),
        ["pass: verified 2026-11-29 \u{b7} Docker 27.3.1", "fail: failing", "stale: stale", "timeout: timed out"]
    );
    assert_eq!(
        badges(&book.read("book/gpu.html")),
        [
            "pass: verified 2026-11-29 \u{b7} Docker 27.3.1 \u{b7} NVIDIA H100 80GB HBM3",
            "skipped: skipped: needs a GPU",
            "blocked: blocked"
        ]
    );
    assert_eq!(
        badges(&book.read("book/cleanup.html")),
        ["leaked: leaked resources", "changed: changed since last verified", "unrun: not yet run"]
    );
    let shm = book.read("book/shm.html");
    assert!(
        shm.contains(
            "title=\"Failing: expected exit status 0, got exit status 1 in the run of 2026-11-29T09:30:55Z on Docker 27.3.1 (380 ms)\""
        ),
        "{shm}"
    );
    assert!(shm.contains("href=\"verification.html#content-shm-md-L16\""));
    assert!(!shm.contains("<!--badge:"), "markers are replaced");
    assert!(shm.contains("<a class=\"proof-link\" href=\"verification.html\">Verification</a>"));
    assert!(shm.contains("<p class=\"last-verified\">Verification: 1 verified, 1 failing, 1 stale, 1 timed out (last run <time datetime=\"2026-11-29T09:30:55Z\">2026-11-29</time> on Docker 27.3.1)."));
    assert!(!book.read("book/index.html").contains("last-verified"), "a page without verify blocks has no line");
}

#[test]
fn moving_a_block_keeps_its_badge_and_editing_it_shows_changed() {
    let book = TestBook::new("proof/badges");
    let shm = book.read("content/shm.md");
    // Lines inserted above move every block; hashes still match.
    book.write("content/shm.md", shm.replace("# Shared memory\n", "# Shared memory\n\nA new paragraph.\n\nAnd another.\n"));
    book.run(["build"]).success();
    let html = book.read("book/shm.html");
    assert_eq!(badges(&html)[..2], ["pass: verified 2026-11-29 \u{b7} Docker 27.3.1".to_string(), "fail: failing".to_string()]);
    assert!(html.contains("id=\"L9\""), "the first block moved to line 9");
    // Editing a block's command: same line, new hash.
    book.write("content/shm.md", shm.replace("busybox false", "busybox true"));
    book.run(["build"]).success();
    assert_eq!(badges(&book.read("book/shm.html"))[1], "changed: changed since last verified");
}

#[test]
fn every_verified_page_says_when_and_where() {
    let book = TestBook::new("proof/badges");
    let page = "# One\n\n```bash verify\ndocker run --rm busybox df -h /dev/shm\n```\n\n```text output\nFilesystem                Size      Used Available Use% Mounted on\nshm                      64.0M         0     64.0M   0% /dev/shm\n```\n";
    // The same block (same hash) on another page is not that page's result: not yet run.
    book.write("content/one.md", page);
    book.write("content/SUMMARY.md", book.read("content/SUMMARY.md") + "- [One](one.md)\n");
    book.run(["build"]).success();
    assert_eq!(badges(&book.read("book/one.html")), ["unrun: not yet run"]);
    // Only passing blocks: the page says "Last verified <date> on Docker <version>".
    book.write(
        "content/gpu.md",
        "# GPUs\n\n## See the GPU\n\n```bash verify\ndocker run --rm --gpus all nvidia/cuda:12.4.1-base-ubuntu22.04 nvidia-smi -L\n```\n",
    );
    book.run(["build"]).success();
    let gpu = book.read("book/gpu.html");
    assert!(gpu.contains("Last verified</span> <time datetime=\"2026-11-29T09:30:55Z\">2026-11-29</time> on Docker 27.3.1."), "{gpu}");
}

#[test]
fn dashboard_numbers_match_the_report() {
    let book = TestBook::new("proof/badges");
    book.run(["build"]).success();
    let dash = book.read("book/verification.html");
    assert!(dash.contains("<title>Verification · Proof fixture</title>"));
    assert!(dash.contains("<strong>2 of 10 blocks verified (20%)</strong> across 3 pages"), "{dash}");
    for (class, words, n) in [
        ("pass", "verified", 2),
        ("fail", "failing", 1),
        ("stale", "stale", 1),
        ("timeout", "timed out", 1),
        ("leaked", "leaked", 1),
        ("blocked", "blocked", 1),
        ("skipped", "skipped", 1),
        ("changed", "changed since verified", 1),
        ("unrun", "not yet run", 1),
    ] {
        let row = format!("<tr><td><span class=\"badge {class}\">{words}</span></td><td class=\"num\">{n}</td></tr>");
        assert!(dash.contains(&row), "{row}\n{dash}");
    }
    assert!(dash.contains("The report holds 9 results (1 blocked, 1 fail, 1 leaked, 3 pass, 1 skipped, 1 stale, 1 timeout)"), "{dash}");
    // The chart, accessible, with the same numbers as text.
    assert!(dash.contains("<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\""));
    assert!(dash.contains("<desc id=\"chart-desc\">Shared memory: 1 verified, 1 failing, 1 stale, 1 timed out; GPUs: 1 verified, 1 blocked, 1 skipped; Cleanup: 1 leaked, 1 changed since verified, 1 not yet run</desc>"), "{dash}");
    assert_eq!(dash.matches("<rect ").count(), 10);
    // Every block by page with its outcome, duration and host.
    assert!(dash.contains("<tr id=\"content-gpu-md-L5\"><td class=\"num\"><a href=\"gpu.html#L5\">5</a></td><td>See the GPU</td><td><span class=\"badge pass\" title=\"Verified: exit status 0 in the run of 2026-11-29T09:30:55Z on Docker 27.3.1 with NVIDIA H100 80GB HBM3 (2.15 s)\">verified</span><br><span class=\"why\">exit status 0</span></td><td class=\"num\">2.15 s</td><td>Docker 27.3.1, NVIDIA H100 80GB HBM3</td>"), "{dash}");
    assert!(dash.contains("<tr><th scope=\"row\">Kernel</th><td>6.8.0-49-generic</td></tr>"));
    assert!(dash.contains("<td>yes (runtime nvidia, nvidia-smi: 1 GPU)</td>"));
    assert!(dash.contains("class=\"sidebar\""), "rendered in the theme's page template");
}

#[test]
fn no_report_no_badges_and_a_broken_report_warns() {
    let book = TestBook::new("proof/badges");
    std::fs::remove_file(book.path(".cookbook/verify.json")).unwrap();
    let run = book.run(["build"]);
    run.success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(!book.path("book/verification.html").exists());
    assert!(!book.read("book/shm.html").contains("class=\"badge"));
    assert!(!book.read("book/shm.html").contains("proof-link"));

    book.write(".cookbook/verify.json", "{ not json");
    book.run(["build"]).success().stderr_has("warning[verify-report]: cannot use the verify report").stderr_has("verify.json: not JSON");
    book.run(["build", "--verify-report", "nowhere.json"]).success().stderr_has("nowhere.json: it does not exist");
}

#[test]
fn partition_reports_merge_for_the_site() {
    let book = TestBook::new("proof");
    let root = ["--root", "badges"];
    book.run(["build", root[0], root[1], "--verify-report", "partitions/part-1.json", "--verify-report", "partitions/part-2.json"])
        .success();
    assert_eq!(badges(&book.read("badges/book/shm.html"))[0], "pass: verified 2026-11-30 \u{b7} Docker 20.10.24+dfsg1");
    assert_eq!(
        badges(&book.read("badges/book/gpu.html"))[0],
        "pass: verified 2026-11-30 \u{b7} Docker 27.3.1 \u{b7} NVIDIA H100 80GB HBM3"
    );
    let dash = book.read("badges/book/verification.html");
    assert!(dash.contains("<th scope=\"col\">Partition 1/2</th><th scope=\"col\">Partition 2/2</th>"), "{dash}");
    assert!(dash.contains("(merged from partitions 1/2, 2/2)"));

    book.run(["merge-reports", "partitions/part-1.json", "partitions/part-2.json", "--out", "merged.json"])
        .success()
        .stderr_has("Merged 2 reports (9 blocks: 1 blocked, 1 fail, 1 leaked, 3 pass");
    let merged: serde_json::Value = serde_json::from_str(&book.read("merged.json")).unwrap();
    assert_eq!(merged["summary"]["pass"], 3);
    assert_eq!(merged["summary"]["fail"], 1);
    assert_eq!(merged["blocks"].as_array().unwrap().len(), 9);
    let files: Vec<&str> = merged["blocks"].as_array().unwrap().iter().map(|b| b["file"].as_str().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert_eq!(merged["runs"][1]["host"]["engine_version"], "27.3.1");
    book.run(["build", "--root", "badges", "--verify-report", "merged.json", "--out", "site2"]).success();
    assert_eq!(book.read("badges/book/gpu.html"), book.read("site2/gpu.html"), "merged file and merged flags build the same site");

    book.run(["merge-reports", "partitions/nope.json", "--out", "m.json"]).fails_with(2).stderr_has("partitions/nope.json");
}

#[test]
fn dashboard_screenshots_light_and_dark() {
    let book = TestBook::new("proof/badges");
    book.run(["build"]).success();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    for dark in [false, true] {
        let Some(browser) = Browser::start(dark) else { return };
        browser.goto(&format!("file://{}", book.path("book/verification.html").display()));
        let bg =
            browser.wait_for("return document.readyState === 'complete' && getComputedStyle(document.body).backgroundColor", "page style");
        let expected = if dark { "rgb(13, 17, 23)" } else { "rgb(255, 255, 255)" };
        assert_eq!(bg, expected);
        // The chart's bars take their colours from the theme: visible in both modes.
        let fill = browser.execute("return getComputedStyle(document.querySelector('.proof-chart rect.pass')).fill", vec![]);
        assert_eq!(fill, if dark { "rgb(63, 185, 80)" } else { "rgb(26, 127, 55)" });
        let name = if dark { "dashboard-dark.png" } else { "dashboard-light.png" };
        browser.screenshot(&out.join(name));
        browser.execute("document.getElementById('blocks').scrollIntoView()", vec![]);
        browser.screenshot(&out.join(if dark { "dashboard-blocks-dark.png" } else { "dashboard-blocks-light.png" }));
        browser.goto(&format!("file://{}", book.path("book/shm.html").display()));
        browser.wait_for("return document.readyState === 'complete'", "page load");
        browser.screenshot(&out.join(if dark { "badges-dark.png" } else { "badges-light.png" }));
    }
}
