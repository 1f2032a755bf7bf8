//! Keeps the preview accepting connections for as long as it runs. tiny_http's accept thread
//! ends at its first accept error (`EMFILE` in a burst of connections, …) and closes its copy
//! of the listening socket. Here the socket stays open through a copy of our own, and whenever
//! tiny_http's accept loop ends, a fresh `tiny_http::Server` (a generation) takes over the same
//! socket after a short back-off, so connections waiting in its backlog are not lost. The
//! request workers take requests straight from the current generation and move to the next
//! one; one thread answers what a retired generation's connections still send.
//! Not here: what to answer (`io::server`), timeouts of accepted connections
//! (`io::socket_timeouts`).

use std::collections::HashSet;
use std::io;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::io::listen_socket::{queued, raw_fd, same_socket, shutdown, transient};
use crate::io::server::Notices;

/// The first wait before a new generation; it doubles while generations keep failing fast.
const MIN_BACKOFF: Duration = Duration::from_millis(5);
/// The longest wait: a page request still answers within this after a storm ends.
const MAX_BACKOFF: Duration = Duration::from_millis(100);
/// A generation that accepted for this long was healthy: the back-off starts over.
const HEALTHY_FOR: Duration = Duration::from_secs(1);
/// Accept loops that end this many times in a row on an error that is not transient, each
/// soon after the last, mean the socket itself is broken: serving ends.
const MAX_HARD_FAILURES: u32 = 3;
/// How often retired generations are checked for requests their connections still send.
const DRAIN_TICK: Duration = Duration::from_millis(5);
/// How often the accept thread is checked for having died without a word: tiny_http panics
/// when it runs out of descriptors right after an accept (it unwraps a `try_clone`).
const ALIVE_TICK: Duration = Duration::from_millis(25);

/// What answers a request.
pub type Handler = Arc<dyn Fn(tiny_http::Request) + Send + Sync>;

/// Accepts on one listening socket and answers with a fixed pool of workers until
/// [`Acceptor::stop`].
pub struct Acceptor {
    keeper: TcpListener,
    shared: Arc<Shared>,
    control: Sender<Control>,
    threads: Vec<JoinHandle<()>>,
}

enum Control {
    /// The accept loop of this generation ended with this error.
    Ended(u64, io::Error),
    Stop,
}

struct Generation {
    id: u64,
    server: tiny_http::Server,
    started: Instant,
    /// Connections waiting in the socket's backlog when this generation started.
    queued: Option<u32>,
    /// The descriptor of tiny_http's copy of the socket: closed when its accept thread ends.
    fd: i32,
    /// Workers that have moved on from this generation; once all have, its queue is the
    /// drainer's.
    left: AtomicUsize,
}

/// What the workers, the supervisor and the drainer share.
struct Shared {
    stopping: AtomicBool,
    /// The id of the generation in `current`; 0 while a new one is awaited.
    current_id: AtomicU64,
    current: Mutex<Option<Arc<Generation>>>,
    changed: Condvar,
    retired: Mutex<Vec<(Arc<Generation>, Instant)>>,
    workers: usize,
    /// A retired generation that received nothing for this long is dropped.
    drain_after: Duration,
}

/// Starts accepting on `listener` and answering with `workers` threads that call `handler`.
pub fn start(listener: TcpListener, handler: Handler, workers: usize, notices: Notices, drain_after: Duration) -> io::Result<Acceptor> {
    let (control, woken) = mpsc::channel();
    let keeper = listener.try_clone()?;
    let first = Arc::new(generation(&keeper, 1)?);
    let shared = Arc::new(Shared {
        stopping: AtomicBool::new(false),
        current_id: AtomicU64::new(1),
        current: Mutex::new(Some(first)),
        changed: Condvar::new(),
        retired: Mutex::new(Vec::new()),
        workers,
        drain_after,
    });
    let mut threads = Vec::new();
    for i in 0..workers {
        let (shared, handler, control) = (shared.clone(), handler.clone(), control.clone());
        let worker = thread::Builder::new().name(format!("serve-worker-{i}"));
        threads.push(worker.spawn(move || work(&shared, &*handler, &control))?);
    }
    let drained = (shared.clone(), handler);
    let drainer = thread::Builder::new().name("serve-drain".into());
    threads.push(drainer.spawn(move || drain(&drained.0, &*drained.1))?);
    let supervisor = Supervisor { keeper, shared: shared.clone(), notices };
    let supervising = thread::Builder::new().name("serve-accept".into());
    threads.push(supervising.spawn(move || supervisor.run(woken))?);
    Ok(Acceptor { keeper: listener, shared, control, threads })
}

