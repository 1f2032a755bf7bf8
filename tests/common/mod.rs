//! Shared test harness: runs the `cookbook` binary on a copy of a fixture book, and talks
//! to the real Docker engine. Without an engine, Docker tests print why and return;
//! with `COOKBOOK_REQUIRE_DOCKER=1` (set by `.ci/run`) they fail instead.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};

use cookbook::io::docker::Engine;

/// The image every Docker fixture uses, built here from Debian's `busybox-static`.
pub const IMAGE: &str = "busybox:latest";

static DOCKER_LOCK: Mutex<()> = Mutex::new(());

/// Serialises the Docker tests of one test binary (they share one engine).
pub fn docker_lock() -> MutexGuard<'static, ()> {
    DOCKER_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn required() -> bool {
    std::env::var("COOKBOOK_REQUIRE_DOCKER").as_deref() == Ok("1")
}

/// The engine, with the test image present; `None` (after saying why) when there is no
/// engine and it is not required.
pub fn docker(test: &str) -> Option<Engine> {
    let engine = Engine::connect().and_then(|e| e.preflight().map(|_| e));
    let engine = match engine {
        Ok(e) => e,
        Err(e) if required() => panic!("{test}: COOKBOOK_REQUIRE_DOCKER=1 but no Docker engine: {e}"),
        Err(e) => {
            eprintln!("skipping {test}: no Docker engine ({e}); set COOKBOOK_REQUIRE_DOCKER=1 to make this an error");
            return None;
        }
    };
    if !engine.has_image(IMAGE) {
        match busybox_rootfs() {
            Ok(tar) => engine
                .import_rootfs(tar, IMAGE, &["CMD [\"/bin/sh\"]", "ENV PATH=/bin"])
                .unwrap_or_else(|e| panic!("{test}: importing {IMAGE}: {e}")),
            Err(e) if required() => panic!("{test}: {e}"),
            Err(e) => {
                eprintln!("skipping {test}: {e}");
                return None;
            }
        }
    }
    Some(engine)
}

/// A rootfs tar: `/bin/busybox` (static), a symlink per applet, `/etc/passwd`, `/tmp`.
pub fn busybox_rootfs() -> Result<Vec<u8>, String> {
    let busybox = Path::new("/bin/busybox");
    let bytes = std::fs::read(busybox).map_err(|e| format!("cannot read /bin/busybox ({e}): apt-get install busybox-static"))?;
    let list = Command::new(busybox).arg("--list").output().map_err(|e| format!("busybox --list: {e}"))?;
    let mut tar = tar::Builder::new(Vec::new());
    let dir = |path: &str, mode: u32, tar: &mut tar::Builder<Vec<u8>>| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(mode);
        h.set_size(0);
        h.set_mtime(0);
        tar.append_data(&mut h, path, std::io::empty()).map_err(|e| e.to_string())
    };
    dir("bin/", 0o755, &mut tar)?;
    dir("etc/", 0o755, &mut tar)?;
    dir("tmp/", 0o1777, &mut tar)?;
    let file = |path: &str, mode: u32, data: &[u8], tar: &mut tar::Builder<Vec<u8>>| {
        let mut h = tar::Header::new_gnu();
        h.set_mode(mode);
        h.set_size(data.len() as u64);
        h.set_mtime(0);
        tar.append_data(&mut h, path, data).map_err(|e| e.to_string())
    };
    file("bin/busybox", 0o755, &bytes, &mut tar)?;
    file("etc/passwd", 0o644, b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", &mut tar)?;
    for applet in String::from_utf8_lossy(&list.stdout).lines().map(str::trim).filter(|a| !a.is_empty() && *a != "busybox") {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_mode(0o777);
        h.set_size(0);
        h.set_mtime(0);
        tar.append_link(&mut h, format!("bin/{applet}"), "busybox").map_err(|e| e.to_string())?;
    }
    tar.into_inner().map_err(|e| e.to_string())
}

/// A copy of `tests/fixtures/verify/<case>` in a temporary folder, so runs can write
/// `.cookbook/verify.json` and `--update` files without touching the repository.
pub fn fixture(case: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verify").join(case);
    let dir = tempfile::tempdir().expect("temp dir");
    crate::support::copy_dir(&src, dir.path());
    dir
}

/// `cookbook ARGS` with no terminal, `GITHUB_ACTIONS` unset.
pub fn cookbook(args: &[&str]) -> Output {
    cookbook_cmd(args).output().expect("run cookbook")
}

pub fn cookbook_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cookbook"));
    cmd.args(args).env_remove("GITHUB_ACTIONS");
    cmd
}

/// `cookbook ARGS --root DIR` with no engine reachable (`DOCKER_HOST` points nowhere) and no
/// colour: (exit code, stdout, stderr).
pub fn run_without_engine(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let root = path_str(dir);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--root", &root]);
    let out = cookbook_cmd(&all).env("DOCKER_HOST", "unix:///nonexistent/cookbook-test.sock").env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn path_str(p: &Path) -> String {
    p.display().to_string()
}

pub fn root_arg(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().to_path_buf()
}

/// Processes (other than zombies) whose environment says they belong to a verify run
/// whose ID starts with `run_prefix` (the run ID is `<pid hex>-…`).
pub fn processes_of_run(run_prefix: &str) -> Vec<String> {
    let needle = format!("COOKBOOK_VERIFY_PAGE={run_prefix}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(env) = std::fs::read(entry.path().join("environ")) else { continue };
        if !String::from_utf8_lossy(&env).split('\0').any(|v| v.starts_with(&needle)) {
            continue;
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let state = stat.rsplit(')').next().and_then(|s| s.split_whitespace().next()).unwrap_or("");
        if state != "Z" {
            let cmd = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push(String::from_utf8_lossy(&cmd).replace('\0', " "));
        }
    }
    found
}

/// The blocks of a JSON verify report, by `file:line`.
pub fn report_blocks(json: &serde_json::Value) -> std::collections::BTreeMap<String, &serde_json::Value> {
    json["blocks"].as_array().expect("blocks").iter().map(|b| (format!("{}:{}", b["file"].as_str().unwrap(), b["line"]), b)).collect()
}

/// A string field of a report entry.
pub fn field(entry: &serde_json::Value, name: &str) -> String {
    entry[name].as_str().unwrap_or_else(|| panic!("no string `{name}` in {entry}")).to_string()
}
