//! Which folder `cookbook build` may replace with the site. Every build leaves a marker file
//! in its output; a folder that is neither empty nor marked is refused (Zola refuses an
//! existing output folder without `--force`), and so is one that holds the book itself, its
//! sources or its templates, even with `--force`. It does not decide where the site goes.

use std::path::{Component, Path, PathBuf};

use crate::core::diagnostic::Diagnostic;

/// The file every build writes at the top of its output folder.
pub const MARKER: &str = ".cookbook-build";

/// The marker's text: says what the folder is and that the next build replaces all of it.
pub const MARKER_TEXT: &str = "This folder was written by `cookbook build`; the next build replaces all of it.\n";

/// What a build must never replace.
pub struct Protected<'a> {
    pub root: &'a Path,
    /// The source folder, relative to `root` (`[book] src`).
    pub src_dir: &'a str,
}

/// Refuses an output folder that would swallow the book, or that holds files no build wrote
/// (unless `force`). `shown` is how the user named the folder.
pub fn check(out: &Path, shown: &Path, book: &Protected<'_>, force: bool) -> Result<(), Diagnostic> {
    let target = resolve(out);
    let guarded = [
        (resolve(book.root), "the book itself (book.toml is there)"),
        (resolve(&book.root.join(book.src_dir)), "the book's sources"),
        (resolve(&book.root.join("templates")), "the book's templates"),
    ];
    let shown = display(shown);
    if let Some((_, what)) = guarded.iter().find(|(p, _)| p.starts_with(&target)) {
        return Err(Diagnostic::error("output-folder", format!("refusing to write the site into `{shown}`: it holds {what}"))
            .help("build into a folder of its own: `--out book`, or `[build] build-dir = \"book\"` in book.toml")
            .note("a build replaces its whole output folder"));
    }
    if out.is_file() {
        return Err(Diagnostic::error("output-folder", format!("refusing to write the site into `{shown}`: it is a file"))
            .help("name a folder with --out or `[build] build-dir`"));
    }
    let foreign = std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some()) && !out.join(MARKER).is_file();
    if foreign && !force {
        return Err(Diagnostic::error("output-folder", format!("`{shown}` is not empty and was not written by `cookbook build`"))
            .help(format!("move its files away, or pass --force to replace all of `{shown}` with the site"))
            .note(format!("a build replaces its whole output folder and marks it with a `{MARKER}` file")));
    }
    Ok(())
}

/// An absolute path without `.`, `..` or symbolic links, also for a path that does not exist
/// yet (its deepest existing ancestor is resolved, the rest appended).
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

fn display(path: &Path) -> String {
    let p = path.strip_prefix(".").unwrap_or(path);
    if p.as_os_str().is_empty() {
        ".".into()
    } else {
        p.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths_that_do_not_exist_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        assert_eq!(resolve(&tmp.path().join("a/b/../c")), real.join("a/c"));
        assert_eq!(resolve(&tmp.path().join("a/..")), real);
        assert_eq!(display(Path::new("./content")), "content");
        assert_eq!(display(Path::new(".")), ".");
    }
}
