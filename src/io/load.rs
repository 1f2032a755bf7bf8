//! Reads a book from disk into memory: `book.toml`, every file under the source folder and
//! the book's own templates. No parsing beyond finding the source folder; symlinks that
//! point outside the book are never followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::core::book::{assemble, Book, Sources};
use crate::core::diagnostic::Diagnostic;
use crate::core::source::SourceFile;

/// Loads and assembles a book: the stage every command starts with.
pub fn load_book(root: &Path) -> Result<Book, Vec<Diagnostic>> {
    let sources = load(root)?;
    assemble(&sources)
}

/// Reads everything a build needs into memory.
pub fn load(root: &Path) -> Result<Sources, Vec<Diagnostic>> {
    let config_path = root.join("book.toml");
    let config = match std::fs::read(&config_path) {
        Ok(bytes) => Some(text_file(PathBuf::from("book.toml"), bytes)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(vec![io_error(Path::new("book.toml"), &e)]),
    };
    if config.is_none() && !root.join("content").is_dir() && !root.join("src").is_dir() {
        return Err(vec![Diagnostic::error("load", format!("no book at {}", root.display()))
            .help("run `cookbook init` to create one, or pass --root DIR pointing at a folder with book.toml")]);
    }
    let src_dir = source_dir(root, config.as_ref());
    let mut warnings = Vec::new();
    let mut files = read_tree(root, &root.join(&src_dir), &src_dir, &mut warnings)?;
    read_included_outside(&root.join(&src_dir), &mut files);
    warnings.extend(handlebars_theme(root, config.as_ref()));
    let templates = read_tree(root, &root.join("templates"), "templates", &mut warnings)?;
    Ok(Sources { root: root.to_path_buf(), config, src_dir, files, templates, warnings })
}

/// Reads the files outside the source folder that pages include (`../examples/x.rs`), as
/// mdBook resolves includes anywhere on disk; keyed `../…` beside the source files. A file
/// that cannot be read is left out: the page's include reports it.
fn read_included_outside(src: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let wanted: Vec<String> = files
        .iter()
        .filter(|(k, _)| k.ends_with(".md"))
        .flat_map(|(k, v)| crate::core::include::outside_targets(k, &String::from_utf8_lossy(v)))
        .collect();
    for key in wanted {
        if files.contains_key(&key) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(src.join(&key)) {
            files.insert(key, bytes);
        }
    }
}

/// mdBook's Handlebars theme (`theme/*.hbs`, or `[output.html] theme`) is not run: a
/// warning per template, so the reader knows the pages use cookbook's theme instead.
fn handlebars_theme(root: &Path, config: Option<&SourceFile>) -> Vec<Diagnostic> {
    let dir = config
        .and_then(|c| c.text.parse::<toml::Table>().ok())
        .and_then(|t| t.get("output")?.get("html")?.get("theme")?.as_str().map(String::from))
        .unwrap_or_else(|| "theme".into());
    let Ok(entries) = std::fs::read_dir(root.join(&dir)) else { return Vec::new() };
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| n.ends_with(".hbs")).collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let shown = Path::new(&dir).join(&n);
            Diagnostic::warning("theme", format!("the Handlebars template {} is not run", shown.display()))
                .in_file(&shown)
                .help("cookbook's pages use its own theme; to change them, override templates/page.html (tera)")
        })
        .collect()
}

