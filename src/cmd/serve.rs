//! `cookbook serve`: build into memory, serve on 127.0.0.1, rebuild on save, reload the
//! browser; Ctrl-C stops. The work is in `io::live`; this file wires it and talks to the user.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::build::BuildSession;
use crate::cli::ServeArgs;
use crate::core::diagnostic::Diagnostic;
use crate::core::output::Output;
use crate::exit;
use crate::io::live::{self, Event, LiveOptions, SiteBuilder};
use crate::io::server::ServerOptions;
use crate::io::{browser, interrupt};

pub fn run(args: &ServeArgs) -> i32 {
    let root = match std::path::absolute(&args.root) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: cannot resolve --root {}: {e}", args.root.display());
            return exit::USAGE;
        }
    };
    let builder = match builder_for(&root) {
        Ok(b) => b,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let opts =
        LiveOptions { server: ServerOptions { bind: args.bind, port: args.port, ..ServerOptions::default() }, ..LiveOptions::default() };
    let signals = match interrupt::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return exit::FAILURE;
        }
    };
    quiet_tiny_http_panics();
    let color = std::io::stderr().is_terminal();
    let shown_root = root.clone();
    let mut warned = Vec::new();
    let preview = match live::start(builder, &opts, move |e| report(e, &shown_root, color, &mut warned)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot serve on {}:{}: {e}", args.bind, args.port);
            return exit::ENVIRONMENT;
        }
    };
    for port in preview.taken_ports() {
        eprintln!("note: port {port} is taken; trying the next one");
    }
    if !args.bind.is_loopback() {
        eprintln!("warning: listening on {}: anyone who can reach this machine can read the preview", args.bind);
    }
    let url = preview.url();
    println!("Serving {} at {url}  (Ctrl-C to stop)", root.display());
    if args.open {
        if let Err(e) = browser::open(&url) {
            eprintln!("note: could not open a browser ({e}); open {url} yourself");
        }
    }
    signals.wait();
    eprintln!("stopping");
    preview.stop();
    exit::OK
}

/// tiny_http panics on its accept thread when it runs out of descriptors right after an
/// accept (it unwraps a `try_clone`); `io::accept` starts a new accept loop and reports the
/// trouble once, so that panic's message is only noise.
fn quiet_tiny_http_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_tiny_http = info.location().is_some_and(|l| l.file().contains("tiny_http"));
        if !in_tiny_http {
            previous(info);
        }
    }));
}

/// The site builder for the book at `root`: the build pipeline's session, kept warm.
pub fn builder_for(root: &Path) -> Result<LiveBook, String> {
    if !root.is_dir() {
        return Err(format!("no folder at {}", root.display()));
    }
    if !root.join("book.toml").is_file() && !root.join("content").is_dir() {
        return Err(format!("no book at {} (no book.toml, no content/); run `cookbook init` there, or pass --root", root.display()));
    }
    Ok(LiveBook { root: root.to_path_buf(), session: BuildSession::new(root).defer_search(true).keep_caches(true) })
}

/// The build pipeline's session, seen as a [`SiteBuilder`].
pub struct LiveBook {
    root: PathBuf,
    session: BuildSession,
}

impl SiteBuilder for LiveBook {
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        self.session.rebuild(changed)
    }

    /// The book's sources, and the verify report: a new `cookbook verify` run shows its
    /// badges without waiting for the next edit.
    fn watch_paths(&self) -> Vec<PathBuf> {
        let mut paths = self.session.watch_paths();
        paths.push(self.root.join(".cookbook/verify.json"));
        paths
    }

    fn ignored_paths(&self) -> Vec<PathBuf> {
        let out = self.session.book().map_or_else(|| "book".to_string(), |b| b.config.build.build_dir.clone());
        vec![self.root.join(out), self.root.join(".cookbook")]
    }

    fn warnings(&self) -> Vec<Diagnostic> {
        self.session.warnings().to_vec()
    }

    fn take_deferred(&mut self) -> Option<crate::io::live::Deferred> {
        self.session.take_deferred()
    }
}

/// Prints each build to stderr; warnings only when they differ from the last ones shown.
fn report(event: &Event, root: &Path, color: bool, warned: &mut Vec<String>) {
    let shown = |changed: &[PathBuf]| -> String {
        let names: Vec<String> = changed.iter().take(3).map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string()).collect();
        match changed.len() {
            0 => String::new(),
            n if n > 3 => format!(" ({} and {} more)", names.join(", "), n - 3),
            _ => format!(" ({})", names.join(", ")),
        }
    };
    match event {
        Event::Built { pages, changed, took, warnings, .. } => {
            let now: Vec<String> = warnings.iter().map(|d| d.render(color)).collect();
            if now != *warned {
                for w in &now {
                    eprintln!("{w}\n");
                }
                *warned = now;
            }
            eprintln!("built {pages} files in {} ms{}", took.as_millis(), shown(changed));
        }
        Event::Failed { diagnostics, changed, took, .. } => {
            for d in diagnostics {
                eprintln!("{}\n", d.render(color));
            }
            eprintln!("build failed in {} ms{}; the browser shows the error until it is fixed", took.as_millis(), shown(changed));
        }
    }
}
