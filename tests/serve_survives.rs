//! `cookbook serve` keeps answering whatever clients do to it: a quiet spell longer than the
//! idle timeout, hundreds of connections that never send a request, clients that reset right
//! after connecting, a burst of connections past the process's open-file limit. After each, a
//! normal page request answers within a couple of seconds. Loopback only, bounded loops.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use cookbook::io::live::{self, LiveOptions, Preview};
use cookbook::io::server::ServerOptions;
use support::fake_book::FakeBook;
use support::http::get;
use support::{eventually, fixture};

/// How soon a page must answer after the abuse ends.
const SOON: Duration = Duration::from_secs(2);

fn serve(root: &Path, idle_timeout: Duration) -> Preview {
    let opts = LiveOptions { server: ServerOptions { port: 0, idle_timeout, ..ServerOptions::default() }, ..LiveOptions::default() };
    let book = FakeBook { root: root.to_path_buf() };
    live::start(book, &opts, |_| {}).expect("server starts")
}

/// A normal page request answers 200 within [`SOON`].
fn page_answers(addr: SocketAddr, after: &str) {
    let started = Instant::now();
    let reply = eventually(&format!("a page request after {after}"), SOON, || get(addr, "/shm.html").ok());
    assert_eq!(reply.status, 200, "after {after}");
    assert!(reply.text().contains("--shm-size"), "after {after}");
    assert!(started.elapsed() < SOON, "after {after}");
}

/// Whether the server closed `stream` (EOF or reset) before `deadline`.
fn closed_by_server(mut stream: &TcpStream, deadline: Instant) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).expect("read timeout");
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

#[test]
fn a_request_after_a_quiet_spell_longer_than_the_idle_timeout_is_answered() {
    let (_tmp, root) = fixture("serve");
    let idle = Duration::from_millis(700);
    let preview = serve(&root, idle);
    let addr = preview.addr();
    page_answers(addr, "start");
    // Nothing happens for well over the idle timeout: time passing is what is tested.
    std::thread::sleep(idle * 3);
    page_answers(addr, "a quiet spell");
    std::thread::sleep(idle * 3);
    page_answers(addr, "a second quiet spell");
    preview.stop();
}

#[test]
fn two_hundred_silent_connections_do_not_starve_a_page_request() {
    let (_tmp, root) = fixture("serve");
    let idle = Duration::from_secs(1);
    let preview = serve(&root, idle);
    let addr = preview.addr();
    let silent: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut s = TcpStream::connect(addr).expect("connect");
            if i % 4 == 0 {
                // Half a request, never finished.
                s.write_all(b"GET /shm.html HTTP/1.1\r\nHost: x\r\n").unwrap();
            }
            s
        })
        .collect();
    page_answers(addr, "200 silent connections opened");
    // The idle timeout is the accepted connections': the server closes them, not the client.
    let deadline = Instant::now() + idle * 6;
    let closed = silent.iter().filter(|s| closed_by_server(s, deadline)).count();
    assert_eq!(closed, 200, "silent connections the server closed");
    page_answers(addr, "the idle connections were closed");
    drop(silent);
    preview.stop();
}

#[cfg(unix)]
#[test]
fn three_hundred_clients_that_reset_right_after_connecting() {
    use std::os::fd::AsRawFd;
    let (_tmp, root) = fixture("serve");
    let idle = Duration::from_secs(1);
    let preview = serve(&root, idle);
    let addr = preview.addr();
    for i in 0..300 {
        let s = TcpStream::connect(addr).expect("connect");
        if i % 3 == 0 {
            let _ = (&s).write_all(b"GET / HTTP/1.1\r\n");
        }
        // SO_LINGER with a zero timeout: close() sends RST instead of FIN.
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: a valid socket and a pointer to a linger struct of the size given.
        let rc = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0, "SO_LINGER");
        drop(s);
    }
    page_answers(addr, "300 resets");
    std::thread::sleep(idle * 2);
    page_answers(addr, "300 resets and a quiet spell");
    preview.stop();
}

/// Sends `GET /shm.html` on an open connection and reads the reply; the last request asks
/// the server to close.
fn keep_alive_get(stream: &mut TcpStream, last: bool) -> String {
    let close = if last { "Connection: close\r\n" } else { "" };
    write!(stream, "GET /shm.html HTTP/1.1\r\nHost: x\r\n{close}\r\n").unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        raw.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let Some(end) = text.find("\r\n\r\n") else {
            if n == 0 {
                return text;
            }
            continue;
        };
        let length: usize =
            text[..end].lines().find_map(|l| l.strip_prefix("Content-Length: ")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
        if n == 0 || raw.len() >= end + 4 + length {
            return text;
        }
    }
}

/// The open-file limit of the `cookbook serve` child in the burst test: far below the burst.
#[cfg(target_os = "linux")]
const CHILD_NOFILE: libc::rlim_t = 64;

#[cfg(target_os = "linux")]
#[test]
fn a_burst_past_the_open_file_limit_then_a_page_request() {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let (_tmp, root) = fixture("serve");
    let mut command = Command::new(env!("CARGO_BIN_EXE_cookbook"));
    command
        .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; the closure allocates nothing.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: CHILD_NOFILE, rlim_max: CHILD_NOFILE };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("cookbook serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .split(" at http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    page_answers(addr, "start");
    // A keep-alive connection from before the bursts, whose accept loop they end.
    let mut early = TcpStream::connect(addr).unwrap();
    early.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert!(keep_alive_get(&mut early, false).starts_with("HTTP/1.1 200"));

    for round in 0..4 {
        // Five times the child's limit, each connection held open until the burst ends.
        let burst: Vec<TcpStream> =
            (0..5 * CHILD_NOFILE).filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()).collect();
        assert!(burst.len() as u64 > CHILD_NOFILE, "only {} connected", burst.len());
        drop(burst);
        page_answers(addr, &format!("burst {round} past the open-file limit"));
    }
    let reply = keep_alive_get(&mut early, true);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    // SAFETY: signals the child this test started, by its pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let status = eventually("serve to stop", Duration::from_secs(20), || child.try_wait().unwrap());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "{status:?}\n{stderr}");
    let warnings = stderr.matches("Too many open files").count();
    assert_eq!(warnings, 1, "the limit is reported once:\n{stderr}");
}
