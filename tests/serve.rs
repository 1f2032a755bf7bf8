//! `cookbook serve`: a preview server on a free port, driven like a browser would drive it.
//! Pages, edits and live reload, the error page and recovery, path traversal, load, HEAD,
//! ETags and 404. Runs against a stand-in builder (`support::fake_book`) so it tests serving,
//! not rendering.

mod support;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::Duration;

use cookbook::io::live::{self, LiveOptions, Preview};
use cookbook::io::server::ServerOptions;
use support::fake_book::FakeBook;
use support::http::{get, request, Reply};
use support::{eventually, fixture, save_via_rename};

const LIMIT: Duration = Duration::from_secs(20);

fn options() -> LiveOptions {
    LiveOptions { server: ServerOptions { port: 0, ..ServerOptions::default() }, ..LiveOptions::default() }
}

fn serve(root: &Path, opts: LiveOptions) -> Preview {
    live::start(FakeBook { root: root.to_path_buf() }, &opts, |_| {}).expect("server starts")
}

/// Asks for a reload after version `seen` on its own thread (a browser's long-poll).
fn wait_for_reload(addr: SocketAddr, seen: u64) -> thread::JoinHandle<Reply> {
    thread::spawn(move || get(addr, &format!("/__cookbook/reload?v={seen}")).unwrap())
}

/// What a browser showing `page` (served at `seen`) goes through when `change` is made: its
/// long-poll is parked, the change fires the reload, and the reload fetches `page` again,
/// which is returned. The reload must not fire before the new version is served.
fn change_and_reload(preview: &Preview, page: &str, seen: u64, change: impl FnOnce()) -> Reply {
    let addr = preview.addr();
    let reload = wait_for_reload(addr, seen);
    eventually("the reload waiter to park", LIMIT, || (preview.site().waiting() == 1).then_some(()));
    change();
    let answer = reload.join().unwrap();
    assert_eq!(answer.status, 200, "the reload fires");
    let fired_at: u64 = answer.text().trim().parse().unwrap();
    assert!(fired_at > seen, "reloaded to {fired_at} after {seen}");
    let reloaded = get(addr, page).unwrap();
    assert!(reloaded.version() >= fired_at, "the reload fired before version {fired_at} was served");
    reloaded
}

#[test]
fn edit_break_fix_delete_with_live_reload() {
    let (_tmp, root) = fixture("serve");
    let preview = serve(&root, options());
    let addr = preview.addr();
    let page = get(addr, "/gpu/cdi.html").unwrap();
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Original CDI text."));
    assert_eq!(page.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("Cache-Control"), Some("no-cache"));
    let cdi = root.join("content/gpu/cdi.md");

    // Edit: the reload answers only once the new text is being served.
    let page = change_and_reload(&preview, "/gpu/cdi.html", page.version(), || {
        save_via_rename(&cdi, "+++\ntitle = \"CDI\"\n+++\n\n# CDI\n\nEdited CDI text.\n")
    });
    assert!(page.text().contains("Edited CDI text."), "{}", page.text());

    // Break the front matter: every page shows the diagnostic, still live-reloading.
    let broken =
        change_and_reload(&preview, "/gpu/cdi.html", page.version(), || std::fs::write(&cdi, "+++\ntitle = \"CDI\"\n\n# CDI\n").unwrap());
    assert_eq!(broken.status, 500);
    assert!(broken.text().contains("error[front-matter]: front matter is not closed"), "{}", broken.text());
    assert!(broken.text().contains("content/gpu/cdi.md:1:1"));
    let last_good = get(addr, "/gpu/cdi.html?last-good").unwrap();
    assert_eq!(last_good.status, 200);
    assert!(last_good.text().contains("Edited CDI text."));
    assert_eq!(get(addr, "/assets/theme.css").unwrap().status, 200);

    // Fix it: the page comes back without a restart.
    let fixed =
        change_and_reload(&preview, "/gpu/cdi.html", broken.version(), || std::fs::write(&cdi, "# CDI\n\nFixed CDI text.\n").unwrap());
    assert_eq!(fixed.status, 200);
    assert!(fixed.text().contains("Fixed CDI text."));

    // Delete it: the open page reloads into the site's 404 page, which still live-reloads.
    let gone = change_and_reload(&preview, "/gpu/cdi.html", fixed.version(), || std::fs::remove_file(&cdi).unwrap());
    assert_eq!(gone.status, 404);
    assert!(gone.text().contains("Fixture 404"));
    preview.stop();
}

