//! Unit tests of the pure request → answer mapping.

use super::*;

fn site() -> Snapshot {
    Snapshot::default().built(vec![
        Output::new("index.html", "<html><body>home</body></html>"),
        Output::new("gpu/index.html", "<body>gpu</body>"),
        Output::new("gpu/cdi.html", "<body>cdi</body>"),
        Output::new("assets/theme.css", "body{}"),
        Output::new("404.html", "<body>custom 404</body>"),
    ])
}

fn get<'a>(target: &'a str) -> Request<'a> {
    Request { method: Method::Get, target, if_none_match: None }
}

fn status_and_text(a: &Answer) -> (u16, String) {
    match a {
        Answer::Content { status, body, .. } => (*status, String::from_utf8_lossy(body.bytes()).into_owned()),
        other => panic!("not content: {other:?}"),
    }
}

#[test]
fn serves_pages_with_the_snippet_and_assets_as_they_are() {
    let s = site();
    let (st, text) = status_and_text(&answer(&s, &get("/")));
    assert_eq!(st, 200);
    assert!(text.starts_with("<html><body>home<script>") && text.contains("var v=1;"));
    let (st, text) = status_and_text(&answer(&s, &get("/gpu/")));
    assert_eq!((st, text.starts_with("<body>gpu<script>")), (200, true));
    match answer(&s, &get("/assets/theme.css")) {
        Answer::Content { status: 200, content_type, etag: Some(e), body } => {
            assert_eq!(content_type, "text/css; charset=utf-8");
            assert_eq!(body.bytes(), b"body{}");
            assert_eq!(e.len(), 18);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn folder_without_slash_redirects() {
    match answer(&site(), &get("/gpu?x=1")) {
        Answer::Redirect { location } => assert_eq!(location, "/gpu/"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_and_refused_paths_get_the_sites_404_page() {
    let s = site();
    for target in ["/nope.html", "/../etc/passwd", "/%2e%2e/x", "/gpu%2fcdi.html", "//etc/passwd"] {
        let (st, text) = status_and_text(&answer(&s, &get(target)));
        assert_eq!(st, 404, "{target}");
        assert!(text.starts_with("<body>custom 404<script>"), "{target}");
    }
    let bare = Snapshot::default().built(vec![]);
    let (st, text) = status_and_text(&answer(&bare, &get("/x<y>.html")));
    assert_eq!(st, 404);
    assert!(text.contains("nothing at /x&lt;y&gt;.html"));
}

#[test]
fn etags_give_not_modified_and_html_etags_name_the_version() {
    let s = site();
    let Answer::Content { etag: Some(css), .. } = answer(&s, &get("/assets/theme.css")) else { panic!() };
    let req = Request { method: Method::Get, target: "/assets/theme.css", if_none_match: Some(&css) };
    assert!(matches!(answer(&s, &req), Answer::NotModified { .. }));
    let list = format!("\"other\", W/{css}");
    let req = Request { if_none_match: Some(&list), ..req };
    assert!(matches!(answer(&s, &req), Answer::NotModified { .. }));
    let req = Request { if_none_match: Some("\"other\""), ..req };
    assert!(matches!(answer(&s, &req), Answer::Content { status: 200, .. }));

    let Answer::Content { etag: Some(page), .. } = answer(&s, &get("/")) else { panic!() };
    assert!(page.ends_with("-v1\""));
    let next = s.built(vec![Output::new("index.html", "<html><body>home</body></html>")]);
    let req = Request { method: Method::Get, target: "/", if_none_match: Some(&page) };
    assert!(matches!(answer(&next, &req), Answer::Content { status: 200, .. }), "a new version is a new body");
    assert!(matches!(answer(&s, &req), Answer::NotModified { .. }));
}

#[test]
fn reload_waits_for_a_new_version() {
    let s = site();
    assert!(matches!(answer(&s, &get("/__cookbook/reload?v=1")), Answer::WaitForReload { seen: 1 }));
    let (st, text) = status_and_text(&answer(&s, &get("/__cookbook/reload?v=0")));
    assert_eq!((st, text.as_str()), (200, "1\n"));
    assert_eq!(status_and_text(&answer(&s, &get("/__cookbook/reload"))).0, 400);
}

#[test]
fn a_failed_build_shows_the_error_in_place_of_pages_but_keeps_assets_and_last_good() {
    let s = site().failed("error[front-matter]: <bad>".into());
    assert_eq!(s.version, 2);
    let (st, text) = status_and_text(&answer(&s, &get("/gpu/cdi.html")));
    assert_eq!(st, 500);
    assert!(text.contains("error[front-matter]: &lt;bad&gt;") && text.contains("var v=2;"));
    assert!(text.contains("href=\"/gpu/cdi.html?last-good\""));
    let (st, text) = status_and_text(&answer(&s, &get("/gpu/cdi.html?last-good")));
    assert_eq!((st, text.starts_with("<body>cdi<script>")), (200, true));
    assert_eq!(status_and_text(&answer(&s, &get("/nope.html"))).0, 500);
    assert!(matches!(answer(&s, &get("/assets/theme.css")), Answer::Content { status: 200, .. }));
    let fixed = s.built(vec![Output::new("gpu/cdi.html", "<body>cdi 2</body>")]);
    let (st, text) = status_and_text(&answer(&fixed, &get("/gpu/cdi.html")));
    assert_eq!((st, text.starts_with("<body>cdi 2")), (200, true));
}

#[test]
fn only_get_and_head() {
    let req = Request { method: Method::Other, target: "/", if_none_match: None };
    assert!(matches!(answer(&site(), &req), Answer::MethodNotAllowed));
}
