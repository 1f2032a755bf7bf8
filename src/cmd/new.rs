//! `cookbook new SLUG [--title T]`: a recipe from the template at `<src>/SLUG.md`, and its
//! entry appended to SUMMARY.md. Never overwrites a file. A book without SUMMARY.md (whose
//! navigation is the directory tree) gets the file only: creating SUMMARY.md would hide
//! every page it does not list.

use std::io::Write;

use crate::cli::NewArgs;
use crate::core::scaffold;
use crate::exit;
use crate::io::{atomic, load};

pub fn run(args: &NewArgs) -> i32 {
    let rel = match scaffold::path_of(&args.slug) {
        Ok(r) => r,
        Err(msg) => {
            to_stderr!("error: {msg}");
            return exit::USAGE;
        }
    };
    let sources = match load::load(&args.root) {
        Ok(s) => s,
        Err(diags) => {
            crate::cmd::report::print(&diags);
            return exit::USAGE;
        }
    };
    let title = args.title.clone().unwrap_or_else(|| scaffold::title_of(&args.slug));
    let shown = format!("{}/{rel}", sources.src_dir);
    let target = args.root.join(&sources.src_dir).join(&rel);
    if let Err(e) = create_new(&target, scaffold::recipe(&title).as_bytes()) {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            to_stderr!("error: {shown} already exists; refusing to overwrite it");
            to_stderr!("  = help: pick another name, or edit the existing recipe");
            return exit::USAGE;
        }
        to_stderr!("error: cannot write {shown}: {e}");
        return exit::FAILURE;
    }
    let summary_shown = format!("{}/SUMMARY.md", sources.src_dir);
    let Some(summary) = sources.files.get("SUMMARY.md") else {
        to_stdout!("Created {shown} (no SUMMARY.md: the directory tree lists it)");
        return exit::OK;
    };
    let Ok(summary) = std::str::from_utf8(summary) else {
        to_stderr!("error: {summary_shown} is not UTF-8; created {shown} but did not list it");
        return exit::FAILURE;
    };
    match scaffold::add_to_summary(summary, &title, &rel) {
        Some(text) => {
            if let Err(e) = atomic::write(&args.root.join(&sources.src_dir).join("SUMMARY.md"), text.as_bytes()) {
                to_stderr!("error: created {shown} but cannot update {summary_shown}: {e}");
                return exit::FAILURE;
            }
            to_stdout!("Created {shown} and added `- [{title}]({rel})` to {summary_shown}");
        }
        None => to_stdout!("Created {shown} ({summary_shown} already lists it)"),
    }
    exit::OK
}

/// Writes a file that must not exist yet (creating its folder).
fn create_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)
}