impl Acceptor {
    /// Stops accepting, waits for the workers (each finishes its request), closes the socket.
    pub fn stop(self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes every accept() blocked on this socket, in all generations (Linux).
        shutdown(&self.keeper);
        let _ = self.control.send(Control::Stop);
        if let Some(gen) = self.shared.lock_current().as_ref() {
            for _ in 0..self.shared.workers {
                gen.server.unblock();
            }
        }
        self.shared.changed.notify_all();
        for t in self.threads {
            let _ = t.join();
        }
    }
}

impl Shared {
    fn lock_current(&self) -> MutexGuard<'_, Option<Arc<Generation>>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current generation once it is not `after`; None when stopping.
    fn next_generation(&self, after: u64) -> Option<Arc<Generation>> {
        let mut current = self.lock_current();
        loop {
            if self.stopping.load(Ordering::SeqCst) {
                return None;
            }
            if let Some(gen) = current.as_ref().filter(|g| g.id != after) {
                return Some(gen.clone());
            }
            current = self.changed.wait(current).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A worker: answers the current generation's requests, and moves on when it is replaced.
fn work(shared: &Shared, handler: &(dyn Fn(tiny_http::Request) + Send + Sync), control: &Sender<Control>) {
    let mut last = 0;
    while let Some(gen) = shared.next_generation(last) {
        last = gen.id;
        loop {
            match gen.server.recv() {
                Ok(request) => handler(request),
                Err(e) => {
                    let current = shared.current_id.load(Ordering::SeqCst) == gen.id;
                    if current && !shared.stopping.load(Ordering::SeqCst) {
                        let _ = control.send(Control::Ended(gen.id, e));
                    }
                    break;
                }
            }
            if shared.current_id.load(Ordering::SeqCst) != gen.id {
                break;
            }
        }
        gen.left.fetch_add(1, Ordering::SeqCst);
    }
}

/// The drainer: answers what retired generations' connections still send, once every
/// worker has moved on from them; drops them when they go quiet.
fn drain(shared: &Shared, handler: &(dyn Fn(tiny_http::Request) + Send + Sync)) {
    while !shared.stopping.load(Ordering::SeqCst) {
        let retired: Vec<Arc<Generation>> = {
            let mut retired = shared.retired.lock().unwrap_or_else(|e| e.into_inner());
            retired.retain(|(_, last)| last.elapsed() < shared.drain_after);
            retired.iter().filter(|(g, _)| g.left.load(Ordering::SeqCst) >= shared.workers).map(|(g, _)| g.clone()).collect()
        };
        for gen in retired {
            let mut answered = false;
            while let Ok(Some(request)) = gen.server.try_recv() {
                handler(request);
                answered = true;
            }
            if answered {
                let mut all = shared.retired.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((_, last)) = all.iter_mut().find(|(g, _)| g.id == gen.id) {
                    *last = Instant::now();
                }
            }
        }
        let idle = shared.retired.lock().is_ok_and(|r| r.is_empty());
        thread::sleep(if idle { DRAIN_TICK * 10 } else { DRAIN_TICK });
    }
}

/// A new tiny_http server on a copy of the socket.
fn generation(keeper: &TcpListener, id: u64) -> io::Result<Generation> {
    let listener = keeper.try_clone()?;
    let fd = raw_fd(&listener);
    let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
    Ok(Generation { id, server, started: Instant::now(), queued: queued(keeper), fd, left: AtomicUsize::new(0) })
}

/// The thread that starts a new generation whenever the current one stops accepting.
struct Supervisor {
    keeper: TcpListener,
    shared: Arc<Shared>,
    notices: Notices,
}

impl Supervisor {
    fn run(self, woken: Receiver<Control>) {
        let shared = &self.shared;
        let mut next_id = 2;
        let mut restart_at: Option<Instant> = None;
        let mut backoff = MIN_BACKOFF;
        let mut hard_failures = 0;
        let mut reported = HashSet::new();
        let mut suspect = false;
        loop {
            let wait = restart_at.map_or(ALIVE_TICK, |at| at.saturating_duration_since(Instant::now()).min(ALIVE_TICK));
            let ended = match woken.recv_timeout(wait) {
                Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Control::Ended(id, error)) => self.retire(Some(id)).map(|gen| (gen, Some(error))),
                Err(RecvTimeoutError::Timeout) => {
                    // Dead on two checks in a row: an accept error on its way has arrived by then.
                    let alive = shared.lock_current().as_ref().is_none_or(|g| same_socket(g.fd, &self.keeper));
                    let was_suspect = std::mem::replace(&mut suspect, !alive);
                    if !alive && was_suspect {
                        suspect = false;
                        self.retire(None).map(|gen| (gen, None))
                    } else {
                        None
                    }
                }
            };
            if let Some((gen, error)) = ended {
                if shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                // Out of descriptors but the backlog shrank: connections are being accepted
                // and closed, so the next try comes soon again.
                let progress = gen.queued.zip(queued(&self.keeper)).is_some_and(|(a, b)| b < a);
                if progress || gen.started.elapsed() >= HEALTHY_FOR {
                    backoff = MIN_BACKOFF;
                }
                if gen.started.elapsed() >= HEALTHY_FOR {
                    hard_failures = 0;
                }
                let message = match &error {
                    Some(e) if !transient(e) => {
                        hard_failures += 1;
                        if hard_failures >= MAX_HARD_FAILURES {
                            (self.notices.fatal)(&format!("the preview stopped accepting connections: {e}"));
                            break;
                        }
                        format!("accepting a connection failed: {e}")
                    }
                    Some(e) => format!("accepting a connection failed: {e}"),
                    None => "the accept loop ended without an error".to_string(),
                };
                let kind = error.as_ref().map_or(0, |e| e.raw_os_error().unwrap_or(-1));
                if reported.insert(kind) {
                    (self.notices.warn)(&format!("{message}; still serving, accepting again shortly"));
                }
                restart_at = Some(Instant::now() + backoff);
            }
            if restart_at.is_some_and(|at| at <= Instant::now()) {
                restart_at = None;
                match generation(&self.keeper, next_id) {
                    Ok(gen) => {
                        *shared.lock_current() = Some(Arc::new(gen));
                        shared.current_id.store(next_id, Ordering::SeqCst);
                        shared.changed.notify_all();
                    }
                    Err(e) if transient(&e) => {
                        if reported.insert(e.raw_os_error().unwrap_or(-1)) {
                            (self.notices.warn)(&format!("restarting the accept loop failed: {e}; trying again shortly"));
                        }
                        restart_at = Some(Instant::now() + backoff);
                    }
                    Err(e) => {
                        (self.notices.fatal)(&format!("the preview stopped accepting connections and could not restart: {e}"));
                        break;
                    }
                }
                next_id += 1;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.changed.notify_all();
        shutdown(&self.keeper);
    }

    /// Takes the current generation out of service (if it is `id`, when given): the workers
    /// blocked on it move on, and the drainer answers what it still receives.
    fn retire(&self, id: Option<u64>) -> Option<Arc<Generation>> {
        let shared = &self.shared;
        let gen = shared.lock_current().take_if(|g| id.is_none_or(|id| g.id == id))?;
        shared.current_id.store(0, Ordering::SeqCst);
        for _ in 0..shared.workers {
            gen.server.unblock();
        }
        let mut retired = shared.retired.lock().unwrap_or_else(|e| e.into_inner());
        retired.push((gen.clone(), Instant::now()));
        Some(gen)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_socket_that_can_no_longer_accept_ends_serving_with_a_message() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (told, fatal) = mpsc::channel();
        let told = Mutex::new(told);
        let notices = Notices {
            warn: Arc::new(|_| {}),
            fatal: Arc::new(move |m| {
                let _ = told.lock().unwrap().send(m.to_string());
            }),
        };
        let handler: Handler = Arc::new(|_| {});
        let keeper = listener.try_clone().unwrap();
        let acceptor = start(listener, handler, 2, notices, Duration::from_secs(1)).unwrap();
        // The socket stops listening under the accept loop: every accept() fails (EINVAL),
        // and so does every new accept loop.
        shutdown(&keeper);
        let message = fatal.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(message.contains("stopped accepting connections"), "{message}");
        acceptor.stop();
    }
}
