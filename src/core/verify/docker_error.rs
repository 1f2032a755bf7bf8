//! What the docker CLI itself said when it failed: its exit status and the tail of its
//! own stderr, recorded per invocation by verify's `docker` shim. `judge` reads only these
//! to call a block blocked or stale, never text a script or a container printed. Pure:
//! the runner reads the files, this parses them.

/// One failed docker invocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DockerError {
    pub status: i32,
    /// The subcommand (`run`, `pull`, `network-create`, …), as the shim names it.
    pub verb: String,
    /// The last 8 KiB of what it wrote (its stderr; both streams where the block's share
    /// one pipe).
    pub stderr: String,
}

/// Parses a record: `exit <status> <verb>` on the first line, then the text.
pub fn parse(record: &str) -> Option<DockerError> {
    let (head, text) = record.split_once('\n').unwrap_or((record, ""));
    let mut words = head.strip_prefix("exit ")?.split(' ');
    let status = words.next()?.parse().ok()?;
    let verb = words.next().unwrap_or("").to_string();
    Some(DockerError { status, verb, stderr: text.to_string() })
}

impl DockerError {
    /// Whether the text is the CLI's or the daemon's own: commands that run a container
    /// pass the container's output and exit status through, and exit 125 only for their
    /// own errors (the docker run reference); every other command fails only for its own.
    pub fn is_the_clis_own(&self) -> bool {
        match self.verb.as_str() {
            "run" | "create" | "start" | "exec" | "attach" | "logs" | "wait" => self.status == 125,
            _ => self.status != 0,
        }
    }
}

/// The text of the CLI's own errors among `errors`, one after the other.
pub fn own_text(errors: &[DockerError]) -> String {
    errors.iter().filter(|e| e.is_the_clis_own()).map(|e| e.stderr.as_str()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_records_and_trusts_only_the_clis_own_errors() {
        let e = parse("exit 125 run\ndocker: unknown flag: --x\n").unwrap();
        assert_eq!((e.status, e.verb.as_str(), e.stderr.as_str()), (125, "run", "docker: unknown flag: --x\n"));
        assert!(e.is_the_clis_own());
        let container = parse("exit 1 run\nError response from daemon: … no such host\n").unwrap();
        assert!(!container.is_the_clis_own(), "a container's own exit 1 and stderr");
        assert!(parse("exit 1 pull\nx").unwrap().is_the_clis_own());
        assert_eq!(parse("garbage"), None);
        assert_eq!(own_text(&[e, container]), "docker: unknown flag: --x\n");
    }
}
