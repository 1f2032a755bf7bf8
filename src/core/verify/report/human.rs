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
    if r.block.attrs.setup {
        s.push_str(" [setup]");
    }
    s.push_str(&format!(" ({:.2}s)", r.duration.as_secs_f64()));
    if r.attempts > 1 {
        s.push_str(&format!(" [{} attempts]", r.attempts));
    }
    if r.verdict.outcome != Outcome::Pass {
        s.push_str(": ");
        s.push_str(&shown(&r.verdict.reason).replace('\n', " "));
    }
    s
}

/// Text from a block's output made safe to print: control characters other than newline
/// and tab (terminal escape sequences, `\r` overwrites, bells) become visible `\x1b`.
pub fn shown(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            s.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            s.push(c);
        }
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
        let reason = shown(&r.verdict.reason);
        let mut d = if r.fails_run { Diagnostic::error(code, reason) } else { Diagnostic::warning(code, reason) };
        d = match sources.get(&r.block.file) {
            Some(src) => d.at_line(src, r.block.line),
            None => d.in_file(&r.block.file),
        };
        d = d.label(format!("this block: {}", o.name()));
        if let Some(help) = help(o, r) {
            d = d.help(help);
        }
        if r.block.script != r.block.code && r.fails_run {
            // Placeholders were substituted: show what the shell was given.
            let script: String = r.block.script.lines().map(|l| format!("\n  {l}")).collect();
            d = d.note(format!("ran as (placeholders substituted):{script}"));
        }
        out.push_str(&d.render(color));
        out.push('\n');
        let detail = match (&r.verdict.diff, o) {
            (Some(diff), _) => mark_diff(diff, color),
            (None, Outcome::Leaked | Outcome::Skipped) => String::new(),
            (None, _) => tail(&r.output, 20),
        };
        for line in shown(&detail).lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The lines of a block's output, indented under its result line (`--show-output`).
pub fn indented(output: &str) -> String {
    output.lines().map(|l| format!("\n    {l}")).collect()
}

/// The outcome word at the start of a result line, coloured for a terminal.
pub fn paint_word(line: &str) -> String {
    let word = line.split(' ').next().unwrap_or("");
    let colour = match word {
        "PASS" => "32",
        "FAIL" | "STALE" | "TIMEOUT" => "31",
        "BLOCKED" | "SKIP" | "LEAKED" => "33",
        _ => return line.to_string(),
    };
    format!("\x1b[{colour}m{word}\x1b[0m{}", &line[word.len()..])
}

/// A unified diff with whitespace made visible in changed lines (a tab as `→`, a trailing
/// space as `·`: they look alike otherwise) and, on a terminal, `-` red and `+` green.
pub fn mark_diff(diff: &str, color: bool) -> String {
    let mut out = String::new();
    let mut marked = false;
    for line in diff.lines() {
        let changed = (line.starts_with('-') && !line.starts_with("---")) || (line.starts_with('+') && !line.starts_with("+++"));
        let mut shown = line.to_string();
        if changed {
            let body = &line[1..];
            let kept = body.trim_end_matches(' ');
            let visible = format!("{}{}{}", &line[..1], kept.replace('\t', "→"), "·".repeat(body.len() - kept.len()));
            marked |= visible != line;
            shown = match (color, line.starts_with('-')) {
                (true, true) => format!("\x1b[31m{visible}\x1b[0m"),
                (true, false) => format!("\x1b[32m{visible}\x1b[0m"),
                _ => visible,
            };
        }
        out.push_str(&shown);
        out.push('\n');
    }
    if marked {
        out.push_str("(→ is a tab, · a trailing space)\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_whitespace_marks() {
        assert_eq!(paint_word("PASS    a.md:3"), "\x1b[32mPASS\x1b[0m    a.md:3");
        assert_eq!(paint_word("FAIL    a.md:3"), "\x1b[31mFAIL\x1b[0m    a.md:3");
        let diff = "--- expected\n+++ actual\n@@ -1 +1 @@\n-a\tb\n+a    b \n same\n";
        assert_eq!(
            mark_diff(diff, false),
            "--- expected\n+++ actual\n@@ -1 +1 @@\n-a→b\n+a    b·\n same\n(→ is a tab, · a trailing space)\n"
        );
        assert!(mark_diff(diff, true).contains("\x1b[31m-a→b\x1b[0m\n\x1b[32m+a    b·\x1b[0m"));
        assert!(!mark_diff("-a\n+b\n", false).contains("→ is a tab"));
    }

    #[test]
    fn output_cannot_drive_the_terminal() {
        assert_eq!(shown("a\u{1b}[2Jb\r\tc\n\u{7}"), "a\\x1b[2Jb\\x0d\tc\n\\x07");
    }
}