#[test]
fn a_burst_of_saves_is_one_rebuild_and_editor_noise_is_none() {
    let (_tmp, root) = fixture("serve");
    let preview = serve(&root, options());
    let before = preview.version();
    let shm = root.join("content/shm.md");
    // vim's probe file and swap file alone: no rebuild.
    std::fs::write(root.join("content/4913"), "").unwrap();
    std::fs::write(root.join("content/.shm.md.swp"), "x").unwrap();
    std::fs::remove_file(root.join("content/4913")).unwrap();
    // Then a burst of writes: one version step (or two if the burst straddles the window).
    for i in 0..5 {
        std::fs::write(&shm, format!("# Shared memory\n\nsave {i}\n")).unwrap();
    }
    let page = eventually("the last save", LIMIT, || {
        let p = get(preview.addr(), "/shm.html").unwrap();
        p.text().contains("save 4").then_some(p)
    });
    assert!(page.version() - before <= 2, "{} rebuilds for one burst", page.version() - before);
    preview.stop();
}

#[test]
fn head_etag_404_redirect_and_methods() {
    let (_tmp, root) = fixture("serve");
    let preview = serve(&root, options());
    let addr = preview.addr();
    let css = get(addr, "/assets/theme.css").unwrap();
    assert_eq!((css.status, css.header("Content-Type")), (200, Some("text/css; charset=utf-8")));
    let etag = css.header("ETag").unwrap().to_string();
    let again = request(addr, "GET", "/assets/theme.css", &[("If-None-Match", &etag)]).unwrap();
    assert_eq!((again.status, again.body.len()), (304, 0));

    let head = request(addr, "HEAD", "/", &[]).unwrap();
    let full = get(addr, "/").unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("Content-Length").unwrap(), full.body.len().to_string());
    assert!(full.text().contains("Welcome to the serve fixture."));

    let page_etag = full.header("ETag").unwrap().to_string();
    assert_eq!(request(addr, "GET", "/", &[("If-None-Match", &page_etag)]).unwrap().status, 304);

    let missing = get(addr, "/no/such/page.html").unwrap();
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Fixture 404"));

    let redirect = get(addr, "/gpu").unwrap();
    assert_eq!((redirect.status, redirect.header("Location")), (301, Some("/gpu/")));
    assert!(get(addr, "/gpu/").unwrap().text().contains("GPU recipes."));
    assert_eq!(request(addr, "POST", "/", &[]).unwrap().status, 405);
    preview.stop();
}

#[test]
fn never_serves_anything_outside_the_site() {
    let (tmp, root) = fixture("serve");
    std::fs::write(tmp.path().join("secret.txt"), "TOP SECRET").unwrap();
    let preview = serve(&root, options());
    let addr = preview.addr();
    let attacks = [
        "/../secret.txt",
        "/../../secret.txt",
        "/gpu/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/gpu%2f..%2f..%2fsecret.txt",
        "/%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/index.html%00.css",
        "/%252e%252e/secret.txt",
    ];
    for target in attacks {
        let reply = get(addr, target).unwrap();
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.text().contains("TOP SECRET"), "{target}");
    }
    // An absolute-form target is answered too, and is not a way out either.
    let reply = get(addr, &format!("http://{addr}/../secret.txt")).unwrap();
    assert!(reply.status == 404 || reply.status == 400, "{}", reply.status);
    preview.stop();
}

