//! A `console` transcript command by command, as trycmd reads one: each `$ ` command (with
//! its `> ` continuation lines), the output lines after it, and an optional last line
//! `? failed` / `? N` / `? success` stating its exit status. Also the markers the runner
//! prints before each command (so one run's output splits back into each command's) and
//! the per-command verdict. Pure; the runner runs the marked script.

use super::attrs::{Attrs, OutputStream};
use super::docker_error::DockerError;
use super::judge::{self, Capabilities, Observed, Outcome, Verdict};

/// The exit status a transcript states for a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `? failed`: any status but 0.
    Failed,
    /// `? N` (`? success` is `? 0`).
    Code(i32),
}

/// One command of a transcript, with its raw lines as written (for `--update`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command's lines without prompts.
    pub code: String,
    /// 1-based markdown line of its `$ ` line.
    pub line: usize,
    /// Its prompt lines as written.
    pub prompt: String,
    /// Its output lines as written (the expected output).
    pub expected: String,
    /// Its `? …` line as written, or "".
    pub status_line: String,
    pub status: Option<Status>,
}

/// A transcript: output lines before the first command (`lead`, judged with the whole
/// block), then the commands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    pub lead: String,
    pub commands: Vec<Command>,
}

fn is_prompt(line: &str) -> bool {
    line.starts_with("$ ") || line.trim_end() == "$"
}

fn is_continuation(line: &str) -> bool {
    line.starts_with("> ")
}

/// `? failed`, `? 3`, `? success`.
fn status_of(line: &str) -> Option<Status> {
    match line.strip_prefix("? ")?.trim() {
        "failed" => Some(Status::Failed),
        "success" => Some(Status::Code(0)),
        n => n.parse().ok().map(Status::Code),
    }
}

/// Parses the text of a transcript whose opening fence is on markdown line `fence`.
pub fn parse(text: &str, fence: usize) -> Transcript {
    let mut t = Transcript::default();
    let mut continuing = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if is_prompt(line) {
            let code = line.strip_prefix("$ ").unwrap_or("\n");
            t.commands.push(Command {
                code: code.to_string(),
                line: fence + 1 + i,
                prompt: line.to_string(),
                expected: String::new(),
                status_line: String::new(),
                status: None,
            });
            continuing = true;
            continue;
        }
        let Some(c) = t.commands.last_mut() else {
            t.lead.push_str(line);
            continue;
        };
        if continuing && is_continuation(line) {
            c.code.push_str(&line[2..]);
            c.prompt.push_str(line);
            continue;
        }
        continuing = false;
        // A status line ends the command's output; one seen before is output after all.
        if !c.status_line.is_empty() {
            let earlier = std::mem::take(&mut c.status_line);
            c.expected.push_str(&earlier);
            c.status = None;
        }
        match status_of(line) {
            Some(s) => {
                c.status_line = line.to_string();
                c.status = Some(s);
            }
            None => c.expected.push_str(line),
        }
    }
    for c in &mut t.commands {
        if !c.code.ends_with('\n') {
            c.code.push('\n');
        }
    }
    t
}

/// The script to run for `script` (the transcript's commands, placeholders substituted,
/// one line per command line): before each command's first line, on the same line (so
/// line numbers keep mapping to the markdown), a marker with the previous command's
/// status; `set +e` around commands expected to fail; a last marker after them all.
/// `None` when the script's lines do not line up with the commands.
pub fn marked_script(t: &Transcript, script: &str, token: &str, attrs: &Attrs) -> Option<String> {
    let lines: Vec<&str> = script.split_inclusive('\n').collect();
    let counts: Vec<usize> = t.commands.iter().map(|c| c.code.split_inclusive('\n').count()).collect();
    if !t.lead.is_empty() || t.commands.is_empty() || counts.iter().sum::<usize>() != lines.len() {
        return None;
    }
    let to = if attrs.output == OutputStream::Stderr { " >&2" } else { "" };
    // On the first command's line: a line of its own would shift the line numbers.
    let mut out = format!("__cookbook_mark() {{ printf '{token} %s %s\\n' \"$1\" \"$2\"{to}; }}; ");
    let mut at = 0;
    let mut lenient = false;
    for (k, n) in counts.iter().enumerate() {
        let fails = expected_status(t, k, attrs) != Status::Code(0);
        out.push_str(&format!("__cookbook_mark {} $?; ", k + 1));
        match (lenient, fails) {
            (false, true) => out.push_str("set +e; "),
            (true, false) => out.push_str("set -e; "),
            _ => {}
        }
        lenient = fails;
        for l in &lines[at..at + n] {
            out.push_str(l);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        at += n;
    }
    out.push_str("__cookbook_mark 0 $?\n");
    Some(out)
}

/// The status command `k` (0-based) should end with: its `? …` line, else the block's
/// `exit=` for the last command, else success.
pub fn expected_status(t: &Transcript, k: usize, attrs: &Attrs) -> Status {
    match t.commands[k].status {
        Some(s) => s,
        None if k + 1 == t.commands.len() => Status::Code(attrs.exit),
        None => Status::Code(0),
    }
}

/// What each command did, split out of the marked output.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// Each command that ran: its output and its exit status (`None`: unknown, killed).
    pub commands: Vec<(String, Option<i32>)>,
}

