//! Timeouts of accepted connections. tiny_http accepts on its own thread and offers no way to
//! configure the sockets it accepts, and a receive timeout set on the listening socket would
//! also make accept() itself time out (Linux), which ends tiny_http's accept loop. So on the
//! listener go only the options that are inherited and harmless (send timeout, TCP_NODELAY),
//! and on Linux a sweeper thread finds this process's connections accepted on the listening
//! address (through /proc/self/fd) and shuts down those with no traffic either way for the
//! idle timeout (TCP_INFO says how long). Elsewhere idle connections are not timed out.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Options every accepted socket inherits from the listener: a client that stops reading
/// its response frees the worker writing it after `send`; TCP_NODELAY, because tiny_http
/// writes a response's head and body separately, and with Nagle's algorithm the body then
/// waits for the client's delayed ACK (40 ms a request on Linux). And a backlog of 1024
/// instead of std's 128: a burst of connections then waits in the queue instead of having
/// its SYNs dropped, which makes a client retry after 1 s, then 3 s.
pub fn set_inherited(listener: &TcpListener, send: Duration) {
    // SAFETY: listen(2) again on a listening socket only changes its backlog (capped by the
    // system's somaxconn).
    unsafe { libc::listen(listener.as_raw_fd(), 1024) };
    set_timeout(listener.as_raw_fd(), libc::SO_SNDTIMEO, send);
    let one: libc::c_int = 1;
    // SAFETY: a valid fd and a pointer to a c_int of the size given.
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

fn set_timeout(fd: RawFd, option: libc::c_int, d: Duration) {
    let tv = libc::timeval { tv_sec: d.as_secs().min(i32::MAX as u64) as libc::time_t, tv_usec: d.subsec_micros() as libc::suseconds_t };
    // SAFETY: a pointer to a timeval of the size given; a closed or foreign fd only fails.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            option,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        );
    }
}

/// Closes connections accepted on `listening` that stay idle, until dropped.
pub struct Sweeper {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Sweeper {
    /// Starts sweeping every `idle / 8` (between 20 ms and 1 s): a connection without
    /// traffic is closed after at most that much more than `idle`.
    pub fn start(listening: SocketAddr, idle: Duration) -> io::Result<Sweeper> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        if cfg!(not(target_os = "linux")) || idle.is_zero() {
            return Ok(Sweeper { stop, thread: None });
        }
        let every = (idle / 8).clamp(Duration::from_millis(20), Duration::from_secs(1));
        let stopped = stop.clone();
        let thread = thread::Builder::new().name("serve-timeouts".into()).spawn(move || {
            let (lock, wake) = &*stopped;
            let mut stop = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !*stop {
                sweep(listening, idle);
                stop = match wake.wait_timeout(stop, every) {
                    Ok((s, _)) => s,
                    Err(e) => e.into_inner().0,
                };
            }
        })?;
        Ok(Sweeper { stop, thread: Some(thread) })
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One pass: shuts down each connection accepted on `listening` that has neither received
/// nor sent data for `idle`. The thread of tiny_http's that reads it then sees the end of the
/// stream and closes it (a receive timeout set now would not reach a read already blocked).
/// Returns how many it shut down.
#[cfg(target_os = "linux")]
fn sweep(listening: SocketAddr, idle: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return 0;
    };
    let idle_ms = idle.as_millis().min(u32::MAX as u128) as u32;
    let mut closed = 0;
    for entry in entries.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<RawFd>().ok()) else {
            continue;
        };
        if !is_socket(fd) || !accepted_on(fd, listening) {
            continue;
        }
        if quiet_ms(fd).is_some_and(|ms| ms >= idle_ms) {
            // SAFETY: shutdown(2) on a connection of this process; the fd stays open (its
            // owner closes it), so no other file can take its number meanwhile.
            unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
            closed += 1;
        }
    }
    closed
}

#[cfg(not(target_os = "linux"))]
fn sweep(_: SocketAddr, _: Duration) -> usize {
    0
}

#[cfg(target_os = "linux")]
fn is_socket(fd: RawFd) -> bool {
    // SAFETY: fstat writes into a zeroed stat of the right type; a closed fd only fails.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    (unsafe { libc::fstat(fd, &mut st) }) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFSOCK
}

/// Milliseconds since the connection last received or sent data (or was set up).
#[cfg(target_os = "linux")]
fn quiet_ms(fd: RawFd) -> Option<u32> {
    // SAFETY: getsockopt writes at most `len` bytes into a zeroed tcp_info.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let rc = unsafe { libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_INFO, (&mut info as *mut libc::tcp_info).cast(), &mut len) };
    (rc == 0).then(|| info.tcpi_last_data_recv.min(info.tcpi_last_data_sent))
}

/// Whether `fd` is a connection (not a listener) whose local address is `listening`'s.
#[cfg(target_os = "linux")]
fn accepted_on(fd: RawFd, listening: SocketAddr) -> bool {
    let mut accepting: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt writes a c_int into a c_int of the size given.
    let rc = unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN, (&mut accepting as *mut libc::c_int).cast(), &mut len) };
    if rc != 0 || accepting != 0 {
        return false;
    }
    local_addr(fd)
        .is_some_and(|local| local.port() == listening.port() && (local.ip() == listening.ip() || listening.ip().is_unspecified()))
}

#[cfg(target_os = "linux")]
fn local_addr(fd: RawFd) -> Option<SocketAddr> {
    use std::net::{Ipv4Addr, Ipv6Addr};
    // SAFETY: getsockname writes at most `len` bytes into a zeroed sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let rc = unsafe { libc::getsockname(fd, (&mut storage as *mut libc::sockaddr_storage).cast(), &mut len) };
    if rc != 0 {
        return None;
    }
    match storage.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let a = unsafe { *(&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            Some(SocketAddr::from((ip, u16::from_be(a.sin_port))))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let a = unsafe { *(&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
            Some(SocketAddr::from((ip, u16::from_be(a.sin6_port))))
        }
        _ => None,
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Instant;

    #[test]
    fn only_connections_idle_for_the_timeout_are_shut_down() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut quiet = TcpStream::connect(addr).unwrap();
        let (_quiet_accepted, _) = listener.accept().unwrap();
        let idle = Duration::from_millis(300);
        assert_eq!(sweep(addr, idle), 0, "nothing is idle yet");
        let started = Instant::now();
        let mut busy = TcpStream::connect(addr).unwrap();
        let (_busy_accepted, _) = listener.accept().unwrap();
        while started.elapsed() < idle + Duration::from_millis(100) {
            busy.write_all(b"x").unwrap();
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(sweep(addr, idle), 1, "the quiet one only");
        quiet.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(quiet.read(&mut [0u8; 8]).unwrap(), 0, "closed by the sweep");
        // This side's client of the busy connection is not on the listening address.
        busy.write_all(b"still open").unwrap();
    }
}
