//! Which Docker resources a page owns, decided from labels alone, so pages running in
//! parallel (and other users of the same engine) never have their resources taken.
//!
//! Attribution: verify puts a `docker` shim first on each block's PATH that adds
//! `--label io.cookbook.verify.page=<run>/<page>` and `…block=<run>/<page>/<block>` to
//! `docker run`, `docker create`, `docker network create` and `docker volume create`
//! (also in their `docker container …` spellings). Compose projects are attributed by
//! their `com.docker.compose.project.working_dir` label when that lies in the page's
//! scratch directory. Anything else a block creates (a direct API call, `/usr/bin/docker`
//! by full path) is not attributed and never removed: removing by before/after diffing
//! would take another user's or another page's resources on a shared engine.
//! As a second guard, nothing in the snapshot taken before the run is ever removed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub const PAGE_LABEL: &str = "io.cookbook.verify.page";
pub const BLOCK_LABEL: &str = "io.cookbook.verify.block";
const COMPOSE_DIR: &str = "com.docker.compose.project.working_dir";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Container,
    Network,
    Volume,
}

/// A container, network or volume as the engine listed it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Resource {
    pub kind: Kind,
    /// The ID (a volume's name is its ID).
    pub id: String,
    pub name: String,
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
}

impl Resource {
    /// `container quirky_name (3f2a…)` for reports.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            Kind::Container => "container",
            Kind::Network => "network",
            Kind::Volume => "volume",
        };
        let short: String = self.id.chars().take(12).collect();
        if self.name.is_empty() || self.name == self.id {
            format!("{kind} {short}")
        } else {
            format!("{kind} {} ({short})", self.name)
        }
    }
}

/// The page tag the shim writes: `<run>/<page index>`.
pub fn page_tag(run: &str, page: usize) -> String {
    format!("{run}/{page}")
}

/// The block tag the shim writes: `<run>/<page index>/<block index>`.
pub fn block_tag(run: &str, page: usize, block: usize) -> String {
    format!("{run}/{page}/{block}")
}

/// The resources a page left behind: labelled with its tag, or a compose project in its
/// scratch directory, and not in the snapshot from before the run. Sorted: containers
/// first (they hold networks and volumes), then by ID.
pub fn left_by_page<'a>(
    listed: &'a [Resource],
    page_tag: &str,
    scratch: &str,
    before_run: &BTreeSet<String>,
) -> Vec<&'a Resource> {
    let mut v: Vec<&Resource> = listed
        .iter()
        .filter(|r| !before_run.contains(&r.id))
        .filter(|r| {
            r.labels.get(PAGE_LABEL).is_some_and(|t| t == page_tag)
                || r.labels.get(COMPOSE_DIR).is_some_and(|d| !scratch.is_empty() && d.starts_with(scratch))
        })
        .collect();
    v.sort();
    v
}

/// Every resource of this run (for Ctrl-C): any page tag under `run/`.
pub fn left_by_run<'a>(listed: &'a [Resource], run: &str, before_run: &BTreeSet<String>) -> Vec<&'a Resource> {
    let prefix = format!("{run}/");
    let mut v: Vec<&Resource> = listed
        .iter()
        .filter(|r| !before_run.contains(&r.id))
        .filter(|r| r.labels.get(PAGE_LABEL).is_some_and(|t| t.starts_with(&prefix)))
        .collect();
    v.sort();
    v
}

/// The block index a resource's label names, if any.
pub fn block_of(r: &Resource) -> Option<usize> {
    r.labels.get(BLOCK_LABEL)?.rsplit('/').next()?.parse().ok()
}

