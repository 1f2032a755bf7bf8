//! Ctrl-C (SIGINT) and SIGTERM, through `signal-hook`, for both long-running commands.
//! `verify`: the first signal only sets [`INTERRUPTED`] (running blocks are killed,
//! cleanup runs, reports are written, exit 130 or 143); a second one kills every process
//! group still running and exits at once. `serve`: [`Interrupt::wait`] blocks until a
//! signal arrives, then the caller shuts down in order.
//! Handlers only touch atomics and call `killpg`/`_exit` (async-signal-safe).

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Mutex;

use signal_hook::consts::{SIGINT, SIGTERM};

/// Set by the first SIGINT or SIGTERM; every running block watches it.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Which signal set [`INTERRUPTED`].
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Process groups running now (0 = free slot), killed by a second signal.
const SLOTS: usize = 256;
static GROUPS: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

/// Routes SIGINT and SIGTERM to [`INTERRUPTED`]; a second signal kills the tracked
/// process groups and exits with 128 + its number. Installed once per process: a second
/// call (`verify --watch` runs verify again) must not add a second handler, which would
/// take one Ctrl-C for two.
pub fn on_stop_signals() -> io::Result<()> {
    static INSTALLED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| install_stop_handlers().map_err(|e| e.to_string())).clone().map_err(io::Error::other)
}

fn install_stop_handlers() -> io::Result<()> {
    for sig in [SIGINT, SIGTERM] {
        // SAFETY: the action only uses atomics, killpg(2) and _exit(2), which are
        // async-signal-safe, and allocates nothing.
        unsafe {
            signal_hook::low_level::register(sig, move || {
                if INTERRUPTED.swap(true, Ordering::SeqCst) {
                    for slot in &GROUPS {
                        let pgid = slot.load(Ordering::SeqCst);
                        if pgid > 1 {
                            libc::killpg(pgid, libc::SIGKILL);
                        }
                    }
                    signal_hook::low_level::exit(128 + sig);
                }
                SIGNAL.store(sig, Ordering::SeqCst);
            })?;
        }
    }
    Ok(())
}

/// The signal that stopped the run, if one did: `SIGINT` (2) or `SIGTERM` (15).
pub fn stopped_by() -> Option<i32> {
    INTERRUPTED.load(Ordering::SeqCst).then(|| SIGNAL.load(Ordering::SeqCst)).filter(|s| *s > 0)
}

/// A process group registered for the second signal; unregistered on drop.
pub struct Tracked(Option<usize>);

/// Registers `pgid` (if a slot is free: more than 256 groups at once go untracked).
pub fn track(pgid: i32) -> Tracked {
    Tracked(GROUPS.iter().position(|s| s.compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst).is_ok()))
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let Some(i) = self.0 {
            GROUPS[i].store(0, Ordering::SeqCst);
        }
    }
}

/// SIGINT and SIGTERM as something to wait on (for `serve`).
pub struct Interrupt {
    signals: Mutex<signal_hook::iterator::Signals>,
}

/// Routes SIGINT and SIGTERM to the returned [`Interrupt`].
pub fn install() -> io::Result<Interrupt> {
    let signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    Ok(Interrupt { signals: Mutex::new(signals) })
}

impl Interrupt {
    /// Blocks until a signal arrives.
    pub fn wait(&self) {
        let mut signals = self.signals.lock().unwrap_or_else(|e| e.into_inner());
        let _ = signals.forever().next();
    }
}
