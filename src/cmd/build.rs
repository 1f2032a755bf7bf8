//! `cookbook build`: load the book, render it in memory, write the site atomically.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::build::BuildSession;
use crate::cli::BuildArgs;
use crate::cmd::report;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::SourceFile;
use crate::exit;
use crate::io::out_dir::Protected;

pub fn run(args: &BuildArgs) -> i32 {
    let started = Instant::now();
    let mut session = BuildSession::new(&args.root);
    session.set_verify_reports(args.verify_report.clone());
    let result = session.rebuild(&[]);
    let out_dir = out_dir(args, &session);
    match result {
        Ok(outputs) => {
            report::print(session.warnings());
            if let Err(d) = check_out_dir(args, &session, &out_dir) {
                report::print(&[d]);
                return exit::USAGE;
            }
            let t = Instant::now();
            let written = crate::io::write::write_site(&out_dir, &outputs);
            if std::env::var_os("COOKBOOK_TIMINGS").is_some() {
                to_stderr!("write: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
            }
            if let Err(e) = written {
                to_stderr!("error: cannot write the site to {}: {e}", out_dir.display());
                return exit::FAILURE;
            }
            let pages = crate::core::wording::count(session.book().map_or(0, |b| b.pages.len()), "page");
            let warn = report::counts(session.warnings());
            to_stderr!(
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
            let kept =
                if out_dir.exists() { format!("{} was left as it was", out_dir.display()) } else { "nothing was written".to_string() };
            to_stderr!("error: build failed with {}; {kept}", report::counts(&diags));
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

/// Refuses an output folder that would swallow the book or files no build wrote; when the
/// folder came from book.toml, the diagnostic points at its `build-dir` line.
fn check_out_dir(args: &BuildArgs, session: &BuildSession, out: &Path) -> Result<(), Diagnostic> {
    let src_dir = session.book().map_or("content", |b| b.src_dir.as_str());
    let shown = args.out.as_deref().unwrap_or_else(|| out.strip_prefix(&args.root).unwrap_or(out));
    let book = Protected { root: &args.root, src_dir };
    crate::io::out_dir::check(out, shown, &book, args.force).map_err(|d| match &args.out {
        Some(_) => d,
        None => at_build_dir(d, &args.root),
    })
}

fn at_build_dir(d: Diagnostic, root: &Path) -> Diagnostic {
    let Ok(text) = std::fs::read_to_string(root.join("book.toml")) else { return d };
    let src = SourceFile::new("book.toml", text);
    match src.text.find("build-dir") {
        Some(at) => d.at(&src, at..at + "build-dir".len()).label("the output folder is set here"),
        None => d,
    }
}
