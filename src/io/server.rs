//! The preview HTTP server: tiny_http, a fixed pool of request workers, and one thread that
//! answers parked long-poll waiters, so waiting browsers never hold a worker. Serves whatever
//! [`Snapshot`] was installed last; what to answer is `core::preview`'s, builds are `io::live`'s,
//! keeping tiny_http accepting is `io::accept`'s.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tiny_http::{Header, Response, StatusCode};

use crate::core::output::Output;
use crate::core::preview::{self, Answer, Body, Method, Page, Snapshot};
use crate::io::accept::{self, Acceptor};
use crate::io::socket_timeouts::{self, Sweeper};

/// How the server listens and how much it lets clients hold.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub bind: IpAddr,
    /// The first port tried; 0 lets the system pick one.
    pub port: u16,
    /// How many ports from `port` on are tried when it is taken.
    pub port_tries: u16,
    /// Request workers: this many slow clients at once cannot stop the others.
    pub workers: usize,
    /// Long-poll waiters parked at once; more get 503 and retry.
    pub max_waiters: usize,
    /// A long-poll with no new version is answered 204 after this.
    pub poll_timeout: Duration,
    /// A client that stops reading its response frees the worker after this.
    pub send_timeout: Duration,
    /// A connection with no traffic either way (nothing sent, half a request) is closed after
    /// this (Linux; see `io::socket_timeouts`). Longer than `poll_timeout`, or parked
    /// long-polls are cut (the browser then polls again).
    pub idle_timeout: Duration,
    /// Where trouble the server rides out, and the end of serving, are reported.
    pub notices: Notices,
}

/// Where the server reports accept errors it rides out (`warn`, once per kind) and the end of
/// serving when it cannot go on (`fatal`). By default: to stderr, and `fatal` exits the
/// process, rather than leave it running without serving.
#[derive(Clone)]
pub struct Notices {
    pub warn: Arc<dyn Fn(&str) + Send + Sync>,
    pub fatal: Arc<dyn Fn(&str) + Send + Sync>,
}

impl Default for Notices {
    fn default() -> Self {
        Notices {
            warn: Arc::new(|m| eprintln!("warning: {m}")),
            fatal: Arc::new(|m| {
                eprintln!("error: {m}\nhelp: start `cookbook serve` again");
                std::process::exit(crate::exit::ENVIRONMENT);
            }),
        }
    }
}

impl fmt::Debug for Notices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Notices")
    }
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 3000,
            port_tries: 20,
            workers: 8,
            max_waiters: 1024,
            poll_timeout: Duration::from_secs(25),
            send_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            notices: Notices::default(),
        }
    }
}

/// The site being served and the browsers waiting for it to change.
pub struct LiveSite {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    site: Arc<Snapshot>,
    waiters: Vec<Waiter>,
    stopping: bool,
}

struct Waiter {
    request: tiny_http::Request,
    seen: u64,
    deadline: Instant,
}

