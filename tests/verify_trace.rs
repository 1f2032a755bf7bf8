//! Leave no trace, blame the right block: recipes that leave things behind on a real
//! engine (implicit volumes, compose projects, images, escaped processes, a killed run)
//! are removed or reported, charged to the block that made them, and nothing that
//! existed before a run is touched. Compose is tested with `docker-compose` v1: the
//! test machine has no `docker compose` plugin.

mod common;
mod support;

use std::collections::BTreeMap;
use std::process::{Command, Output};

use common::*;

/// A book in a temporary folder: `book.toml` plus `content/<name>` for each page.
fn book(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"trace\"\n[verify]\njobs = 2\ntimeout = \"60s\"\nrequire = []\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    for (name, text) in pages {
        std::fs::write(dir.path().join("content").join(name), text).unwrap();
    }
    dir
}

/// A page of `bash verify` blocks, one per script, the first on line 3, each 4 lines on.
fn page(scripts: &[&str]) -> String {
    let mut s = String::from("# Page\n\n");
    for script in scripts {
        assert!(
            !script.contains('\n'),
            "one line per block keeps line numbers predictable"
        );
        s.push_str(&format!("```bash verify\n{script}\n```\n\n"));
    }
    s
}

struct Run {
    out: Output,
    stdout: String,
    stderr: String,
    json: serde_json::Value,
    run_prefix: String,
}

impl Run {
    /// `file:line` → (outcome, reason, leaked).
    fn blocks(&self) -> BTreeMap<String, (String, String, Vec<String>)> {
        self.json["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .map(|b| {
                let leaked = b["leaked"]
                    .as_array()
                    .map(|l| l.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default();
                (
                    format!("{}:{}", b["file"].as_str().unwrap(), b["line"]),
                    (
                        b["outcome"].as_str().unwrap().to_string(),
                        b["reason"].as_str().unwrap().to_string(),
                        leaked,
                    ),
                )
            })
            .collect()
    }

    fn outcome(&self, pos: &str) -> String {
        self.blocks()
            .get(pos)
            .unwrap_or_else(|| panic!("no block {pos}: {}", self.stdout))
            .0
            .clone()
    }

    fn notes(&self) -> String {
        self.json["notes"]
            .as_array()
            .map(|n| {
                n.iter()
                    .map(|x| x.as_str().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    fn context(&self) -> String {
        format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr)
    }
}

fn verify(book: &tempfile::TempDir, extra: &[&str]) -> Run {
    let root = path_str(book.path());
    let mut args = vec!["verify", "--root", &root];
    args.extend(extra);
    let child = cookbook_cmd(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let run_prefix = format!("{:x}-", child.id());
    let out = child.wait_with_output().unwrap();
    let json = std::fs::read_to_string(book.path().join(".cookbook/verify.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    Run {
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
        out,
        json,
        run_prefix,
    }
}

fn docker_out(args: &[&str]) -> Vec<String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker CLI");
    text(&out.stdout)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

/// A name unique to this test process and case.
fn unique(case: &str) -> String {
    format!("cookbook-trace-{case}-{}", std::process::id())
}

/// Everything labelled by a run whose ID starts with `run_prefix`.
fn labelled_by(run_prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for kind in [
        &["ps", "-a"][..],
        &["network", "ls"],
        &["volume", "ls"],
        &["images"],
    ] {
        let mut args = kind.to_vec();
        args.extend([
            "--filter",
            "label=io.cookbook.verify.page",
            "--format",
            "{{.Label \"io.cookbook.verify.page\"}}",
        ]);
        if kind == ["images"] {
            args.truncate(args.len() - 2);
            args.extend(["--format", "{{.ID}}"]);
        }
        for l in docker_out(&args) {
            if kind == ["images"] {
                let page = docker_out(&[
                    "image",
                    "inspect",
                    "-f",
                    "{{index .Config.Labels \"io.cookbook.verify.page\"}}",
                    &l,
                ]);
                if page.iter().any(|p| p.starts_with(run_prefix)) {
                    found.push(format!("image {l}"));
                }
            } else if l.starts_with(run_prefix) {
                found.push(format!("{} {l}", kind[0]));
            }
        }
    }
    found
}

#[test]
fn a_leak_is_charged_to_the_block_that_made_it() {
    let _lock = docker_lock();
    let Some(_engine) = docker("a_leak_is_charged_to_the_block_that_made_it") else {
        return;
    };
    let name = unique("blame");
    let b = book(&[(
        "blame.md",
        &page(&[
            "echo first",
            &format!("docker run -d --name {name} {IMAGE} sleep 1000 >/dev/null"),
            "echo third",
        ]),
    )]);
    let run = verify(&b, &[]);
    let blocks = run.blocks();
    assert_eq!(
        run.outcome("content/blame.md:3"),
        "pass",
        "{}",
        run.context()
    );
    assert_eq!(
        run.outcome("content/blame.md:7"),
        "leaked",
        "{}",
        run.context()
    );
    assert_eq!(
        run.outcome("content/blame.md:11"),
        "pass",
        "{}",
        run.context()
    );
    assert!(
        blocks["content/blame.md:7"]
            .2
            .iter()
            .any(|l| l.contains(&name)),
        "{blocks:?}"
    );
    assert_eq!(
        docker_out(&["ps", "-aq", "--filter", &format!("name=^{name}$")]),
        Vec::<String>::new()
    );
}
