//! Which of the book's problems stop a run: only those in the pages the run selected (a
//! page named by a FILTER counts even when its blocks are too malformed to select), so one
//! broken page elsewhere does not stop `cookbook verify content/one-page.md`. Pure.

use std::collections::BTreeSet;
use std::path::Path;

use super::plan::{Filter, PagePlan};
use crate::core::diagnostic::Diagnostic;

/// The problems of the selected pages, and those of the other pages.
pub fn split(diags: Vec<Diagnostic>, plan: &[PagePlan], filters: &[Filter], full_run: bool) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    if full_run {
        return (diags, Vec::new());
    }
    let selected: BTreeSet<&Path> = plan.iter().map(|p| p.file.as_path()).collect();
    diags.into_iter().partition(|d| match &d.location {
        Some(loc) => selected.contains(loc.file.as_path()) || filters.iter().any(|f| f.names_file(&loc.file)),
        None => true,
    })
}

/// Whether a listed block has an error on one of its lines (`--list` marks it malformed).
pub fn is_malformed(diags: &[Diagnostic], file: &Path, first: usize, last: usize) -> bool {
    diags.iter().any(|d| d.is_error() && d.location.as_ref().is_some_and(|l| l.file == file && (first..=last).contains(&l.line)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;

    #[test]
    fn problems_outside_the_selection_do_not_count() {
        let src = SourceFile::new("content/bad.md", "a\nb\n");
        let d = Diagnostic::error("x", "bad").at_line(&src, 2);
        let good = PagePlan {
            file: "content/good.md".into(),
            index: 0,
            blocks: Vec::new(),
            vars: Default::default(),
            timeout: std::time::Duration::ZERO,
            skip: false,
        };
        let (mine, others) = split(vec![d.clone()], std::slice::from_ref(&good), &[Filter::parse("good.md")], false);
        assert_eq!((mine.len(), others.len()), (0, 1));
        let (mine, _) = split(vec![d.clone()], &[good], &[Filter::parse("content/bad.md:2")], false);
        assert_eq!(mine.len(), 1);
        assert!(is_malformed(std::slice::from_ref(&d), Path::new("content/bad.md"), 1, 3));
        assert!(!is_malformed(&[d], Path::new("content/bad.md"), 3, 4));
    }
}
