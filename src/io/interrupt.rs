//! Ctrl-C (SIGINT) and SIGTERM as something to wait on: the handler only writes a byte to a
//! pipe (async-signal-safe), and [`Interrupt::wait`] blocks reading it. No threads are
//! killed: the caller shuts down in order once `wait` returns.

use std::io;
use std::sync::atomic::{AtomicI32, Ordering};

static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// The read end of the signal pipe.
pub struct Interrupt {
    read_fd: libc::c_int,
}

extern "C" fn on_signal(_: libc::c_int) {
    let fd = WAKE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the fd stays open for the process' life.
        unsafe { libc::write(fd, b"!".as_ptr().cast(), 1) };
    }
}

/// Routes SIGINT and SIGTERM to the returned [`Interrupt`] (once per process).
pub fn install() -> io::Result<Interrupt> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    WAKE_FD.store(fds[1], Ordering::Relaxed);
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: installs a handler that only calls async-signal-safe functions.
        if unsafe { libc::signal(sig, handler) } == libc::SIG_ERR {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(Interrupt { read_fd: fds[0] })
}

impl Interrupt {
    /// Blocks until a signal arrives.
    pub fn wait(&self) {
        let mut byte = 0u8;
        loop {
            // SAFETY: reads one byte into a valid one-byte buffer.
            let n = unsafe { libc::read(self.read_fd, (&mut byte as *mut u8).cast(), 1) };
            if n == 1
                || (n < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted)
                || n == 0
            {
                return;
            }
        }
    }
}
