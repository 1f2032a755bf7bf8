//! Turns what a block did (exit status, output, timeout) into an [`Outcome`] with a
//! reason, reading the engine's and the docker CLI's own error text to tell stale docs
//! (a dead tag) from a blocked environment (no registry, rate limit, no daemon).
//! Pure: the texts matched here are the ones recorded in reference/docker-gpu-facts.md.

use serde::Serialize;

use super::attrs::{Attrs, Need, OutputStream};
use super::elide;

/// What happened to a block, as every report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Stale,
    Timeout,
    Blocked,
    Skipped,
    Leaked,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Stale => "stale",
            Outcome::Timeout => "timeout",
            Outcome::Blocked => "blocked",
            Outcome::Skipped => "skipped",
            Outcome::Leaked => "leaked",
        }
    }

    /// Fails the run whatever the flags say.
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Stale | Outcome::Timeout)
    }
}

/// What the host can offer, as far as the preflight could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub docker: bool,
    pub gpu: bool,
}

/// What a block did when it ran.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// `None` when killed by a signal.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub interrupted: bool,
    pub stdout: String,
    pub stderr: String,
    /// stdout and stderr in the order they were written.
    pub merged: String,
    /// Seconds of the timeout in force, for the reason text.
    pub timeout_secs: f64,
}

/// An outcome, why, and the diff of expected vs actual output when they differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// For skipped and blocked: the capability that was missing (`--require` turns
    /// these into failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Need>,
}

impl Verdict {
    pub fn new(outcome: Outcome, reason: impl Into<String>) -> Verdict {
        Verdict { outcome, reason: reason.into(), diff: None, missing: None }
    }

    fn lacking(mut self, need: Need) -> Verdict {
        self.missing = Some(need);
        self
    }
}

/// The verdict for a block that is not run at all, if any: `skip`, or a need the host lacks.
pub fn before_run(attrs: &Attrs, caps: Capabilities) -> Option<Verdict> {
    if attrs.skip {
        return Some(Verdict::new(Outcome::Skipped, "marked `skip`"));
    }
    if attrs.needs.contains(&Need::Gpu) && !caps.gpu {
        return Some(Verdict::new(Outcome::Skipped, "needs a GPU; this host has none").lacking(Need::Gpu));
    }
    if attrs.needs.contains(&Need::Docker) && !caps.docker {
        return Some(Verdict::new(Outcome::Blocked, "needs Docker; no engine is reachable").lacking(Need::Docker));
    }
    None
}

/// Texts that mean the docs name something that no longer exists.
const STALE: &[&str] = &[
    "manifest unknown",
    "repository does not exist",
    "unknown flag:",
    "unknown shorthand flag:",
    "is not a docker command",
];

/// Texts that mean the environment, not the docs, stopped the block.
const BLOCKED: &[(&str, &str, Need)] = &[
    ("toomanyrequests", "the registry's pull rate limit was hit", Need::Registry),
    ("pull rate limit", "the registry's pull rate limit was hit", Need::Registry),
    ("Cannot connect to the Docker daemon", "the Docker daemon is not reachable", Need::Docker),
    ("no such host", "the registry is unreachable (name lookup failed)", Need::Registry),
    ("Temporary failure in name resolution", "the registry is unreachable (name lookup failed)", Need::Registry),
    ("server misbehaving", "the registry is unreachable (name lookup failed)", Need::Registry),
    ("dial tcp", "the registry is unreachable", Need::Registry),
    ("i/o timeout", "the registry is unreachable (timed out)", Need::Registry),
    ("TLS handshake timeout", "the registry is unreachable (timed out)", Need::Registry),
    ("network is unreachable", "the network is unreachable", Need::Network),
    ("Network is unreachable", "the network is unreachable", Need::Network),
    // busybox wget, curl and glibc's resolver when a host name cannot be looked up.
    ("bad address", "the network is unreachable (name lookup failed)", Need::Network),
    ("Could not resolve host", "the network is unreachable (name lookup failed)", Need::Network),
    ("Name or service not known", "the network is unreachable (name lookup failed)", Need::Network),
    ("connection refused", "a connection was refused", Need::Network),
];

