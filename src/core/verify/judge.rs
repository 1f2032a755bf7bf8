//! Turns what a block did (exit status, output, timeout) into an [`Outcome`] with a
//! reason, reading the engine's and the docker CLI's own error text to tell stale docs
//! (a dead tag) from a blocked environment (no registry, rate limit, no daemon).
//! Pure: the texts matched here are the ones recorded in reference/docker-gpu-facts.md.

use serde::Serialize;

use super::attrs::{Attrs, Need, OutputStream};
use super::docker_error::{self, DockerError};
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
    /// The docker invocations that failed, as the shim recorded them: the only text read
    /// to call a block blocked or stale.
    pub docker_errors: Vec<DockerError>,
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

    /// The same verdict, naming the capability whose absence it reports.
    pub fn lacking(mut self, need: Need) -> Verdict {
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
    "unknown command: docker",
];

/// Texts of the docker CLI or the engine that mean the environment, not the docs, stopped
/// the block. Read only on the lines the docker CLI prints for its own errors.
const BLOCKED_BY_ENGINE: &[(&str, &str, Need)] = &[
    ("toomanyrequests", "the registry's pull rate limit was hit", Need::Registry),
    ("pull rate limit", "the registry's pull rate limit was hit", Need::Registry),
    ("Cannot connect to the Docker daemon", "the Docker daemon is not reachable", Need::Docker),
    ("no such host", "the registry is unreachable (name lookup failed)", Need::Registry),
    ("Temporary failure in name resolution", "the registry is unreachable (name lookup failed)", Need::Registry),
    ("server misbehaving", "the registry is unreachable (name lookup failed)", Need::Registry),
    ("i/o timeout", "the registry is unreachable (timed out)", Need::Registry),
    ("TLS handshake timeout", "the registry is unreachable (timed out)", Need::Registry),
    ("network is unreachable", "the network is unreachable", Need::Network),
    ("dial tcp", "the registry is unreachable", Need::Registry),
];

/// How the docker CLI (and compose) start the lines of their own errors.
/// (`Get "…"` is how the legacy builder reports a `FROM` it cannot fetch.)
const DOCKER_ERROR_LINE: &[&str] =
    &["docker: ", "Error response from daemon:", "Error: ", "ERROR: ", "Cannot connect to the Docker daemon", "Get \"https://"];