/// `[output.html] additional-css` and `additional-js`: files relative to the root, copied to
/// the same paths in the site. A missing one is an error at its line in book.toml.
pub fn additional_files(
    root: &Path,
    config: &crate::core::config::Config,
    toml: Option<&SourceFile>,
) -> (Vec<crate::core::output::Output>, Vec<Diagnostic>) {
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    let html = &config.html;
    for rel in html.additional_css.iter().chain(&html.additional_js) {
        let inside = !rel.starts_with('/') && !rel.split('/').any(|p| p == "..");
        match std::fs::read(root.join(rel)) {
            Ok(bytes) if inside => outputs.push(crate::core::output::Output::new(rel.trim_start_matches("./"), bytes)),
            result => {
                let why = if inside { result.err().map_or_else(String::new, |e| e.to_string()) } else { "it is outside the book".into() };
                let d = Diagnostic::error("config", format!("cannot add `{rel}` to the site: {why}"))
                    .help("additional-css and additional-js name files relative to the book's root (where book.toml is)");
                errors.push(match toml.and_then(|t| t.text.find(&format!("\"{rel}\"")).map(|at| (t, at))) {
                    Some((t, at)) => d.at(t, at..at + rel.len() + 2).label("listed here"),
                    None => d.in_file(Path::new("book.toml")),
                });
            }
        }
    }
    (outputs, errors)
}

/// Brings `sources` up to date with the files in `changed` (absolute paths) by reading only
/// those. Returns `false` when that is not enough (book.toml, a folder, a symlink, a path
/// outside the sources changed): the caller then loads everything again.
pub fn patch(sources: &mut Sources, root: &Path, changed: &[PathBuf]) -> bool {
    for path in changed {
        let Ok(rel) = path.strip_prefix(root) else { return false };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
        let Some(top) = parts.next() else { return false };
        let rest: Vec<String> = parts.collect();
        let map = if top == sources.src_dir && !sources.src_dir.contains('/') {
            &mut sources.files
        } else if top == "templates" {
            &mut sources.templates
        } else {
            return false;
        };
        if rest.is_empty() {
            return false;
        }
        if rest.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        let key = rest.join("/");
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => match std::fs::read(path) {
                Ok(bytes) => {
                    map.insert(key, bytes);
                }
                Err(_) => return false,
            },
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let under = format!("{key}/");
                map.retain(|k, _| *k != key && !k.starts_with(&under));
            }
            Err(_) => return false,
        }
    }
    true
}

/// `[book] src` without parsing the whole config: `content` when that folder exists, else
/// mdBook's default `src`. A malformed book.toml is reported later, by `assemble`.
fn source_dir(root: &Path, config: Option<&SourceFile>) -> String {
    let from_config = config.and_then(|c| {
        let table: toml::Table = c.text.parse().ok()?;
        table.get("book")?.get("src")?.as_str().map(|s| s.trim_end_matches('/').to_string())
    });
    from_config.unwrap_or_else(|| if root.join("content").is_dir() { "content".into() } else { "src".into() })
}

/// Every regular file under `dir`, keyed by its path relative to `dir` with `/` separators.
/// Hidden files and folders are skipped; so are symlinks resolving outside `root`.
fn read_tree(root: &Path, dir: &Path, shown: &str, warnings: &mut Vec<Diagnostic>) -> Result<BTreeMap<String, Vec<u8>>, Vec<Diagnostic>> {
    let mut files = BTreeMap::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
                errors.push(
                    Diagnostic::error("load", format!("cannot read {}: {e}", path.display()))
                        .help("check the file's permissions, or remove the broken link"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let shown_path = Path::new(shown).join(rel);
        if entry.path_is_symlink() || entry.path().ancestors().any(|a| a.is_symlink()) {
            let inside = entry.path().canonicalize().map(|p| p.starts_with(&canonical_root)).unwrap_or(false);
            if !inside {
                errors.push(
                    Diagnostic::warning("load", format!("{} links outside the book; it is not published", shown_path.display()))
                        .help("copy the file into the book instead of linking to it"),
                );
                continue;
            }
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                files.insert(key, bytes);
            }
            Err(e) => errors.push(io_error(&shown_path, &e)),
        }
    }
    if errors.iter().any(Diagnostic::is_error) {
        Err(errors)
    } else {
        warnings.extend(errors);
        Ok(files)
    }
}

fn text_file(path: PathBuf, bytes: Vec<u8>) -> Result<SourceFile, Vec<Diagnostic>> {
    crate::core::book::decode(&path, bytes).map_err(|d| vec![d])
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("load", format!("cannot read {}: {e}", path.display()))
        .in_file(path)
        .help("check that the file exists and is readable")
}
