//! Keeps the preview accepting connections for as long as it runs. tiny_http's accept thread
//! ends at its first accept error (`EMFILE` in a burst of connections, …) and closes its copy
//! of the listening socket. Here the socket stays open through a copy of our own, and whenever
//! tiny_http's accept loop ends, a fresh `tiny_http::Server` (a generation) takes over the same
//! socket after a short back-off, so connections waiting in its backlog are not lost. Requests
//! of every generation go to one channel; a retired generation is drained until it goes quiet.
//! Not here: what to answer (`io::server`), timeouts of accepted connections
//! (`io::socket_timeouts`).

use std::collections::HashSet;
use std::io;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

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
const ALIVE_TICK: Duration = Duration::from_millis(10);

/// Accepts on one listening socket until [`Acceptor::stop`].
pub struct Acceptor {
    keeper: TcpListener,
    stopping: Arc<AtomicBool>,
    control: Sender<Control>,
    supervisor: JoinHandle<()>,
}

enum Control {
    /// The accept loop of this generation ended with this error.
    Ended(u64, io::Error),
    Stop,
}

struct Generation {
    id: u64,
    server: Arc<tiny_http::Server>,
    pump: JoinHandle<()>,
    started: Instant,
    /// Connections waiting in the socket's backlog when this generation started.
    queued: Option<u32>,
    /// The descriptor of tiny_http's copy of the socket: closed when its accept thread ends.
    fd: i32,
}

/// What the supervisor thread needs.
struct Supervisor {
    keeper: TcpListener,
    requests: Sender<tiny_http::Request>,
    control: Sender<Control>,
    stopping: Arc<AtomicBool>,
    notices: Notices,
    /// A retired generation that received nothing for this long is dropped.
    drain_after: Duration,
}

/// Starts accepting on `listener`; every request goes to `requests`.
pub fn start(
    listener: TcpListener,
    requests: Sender<tiny_http::Request>,
    notices: Notices,
    drain_after: Duration,
) -> io::Result<Acceptor> {
    let (control, woken) = mpsc::channel();
    let stopping = Arc::new(AtomicBool::new(false));
    let supervisor = Supervisor {
        keeper: listener.try_clone()?,
        requests,
        control: control.clone(),
        stopping: stopping.clone(),
        notices,
        drain_after,
    };
    let first = supervisor.generation(0)?;
    let supervisor = thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || supervisor.run(first, woken))?;
    Ok(Acceptor {
        keeper: listener,
        stopping,
        control,
        supervisor,
    })
}

impl Acceptor {
    /// Stops accepting, waits for the accept threads, closes the socket.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes every accept() blocked on this socket, in all generations (Linux).
        shutdown(&self.keeper);
        let _ = self.control.send(Control::Stop);
        let _ = self.supervisor.join();
    }
}

impl Supervisor {
    /// A new tiny_http server on a copy of the socket, and the thread that passes its requests on.
    fn generation(&self, id: u64) -> io::Result<Generation> {
        let listener = self.keeper.try_clone()?;
        let fd = raw_fd(&listener);
        let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
        let server = Arc::new(server);
        let (pumped, requests, control) =
            (server.clone(), self.requests.clone(), self.control.clone());
        let stopping = self.stopping.clone();
        let pump = thread::Builder::new()
            .name(format!("serve-accept-{id}"))
            .spawn(move || loop {
                match pumped.recv() {
                    Ok(request) => {
                        if requests.send(request).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        if !stopping.load(Ordering::SeqCst) {
                            let _ = control.send(Control::Ended(id, e));
                        }
                        return;
                    }
                }
            })?;
        Ok(Generation {
            id,
            server,
            pump,
            started: Instant::now(),
            queued: queued(&self.keeper),
            fd,
        })
    }

