//! `cookbook serve`: build into memory, serve on 127.0.0.1, rebuild on save, reload the
//! browser; Ctrl-C stops. The work is in `io::live`; this file wires it and talks to the user.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::ServeArgs;
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
    let opts = LiveOptions {
        server: ServerOptions {
            bind: args.bind,
            port: args.port,
            ..ServerOptions::default()
        },
        ignored: vec![root.join("book"), root.join(".cookbook")],
        ..LiveOptions::default()
    };
    let signals = match interrupt::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return exit::FAILURE;
        }
    };
    let color = std::io::stderr().is_terminal();
    let shown_root = root.clone();
    let preview = match live::start(builder, &opts, move |e| report(e, &shown_root, color)) {
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
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview",
            args.bind
        );
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

/// The site builder for the book at `root`.
fn builder_for(root: &Path) -> Result<Box<dyn SiteBuilder>, String> {
    Err(format!(
        "serve: the build pipeline is not merged yet (book at {})",
        root.display()
    ))
}

fn report(event: &Event, root: &Path, color: bool) {
    let shown = |changed: &[PathBuf]| -> String {
        let names: Vec<String> = changed
            .iter()
            .take(3)
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        match changed.len() {
            0 => String::new(),
            n if n > 3 => format!(" ({} and {} more)", names.join(", "), n - 3),
            _ => format!(" ({})", names.join(", ")),
        }
    };
    match event {
        Event::Built {
            pages,
            changed,
            took,
            ..
        } => {
            eprintln!(
                "built {pages} files in {} ms{}",
                took.as_millis(),
                shown(changed)
            );
        }
        Event::Failed {
            diagnostics,
            changed,
            took,
            ..
        } => {
            for d in diagnostics {
                eprintln!("{}\n", d.render(color));
            }
            eprintln!(
                "build failed in {} ms{}; the browser shows the error until it is fixed",
                took.as_millis(),
                shown(changed)
            );
        }
    }
}