#[test]
fn two_hundred_requests_and_fifty_reload_waiters_at_once() {
    let (_tmp, root) = fixture("serve");
    let preview = serve(&root, options());
    let addr = preview.addr();
    let v = preview.version();
    let waiters: Vec<_> = (0..50).map(|_| wait_for_reload(addr, v)).collect();
    eventually("50 parked waiters", LIMIT, || (preview.site().waiting() == 50).then_some(()));
    let fetchers: Vec<_> = (0..20)
        .map(|i| {
            thread::spawn(move || {
                let pages = ["/", "/gpu/cdi.html", "/shm.html", "/assets/theme.css", "/gpu/"];
                (0..10).map(|j| get(addr, pages[(i + j) % pages.len()]).unwrap().status).collect::<Vec<_>>()
            })
        })
        .collect();
    let statuses: Vec<u16> = fetchers.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses.len(), 200);
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert_eq!(preview.site().waiting(), 50, "a waiter was answered without a change");
    std::fs::write(root.join("content/shm.md"), "# Shared memory\n\nchanged\n").unwrap();
    for w in waiters {
        assert_eq!(w.join().unwrap().status, 200);
    }
    preview.stop();
}

#[test]
fn stalled_clients_do_not_hang_the_others() {
    let (_tmp, root) = fixture("serve");
    // 24 MiB asset: more than loopback socket buffers hold, so a client that never reads it
    // stalls the worker writing it until the send timeout.
    std::fs::write(root.join("content/big.bin"), vec![b'x'; 24 << 20]).unwrap();
    let server = ServerOptions {
        port: 0,
        workers: 4,
        send_timeout: Duration::from_millis(500),
        idle_timeout: Duration::from_secs(2),
        ..ServerOptions::default()
    };
    let preview = serve(&root, LiveOptions { server, ..options() });
    let addr = preview.addr();
    let mut stalled = Vec::new();
    for i in 0..12 {
        let mut s = TcpStream::connect(addr).unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap(); // never read
        } else {
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap(); // never finish the request
        }
        stalled.push(s);
    }
    let reply = eventually("a normal request to be served", LIMIT, || get(addr, "/shm.html").ok());
    assert_eq!(reply.status, 200);
    drop(stalled);
    preview.stop();
}

#[test]
fn long_poll_times_out_with_204_and_a_taken_port_moves_on() {
    let (_tmp, root) = fixture("serve");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = ServerOptions { port, poll_timeout: Duration::from_millis(300), ..ServerOptions::default() };
    let preview = serve(&root, LiveOptions { server, ..options() });
    assert_eq!(preview.taken_ports().first(), Some(&port));
    assert_ne!(preview.addr().port(), port);
    let v = preview.version();
    assert_eq!(get(preview.addr(), &format!("/__cookbook/reload?v={v}")).unwrap().status, 204);
    assert_eq!(get(preview.addr(), &format!("/__cookbook/reload?v={}", v - 1)).unwrap().status, 200);
    preview.stop();
}

#[test]
fn a_real_browser_updates_the_page_by_itself() {
    let Some(browser) = support::browser::Browser::start(false) else {
        return;
    };
    let (_tmp, root) = fixture("serve");
    let preview = serve(&root, options());
    browser.goto(&format!("{}shm.html", preview.url()));
    eventually("the page in the browser", LIMIT, || browser.text().contains("--shm-size").then_some(()));
    eventually("the browser's long-poll", LIMIT, || (preview.site().waiting() >= 1).then_some(()));
    save_via_rename(&root.join("content/shm.md"), "# Shared memory\n\nEdited in the editor.\n");
    eventually("the browser to reload by itself", LIMIT, || browser.text().contains("Edited in the editor.").then_some(()));
    std::fs::write(root.join("content/shm.md"), "+++\ntitle = \"broken\"\n").unwrap();
    eventually("the error page", LIMIT, || browser.text().contains("front matter is not closed").then_some(()));
    std::fs::write(root.join("content/shm.md"), "# Shared memory\n\nFixed.\n").unwrap();
    eventually("the fixed page", LIMIT, || browser.text().contains("Fixed.").then_some(()));
    preview.stop();
}

