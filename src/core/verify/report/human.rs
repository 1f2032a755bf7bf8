//! The terminal report: a host header, one line per block as it finishes, then a
//! rustc-style diagnostic per problem (quoting the markdown, with a unified diff when
//! the output differs), and the summary line last.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::core::diagnostic::Diagnostic;
use crate::core::source::SourceFile;
use crate::core::verify::host::HostFacts;
use crate::core::verify::judge::Outcome;
use crate::core::verify::result::{BlockResult, RunReport};

/// `engine 20.10.24 (API 1.41) on Debian GNU/Linux 12 x86_64, cgroup v1, runtimes: runc; GPU: none`
pub fn header(host: &HostFacts) -> String {
    let gpu = if host.gpu.available { host.gpu.evidence.join(", ") } else { "none".to_string() };
    format!(
        "engine {} (API {}) at {} on {}, cgroup v{}, runtimes: {}; GPU: {}",
        host.engine_version,
        host.api_version,
        host.docker_host,
        host.os,
        host.cgroup_version,
        host.runtimes.join(" "),
        gpu
    )
}

/// `PASS    content/a.md:3 Heading (0.41s)`, with the reason for anything but a pass.
pub fn block_line(r: &BlockResult) -> String {
    let word = match r.verdict.outcome {
        Outcome::Pass => "PASS",
        Outcome::Fail => "FAIL",
        Outcome::Stale => "STALE",
        Outcome::Timeout => "TIMEOUT",
        Outcome::Blocked => "BLOCKED",
        Outcome::Skipped => "SKIP",
        Outcome::Leaked => "LEAKED",
    };
    let mut s = format!("{word:<7} {}", r.block.position());
    if !r.block.heading.is_empty() {
        s.push(' ');
        s.push_str(&r.block.heading);
    }
    s.push_str(&format!(" ({:.2}s)", r.duration.as_secs_f64()));
    if r.attempts > 1 {
        s.push_str(&format!(" [{} attempts]", r.attempts));
    }
    if r.verdict.outcome != Outcome::Pass {
        s.push_str(": ");
        s.push_str(&r.verdict.reason);
    }
    s
}

/// One diagnostic per block that failed, was stale, timed out, leaked, or was
/// skipped/blocked for a required capability; each followed by its diff or output.
pub fn problems(report: &RunReport, sources: &BTreeMap<PathBuf, SourceFile>, color: bool) -> String {
    let mut out = String::new();
    for r in &report.results {
        let o = r.verdict.outcome;
        if !(r.fails_run || o == Outcome::Leaked) {
            continue;
        }
        let code = match o {
            Outcome::Fail => "verify-fail",
            Outcome::Stale => "verify-stale",
            Outcome::Timeout => "verify-timeout",
            Outcome::Leaked => "verify-leaked",
            Outcome::Blocked => "verify-blocked",
            _ => "verify-skipped",
        };
        let mut d = if r.fails_run { Diagnostic::error(code, r.verdict.reason.clone()) } else { Diagnostic::warning(code, r.verdict.reason.clone()) };
        d = match sources.get(&r.block.file) {
            Some(src) => d.at_line(src, r.block.line),
            None => d.in_file(&r.block.file),
        };
        d = d.label(format!("this block: {}", o.name()));
        if let Some(help) = help(o, r) {
            d = d.help(help);
        }
        out.push_str(&d.render(color));
        out.push('\n');
        let detail = match (&r.verdict.diff, o) {
            (Some(diff), _) => diff.clone(),
            (None, Outcome::Leaked | Outcome::Skipped) => String::new(),
            (None, _) => tail(&r.output, 20),
        };
        for line in detail.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn help(o: Outcome, r: &BlockResult) -> Option<String> {
    Some(match o {
        Outcome::Fail if r.verdict.diff.is_some() => {
            "update the expected output (`cookbook verify --update`), or use `[..]` and `...` for parts that vary".into()
        }
        Outcome::Fail => format!("the block must exit with status {} (set `exit=N` if another status is expected)", r.block.attrs.exit),
        Outcome::Stale => "the command names an image, tag or flag that is gone: update the docs".into(),
        Outcome::Timeout => "raise `timeout=` on the block, or make the command finish sooner".into(),
        Outcome::Leaked => format!("left behind: {}; add a `cleanup` block or `--rm`", r.leaked.join(", ")),
        _ => return None,
    })
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(n);
    let mut s = String::new();
    if from > 0 {
        s.push_str(&format!("[… {from} lines before]\n"));
    }
    for l in &lines[from..] {
        s.push_str(l);
        s.push('\n');
    }
    s
}
