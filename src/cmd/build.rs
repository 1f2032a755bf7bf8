//! `cookbook build`: load the book, render it in memory, write the site atomically.

use std::path::PathBuf;
use std::time::Instant;

use crate::build::BuildSession;
use crate::cli::BuildArgs;
use crate::cmd::report;
use crate::exit;

pub fn run(args: &BuildArgs) -> i32 {
    let started = Instant::now();
    let mut session = BuildSession::new(&args.root);
    session.set_verify_reports(args.verify_report.clone());
    let result = session.rebuild(&[]);
    let out_dir = out_dir(args, &session);
    match result {
        Ok(outputs) => {
            report::print(session.warnings());
            if let Err(msg) = check_out_dir(&args.root, &out_dir) {
                eprintln!("error: {msg}");
                return exit::USAGE;
            }
            let t = Instant::now();
            let written = crate::io::write::write_site(&out_dir, &outputs);
            if std::env::var_os("COOKBOOK_TIMINGS").is_some() {
                eprintln!("write: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
            }
            if let Err(e) = written {
                eprintln!("error: cannot write the site to {}: {e}", out_dir.display());
                return exit::FAILURE;
            }
            let pages = crate::core::wording::count(session.book().map_or(0, |b| b.pages.len()), "page");
            let warn = report::counts(session.warnings());
            eprintln!(
                "Built {pages} ({}) into {} in {:.2}s{}",
                crate::core::wording::count(outputs.len(), "file"),
                out_dir.display(),
                started.elapsed().as_secs_f64(),
                if warn.is_empty() { String::new() } else { format!("; {warn}") }
            );
            exit::OK
        }
        Err(diags) => {
            report::print(&diags);
            let kept = if out_dir.exists() { format!("{} was left as it was", out_dir.display()) } else { "nothing was written".to_string() };
            eprintln!("error: build failed with {}; {kept}", report::counts(&diags));
            // No book, or a book.toml that does not parse: a usage error, as in every command.
            if diags.iter().any(|d| d.code == "config" || d.code == "load" && d.message.starts_with("no book at")) {
                exit::USAGE
            } else {
                exit::FAILURE
            }
        }
    }
}

fn out_dir(args: &BuildArgs, session: &BuildSession) -> PathBuf {
    args.out.clone().unwrap_or_else(|| {
        let dir = session.book().map_or_else(|| "book".to_string(), |b| b.config.build.build_dir.clone());
        args.root.join(dir)
    })
}

/// Refuses an output folder that would swallow the book itself.
fn check_out_dir(root: &std::path::Path, out: &std::path::Path) -> Result<(), String> {
    let canon = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canon(root);
    let out_c = canon(out);
    if root.starts_with(&out_c) || out_c.join("book.toml").exists() {
        return Err(format!("refusing to replace {}: it holds the book's sources", out.display()));
    }
    Ok(())
}
