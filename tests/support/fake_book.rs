//! A stand-in for the real build: every `.md` under `content/` becomes an `.html` page with
//! its text; front matter that opens with `+++` and never closes is a build error. Enough to
//! test serving, watching and reloading without the real renderer.

use std::path::{Path, PathBuf};

use cookbook::core::diagnostic::Diagnostic;
use cookbook::core::output::Output;
use cookbook::core::source::SourceFile;
use cookbook::io::live::SiteBuilder;

pub struct FakeBook {
    pub root: PathBuf,
}

impl SiteBuilder for FakeBook {
    fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<Vec<Output>, Vec<Diagnostic>> {
        let content = self.root.join("content");
        let mut outputs = vec![
            Output::new("404.html", "<html><body><h1>Fixture 404</h1></body></html>"),
            Output::new("assets/theme.css", "body { color: black }"),
        ];
        let mut errors = Vec::new();
        let mut files = Vec::new();
        walk(&content, &mut files);
        files.sort();
        for path in files {
            let rel = path.strip_prefix(&content).unwrap().to_string_lossy().replace('\\', "/");
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if let Some(stem) = rel.strip_suffix(".md") {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let src = SourceFile::new(Path::new("content").join(&rel), text.clone());
                if text.starts_with("+++") && !text[3..].contains("\n+++") {
                    errors.push(Diagnostic::error("front-matter", "front matter is not closed").at_line(&src, 1));
                    continue;
                }
                let name = if stem == "README" || stem.ends_with("/README") {
                    format!("{}index.html", &stem[..stem.len() - 6])
                } else {
                    format!("{stem}.html")
                };
                outputs.push(Output::new(name, format!("<html><body><pre>{text}</pre></body></html>")));
            } else {
                outputs.push(Output::new(rel, bytes));
            }
        }
        if errors.is_empty() {
            Ok(outputs)
        } else {
            Err(errors)
        }
    }

    fn watch_paths(&self) -> Vec<PathBuf> {
        ["content", "templates", "assets", "book.toml"].iter().map(|p| self.root.join(p)).collect()
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}