/// The `docker` shim: adds the run's labels to commands that create resources, then
/// execs the real CLI. Global options before the subcommand are skipped over.
pub fn docker_shim(real_docker: &str) -> String {
    let real = real_docker.replace('\'', "'\\''");
    format!(
        r#"#!/usr/bin/env bash
# Written by `cookbook verify`: labels what the docs' commands create so the run can
# remove exactly what a page left behind. Everything else passes through unchanged.
real='{real}'
args=("$@")
i=0
while [ $i -lt ${{#args[@]}} ]; do
  case "${{args[$i]}}" in
    -H|--host|-c|--context|--config|-l|--log-level|--tlscacert|--tlscert|--tlskey) i=$((i+2)) ;;
    -*) i=$((i+1)) ;;
    *) break ;;
  esac
done
cmd="${{args[$i]}}"; sub="${{args[$((i+1))]}}"
labels=(--label "{PAGE_LABEL}=$COOKBOOK_VERIFY_PAGE" --label "{BLOCK_LABEL}=$COOKBOOK_VERIFY_BLOCK")
at=-1
case "$cmd" in
  run|create) at=$((i+1)) ;;
  container) case "$sub" in run|create) at=$((i+2)) ;; esac ;;
  network|volume) case "$sub" in create) at=$((i+2)) ;; esac ;;
esac
if [ -n "$COOKBOOK_VERIFY_PAGE" ] && [ $at -ge 0 ]; then
  exec "$real" "${{args[@]:0:$at}}" "${{labels[@]}}" "${{args[@]:$at}}"
fi
exec "$real" "$@"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(kind: Kind, id: &str, labels: &[(&str, &str)]) -> Resource {
        Resource {
            kind,
            id: id.into(),
            name: String::new(),
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn attributes_by_label_and_compose_dir_only() {
        let listed = vec![
            res(Kind::Volume, "v1", &[(PAGE_LABEL, "r/1")]),
            res(Kind::Container, "c1", &[(PAGE_LABEL, "r/1"), (BLOCK_LABEL, "r/1/3")]),
            res(Kind::Container, "c2", &[(PAGE_LABEL, "r/2")]),
            res(Kind::Container, "c3", &[]),
            res(Kind::Container, "c4", &[(COMPOSE_DIR, "/tmp/page1/app")]),
            res(Kind::Container, "old", &[(PAGE_LABEL, "r/1")]),
        ];
        let before = BTreeSet::from(["old".to_string()]);
        let ids: Vec<_> = left_by_page(&listed, "r/1", "/tmp/page1", &before).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c4", "v1"]);
        let ids: Vec<_> = left_by_run(&listed, "r", &before).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "v1"]);
        assert_eq!(block_of(&listed[1]), Some(3));
        assert!(left_by_page(&listed, "r/1", "", &before).iter().all(|r| r.id != "c4"));
    }

    #[test]
    fn shim_labels_creating_commands() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("fake");
        std::fs::write(&fake, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done; echo\n").unwrap();
        let shim = dir.path().join("docker");
        std::fs::write(&shim, docker_shim(&fake.display().to_string())).unwrap();
        use std::os::unix::fs::PermissionsExt;
        for f in [&fake, &shim] {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let run = |args: &[&str]| {
            let out = std::process::Command::new(&shim)
                .args(args)
                .env("COOKBOOK_VERIFY_PAGE", "r/1")
                .env("COOKBOOK_VERIFY_BLOCK", "r/1/2")
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        let l = "[--label][io.cookbook.verify.page=r/1][--label][io.cookbook.verify.block=r/1/2]";
        assert_eq!(run(&["run", "--rm", "busybox", "echo", "a b"]), format!("[run]{l}[--rm][busybox][echo][a b]\n"));
        assert_eq!(run(&["-H", "unix:///x", "container", "create", "x"]), format!("[-H][unix:///x][container][create]{l}[x]\n"));
        assert_eq!(run(&["network", "create", "n"]), format!("[network][create]{l}[n]\n"));
        assert_eq!(run(&["ps", "-a"]), "[ps][-a]\n");
        assert_eq!(run(&["network", "ls"]), "[network][ls]\n");
        assert_eq!(run(&[]), "\n");
    }
}