/// Judges a block that ran. `expected` has placeholders substituted already.
pub fn judge(attrs: &Attrs, expected: Option<&str>, seen: &Observed, caps: Capabilities) -> Verdict {
    if seen.interrupted {
        return Verdict::new(Outcome::Skipped, "interrupted (Ctrl-C); its process group was killed");
    }
    if seen.timed_out {
        return Verdict::new(
            Outcome::Timeout,
            format!("ran past its timeout of {}; its process group was killed", secs(seen.timeout_secs)),
        );
    }
    let code = seen.exit_code;
    if code != Some(attrs.exit) {
        if let Some(v) = classify_error(&seen.merged, caps) {
            return v;
        }
        let got = code.map_or("killed by a signal".to_string(), |c| format!("exit status {c}"));
        let hint = match code {
            Some(125) => " (125: the docker CLI or daemon reported an error)",
            Some(126) => " (126: permission denied or not executable)",
            Some(127) => " (127: command or file not found)",
            _ => "",
        };
        return Verdict::new(Outcome::Fail, format!("expected exit status {}, got {got}{hint}", attrs.exit));
    }
    let Some(expected) = expected else {
        return Verdict::new(Outcome::Pass, format!("exit status {}", attrs.exit));
    };
    let actual = match attrs.output {
        OutputStream::Stdout => &seen.stdout,
        OutputStream::Stderr => &seen.stderr,
        OutputStream::Both => &seen.merged,
        OutputStream::Any => return Verdict::new(Outcome::Pass, "exit status as expected; output not compared"),
    };
    if elide::matches(expected, actual) {
        Verdict::new(Outcome::Pass, "exit status and output as expected")
    } else {
        Verdict {
            outcome: Outcome::Fail,
            reason: "output differs from the expected output".into(),
            diff: Some(elide::diff(expected, actual)),
            missing: None,
        }
    }
}

/// Stale, blocked or skipped-for-GPU from the error text alone, if it says so.
pub fn classify_error(text: &str, caps: Capabilities) -> Option<Verdict> {
    if text.contains("could not select device driver") && text.contains("gpu") && !caps.gpu {
        return Some(Verdict::new(Outcome::Skipped, "needs a GPU: the engine has no GPU device driver").lacking(Need::Gpu));
    }
    let quote = |needle: &str| quote_line(text, needle);
    for (needle, why, need) in BLOCKED {
        if text.contains(needle) {
            return Some(Verdict::new(Outcome::Blocked, format!("{why}: {}", quote(needle))).lacking(*need));
        }
    }
    let dead_manifest = text.contains("manifest for ") && text.contains(" not found");
    if let Some(needle) = STALE.iter().find(|n| text.contains(*n)) {
        return Some(Verdict::new(Outcome::Stale, format!("the docs name something that no longer exists: {}", quote(needle))));
    }
    if dead_manifest {
        return Some(Verdict::new(Outcome::Stale, format!("the image tag no longer exists: {}", quote("manifest for "))));
    }
    None
}

