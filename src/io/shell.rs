//! Runs one block's script with the shell in a process group of its own: stdin closed,
//! stdout and stderr captured through one pipe (their written order) or two, each capped, the
//! whole group killed on timeout, on Ctrl-C, and when the script ends (background jobs
//! do not outlive their block). Exported variables are saved for the next block.
//! Deciding what the result means is `core::verify::judge`'s job.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crate::io::interrupt;

/// Bytes kept per stream; the rest is counted and dropped with a note.
pub const CAP: usize = 1 << 20;
/// How long a process group gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_millis(500);

/// Variables the runner sets for each block; never carried from one block to the next.
pub const RUNNER_PREFIX: &str = "COOKBOOK_";

/// Set by the first SIGINT or SIGTERM (see `io::interrupt`); every running block watches it.
pub use crate::io::interrupt::INTERRUPTED;

/// What to run and how.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub shell: &'a str,
    pub script: &'a str,
    /// The page's scratch directory: the block's working directory.
    pub cwd: &'a Path,
    /// Where this block saves its exported variables and the previous one left them.
    pub env_in: Option<&'a Path>,
    pub env_out: &'a Path,
    /// Where the wrapped script is written (outside the scratch directory).
    pub script_file: &'a Path,
    pub env: &'a [(String, String)],
    pub timeout: Duration,
    /// Whether Ctrl-C stops this block (cleanup blocks run on regardless).
    pub interruptible: bool,
    /// One pipe for stdout and stderr, so their order is the order they were written (as
    /// a terminal shows them); `stdout` then holds both and `stderr` is empty.
    pub one_pipe: bool,
}

