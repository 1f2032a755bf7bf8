//! Opens a URL in the user's browser, best-effort: `open` on macOS, `xdg-open` elsewhere.
//! A missing opener is reported to the caller, never fatal.

use std::io;
use std::process::{Command, Stdio};

pub fn open(url: &str) -> io::Result<()> {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    Command::new(opener).arg(url).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().map(drop)
}
