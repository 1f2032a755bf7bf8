//! `cookbook check`: a fixture book with one of each problem (each reported with its
//! file:line, exit 1), a clean one (exit 0), and `--external` against a local server.

mod support;

use std::net::TcpListener;

use support::TestBook;

#[test]
fn every_problem_is_reported_with_its_line() {
    let book = TestBook::new("proof/check-bad");
    let run = book.run(["check"]);
    run.fails_with(1);
    let expected = [
        ("error[summary]: `ghost.md` does not exist", "content/SUMMARY.md:5:11"),
        ("error[verify-attr]: unknown attribute `tmeout`", "content/blocks.md:5:16"),
        ("error[verify-attr]: invalid exit status `x`", "content/blocks.md:9:16"),
        ("error[verify-placeholder]: placeholder `<CONTAINER>` has no value", "content/blocks.md:14:16"),
        ("error[verify-needs]: the script uses `--gpus`, but `needs=` does not list `gpu`", "content/blocks.md:17:16"),
        ("error[verify-host]: verify block changes the host: `sudo` runs a command as root on the host", "content/blocks.md:22:27"),
        ("error[verify-host]: verify block changes the host: `systemctl`", "content/blocks.md:23:1"),
        ("error[link]: broken link: `missing.md` does not exist", "content/links.md:3:3"),
        ("error[link]: anchor `#nowhere` does not exist in blocks.html", "content/links.md:3:33"),
        ("error[link]: broken image: `img/nope.png` does not exist", "content/links.md:4:22"),
        ("error[orphan]: orphan.md is not in SUMMARY.md", "content/orphan.md:1:1"),
    ];
    for (message, at) in expected {
        let pos = run.stderr.find(message).unwrap_or_else(|| panic!("missing {message:?}:\n{}", run.stderr));
        let next_line = run.stderr[pos..].lines().nth(1).unwrap_or("");
        assert!(next_line.ends_with(&format!("--> {at}")), "{message}: expected at {at}, got {next_line:?}");
    }
    assert_eq!(run.stderr.matches("error[").count(), expected.len(), "{}", run.stderr);
    // The missing chapter is built from its title (as mdBook does), so it counts as a page.
    run.stderr_has("check: 11 errors in 3 pages");
}

#[test]
fn a_clean_book_passes() {
    let book = TestBook::new("proof/check-clean");
    let run = book.run(["check"]);
    run.success().stderr_has("check: no problems in 2 pages");
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    // Same book, then one problem added: only that one is reported.
    book.write("content/extra.md", "# Extra\n");
    book.run(["check"]).fails_with(1).stderr_has("error[orphan]: extra.md is not in SUMMARY.md").stderr_has("check: 1 error in 2 pages");
}

#[test]
fn external_links_are_requested_with_a_timeout() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new(); // requests never answered: the client must time out
        for req in server.incoming_requests() {
            let (url, method) = (req.url().to_string(), req.method().clone());
            let status = match (url.as_str(), method) {
                ("/ok", _) => 200,
                ("/no-head", tiny_http::Method::Head) => 405,
                ("/no-head", _) => 200,
                ("/slow", _) => {
                    held.push(req);
                    continue;
                }
                _ => 404,
            };
            let _ = req.respond(tiny_http::Response::empty(status));
        }
    });
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let book = TestBook::new("proof/check-clean");
    let page = format!(
        "# Links\n\n[ok](http://127.0.0.1:{port}/ok) and [again](http://127.0.0.1:{port}/ok)\n\
         [gone](http://127.0.0.1:{port}/gone)\n[no HEAD](http://127.0.0.1:{port}/no-head)\n\
         [slow](http://127.0.0.1:{port}/slow)\n[closed](http://127.0.0.1:{closed}/)\n\n{{{{#include parts/shared.md}}}}\n"
    );
    book.write("content/README.md", page);
    // Without --external nothing is requested.
    book.run(["check"]).success();
    let run = book.run(["check", "--external", "--timeout", "1s", "--jobs", "2"]);
    run.fails_with(1)
        .stderr_has(&format!("error[link-external]: external link answers HTTP 404: http://127.0.0.1:{port}/gone"))
        .stderr_has("content/README.md:4:1")
        .stderr_has(&format!(
            "error[link-external]: external link cannot be reached (no answer before the timeout): http://127.0.0.1:{port}/slow"
        ))
        .stderr_has(&format!("external link cannot be reached (connection refused): http://127.0.0.1:{closed}/"))
        .stderr_has("check: 3 errors in 2 pages, 5 external links");
    assert!(!run.stderr.contains("/ok"), "{}", run.stderr);
    assert!(!run.stderr.contains("/no-head"), "{}", run.stderr);
}
