//! Which problems stop a build. mdBook builds a book with broken links and anchors, links
//! to pages not in the book, missing included files and missing chapters; so does cookbook
//! (as warnings) unless the book sets `[site] strict-links = true`. `cookbook check` reports
//! them as findings either way.

use super::diagnostic::{Diagnostic, Severity};

/// Codes of the problems an mdBook build lets through (a missing chapter, code `summary`,
/// is let through by the loader, which knows it from SUMMARY.md's other errors).
const LENIENT: &[&str] = &["link", "include"];

/// Whether `d` is one of the problems mdBook lets through.
pub fn is_lenient(d: &Diagnostic) -> bool {
    LENIENT.contains(&d.code)
}

/// Splits problems into (errors, warnings): without strict links, the lenient ones become
/// warnings that say how to make them errors.
pub fn split(diags: Vec<Diagnostic>, strict: bool) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for mut d in diags {
        if d.is_error() && !strict && is_lenient(&d) {
            d.severity = Severity::Warning;
            d.notes.push("a build error with `[site] strict-links = true` in book.toml".into());
            warnings.push(d);
        } else if d.is_error() {
            errors.push(d);
        } else {
            warnings.push(d);
        }
    }
    (errors, warnings)
}

/// For `cookbook check`: the lenient problems count as findings (errors) again.
pub fn promote(diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| is_lenient(d) || d.code == "summary") {
        d.severity = Severity::Error;
        d.notes.retain(|n| !n.contains("strict-links"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_problems_are_warnings_unless_strict() {
        let diags = vec![
            Diagnostic::error("link", "broken link"),
            Diagnostic::error("config", "bad key"),
            Diagnostic::warning("config", "unknown key"),
            Diagnostic::error("include", "missing file"),
        ];
        let (errors, warnings) = split(diags.clone(), false);
        assert_eq!(errors.iter().map(|d| d.code).collect::<Vec<_>>(), ["config"]);
        assert_eq!(warnings.iter().map(|d| d.code).collect::<Vec<_>>(), ["link", "config", "include"]);
        assert!(warnings[0].notes[0].contains("strict-links"));
        let (errors, warnings) = split(diags, true);
        assert_eq!(errors.len(), 3);
        assert_eq!(warnings.len(), 1);
        let mut back = split(vec![Diagnostic::error("link", "x")], false).1;
        promote(&mut back);
        assert!(back[0].is_error() && back[0].notes.is_empty());
    }
}