/// Splits marked output back into each command's; the last command that ran without a
/// marker after it ended the block, so its status is the block's (`exit_code`).
pub fn split(text: &str, token: &str, exit_code: Option<i32>) -> Split {
    let mut commands: Vec<(String, Option<i32>)> = Vec::new();
    let mut rest = text;
    let mut current: Option<String> = None;
    let needle = format!("{token} ");
    loop {
        let Some(at) = rest.find(&needle) else {
            if let Some(c) = current.as_mut() {
                c.push_str(rest);
            }
            break;
        };
        if let Some(c) = current.as_mut() {
            c.push_str(&rest[..at]);
        }
        let after = &rest[at + needle.len()..];
        let end = after.find('\n').map_or(after.len(), |i| i + 1);
        let mut words = after[..end].split_whitespace();
        let k: usize = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
        let status: Option<i32> = words.next().and_then(|w| w.parse().ok());
        if let Some(out) = current.take() {
            commands.push((out, status));
        }
        rest = &after[end..];
        if k == 0 {
            break;
        }
        current = Some(String::new());
    }
    if let Some(out) = current {
        commands.push((out, exit_code));
    }
    Split { commands }
}

/// `text` without the marker lines.
pub fn strip(text: &str, token: &str) -> String {
    if !text.contains(token) {
        return text.to_string();
    }
    let needle = format!("{token} ");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        rest = &after[after.find('\n').map_or(after.len(), |i| i + 1)..];
    }
    out.push_str(rest);
    out
}

/// Judges each command on its own. `expected` is each command's expected output with
/// placeholders substituted, `None` when the transcript states no output at all (then
/// only statuses count). The first command that did not hold gives the outcome; the
/// reason names it at its markdown `file:line`, and the diff holds each differing
/// command's diff.
/// `docker` holds the block's failed docker invocations (any command's, consulted only for
/// a command whose status differs).
pub fn judge(
    t: &Transcript,
    file: &str,
    attrs: &Attrs,
    expected: Option<&[String]>,
    ran: &Split,
    docker: &[DockerError],
    caps: Capabilities,
) -> Verdict {
    let mut failures: Vec<(usize, Verdict)> = Vec::new();
    for (k, (out, status)) in ran.commands.iter().enumerate().take(t.commands.len()) {
        let want = expected_status(t, k, attrs);
        let mut a = attrs.clone();
        let verdict = match (want, *status) {
            (Status::Failed, Some(0)) => Verdict::new(Outcome::Fail, "expected a failure (`? failed`), got exit status 0"),
            (Status::Failed, None) => Verdict::new(Outcome::Fail, "expected a failure (`? failed`), got killed by a signal"),
            (Status::Failed, Some(got)) => {
                a.exit = got;
                judge_one(&a, expected.and_then(|e| e.get(k)), out, Some(got), docker, caps)
            }
            (Status::Code(c), got) => {
                a.exit = c;
                judge_one(&a, expected.and_then(|e| e.get(k)), out, got, docker, caps)
            }
        };
        if verdict.outcome != Outcome::Pass {
            let stop = verdict.diff.is_none();
            failures.push((k, verdict));
            if stop {
                break;
            }
        }
    }
    if ran.commands.len() < t.commands.len() && failures.is_empty() {
        let k = ran.commands.len();
        return Verdict::new(Outcome::Fail, format!("did not run (the block ended before it) {}", name(t, file, k)));
    }
    let Some((first, v)) = failures.first() else {
        return Verdict::new(Outcome::Pass, format!("each of {} commands: exit status and output as expected", t.commands.len()));
    };
    let mut reason = format!("{} {}", v.reason, name(t, file, *first));
    if failures.len() > 1 {
        for (k, v) in &failures[1..] {
            reason.push_str(&format!("; and {} {}", v.reason, name(t, file, *k)));
        }
    }
    // Each differing command's diff; after them, the output of a command that failed
    // (otherwise hidden behind the diffs above it).
    let diffs: Vec<String> = failures
        .iter()
        .filter_map(|(k, v)| v.diff.as_ref().map(|d| d.replacen("--- expected\n", &format!("--- expected {}\n", name(t, file, *k)), 1)))
        .collect();
    let mut diff = diffs.concat();
    if let Some((k, _)) = failures.iter().find(|(_, v)| v.diff.is_none()).filter(|_| !diffs.is_empty()) {
        diff.push_str(&format!("output {}:\n", name(t, file, *k)));
        diff.push_str(&ran.commands[*k].0);
        if !diff.ends_with('\n') {
            diff.push('\n');
        }
    }
    Verdict { outcome: v.outcome, reason, diff: (!diffs.is_empty()).then_some(diff), missing: v.missing }
}

