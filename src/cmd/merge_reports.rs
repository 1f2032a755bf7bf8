//! `cookbook merge-reports IN... [--out FILE]`: the JSON verify reports of N CI partitions
//! combined into one (see `core::proof::report::merge`), for `cookbook build` and its
//! dashboard. An input that cannot be read is a usage error; nothing is written then.

use crate::cli::MergeReportsArgs;
use crate::core::proof::report;
use crate::exit;
use crate::io::{atomic, proof};

pub fn run(args: &MergeReportsArgs) -> i32 {
    let mut reports = Vec::new();
    let mut bad = 0;
    for path in &args.inputs {
        match proof::read_one(path) {
            Ok(r) => reports.push(r),
            Err(why) => {
                bad += 1;
                let why = why.unwrap_or_else(|| "it does not exist".into());
                to_stderr!("error: cannot read the verify report {}: {why}", path.display());
            }
        }
    }
    if bad > 0 {
        to_stderr!("  = help: pass the JSON reports written by `cookbook verify --json FILE` (or .cookbook/verify.json)");
        return exit::USAGE;
    }
    let n = reports.len();
    let (merged, notes) = report::merge(reports);
    for note in &notes {
        to_stderr!("note: {note}");
    }
    if let Err(e) = atomic::write(&args.out, merged.to_json().as_bytes()) {
        to_stderr!("error: cannot write {}: {e}", args.out.display());
        return exit::FAILURE;
    }
    let summary: Vec<String> = merged.summary.iter().filter(|(_, c)| **c > 0).map(|(o, c)| format!("{c} {o}")).collect();
    to_stderr!(
        "Merged {n} reports ({} blocks: {}) into {}",
        merged.blocks.len(),
        if summary.is_empty() { "none".to_string() } else { summary.join(", ") },
        args.out.display()
    );
    exit::OK
}
