//! The verify reports of `tests/fixtures/proof/` are what `cookbook verify` would write for
//! a made-up run of the `badges` book: this test makes them with verify's own JSON writer
//! (`core::verify::report::json`) from the book's blocks (so the block hashes are verify's)
//! and a table of outcomes, and fails when a committed file differs. After changing a page
//! there or the report's schema, rewrite them with
//! `COOKBOOK_BLESS=1 cargo test --test proof_fixtures`.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use cookbook::core::source::SourceFile;
use cookbook::core::verify::attrs::Need;
use cookbook::core::verify::block::{self, VerifyBlock};
use cookbook::core::verify::host::{GpuSupport, HostFacts};
use cookbook::core::verify::judge::{Outcome, Verdict};
use cookbook::core::verify::plan::{self, Partition};
use cookbook::core::verify::report::json;
use cookbook::core::verify::report::schema::Report;
use cookbook::core::verify::result::{BlockResult, RunReport};

/// A block of the made-up run: page, heading, outcome, reason, duration in ms, needs.
type Ran = (&'static str, &'static str, Outcome, &'static str, u64, &'static [Need]);

/// The made-up run. A block not listed was added after the run ("Brand new") and is left out.
const RUN: &[Ran] = &[
    ("shm.md", "Passes", Outcome::Pass, "exit status and output as expected", 410, &[Need::Docker]),
    ("shm.md", "Fails", Outcome::Fail, "expected exit status 0, got exit status 1", 380, &[Need::Docker]),
    ("shm.md", "Stale", Outcome::Stale, "image or tag gone: manifest unknown", 1200, &[Need::Docker]),
    ("shm.md", "Times out", Outcome::Timeout, "ran past its timeout of 1s; its process group was killed", 1003, &[]),
    ("gpu.md", "See the GPU", Outcome::Pass, "exit status 0", 2150, &[Need::Docker, Need::Gpu]),
    ("gpu.md", "Skipped here", Outcome::Skipped, "needs a GPU; this host has none", 0, &[Need::Docker, Need::Gpu]),
    ("gpu.md", "Blocked", Outcome::Blocked, "the registry is unreachable (name lookup failed)", 5012, &[Need::Docker, Need::Registry]),
    (
        "cleanup.md",
        "Leaks",
        Outcome::Leaked,
        "passed, but left container left-behind (1f93944c358e) behind (removed)",
        640,
        &[Need::Docker],
    ),
    ("cleanup.md", "Edited since", Outcome::Pass, "exit status 0", 12, &[]),
];

fn proof_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/proof"))
}

fn gpu_host() -> HostFacts {
    HostFacts {
        docker_host: "unix:///var/run/docker.sock".into(),
        engine_version: "27.3.1".into(),
        api_version: "1.47".into(),
        os: "Ubuntu 24.04.1 LTS x86_64".into(),
        kernel: "6.8.0-49-generic".into(),
        cgroup_version: "2".into(),
        runtimes: vec!["io.containerd.runc.v2".into(), "nvidia".into(), "runc".into()],
        default_runtime: "runc".into(),
        cdi_devices: vec![],
        host_gpus: vec!["GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5e4a2b1c-0000-1111-2222-333344445555)".into()],
        gpu: GpuSupport { available: true, evidence: vec!["runtime nvidia".into(), "nvidia-smi: 1 GPU".into()] },
    }
}

fn cpu_host() -> HostFacts {
    HostFacts {
        engine_version: "20.10.24+dfsg1".into(),
        api_version: "1.41".into(),
        os: "Debian GNU/Linux 12 (bookworm) x86_64".into(),
        runtimes: vec!["io.containerd.runc.v2".into(), "runc".into()],
        host_gpus: vec![],
        gpu: GpuSupport::default(),
        ..gpu_host()
    }
}

/// The hash the run saw for "Edited since" before the page was edited.
fn hash_before_the_edit() -> String {
    let page = SourceFile::new("content/cleanup.md", "```bash verify\necho \"before the edit\"\n```\n");
    let (blocks, problems) = block::extract(&page, 0);
    assert!(problems.is_empty(), "{problems:?}");
    blocks[0].hash.clone()
}

/// The `badges` book's blocks, in reading order.
fn book_blocks() -> Vec<VerifyBlock> {
    let book = cookbook::io::load::load_book(&proof_dir().join("badges")).expect("the badges book loads");
    let (pages, problems) = plan::from_book(&book, Duration::from_secs(300));
    assert!(problems.is_empty(), "{problems:?}");
    pages.into_iter().flat_map(|p| p.blocks).collect()
}

/// The report of a run over `pages` on `host`.
fn run(pages: &[&str], host: HostFacts, started_at: &str, partition: Option<Partition>) -> String {
    let edited = hash_before_the_edit();
    let mut results = Vec::new();
    for page in pages {
        for mut b in book_blocks().into_iter().filter(|b| b.file.ends_with(page)) {
            let Some(&(_, heading, outcome, reason, ms, needs)) = RUN.iter().find(|r| b.file.ends_with(r.0) && r.1 == b.heading) else {
                continue;
            };
            if heading == "Edited since" {
                b.hash = edited.clone();
            }
            b.attrs.needs = needs.iter().copied().collect::<BTreeSet<_>>();
            let fails_run = matches!(outcome, Outcome::Fail | Outcome::Stale | Outcome::Timeout);
            // What a skipped or blocked block lacked: the last capability it needs.
            let missing = matches!(outcome, Outcome::Skipped | Outcome::Blocked).then(|| needs[needs.len() - 1]);
            let verdict = Verdict { outcome, reason: reason.into(), diff: None, missing };
            let duration = Duration::from_millis(ms);
            results.push(BlockResult {
                block: b,
                verdict,
                duration,
                exit_code: Some(0),
                output: String::new(),
                commands: vec![],
                leaked: vec![],
                attempts: 1,
                fails_run,
            });
        }
    }
    let report = RunReport {
        started_at: started_at.into(),
        duration: Duration::from_millis(10857),
        tool_version: "0.1.0".into(),
        host: Some(host),
        host_error: None,
        partition,
        results,
        notes: vec![],
        interrupted: false,
    };
    json::render(&report)
}

#[test]
fn fixture_reports_are_what_verify_writes() {
    let wanted = [
        ("badges/.cookbook/verify.json", run(&["shm.md", "gpu.md", "cleanup.md"], gpu_host(), "2026-11-29T09:30:55Z", None)),
        ("partitions/part-1.json", run(&["shm.md", "cleanup.md"], cpu_host(), "2026-11-30T08:00:00Z", Some(Partition { k: 1, n: 2 }))),
        ("partitions/part-2.json", run(&["gpu.md"], gpu_host(), "2026-11-30T08:01:30Z", Some(Partition { k: 2, n: 2 }))),
    ];
    let bless = std::env::var_os("COOKBOOK_BLESS").is_some();
    for (rel, json) in &wanted {
        let report = Report::parse(json).expect("the writer's output reads back");
        assert_eq!(&report.to_json(), json, "{rel}: reading and writing again changes nothing");
        assert_eq!(report.blocks.len(), json.matches("\"hash\"").count());
        let path = proof_dir().join(rel);
        if bless {
            std::fs::write(&path, json).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == *json, "{rel} is not what verify writes; rewrite it with COOKBOOK_BLESS=1 cargo test --test proof_fixtures");
    }
}
