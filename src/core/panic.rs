//! A panic in the work done for one file (often on a rayon thread) becomes an error
//! diagnostic for that file: the other pages still render, every problem is reported, and the
//! command fails with its usual code instead of dying. It does not hide the panic: Rust's
//! hook still prints where it happened, for the bug report.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use super::diagnostic::Diagnostic;

/// Runs `work`; a panic becomes an `internal` error at `file` saying what was being done.
pub fn caught<R>(file: &Path, doing: &str, work: impl FnOnce() -> R) -> Result<R, Diagnostic> {
    // The work's values are dropped with the panic; nothing half-updated escapes it.
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Diagnostic::error("internal", format!("cookbook crashed while {doing}: {why}"))
            .in_file(file)
            .help("this is a bug in cookbook: please report it with this file; the rest of the book was processed")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn a_panic_in_a_rayon_task_is_a_diagnostic_for_its_file() {
        let files = ["a.md", "b.md", "c.md"];
        let results: Vec<Result<usize, Diagnostic>> = files
            .par_iter()
            .map(|f| {
                caught(Path::new(f), "rendering the page", || {
                    if *f == "b.md" {
                        let v: Vec<usize> = Vec::new();
                        return v[3]; // an index out of bounds, as a bug would
                    }
                    f.len()
                })
            })
            .collect();
        assert_eq!(results[0].as_ref().ok(), Some(&4));
        assert_eq!(results[2].as_ref().ok(), Some(&4));
        let d = results[1].as_ref().unwrap_err();
        assert_eq!(d.code, "internal");
        assert_eq!(d.location.as_ref().unwrap().file, Path::new("b.md"));
        assert!(d.message.starts_with("cookbook crashed while rendering the page: index out of bounds"), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains("bug"));
    }

    #[test]
    fn a_string_or_any_payload_has_a_message() {
        let d = caught(Path::new("x"), "doing it", || std::panic::panic_any(42u8)).unwrap_err();
        assert!(d.message.ends_with("doing it: no message"));
        let n = 7;
        let d = caught(Path::new("x"), "doing it", || panic!("boom {n}")).unwrap_err();
        assert!(d.message.ends_with("doing it: boom 7"));
    }
}