/// What a block did.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub interrupted: bool,
    pub stdout: String,
    pub stderr: String,
    pub merged: String,
    pub duration: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    #[error("cannot start `{shell}`: {source}")]
    Spawn { shell: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

#[derive(Default)]
struct Capture {
    out: Vec<u8>,
    err: Vec<u8>,
    merged: Vec<u8>,
    dropped_out: usize,
    dropped_err: usize,
}

/// Runs the block and waits for it (or its timeout, or Ctrl-C).
pub fn run(req: &Request) -> Result<Finished, ShellError> {
    let wrapped = wrap(req);
    std::fs::write(req.script_file, wrapped).map_err(|source| ShellError::Write { path: req.script_file.to_path_buf(), source })?;
    let started = Instant::now();
    let mut cmd = Command::new(req.shell);
    cmd.arg(req.script_file).current_dir(req.cwd).stdin(Stdio::null()).process_group(0);
    let mut one_pipe = None;
    if req.one_pipe {
        let spawn_error = |source| ShellError::Spawn { shell: req.shell.to_string(), source };
        let (reader, writer) = pipe().map_err(spawn_error)?;
        let writer2 = writer.try_clone().map_err(spawn_error)?;
        cmd.stdout(Stdio::from(writer)).stderr(Stdio::from(writer2));
        one_pipe = Some(reader);
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    for (k, v) in req.env {
        cmd.env(k, v);
    }
    let spawned = cmd.spawn();
    // Our copies of the pipe's write end must go, or the reader never sees its end.
    drop(cmd);
    let mut child = spawned.map_err(|source| ShellError::Spawn { shell: req.shell.to_string(), source })?;
    let pgid = child.id() as i32;
    let capture = Arc::new(Mutex::new(Capture::default()));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let mut readers = 0;
    if let Some(both) = one_pipe {
        spawn_reader(both, false, capture.clone(), done_tx.clone());
        readers += 1;
    }
    if let Some(out) = child.stdout.take() {
        spawn_reader(out, false, capture.clone(), done_tx.clone());
        readers += 1;
    }
    if let Some(err) = child.stderr.take() {
        spawn_reader(err, true, capture.clone(), done_tx.clone());
        readers += 1;
    }
    drop(done_tx);
    let tracked = interrupt::track(pgid);
    // The waiter learns that the shell exited without reaping it: until it is reaped, its
    // process group ID cannot be reused, so the `killpg`s below hit only this block.
    let (wait_tx, wait_rx) = mpsc::channel::<()>();
    let pid = child.id();
    std::thread::spawn(move || {
        if wait_exited(pid) {
            let _ = wait_tx.send(());
        }
    });
    // A timeout too large for the clock means no deadline, not a panic.
    let deadline = started.checked_add(req.timeout);
    let mut timed_out = false;
    let mut interrupted = false;
    let exited = loop {
        let slice =
            deadline.map_or(Duration::from_millis(50), |d| d.saturating_duration_since(Instant::now()).min(Duration::from_millis(50)));
        match wait_rx.recv_timeout(slice) {
            Ok(()) => break true,
            Err(mpsc::RecvTimeoutError::Disconnected) => break false,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let stop = if req.interruptible && INTERRUPTED.load(Ordering::SeqCst) {
            interrupted = true;
            true
        } else if deadline.is_some_and(|d| Instant::now() >= d) {
            timed_out = true;
            true
        } else {
            false
        };
        if stop {
            kill_group(pgid, libc::SIGTERM);
            let exited = wait_rx.recv_timeout(GRACE).is_ok();
            kill_group(pgid, libc::SIGKILL);
            break exited || wait_rx.recv_timeout(GRACE).is_ok();
        }
    };
    // Whatever the script left running in its group goes with it (the leader is not
    // reaped yet), then the leader is reaped.
    kill_group(pgid, libc::SIGKILL);
    let status = if exited { child.wait().ok() } else { child.try_wait().ok().flatten() };
    drop(tracked);
    // A process that left the group may still hold the pipes: wait a little, not forever.
    let drain_deadline = Instant::now() + Duration::from_secs(2);
    for _ in 0..readers {
        if done_rx.recv_timeout(drain_deadline.saturating_duration_since(Instant::now())).is_err() {
            break;
        }
    }
    let cap = std::mem::take(&mut *capture.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Finished {
        exit_code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        timed_out,
        interrupted,
        stdout: text(&cap.out, cap.dropped_out, "stdout"),
        stderr: text(&cap.err, cap.dropped_err, "stderr"),
        merged: text(&cap.merged, cap.dropped_out + cap.dropped_err, "output"),
        duration: started.elapsed(),
    })
}

/// The script as run: earlier exports restored, `set -eo pipefail` so a failing command
/// (anywhere in a pipeline) fails the block, as a reader following the docs would stop
/// there, and exports saved on any exit. Under bash, a block's own `trap … EXIT` is chained
/// after the saving rather than replacing it (subshells keep the plain builtin).
fn wrap(req: &Request) -> String {
    let mut s = String::new();
    if let Some(env_in) = req.env_in {
        s.push_str(&format!(". {} >/dev/null 2>&1\n", quote(env_in)));
        // The runner's own variables are never carried: an earlier block's tag would
        // charge what this block makes to that block.
        for (k, v) in req.env.iter().filter(|(k, _)| k.starts_with(RUNNER_PREFIX)) {
            s.push_str(&format!("export {k}={}\n", quote(Path::new(v))));
        }
    }
    s.push_str(&format!("__cookbook_env_out={}\n", quote(req.env_out)));
    s.push_str("__cookbook_save() { export -p > \"$__cookbook_env_out\" 2>/dev/null; }\n");
    s.push_str(&format!("if [ -n \"${{BASH_VERSION:-}}\" ]; then eval '{CHAIN_EXIT_TRAPS}'; else trap __cookbook_save EXIT; fi\n"));
    s.push_str("set -e\n(set -o pipefail) 2>/dev/null && set -o pipefail\n");
    s.push_str(req.script);
    if !req.script.ends_with('\n') {
        s.push('\n');
    }
    // A POSIX shell cannot wrap `trap` (a special builtin), so a block's own EXIT trap
    // replaces the saving there: save once more when the block ends normally, keeping
    // its exit status (`exit`, not a failing command: the ERR probe, which names the
    // failing line, stays quiet, and nothing forks on every block). The blank line ends a
    // trailing `\` continuation of the block's last line.
    s.push_str("\n__cookbook_rc=$?; if [ -z \"${BASH_VERSION:-}\" ]; then __cookbook_save; fi; exit $__cookbook_rc\n");
    s
}

/// Bash only (inside `eval '…'`, so no single quotes): `trap CMD EXIT` in the block's own
/// shell records CMD, run after the exports are saved; every other use is the builtin,
/// except that `trap - ERR` (or DEBUG, RETURN) becomes `trap "" ERR`: bash restores those
/// three when a function returns, so a reset made inside this function would not stick.
const CHAIN_EXIT_TRAPS: &str = r#"
__cookbook_user_exit=
__cookbook_exit() {
  local __cookbook_rc=$?
  __cookbook_save
  if [ -n "$__cookbook_user_exit" ]; then (exit $__cookbook_rc); eval "$__cookbook_user_exit"; __cookbook_save; fi
}
builtin trap __cookbook_exit EXIT
trap() {
  if [ "$BASHPID" != "$$" ]; then builtin trap "$@"; return; fi
  local __a=("$@")
  if [ "${__a[0]-}" = "--" ]; then __a=("${__a[@]:1}"); fi
  case "${__a[0]-}" in -?*) builtin trap "$@"; return ;; esac
  if [ ${#__a[@]} -lt 2 ]; then builtin trap "$@"; return; fi
  local __cmd=${__a[0]} __s __rest=()
  for __s in "${__a[@]:1}"; do
    case "$__s" in
      EXIT|exit|0|SIGEXIT) if [ "$__cmd" = "-" ]; then __cookbook_user_exit=; else __cookbook_user_exit=$__cmd; fi ;;
      *) __rest+=("$__s") ;;
    esac
  done
  if [ ${#__rest[@]} -eq 0 ]; then return; fi
  if [ "$__cmd" != "-" ]; then builtin trap -- "$__cmd" "${__rest[@]}"; return; fi
  for __s in "${__rest[@]}"; do
    case "$__s" in
      ERR|DEBUG|RETURN|SIGERR|SIGDEBUG|SIGRETURN) builtin trap "" "$__s" ;;
      *) builtin trap - "$__s" ;;
    esac
  done
}
"#;

/// A pipe whose ends close on exec (the child gets only the copies `Command` hands it).
fn pipe() -> std::io::Result<(std::fs::File, std::os::fd::OwnedFd)> {
    use std::os::fd::FromRawFd;
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2(2) writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nothing else.
    unsafe { Ok((std::fs::File::from_raw_fd(fds[0]), std::os::fd::OwnedFd::from_raw_fd(fds[1]))) }
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

fn spawn_reader(mut pipe: impl Read + Send + 'static, is_err: bool, cap: Arc<Mutex<Capture>>, done: mpsc::Sender<()>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut c = cap.lock().unwrap_or_else(|e| e.into_inner());
                    let c = &mut *c;
                    let (stream, dropped) = if is_err { (&mut c.err, &mut c.dropped_err) } else { (&mut c.out, &mut c.dropped_out) };
                    let room = CAP.saturating_sub(stream.len()).min(n);
                    stream.extend_from_slice(&buf[..room]);
                    *dropped += n - room;
                    if room > 0 {
                        c.merged.extend_from_slice(&buf[..room]);
                    }
                }
            }
        }
        let _ = done.send(());
    });
}