/// The line of `text` holding `needle`, trimmed and shortened for a reason string.
fn quote_line(text: &str, needle: &str) -> String {
    let line = text.lines().find(|l| l.contains(needle)).unwrap_or(needle).trim();
    let mut s: String = line.chars().take(200).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

fn secs(s: f64) -> String {
    if s >= 1.0 && s.fract() == 0.0 {
        format!("{s}s")
    } else {
        format!("{s:.1}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(code: i32, merged: &str) -> Observed {
        Observed { exit_code: Some(code), merged: merged.into(), stdout: merged.into(), ..Observed::default() }
    }

    const NO_GPU: Capabilities = Capabilities { docker: true, gpu: false };

    #[test]
    fn exit_status_and_output() {
        let a = Attrs::default();
        assert_eq!(judge(&a, None, &seen(0, "x"), NO_GPU).outcome, Outcome::Pass);
        assert_eq!(judge(&a, Some("x\n"), &seen(0, "x\n"), NO_GPU).outcome, Outcome::Pass);
        let v = judge(&a, Some("y\n"), &seen(0, "x\n"), NO_GPU);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.diff.unwrap().contains("-y\n+x\n"));
        let v = judge(&a, None, &seen(127, "bash: foo: command not found"), NO_GPU);
        assert_eq!(v.reason, "expected exit status 0, got exit status 127 (127: command or file not found)");
        let a1 = Attrs { exit: 1, ..Attrs::default() };
        assert_eq!(judge(&a1, None, &seen(1, ""), NO_GPU).outcome, Outcome::Pass);
        assert_eq!(judge(&a1, None, &seen(0, ""), NO_GPU).outcome, Outcome::Fail);
        let to = Observed { timed_out: true, timeout_secs: 2.0, ..Observed::default() };
        assert_eq!(judge(&a, None, &to, NO_GPU).reason, "ran past its timeout of 2s; its process group was killed");
    }

    /// Error texts recorded from real runs (sources in reference/docker-gpu-facts.md).
    #[test]
    fn recorded_docker_errors() {
        let a = Attrs::default();
        let dead_tag = "Unable to find image 'nvidia/cuda:10.2-devel-ubuntu18.04' locally\n\
            docker: Error response from daemon: manifest for nvidia/cuda:10.2-devel-ubuntu18.04 not found: manifest unknown: manifest unknown.\n";
        let v = judge(&a, None, &seen(125, dead_tag), NO_GPU);
        assert_eq!(v.outcome, Outcome::Stale);
        assert!(v.reason.contains("manifest for nvidia/cuda:10.2-devel-ubuntu18.04 not found"), "{}", v.reason);
        let rate = "docker: Error response from daemon: toomanyrequests: You have reached your unauthenticated pull rate limit.";
        assert_eq!(judge(&a, None, &seen(125, rate), NO_GPU).outcome, Outcome::Blocked);
        let gpu = "docker: Error response from daemon: could not select device driver \"\" with capabilities: [[gpu]].";
        assert_eq!(judge(&a, None, &seen(125, gpu), NO_GPU).outcome, Outcome::Skipped);
        let with_gpu = Capabilities { docker: true, gpu: true };
        assert_eq!(judge(&a, None, &seen(125, gpu), with_gpu).outcome, Outcome::Fail);
        let daemon = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";
        assert_eq!(judge(&a, None, &seen(1, daemon), NO_GPU).outcome, Outcome::Blocked);
        let offline = "docker: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host.";
        let v = judge(&a, None, &seen(125, offline), NO_GPU);
        assert_eq!(v.outcome, Outcome::Blocked);
        assert!(v.reason.starts_with("the registry is unreachable (name lookup failed): docker: Error"), "{}", v.reason);
        assert_eq!(v.missing, Some(Need::Registry));
        assert_eq!(judge(&a, None, &seen(125, gpu), NO_GPU).missing, Some(Need::Gpu));
        assert_eq!(judge(&a, None, &seen(1, daemon), NO_GPU).missing, Some(Need::Docker));
        let wget = "wget: bad address 'pypi.org'";
        let v = judge(&a, None, &seen(1, wget), NO_GPU);
        assert_eq!((v.outcome, v.missing), (Outcome::Blocked, Some(Need::Network)));
        let curl = "curl: (6) Could not resolve host: pypi.org";
        assert_eq!(judge(&a, None, &seen(6, curl), NO_GPU).missing, Some(Need::Network));
        let flag = "unknown flag: --gpu\nSee 'docker run --help'.";
        assert_eq!(judge(&a, None, &seen(125, flag), NO_GPU).outcome, Outcome::Stale);
        // A block expected to fail is judged on its exit status, not on the error text.
        let a125 = Attrs { exit: 125, ..Attrs::default() };
        assert_eq!(judge(&a125, None, &seen(125, dead_tag), NO_GPU).outcome, Outcome::Pass);
    }

    #[test]
    fn before_running() {
        let gpu = Attrs { needs: [Need::Gpu].into(), ..Attrs::default() };
        assert_eq!(before_run(&gpu, NO_GPU).unwrap().outcome, Outcome::Skipped);
        assert_eq!(before_run(&gpu, Capabilities { docker: true, gpu: true }), None);
        let docker = Attrs { needs: [Need::Docker].into(), ..Attrs::default() };
        assert_eq!(before_run(&docker, Capabilities::default()).unwrap().outcome, Outcome::Blocked);
        let skip = Attrs { skip: true, ..Attrs::default() };
        assert_eq!(before_run(&skip, NO_GPU).unwrap().reason, "marked `skip`");
    }
}