/// Whether every command ran and ended with the status the transcript states (so only
/// outputs differ, and `--update` may rewrite them).
pub fn statuses_held(t: &Transcript, attrs: &Attrs, ran: &Split) -> bool {
    ran.commands.len() == t.commands.len()
        && ran.commands.iter().enumerate().all(|(k, (_, got))| match (expected_status(t, k, attrs), got) {
            (Status::Failed, Some(c)) => *c != 0,
            (Status::Code(want), Some(c)) => want == *c,
            (_, None) => false,
        })
}

fn judge_one(a: &Attrs, expected: Option<&String>, out: &str, code: Option<i32>, docker: &[DockerError], caps: Capabilities) -> Verdict {
    let seen = Observed {
        exit_code: code,
        stdout: out.into(),
        stderr: out.into(),
        merged: out.into(),
        docker_errors: docker.to_vec(),
        ..Observed::default()
    };
    judge::judge(a, expected.map(String::as_str), &seen, caps)
}

/// `at content/a.md:6: `false``, as a failing line of a `bash` block is told.
fn name(t: &Transcript, file: &str, k: usize) -> String {
    let c = &t.commands[k];
    let first = c.code.lines().next().unwrap_or("").trim();
    let more = if c.code.lines().count() > 1 { " …" } else { "" };
    format!("at {file}:{}: `{first}{more}`", c.line)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "$ echo a \\\n> b\na b\n? 0\n$ false\n? failed\n$ echo c\n? x\nc\n";

    #[test]
    fn parses_commands_outputs_and_statuses() {
        let t = parse(T, 10);
        assert_eq!(t.lead, "");
        let got: Vec<_> = t.commands.iter().map(|c| (c.code.as_str(), c.line, c.expected.as_str(), c.status)).collect();
        assert_eq!(
            got,
            [
                ("echo a \\\nb\n", 11, "a b\n", Some(Status::Code(0))),
                ("false\n", 15, "", Some(Status::Failed)),
                ("echo c\n", 17, "? x\nc\n", None),
            ]
        );
        let again: String = t.commands.iter().map(|c| format!("{}{}{}", c.prompt, c.expected, c.status_line)).collect();
        assert_eq!(again, T, "the raw pieces make the text again");
    }

    #[test]
    fn marks_splits_and_strips() {
        let t = parse("$ echo a\na\n$ false\n? failed\n$ echo b\n", 0);
        let script = marked_script(&t, "echo a\nfalse\necho b\n", "TOK", &Attrs::default()).unwrap();
        assert!(script.starts_with("__cookbook_mark() {"));
        assert!(script.ends_with(
            "}; __cookbook_mark 1 $?; echo a\n__cookbook_mark 2 $?; set +e; false\n__cookbook_mark 3 $?; set -e; echo b\n__cookbook_mark 0 $?\n"
        ));
        assert_eq!(marked_script(&t, "echo a\n", "TOK", &Attrs::default()), None);
        let out = "TOK 1 0\na\nTOK 2 0\nTOK 3 1\nbTOK 0 0\n";
        assert_eq!(split(out, "TOK", Some(0)).commands, [("a\n".into(), Some(0)), (String::new(), Some(1)), ("b".into(), Some(0))]);
        assert_eq!(split("TOK 1 0\nx\n", "TOK", Some(2)).commands, [("x\n".to_string(), Some(2))]);
        assert_eq!(strip(out, "TOK"), "a\nb");
    }

    #[test]
    fn judges_each_command() {
        let t = parse("$ echo a; echo b\na\n$ true\nb\n", 2);
        let a = Attrs::default();
        let caps = Capabilities::default();
        let exp = vec!["a\n".to_string(), "b\n".to_string()];
        let ran = Split { commands: vec![("a\nb\n".into(), Some(0)), (String::new(), Some(0))] };
        let v = judge(&t, "p.md", &a, Some(&exp), &ran, &[], caps);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.reason.starts_with("output differs from the expected output at p.md:3: `echo a; echo b`"), "{}", v.reason);
        assert!(v.reason.ends_with("; and output differs from the expected output at p.md:5: `true`"), "{}", v.reason);
        let diff = v.diff.unwrap();
        assert!(diff.starts_with("--- expected at p.md:3: `echo a; echo b`\n+++ actual\n"), "{diff}");
        let ok = Split { commands: vec![("a\n".into(), Some(0)), ("b\n".into(), Some(0))] };
        assert_eq!(judge(&t, "p.md", &a, Some(&exp), &ok, &[], caps).outcome, Outcome::Pass);
        assert!(statuses_held(&t, &a, &ok) && statuses_held(&t, &a, &ran));
        let died = Split { commands: vec![("a\n".into(), Some(1))] };
        let v = judge(&t, "p.md", &a, Some(&exp), &died, &[], caps);
        assert_eq!(v.reason, "expected exit status 0, got exit status 1 at p.md:3: `echo a; echo b`");
        assert!(!statuses_held(&t, &a, &died));
    }
}