fn text(bytes: &[u8], dropped: usize, what: &str) -> String {
    let mut s = String::from_utf8_lossy(bytes).into_owned();
    if dropped > 0 {
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&format!("[cookbook: {what} truncated, {dropped} more bytes not kept]\n"));
    }
    s
}

/// Checks that `shell` starts and runs a script, before any block is run: a misspelt
/// `[verify] shell` or a runner without bash must stop the run, not block every block.
pub fn probe(shell: &str) -> Result<(), String> {
    let mut child = Command::new(shell)
        .args(["-c", "set -e; exit 0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start `{shell}`: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("`{shell} -c 'exit 0'` did not succeed ({status})")),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("`{shell} -c 'exit 0'` did not finish within 10s"));
            }
            Err(e) => return Err(format!("waiting for `{shell}`: {e}")),
        }
    }
}

/// Blocks until process `pid` has exited, leaving it unreaped (`waitid` with `WNOWAIT`).
fn wait_exited(pid: u32) -> bool {
    loop {
        // SAFETY: waitid fills the zeroed siginfo it is given; WNOWAIT leaves the child
        // for `Child::wait` to reap.
        let rc = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT)
        };
        if rc == 0 {
            return true;
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
}

/// Signals a whole process group; a group already gone is fine.
pub fn kill_group(pgid: i32, signal: i32) {
    if pgid > 1 {
        // SAFETY: killpg has no memory effects; a stale pgid just returns ESRCH.
        unsafe {
            libc::killpg(pgid, signal);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_script(script: &str, timeout: Duration) -> (Finished, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let env_out = dir.path().join("env");
        let file = dir.path().join("s.sh");
        let req = Request {
            shell: "bash",
            script,
            cwd: dir.path(),
            env_in: None,
            env_out: &env_out,
            script_file: &file,
            env: &[],
            timeout,
            interruptible: true,
            one_pipe: false,
        };
        (run(&req).unwrap(), dir)
    }

    #[test]
    fn captures_streams_and_exit_status() {
        let (f, _d) = run_script("echo out; echo err >&2; printf '\\xff\\n'; exit 3", Duration::from_secs(10));
        assert_eq!(f.exit_code, Some(3));
        assert_eq!(f.stdout, "out\n\u{fffd}\n");
        assert_eq!(f.stderr, "err\n");
        assert!(f.merged.contains("out\n") && f.merged.contains("err\n"));
        let (f, _d) = run_script("false; echo not reached", Duration::from_secs(10));
        assert_eq!((f.exit_code, f.stdout.as_str()), (Some(1), ""));
        let (f, _d) = run_script("read x || echo \"eof [$x]\"", Duration::from_secs(10));
        assert_eq!(f.stdout, "eof []\n", "stdin is closed");
    }

    #[test]
    fn caps_huge_output() {
        let (f, _d) = run_script("head -c 3000000 /dev/zero | tr '\\0' a", Duration::from_secs(20));
        assert!(f.stdout.len() < CAP + 200);
        assert!(f.stdout.ends_with("[cookbook: stdout truncated, 1951424 more bytes not kept]\n"), "{}", &f.stdout[f.stdout.len() - 80..]);
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let marker = format!("{}", 200 + std::process::id() % 700);
        let (f, _d) = run_script(&format!("sleep 3{marker} & sleep 3{marker}1 & wait"), Duration::from_millis(300));
        assert!(f.timed_out);
        assert!(f.duration < Duration::from_secs(5));
        let alive = std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
            std::fs::read(e.path().join("cmdline")).is_ok_and(|c| String::from_utf8_lossy(&c).contains(&format!("sleep\u{0}3{marker}")))
        });
        assert!(!alive, "a sleep of the block is still running");
    }

    #[test]
    fn exports_carry_to_the_next_block() {
        let dir = tempfile::tempdir().unwrap();
        let (e1, e2, s) = (dir.path().join("e1"), dir.path().join("e2"), dir.path().join("s.sh"));
        let mut req = Request {
            shell: "bash",
            script: "export GREETING='hi there'; NOT_EXPORTED=1",
            cwd: dir.path(),
            env_in: None,
            env_out: &e1,
            script_file: &s,
            env: &[],
            timeout: Duration::from_secs(10),
            interruptible: true,
            one_pipe: false,
        };
        run(&req).unwrap();
        req.script = "echo \"$GREETING/${NOT_EXPORTED:-unset}\"";
        req.env_in = Some(&e1);
        req.env_out = &e2;
        assert_eq!(run(&req).unwrap().stdout, "hi there/unset\n");
    }

    #[test]
    fn runner_variables_are_not_carried() {
        let dir = tempfile::tempdir().unwrap();
        let (e1, e2, s) = (dir.path().join("e1"), dir.path().join("e2"), dir.path().join("s.sh"));
        let first = [("COOKBOOK_VERIFY_BLOCK".to_string(), "r/0/0".to_string())];
        let mut req = Request {
            shell: "bash",
            script: "export MINE=kept",
            cwd: dir.path(),
            env_in: None,
            env_out: &e1,
            script_file: &s,
            env: &first,
            timeout: Duration::from_secs(10),
            interruptible: true,
            one_pipe: false,
        };
        run(&req).unwrap();
        let second = [("COOKBOOK_VERIFY_BLOCK".to_string(), "r/0/1".to_string())];
        req.script = "echo \"$COOKBOOK_VERIFY_BLOCK $MINE\"";
        req.env = &second;
        req.env_in = Some(&e1);
        req.env_out = &e2;
        assert_eq!(run(&req).unwrap().stdout, "r/0/1 kept\n");
    }
}
