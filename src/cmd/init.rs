//! `cookbook init`: a new cookbook that builds as it is: a commented book.toml,
//! content/SUMMARY.md, an introduction and one recipe. Never overwrites a file.

use std::path::Path;

use crate::cli::InitArgs;
use crate::exit;

const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("init_files/book.toml")),
    ("content/SUMMARY.md", include_str!("init_files/SUMMARY.md")),
    ("content/README.md", include_str!("init_files/README.md")),
    ("content/first-recipe.md", include_str!("init_files/first-recipe.md")),
];

/// The verify report and the built site are results, not sources: added to `.gitignore`
/// (created, or completed when the folder already has one).
const GITIGNORE: &str = include_str!("init_files/gitignore");

pub fn run(args: &InitArgs) -> i32 {
    let title = args.title.clone().unwrap_or_else(|| default_title(&args.dir));
    let existing: Vec<&str> = FILES.iter().map(|(p, _)| *p).filter(|p| args.dir.join(p).exists()).collect();
    if !existing.is_empty() {
        to_stderr!("error: {} already has {}", args.dir.display(), existing.join(", "));
        to_stderr!("  = help: run `cookbook init` in an empty folder, or pass a new DIR");
        return exit::USAGE;
    }
    for (path, text) in FILES {
        let target = args.dir.join(path);
        let text = text.replace("{{TITLE}}", &title.replace('"', "'"));
        if let Err(e) = target.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| std::fs::write(&target, text)) {
            to_stderr!("error: cannot write {}: {e}", target.display());
            return exit::FAILURE;
        }
    }
    if let Err(e) = ignore_results(&args.dir.join(".gitignore")) {
        to_stderr!("warning: cannot update {}: {e}", args.dir.join(".gitignore").display());
    }
    to_stdout!("Created a cookbook in {}", args.dir.display());
    to_stdout!("Next:");
    if args.dir != Path::new(".") {
        to_stdout!("  cd {}", args.dir.display());
    }
    to_stdout!("  cookbook serve            preview it at http://127.0.0.1:3000, rebuilt as you save");
    to_stdout!("  cookbook new my-recipe    add a recipe and list it in content/SUMMARY.md");
    to_stdout!("  cookbook check            find broken links and malformed verify blocks");
    to_stdout!("  cookbook verify           run every verify block against Docker");
    exit::OK
}

fn ignore_results(path: &Path) -> std::io::Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let missing: Vec<&str> = GITIGNORE.lines().filter(|l| !old.lines().any(|o| o.trim() == *l)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sep = if old.is_empty() || old.ends_with('\n') { "" } else { "\n" };
    std::fs::write(path, format!("{old}{sep}{}\n", missing.join("\n")))
}

fn default_title(dir: &Path) -> String {
    let name =
        dir.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_else(|| "cookbook".into());
    let mut c = name.replace(['-', '_'], " ");
    if let Some(f) = c.get(..1) {
        c = f.to_uppercase() + &c[1..];
    }
    c
}
