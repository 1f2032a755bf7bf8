//! Writes a site atomically: everything goes into a fresh folder beside the target, which
//! then takes the target's place in one rename (an exchange on Linux), so a failed or
//! interrupted build leaves the previous site as it was. The new folder carries the marker
//! of `out_dir`, so the next build knows the folder is a site it may replace.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::core::output::Output;

/// Writes `outputs` as the new content of `dir`, replacing what was there.
pub fn write_site(dir: &Path, outputs: &[Output]) -> io::Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    let staging = tempfile::Builder::new().prefix(&format!(".{name}.new-")).tempdir_in(parent)?;
    // Folders first, then the files in parallel: creating files dominates on most disks.
    let mut dirs: Vec<PathBuf> = outputs.iter().filter_map(|o| o.path.parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(safe_join(staging.path(), d)?)?;
    }
    fs::write(staging.path().join(super::out_dir::MARKER), super::out_dir::MARKER_TEXT)?;
    {
        use rayon::prelude::*;
        let old_site = dir.is_dir().then_some(dir);
        outputs.par_iter().try_for_each(|out| {
            let target = safe_join(staging.path(), &out.path)?;
            // A file the previous site already has, byte for byte, is linked rather than
            // written: cheaper on most file systems, and the old site is removed right after.
            if let Some(old) = old_site.map(|d| d.join(&out.path)) {
                let same = fs::metadata(&old).is_ok_and(|m| m.is_file() && m.len() == out.bytes.len() as u64)
                    && fs::read(&old).is_ok_and(|b| *b == *out.bytes);
                if same && fs::hard_link(&old, &target).is_ok() {
                    return Ok(());
                }
            }
            fs::write(target, &*out.bytes)
        })?;
    }
    let staged = staging.keep();
    let result = swap_into_place(&staged, dir);
    if result.is_err() {
        let _ = fs::remove_dir_all(&staged);
    }
    result
}

fn swap_into_place(staged: &Path, dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        return fs::rename(staged, dir);
    }
    if exchange(staged, dir).is_ok() {
        // `staged` now holds the old site.
        return fs::remove_dir_all(staged);
    }
    let old = staged.with_extension("old");
    fs::rename(dir, &old)?;
    if let Err(e) = fs::rename(staged, dir) {
        let _ = fs::rename(&old, dir);
        return Err(e);
    }
    fs::remove_dir_all(&old)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 does not keep the pointers.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic exchange"))
}

/// Joins a relative output path, refusing anything that would escape `base`.
fn safe_join(base: &Path, rel: &Path) -> io::Result<PathBuf> {
    use std::path::Component;
    if rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        Ok(base.join(rel))
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write {}", rel.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_site_and_leaves_nothing_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("book");
        write_site(&site, &[Output::new("a.html", "1"), Output::new("x/b.html", "2")]).unwrap();
        write_site(&site, &[Output::new("c.html", "3")]).unwrap();
        assert_eq!(fs::read_to_string(site.join("c.html")).unwrap(), "3");
        assert!(site.join(super::super::out_dir::MARKER).is_file());
        assert!(!site.join("a.html").exists());
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["book"]);
        assert!(write_site(&site, &[Output::new("../evil", "x")]).is_err());
        assert_eq!(fs::read_to_string(site.join("c.html")).unwrap(), "3", "a failed write keeps the old site");
    }
}