    fn run(self, first: Generation, woken: Receiver<Control>) {
        let mut current = Some(first);
        let mut retired: Vec<(Generation, Instant)> = Vec::new();
        let mut next_id = 1;
        let mut restart_at: Option<Instant> = None;
        let mut backoff = MIN_BACKOFF;
        let mut hard_failures = 0;
        let mut reported = HashSet::new();
        let mut suspect = false;
        loop {
            let now = Instant::now();
            let mut wait = restart_at.map_or(ALIVE_TICK, |at| {
                at.saturating_duration_since(now).min(ALIVE_TICK)
            });
            if !retired.is_empty() {
                wait = wait.min(DRAIN_TICK);
            }
            match woken.recv_timeout(wait) {
                Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Control::Ended(id, error)) => {
                    let Some(gen) = current.take_if(|g| g.id == id) else {
                        continue;
                    };
                    // Out of descriptors but the backlog shrank: connections are being
                    // accepted and closed, so the next try comes soon again.
                    let progress = gen
                        .queued
                        .zip(queued(&self.keeper))
                        .is_some_and(|(a, b)| b < a);
                    if progress {
                        backoff = MIN_BACKOFF;
                    }
                    if gen.started.elapsed() >= HEALTHY_FOR {
                        backoff = MIN_BACKOFF;
                        hard_failures = 0;
                    }
                    if !transient(&error) {
                        hard_failures += 1;
                        if hard_failures >= MAX_HARD_FAILURES {
                            (self.notices.fatal)(&format!(
                                "the preview stopped accepting connections: {error}"
                            ));
                            break;
                        }
                    }
                    if reported.insert(error.raw_os_error().unwrap_or(-1)) {
                        (self.notices.warn)(&format!(
                            "accepting a connection failed: {error}; still serving, accepting again shortly"
                        ));
                    }
                    retired.push((gen, Instant::now()));
                    restart_at = Some(Instant::now() + backoff);
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            // Dead on two checks in a row: an accept error on its way has arrived by then.
            let alive = current
                .as_ref()
                .is_none_or(|g| same_socket(g.fd, &self.keeper));
            let was_suspect = std::mem::replace(&mut suspect, !alive);
            if let Some(gen) = current.take_if(|_| !alive && was_suspect) {
                suspect = false;
                if reported.insert(0) {
                    (self.notices.warn)(
                        "the accept loop ended without an error; still serving, accepting again shortly",
                    );
                }
                gen.server.unblock();
                retired.push((gen, Instant::now()));
                restart_at.get_or_insert(Instant::now() + backoff);
            }
            self.drain(&mut retired);
            if restart_at.is_some_and(|at| at <= Instant::now()) {
                restart_at = None;
                match self.generation(next_id) {
                    Ok(gen) => current = Some(gen),
                    Err(e) if transient(&e) => {
                        if reported.insert(e.raw_os_error().unwrap_or(-1)) {
                            (self.notices.warn)(&format!(
                                "restarting the accept loop failed: {e}; trying again shortly"
                            ));
                        }
                        restart_at = Some(Instant::now() + backoff);
                    }
                    Err(e) => {
                        (self.notices.fatal)(&format!(
                            "the preview stopped accepting connections and could not restart: {e}"
                        ));
                        break;
                    }
                }
                next_id += 1;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        self.finish(current, retired);
    }

    /// Passes on what retired generations' connections still send; drops the quiet ones.
    fn drain(&self, retired: &mut Vec<(Generation, Instant)>) {
        for (gen, last) in retired.iter_mut() {
            while let Ok(Some(request)) = gen.server.try_recv() {
                *last = Instant::now();
                let _ = self.requests.send(request);
            }
        }
        retired.retain(|(_, last)| last.elapsed() < self.drain_after);
    }

    fn finish(self, current: Option<Generation>, retired: Vec<(Generation, Instant)>) {
        shutdown(&self.keeper);
        let all = current
            .into_iter()
            .chain(retired.into_iter().map(|(g, _)| g));
        for gen in all {
            gen.server.unblock();
            let _ = gen.pump.join();
        }
    }
}

/// Accept errors that say nothing about the socket: out of descriptors or memory for a
/// moment, a connection that went away before it was accepted, a signal. Linux also passes
/// pending network errors of the new connection to accept(2), to be retried the same way.
fn transient(e: &io::Error) -> bool {
    let Some(code) = e.raw_os_error() else {
        return matches!(
            e.kind(),
            io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        );
    };
    #[cfg(unix)]
    {
        [
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOBUFS,
            libc::ENOMEM,
            libc::ECONNABORTED,
            libc::ECONNRESET,
            libc::EINTR,
            libc::EAGAIN,
            libc::EWOULDBLOCK,
            libc::EPROTO,
            libc::EPERM,
            libc::ENETDOWN,
            libc::ENOPROTOOPT,
            libc::EHOSTDOWN,
            libc::EHOSTUNREACH,
            libc::EOPNOTSUPP,
            libc::ENETUNREACH,
            libc::ETIMEDOUT,
        ]
        .contains(&code)
    }
    #[cfg(not(unix))]
    {
        let _ = code;
        false
    }
}

fn raw_fd(listener: &TcpListener) -> i32 {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        listener.as_raw_fd()
    }
    #[cfg(not(unix))]
    {
        let _ = listener;
        -1
    }
}

/// Whether descriptor `fd` is still open on the same socket as `keeper`. Only this module
/// makes copies of the socket, so a number reused after a close names another file.
fn same_socket(fd: i32, keeper: &TcpListener) -> bool {
    #[cfg(unix)]
    {
        let inode = |fd: i32| {
            // SAFETY: fstat writes into a zeroed stat of the right type; a closed fd only fails.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            ((unsafe { libc::fstat(fd, &mut st) }) == 0).then_some((st.st_dev, st.st_ino))
        };
        inode(fd).is_some() && inode(fd) == inode(raw_fd(keeper))
    }
    #[cfg(not(unix))]
    {
        let _ = (fd, keeper);
        true
    }
}

/// How many connections wait in the listening socket's backlog (Linux).
fn queued(listener: &TcpListener) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: getsockopt writes at most `len` bytes into a zeroed tcp_info.
        let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = unsafe {
            libc::getsockopt(
                listener.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&mut info as *mut libc::tcp_info).cast(),
                &mut len,
            )
        };
        // For a listening socket the kernel reports its accept queue as "unacked".
        (rc == 0).then_some(info.tcpi_unacked)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = listener;
        None
    }
}

/// Ends the socket's listening: accept() calls blocked on it return at once (Linux).
fn shutdown(listener: &TcpListener) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: shutdown(2) on a descriptor this value owns.
        unsafe {
            libc::shutdown(listener.as_raw_fd(), libc::SHUT_RDWR);
        }
    }
    #[cfg(not(unix))]
    let _ = listener;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_out_of_descriptors_is_transient_a_bad_socket_is_not() {
        for code in [
            libc::EMFILE,
            libc::ENFILE,
            libc::ECONNABORTED,
            libc::EINTR,
            libc::EAGAIN,
        ] {
            assert!(transient(&io::Error::from_raw_os_error(code)), "{code}");
        }
        for code in [libc::EBADF, libc::EINVAL, libc::ENOTSOCK] {
            assert!(!transient(&io::Error::from_raw_os_error(code)), "{code}");
        }
    }
}
