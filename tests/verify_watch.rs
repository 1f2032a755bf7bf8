//! `cookbook verify --watch` (issue 17 item 8): a first run, then the blocks of a page again
//! each time it is saved, until Ctrl-C (exit 130, after the page's cleanup). No engine
//! needed: the blocks run `echo`.

mod common;
mod support;

use std::io::Read;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use common::*;

#[test]
fn watch_reruns_a_saved_page_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Watch\"\n\n[verify]\nrequire = []\n").unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    let cleanup_mark = dir.path().join("cleaned");
    let page = |word: &str| {
        format!(
            "# Watched\n\n```bash verify\necho {word}\n```\n\n```text output\none\n```\n\n```bash verify cleanup\necho x >> '{}'\n```\n",
            cleanup_mark.display()
        )
    };
    std::fs::write(dir.path().join("content/watched.md"), page("one")).unwrap();
    std::fs::write(dir.path().join("content/other.md"), "# Other\n\n```bash verify\necho other\n```\n").unwrap();
    let mut child = cookbook_cmd(&["verify", "--watch", "--root", &path_str(dir.path())])
        .env("DOCKER_HOST", "unix:///nonexistent/cookbook-test.sock")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    for pipe in [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())] {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut pipe = pipe;
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
    }
    let text_now = || seen.lock().unwrap().clone();
    support::eventually("the first run and the watch", std::time::Duration::from_secs(30), || {
        text_now().contains("waiting for changes").then_some(())
    });
    assert!(text_now().contains("3 passed, 0 failed"), "the first run covers the book: {}", text_now());
    // A save that breaks the page: only that page runs again, and fails.
    std::fs::write(dir.path().join("content/watched.md"), page("two")).unwrap();
    support::eventually("the rerun of the saved page", std::time::Duration::from_secs(30), || {
        text_now().contains("FAIL    content/watched.md:3").then_some(())
    });
    support::eventually("the rerun's summary", std::time::Duration::from_secs(30), || {
        text_now().contains("1 passed, 1 failed").then_some(())
    });
    assert_eq!(text_now().matches("content/other.md:3").count(), 1, "the page not saved is not run again: {}", text_now());
    assert_eq!(std::fs::read_to_string(&cleanup_mark).unwrap().lines().count(), 2, "cleanup ran in both runs");
    support::eventually("waiting again", std::time::Duration::from_secs(30), || {
        (text_now().matches("waiting for changes").count() >= 2).then_some(())
    });
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = support::eventually("exit after Ctrl-C", std::time::Duration::from_secs(10), || child.try_wait().unwrap());
    assert_eq!(status.code(), Some(130), "{}", text_now());
}
