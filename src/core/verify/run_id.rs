//! A run's identity, written into every label and scratch folder name it makes, so a
//! later run can tell whether the run that made something is still alive: the process
//! ID, its start time (clock ticks after boot, as `/proc/<pid>/stat` gives it, so a
//! reused PID is a different run) and a hash of the host name (a run on another machine
//! sharing the engine is never judged from this machine's process table).
//! Reading `/proc` is `io::leftovers`' job; this file only formats and parses.

/// `<pid hex>-<start ticks hex>-<host hash hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId {
    pub pid: u32,
    pub start: u64,
    pub host: u32,
}

impl RunId {
    /// Parses a run ID, or the run ID at the start of a page or block tag (`run/page/block`).
    pub fn parse(text: &str) -> Option<RunId> {
        let run = text.split('/').next()?;
        let mut parts = run.split('-');
        let pid = u32::from_str_radix(parts.next()?, 16).ok()?;
        let start = u64::from_str_radix(parts.next()?, 16).ok()?;
        let host = u32::from_str_radix(parts.next()?, 16).ok()?;
        parts.next().is_none().then_some(RunId { pid, start, host })
    }
}

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:x}-{:x}-{:08x}", self.pid, self.start, self.host)
    }
}

/// FNV-1a of the host name: stable across builds and Rust versions.
pub fn host_hash(hostname: &str) -> u32 {
    hostname.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// The prefix of a run's scratch folder in the temporary directory.
pub const SCRATCH_PREFIX: &str = "cookbook-verify-";

/// The run ID in a scratch folder's name (`cookbook-verify-<run>.<random>`).
pub fn run_of_scratch(name: &str) -> Option<RunId> {
    RunId::parse(name.strip_prefix(SCRATCH_PREFIX)?.split('.').next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_tags_and_folders() {
        let id = RunId { pid: 0x1f2, start: 123_456, host: host_hash("ci-runner-7") };
        let text = id.to_string();
        assert_eq!(RunId::parse(&text), Some(id));
        assert_eq!(RunId::parse(&format!("{text}/3/1")), Some(id));
        assert_eq!(run_of_scratch(&format!("cookbook-verify-{text}.Ab3xZq")), Some(id));
        assert_eq!(host_hash("a"), 0xe40c_292c);
        assert_ne!(host_hash("a"), host_hash("b"));
    }

    #[test]
    fn older_and_foreign_ids_are_not_runs() {
        // The ID format before run IDs named their start time: never judged, never removed.
        assert_eq!(RunId::parse("4d2-9f8e7d6c5b"), None);
        for bad in ["", "x-1-2", "1-2-3-4", "1--2", "cookbook-verify-"] {
            assert_eq!(RunId::parse(bad), None, "{bad}");
        }
        assert_eq!(run_of_scratch("cookbook-verify-abc"), None);
        assert_eq!(run_of_scratch("other-1-2-3.x"), None);
    }
}