impl LiveSite {
    pub fn new(site: Snapshot) -> Arc<LiveSite> {
        let state = State { site: Arc::new(site), waiters: Vec::new(), stopping: false };
        Arc::new(LiveSite { state: Mutex::new(state), changed: Condvar::new() })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot requests are answered from now.
    pub fn current(&self) -> Arc<Snapshot> {
        self.lock().site.clone()
    }

    /// Serves exactly `outputs` from now on; returns the new version. The version moves on in
    /// the same swap that installs the pages, so a reload always fetches the new build.
    pub fn install_build(&self, outputs: Vec<Output>) -> u64 {
        let next = self.current().built(outputs);
        self.install(next)
    }

    /// Replaces the files under `prefix` with `outputs` without a reload, if `version` is
    /// still the one served (a newer build makes them stale).
    pub fn install_extra(&self, version: u64, prefix: &str, outputs: Vec<Output>) {
        let mut state = self.lock();
        if state.site.version != version {
            return;
        }
        state.site = Arc::new(state.site.with_replaced(prefix, outputs));
    }

    /// Keeps the last good pages but shows `diagnostics` in place of HTML pages.
    pub fn install_failure(&self, diagnostics: String) -> u64 {
        let next = self.current().failed(diagnostics);
        self.install(next)
    }

    fn install(&self, next: Snapshot) -> u64 {
        let version = next.version;
        self.lock().site = Arc::new(next);
        self.changed.notify_all();
        version
    }

    /// Number of long-poll requests parked now.
    pub fn waiting(&self) -> usize {
        self.lock().waiters.len()
    }
}

/// Binds the first free port from `opts.port` on; also returns the ports found taken.
pub fn bind(opts: &ServerOptions) -> io::Result<(TcpListener, Vec<u16>)> {
    let mut taken = Vec::new();
    let tries = if opts.port == 0 { 1 } else { opts.port_tries.max(1) };
    for i in 0..tries {
        let Some(port) = opts.port.checked_add(i) else {
            break;
        };
        match TcpListener::bind((opts.bind, port)) {
            Ok(listener) => return Ok((listener, taken)),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => taken.push(port),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AddrInUse, format!("ports {:?} are all taken", taken)))
}

/// A server running on its own threads until [`RunningServer::stop`].
pub struct RunningServer {
    addr: SocketAddr,
    acceptor: Acceptor,
    sweeper: Sweeper,
    site: Arc<LiveSite>,
    threads: Vec<JoinHandle<()>>,
}

/// Starts serving `site` on `listener`; returns once the server answers a request.
pub fn start(listener: TcpListener, site: Arc<LiveSite>, opts: &ServerOptions) -> io::Result<RunningServer> {
    let addr = listener.local_addr()?;
    socket_timeouts::set_inherited(&listener, opts.send_timeout);
    let sweeper = Sweeper::start(addr, opts.idle_timeout)?;
    // A retired accept loop's connections are closed after the idle timeout at most, once
    // their last request (a long-poll, perhaps) is answered.
    let drain_after = opts.idle_timeout + opts.poll_timeout + Duration::from_secs(1);
    let (handler_site, handler_opts) = (site.clone(), opts.clone());
    let handler: accept::Handler = Arc::new(move |request| handle(request, &handler_site, &handler_opts));
    let workers = opts.workers.max(1);
    let acceptor = accept::start(listener, handler, workers, opts.notices.clone(), drain_after)?;
    let mut threads = Vec::new();
    let waiters_site = site.clone();
    let waiters = thread::Builder::new().name("serve-reload".into());
    threads.push(waiters.spawn(move || answer_waiters(&waiters_site))?);
    let server = RunningServer { addr, acceptor, sweeper, site, threads };
    if let Err(e) = answers(addr, Duration::from_secs(10)) {
        server.stop();
        return Err(io::Error::new(e.kind(), format!("the server does not answer: {e}")));
    }
    Ok(server)
}

/// Whether a request to `addr` gets an HTTP answer within `limit`.
fn answers(addr: SocketAddr, limit: Duration) -> io::Result<()> {
    let mut to = addr;
    if to.ip().is_unspecified() {
        to.set_ip(match to.ip() {
            IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
            IpAddr::V6(_) => IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
        });
    }
    let mut stream = TcpStream::connect_timeout(&to, limit)?;
    stream.set_read_timeout(Some(limit))?;
    stream.set_write_timeout(Some(limit))?;
    stream.write_all(b"HEAD / HTTP/1.1\r\nHost: cookbook\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 5];
    stream.read_exact(&mut head)?;
    if &head != b"HTTP/" {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not an HTTP answer"));
    }
    Ok(())
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers the parked waiters, stops accepting and the workers, closes the socket.
    pub fn stop(self) {
        self.site.lock().stopping = true;
        self.site.changed.notify_all();
        self.acceptor.stop();
        for t in self.threads {
            let _ = t.join();
        }
        drop(self.sweeper);
    }
}

fn handle(request: tiny_http::Request, site: &LiveSite, opts: &ServerOptions) {
    let method = match request.method() {
        tiny_http::Method::Get => Method::Get,
        tiny_http::Method::Head => Method::Head,
        _ => Method::Other,
    };
    let inm = header(&request, "If-None-Match").map(str::to_owned);
    let snapshot = site.current();
    let req = preview::Request { method, target: request.url(), if_none_match: inm.as_deref() };
    match preview::answer(&snapshot, &req) {
        Answer::WaitForReload { seen } => park(request, seen, site, opts),
        answer => {
            let _ = request.respond(response(answer));
        }
    }
}

fn header<'a>(request: &'a tiny_http::Request, name: &'static str) -> Option<&'a str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn park(request: tiny_http::Request, seen: u64, site: &LiveSite, opts: &ServerOptions) {
    let mut state = site.lock();
    if state.waiters.len() >= opts.max_waiters || state.stopping {
        drop(state);
        let busy = text(503, "too many live-reload clients; retry\n");
        let _ = request.respond(busy.with_header(h("Retry-After", "1")));
        return;
    }
    state.waiters.push(Waiter { request, seen, deadline: Instant::now() + opts.poll_timeout });
    drop(state);
    site.changed.notify_all();
}

/// The reload thread: wakes on a new version, a new waiter, or the next deadline.
fn answer_waiters(site: &LiveSite) {
    let mut state = site.lock();
    loop {
        let now = Instant::now();
        let version = state.site.version;
        let stopping = state.stopping;
        let (ready, waiting): (Vec<_>, Vec<_>) =
            std::mem::take(&mut state.waiters).into_iter().partition(|w| stopping || w.seen != version || w.deadline <= now);
        state.waiters = waiting;
        if !ready.is_empty() {
            drop(state);
            for w in ready {
                let answer = if w.seen != version { response(preview::reload_now(version)) } else { empty(204) };
                let _ = w.request.respond(answer);
            }
            state = site.lock();
            continue;
        }
        if stopping {
            return;
        }
        state = match state.waiters.iter().map(|w| w.deadline).min() {
            Some(deadline) => match site.changed.wait_timeout(state, deadline - now) {
                Ok((s, _)) => s,
                Err(e) => e.into_inner().0,
            },
            None => site.changed.wait(state).unwrap_or_else(|e| e.into_inner()),
        };
    }
}

type Reply = Response<Box<dyn Read + Send>>;

fn response(answer: Answer) -> Reply {
    match answer {
        Answer::Content { status, content_type, etag, body } => {
            let len = body.bytes().len();
            let reader: Box<dyn Read + Send> = match body {
                Body::Shared(page) => Box::new(PageReader { page, at: 0 }),
                Body::Owned(bytes) => Box::new(io::Cursor::new(bytes)),
            };
            let mut r = Response::new(StatusCode(status), vec![], reader, Some(len), None)
                .with_header(h("Content-Type", content_type))
                .with_header(h("Cache-Control", "no-cache"))
                .with_header(h("X-Content-Type-Options", "nosniff"));
            if let Some(etag) = etag {
                r.add_header(h("ETag", &etag));
            }
            r
        }
        Answer::NotModified { etag } => empty(304).with_header(h("ETag", &etag)),
        Answer::Redirect { location } => empty(301).with_header(h("Location", &location)),
        Answer::MethodNotAllowed => empty(405).with_header(h("Allow", "GET, HEAD")),
        Answer::WaitForReload { .. } => empty(204),
    }
}

fn text(status: u16, body: &str) -> Reply {
    let bytes = body.as_bytes().to_vec();
    let len = bytes.len();
    Response::new(StatusCode(status), vec![], Box::new(io::Cursor::new(bytes)) as Box<dyn Read + Send>, Some(len), None)
        .with_header(h("Content-Type", "text/plain; charset=utf-8"))
}

fn empty(status: u16) -> Reply {
    Response::new(StatusCode(status), vec![], Box::new(io::empty()) as Box<dyn Read + Send>, Some(0), None)
        .with_header(h("Cache-Control", "no-cache"))
}

fn h(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// Reads a shared site file without copying it.
struct PageReader {
    page: Arc<Page>,
    at: usize,
}

impl Read for PageReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.page.bytes[self.at.min(self.page.bytes.len())..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}
