//! What the accept supervisor (`io::accept`) asks of the listening socket: whether tiny_http's
//! copy of it is still open, how many connections wait in its backlog, ending its listening;
//! and which accept errors are transient. Linux facts, best-effort elsewhere.

use std::io;
use std::net::TcpListener;

/// Accept errors that say nothing about the socket: out of descriptors or memory for a
/// moment, a connection that went away before it was accepted, a signal. Linux also passes
/// pending network errors of the new connection to accept(2), to be retried the same way.
pub fn transient(e: &io::Error) -> bool {
    let Some(code) = e.raw_os_error() else {
        return matches!(e.kind(), io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut);
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

pub fn raw_fd(listener: &TcpListener) -> i32 {
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
pub fn same_socket(fd: i32, keeper: &TcpListener) -> bool {
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
pub fn queued(listener: &TcpListener) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: getsockopt writes at most `len` bytes into a zeroed tcp_info.
        let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = unsafe {
            libc::getsockopt(listener.as_raw_fd(), libc::IPPROTO_TCP, libc::TCP_INFO, (&mut info as *mut libc::tcp_info).cast(), &mut len)
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
pub fn shutdown(listener: &TcpListener) {
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
        for code in [libc::EMFILE, libc::ENFILE, libc::ECONNABORTED, libc::EINTR, libc::EAGAIN] {
            assert!(transient(&io::Error::from_raw_os_error(code)), "{code}");
        }
        for code in [libc::EBADF, libc::EINVAL, libc::ENOTSOCK] {
            assert!(!transient(&io::Error::from_raw_os_error(code)), "{code}");
        }
    }
}
