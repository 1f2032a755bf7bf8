//! Reads the verify reports `cookbook build` badges the site from: the default
//! `<root>/.cookbook/verify.json`, or the files given with `--verify-report` (merged when
//! there are several). A missing default report is no report; an unreadable or invalid one
//! is a warning naming the file, and the site is built without it.

use std::path::{Path, PathBuf};

use crate::core::diagnostic::Diagnostic;
use crate::core::proof::report::{self, Report};

/// Where `cookbook verify` writes its JSON report by default.
pub fn default_path(root: &Path) -> PathBuf {
    root.join(".cookbook").join("verify.json")
}

/// The report to badge the site with, and warnings about the files that could not be used.
pub fn read_reports(root: &Path, explicit: &[PathBuf]) -> (Option<Report>, Vec<Diagnostic>) {
    let default = [default_path(root)];
    let paths: &[PathBuf] = if explicit.is_empty() { &default } else { explicit };
    let mut reports = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        match read_one(path) {
            Ok(r) => reports.push(r),
            Err(None) => {
                if !explicit.is_empty() {
                    warnings.push(warning(path, "it does not exist".into()));
                }
            }
            Err(Some(why)) => warnings.push(warning(path, why)),
        }
    }
    let report = match reports.len() {
        0 => None,
        1 => reports.pop(),
        _ => Some(report::merge(reports).0),
    };
    (report, warnings)
}

/// Reads and parses one report: `Err(None)` when the file does not exist.
pub fn read_one(path: &Path) -> Result<Report, Option<String>> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| Some("it is not UTF-8 text".to_string()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(None),
        Err(e) => return Err(Some(e.to_string())),
    };
    Report::parse(&text).map_err(Some)
}

fn warning(path: &Path, why: String) -> Diagnostic {
    Diagnostic::warning("verify-report", format!("cannot use the verify report {}: {why}", path.display()))
        .in_file(path)
        .help("run `cookbook verify` to write it (or pass the right --verify-report FILE); the site is built without verification badges")
}
