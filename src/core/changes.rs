//! Which changed paths reported by the file watcher matter for a rebuild: inside a watched
//! folder or a watched file, and not editor noise, the output folder or `.cookbook/`. A file
//! watched by name (the verify report in `.cookbook/`) always matters, and so does its folder
//! appearing or going. Pure: compares paths, never touches the disk.

use std::path::{Path, PathBuf};

/// What the watcher looks at: folders (everything below them) and single files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSet {
    pub folders: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
    /// Never a reason to rebuild, even inside a watched folder (the output folder).
    pub ignored: Vec<PathBuf>,
}

impl WatchSet {
    /// Whether a change to `path` should trigger a rebuild.
    pub fn matters(&self, path: &Path) -> bool {
        if self.files.iter().any(|f| f == path || f.parent() == Some(path)) {
            return !is_editor_noise(path);
        }
        self.folders.iter().any(|d| path.starts_with(d))
            && !self.ignored.iter().any(|d| path.starts_with(d))
            && !path.components().any(|c| matches!(c.as_os_str().to_str(), Some(".cookbook" | ".git")))
            && !is_editor_noise(path)
    }

    /// The paths of one batch that matter, sorted and without duplicates.
    pub fn filter(&self, batch: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
        let mut kept: Vec<PathBuf> = batch.into_iter().filter(|p| self.matters(p)).collect();
        kept.sort();
        kept.dedup();
        kept
    }
}

/// Swap, backup and probe files that editors write beside the real one: vim's `.x.swp`,
/// `x~` and `4913`, emacs' `.#x` and `#x#`, JetBrains' `___jb_tmp___`, generic `.tmp`.
pub fn is_editor_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == "4913"
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", "___jb_tmp___", "___jb_old___"].iter().any(|s| name.ends_with(s))
        || name == ".DS_Store"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_watched_changes_and_drops_noise() {
        let set = WatchSet {
            folders: vec!["/b/content".into(), "/b/templates".into()],
            files: vec!["/b/book.toml".into()],
            ignored: vec!["/b/content/book".into()],
        };
        let batch = [
            "/b/content/gpu.md",
            "/b/content/gpu.md",
            "/b/content/img/a.png",
            "/b/book.toml",
            "/b/templates/page.html",
            "/b/README.md",
            "/b/content/book/index.html",
            "/b/content/.cookbook/verify.json",
            "/b/content/.gpu.md.swp",
            "/b/content/gpu.md~",
            "/b/content/4913",
            "/b/content/.#gpu.md",
            "/b/content/#gpu.md#",
            "/b/content/gpu.md___jb_tmp___",
        ]
        .map(PathBuf::from);
        let kept = set.filter(batch);
        let expect: Vec<PathBuf> =
            ["/b/book.toml", "/b/content/gpu.md", "/b/content/img/a.png", "/b/templates/page.html"].map(PathBuf::from).to_vec();
        assert_eq!(kept, expect);
    }

    #[test]
    fn a_file_watched_by_name_in_cookbook_matters_and_its_neighbours_do_not() {
        let set = WatchSet {
            folders: vec!["/b/content".into()],
            files: vec!["/b/.cookbook/verify.json".into()],
            ignored: vec!["/b/.cookbook".into()],
        };
        let batch = [
            "/b/.cookbook/verify.json",
            "/b/.cookbook",
            "/b/.cookbook/verify.json.tmp",
            "/b/.cookbook/ledger.json",
            "/b/content/.cookbook/verify.json",
        ]
        .map(PathBuf::from);
        let expect = ["/b/.cookbook", "/b/.cookbook/verify.json"].map(PathBuf::from);
        assert_eq!(set.filter(batch), expect);
    }
}