/// Texts of other tools that mean no network, believed only for a block that declares
/// `needs=network` (wget, curl and glibc's resolver when a host name cannot be looked up).
const BLOCKED_NETWORK: &[(&str, &str)] = &[
    ("network is unreachable", "the network is unreachable"),
    ("Network is unreachable", "the network is unreachable"),
    ("bad address", "the network is unreachable (name lookup failed)"),
    ("Could not resolve host", "the network is unreachable (name lookup failed)"),
    ("Name or service not known", "the network is unreachable (name lookup failed)"),
    ("Temporary failure in name resolution", "the network is unreachable (name lookup failed)"),
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
        let docker = docker_error::own_text(&seen.docker_errors);
        if let Some(v) = classify_error(&docker, &seen.merged, caps, attrs.needs.contains(&Need::Network)) {
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

/// Stale, blocked or skipped-for-GPU from the docker CLI's own errors (`docker`: what the
/// failed docker invocations wrote, see `docker_error`), if they say so: text a script or
/// a container printed never counts. `blocked` comes only from the lines the docker CLI
/// prints for its own errors, naming a remote registry or the network (or, for a block
/// that declares `needs=network`, a tool's lookup failure anywhere in `output`): a
/// registry or service on loopback is the page's own, and its failure is `fail`.
pub fn classify_error(docker: &str, output: &str, caps: Capabilities, declares_network: bool) -> Option<Verdict> {
    let text = docker;
    if text.contains("could not select device driver") && text.contains("gpu") && !caps.gpu {
        return Some(Verdict::new(Outcome::Skipped, "needs a GPU: the engine has no GPU device driver").lacking(Need::Gpu));
    }
    // A refused connection reached its host: nothing listens there, which is the page's
    // (or the service's) failure, not a missing network.
    let remote =
        |line: &str| line.contains("Cannot connect to the Docker daemon") || !names_loopback(line) && !line.contains("connection refused");
    let docker_lines = text.lines().map(str::trim).filter(|l| DOCKER_ERROR_LINE.iter().any(|p| l.starts_with(p)));
    for line in docker_lines.filter(|l| remote(l)) {
        if let Some((_, why, need)) = BLOCKED_BY_ENGINE.iter().find(|(n, _, _)| line.contains(n)) {
            return Some(Verdict::new(Outcome::Blocked, format!("{why}: {}", shorten(line))).lacking(*need));
        }
    }
    if declares_network {
        for line in output.lines().map(str::trim).filter(|l| remote(l)) {
            if let Some((_, why)) = BLOCKED_NETWORK.iter().find(|(n, _)| line.contains(n)) {
                return Some(Verdict::new(Outcome::Blocked, format!("{why}: {}", shorten(line))).lacking(Need::Network));
            }
        }
    }
    let quote = |needle: &str| quote_line(text, needle);
    let dead_manifest = text.contains("manifest for ") && text.contains(" not found");
    if let Some(needle) = STALE.iter().find(|n| text.contains(*n)) {
        return Some(Verdict::new(Outcome::Stale, format!("the docs name something that no longer exists: {}", quote(needle))));
    }
    if dead_manifest {
        return Some(Verdict::new(Outcome::Stale, format!("the image tag no longer exists: {}", quote("manifest for "))));
    }
    None
}

/// Whether an error line is about this machine itself: `localhost`, `127.x.x.x`, `::1`.
fn names_loopback(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("localhost") || l.contains("[::1]") || l.contains("::1]:") || {
        l.match_indices("127.").any(|(i, _)| i == 0 || !l.as_bytes()[i - 1].is_ascii_alphanumeric() && l.as_bytes()[i - 1] != b'.')
    }
}

fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(200).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// The line of `text` holding `needle`, trimmed and shortened for a reason string.
fn quote_line(text: &str, needle: &str) -> String {
    shorten(text.lines().find(|l| l.contains(needle)).unwrap_or(needle).trim())
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

    /// A block whose `docker pull` failed with `merged` as its own error.
    fn seen(code: i32, merged: &str) -> Observed {
        let docker_errors = vec![DockerError { status: code, verb: "pull".into(), stderr: merged.into() }];
        Observed { exit_code: Some(code), merged: merged.into(), stdout: merged.into(), docker_errors, ..Observed::default() }
    }

    /// A block that printed `merged` itself; no docker command failed.
    fn printed(code: i32, merged: &str) -> Observed {
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
        // Other tools' lookup failures count only for a block that declares the network.
        let net = Attrs { needs: [Need::Network].into(), ..Attrs::default() };
        let wget = "wget: bad address 'pypi.org'";
        let v = judge(&net, None, &seen(1, wget), NO_GPU);
        assert_eq!((v.outcome, v.missing), (Outcome::Blocked, Some(Need::Network)));
        assert_eq!(judge(&a, None, &seen(1, wget), NO_GPU).outcome, Outcome::Fail);
        let curl = "curl: (6) Could not resolve host: pypi.org";
        assert_eq!(judge(&net, None, &seen(6, curl), NO_GPU).missing, Some(Need::Network));
        let flag = "unknown flag: --gpu\nSee 'docker run --help'.";
        assert_eq!(judge(&a, None, &seen(125, flag), NO_GPU).outcome, Outcome::Stale);
        // A block expected to fail is judged on its exit status, not on the error text.
        let a125 = Attrs { exit: 125, ..Attrs::default() };
        assert_eq!(judge(&a125, None, &seen(125, dead_tag), NO_GPU).outcome, Outcome::Pass);
    }

    /// The page's own registry or service (on loopback), and text a script printed, are
    /// the page's failures; only the docker CLI's errors about a remote host are blocked.
    #[test]
    fn loopback_and_printed_text_are_not_blocked() {
        let a = Attrs::default();
        let local = "Error response from daemon: Get \"http://127.0.0.1:9/v2/\": dial tcp 127.0.0.1:9: connect: connection refused";
        assert_eq!(judge(&a, None, &seen(1, local), NO_GPU).outcome, Outcome::Fail);
        let named =
            "docker: Error response from daemon: Get \"http://localhost:5000/v2/\": dial tcp [::1]:5000: connect: connection refused.";
        assert_eq!(judge(&a, None, &seen(125, named), NO_GPU).outcome, Outcome::Fail);
        let refused_remote = "Get \"https://registry-1.docker.io/v2/\": dial tcp 10.1.2.3:443: connect: connection refused";
        assert_eq!(judge(&a, None, &seen(1, refused_remote), NO_GPU).outcome, Outcome::Fail);
        let refused = "Error response from daemon: Get \"https://10.127.0.1/v2/\": dial tcp 10.127.0.1:443: connect: connection refused";
        assert_eq!(judge(&a, None, &seen(1, refused), NO_GPU).outcome, Outcome::Fail);
        let remote = "Error response from daemon: Get \"https://10.127.0.1/v2/\": dial tcp 10.127.0.1:443: i/o timeout";
        assert_eq!(judge(&a, None, &seen(1, remote), NO_GPU).outcome, Outcome::Blocked);
        let build = "Step 1/1 : FROM pytorch/pytorch:2.5.1\nGet \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host";
        assert_eq!(judge(&a, None, &seen(1, build), NO_GPU).outcome, Outcome::Blocked);
        let removed = "docker: unknown command: docker deploy\n\nRun 'docker --help' for more information";
        assert_eq!(judge(&a, None, &seen(1, removed), NO_GPU).outcome, Outcome::Stale);
    }

    /// Only the docker CLI's own errors judge: text a script printed, or a container's
    /// stderr passed through `docker run` (exit status not 125), is the page's failure.
    #[test]
    fn only_the_docker_clis_own_errors_are_read() {
        let a = Attrs::default();
        let offline = "docker: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host.";
        assert_eq!(judge(&a, None, &printed(1, offline), NO_GPU).outcome, Outcome::Fail);
        assert_eq!(judge(&a, None, &printed(125, "unknown flag: --gpu"), NO_GPU).outcome, Outcome::Fail);
        let by_container = DockerError { status: 1, verb: "run".into(), stderr: offline.into() };
        let seen = Observed { docker_errors: vec![by_container], ..printed(1, offline) };
        assert_eq!(judge(&a, None, &seen, NO_GPU).outcome, Outcome::Fail);
        let by_cli = DockerError { status: 125, verb: "run".into(), stderr: offline.into() };
        let seen = Observed { docker_errors: vec![by_cli], ..printed(125, offline) };
        assert_eq!(judge(&a, None, &seen, NO_GPU).outcome, Outcome::Blocked);
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