// ---- with the real build pipeline ----

fn serve_book(root: &Path) -> Preview {
    let book = cookbook::cmd::serve::builder_for(root).unwrap();
    live::start(book, &options(), |_| {}).expect("server starts")
}

#[test]
fn the_real_book_reloads_shows_errors_and_recovers() {
    let (_tmp, root) = fixture("serve");
    let preview = serve_book(&root);
    let addr = preview.addr();
    let page = get(addr, "/gpu/cdi.html").unwrap();
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Original CDI text."));
    let cdi = root.join("content/gpu/cdi.md");

    let page = change_and_reload(&preview, "/gpu/cdi.html", page.version(), || {
        save_via_rename(&cdi, "+++\ntitle = \"CDI\"\n+++\n\n# CDI\n\nEdited CDI text.\n")
    });
    assert!(page.text().contains("Edited CDI text."));

    let broken = change_and_reload(&preview, "/gpu/cdi.html", page.version(), || {
        std::fs::write(&cdi, "+++\ntitle = \"CDI\n+++\n\n# CDI\n").unwrap()
    });
    assert_eq!(broken.status, 500);
    assert!(broken.text().contains("content/gpu/cdi.md:"), "{}", broken.text());
    assert!(get(addr, "/gpu/cdi.html?last-good").unwrap().text().contains("Edited CDI text."));

    let fixed =
        change_and_reload(&preview, "/gpu/cdi.html", broken.version(), || std::fs::write(&cdi, "# CDI\n\nFixed CDI text.\n").unwrap());
    assert_eq!(fixed.status, 200);
    assert!(fixed.text().contains("Fixed CDI text."));
    preview.stop();
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_book_are_never_served() {
    let (tmp, root) = fixture("serve");
    std::fs::write(tmp.path().join("secret.md"), "# Secret\n\nTOP SECRET\n").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "TOP SECRET").unwrap();
    std::fs::create_dir(tmp.path().join("vault")).unwrap();
    std::fs::write(tmp.path().join("vault/keys.txt"), "TOP SECRET").unwrap();
    let content = root.join("content");
    std::os::unix::fs::symlink(tmp.path().join("secret.md"), content.join("leak.md")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), content.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("vault"), content.join("vault")).unwrap();
    std::fs::write(content.join("public.txt"), "PUBLIC").unwrap(); // the control: files are served
    let preview = serve_book(&root);
    let addr = preview.addr();
    assert_eq!(get(addr, "/shm.html").unwrap().status, 200, "the book still builds");
    assert_eq!(get(addr, "/public.txt").unwrap().text(), "PUBLIC");
    for target in ["/leak.html", "/leak.txt", "/vault/keys.txt", "/vault/", "/vault/keys.html"] {
        let reply = get(addr, target).unwrap();
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.text().contains("TOP SECRET"), "{target} leaked");
    }
    let leaked = preview.site().current().pages.iter().any(|(_, p)| String::from_utf8_lossy(&p.bytes).contains("TOP SECRET"));
    assert!(!leaked, "a site file holds the secret");
    preview.stop();
}

#[cfg(unix)]
#[test]
fn the_binary_says_which_port_it_took_and_stops_on_ctrl_c() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let (_tmp, root) = fixture("serve");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cookbook"))
        .args(["serve", "--root", root.to_str().unwrap(), "--port", &port.to_string()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split(" at ").nth(1).and_then(|s| s.split_whitespace().next()).expect(&line).to_string();
    let addr: SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    assert_ne!(addr.port(), port);
    assert_eq!(get(addr, "/").unwrap().status, 200);
    // SAFETY: signals the child this test started, by its pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let status = eventually("serve to stop", LIMIT, || child.try_wait().unwrap());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(stderr.contains(&format!("port {port} is taken")), "{stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
}
