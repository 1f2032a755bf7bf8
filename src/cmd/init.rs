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
    to_stdout!("Created a cookbook in {}", args.dir.display());
    to_stdout!("  cookbook build --root {}     render it to {}/book", args.dir.display(), args.dir.display());
    exit::OK
}

fn default_title(dir: &Path) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "cookbook".into());
    let mut c = name.replace(['-', '_'], " ");
    if let Some(f) = c.get(..1) {
        c = f.to_uppercase() + &c[1..];
    }
    c
}
