//! Which Docker resources and images a page owns, decided from labels and the shim's
//! notes, so pages running in parallel (and other users of the same engine) never have
//! their things taken.
//!
//! Attribution: verify puts a `docker` shim (`docker_shim.sh`) first on each block's PATH
//! that adds `--label io.cookbook.verify.page=<run>/<page>` and `…block=<run>/<page>/<block>`
//! to `run`, `create`, `network create`, `volume create` and `build` (`LABEL` changes for
//! `commit` and `import`), creates labelled the named volumes `-v name:/path` would create
//! implicitly, drops labels the docs set on these keys, and notes in the page's ledger file
//! what cannot be labelled: tags, loaded images, anonymous volumes left by `rm` without
//! `-v`. Compose projects are attributed by compose's working-dir label in the page's
//! scratch directory, and their networks and volumes by the project's name. Anything else
//! (a direct API call, `docker` by full path) is not attributed and never removed: removing
//! by before/after diffing would take another user's or another page's things on a shared
//! engine. As a second guard, nothing in the snapshot taken before the run is ever removed,
//! and a tag from before that a page moved is pointed back.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// Labels under this prefix are cookbook's; the shim drops any the docs set themselves.
pub const LABEL_PREFIX: &str = "io.cookbook.verify.";
pub const PAGE_LABEL: &str = "io.cookbook.verify.page";
pub const BLOCK_LABEL: &str = "io.cookbook.verify.block";
const COMPOSE_DIR: &str = "com.docker.compose.project.working_dir";
const COMPOSE_PROJECT: &str = "com.docker.compose.project";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Container,
    Network,
    Volume,
}

/// A local image as the engine listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub id: String,
    /// `repo:tag` names (none for a dangling image).
    pub tags: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

/// A line of a page's ledger file, written by the shim for what it cannot label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Noted {
    /// A tag a block made: `build -t`, `tag`, `commit`, `import`, `load`.
    Tag(String),
    /// An image `docker load` loaded by ID.
    Image(String),
    /// An anonymous volume that outlived `docker rm` without `-v`.
    Volume(String),
}

/// Reads a ledger file: `kind<TAB>value<TAB>block tag` per line; block indices kept.
pub fn parse_ledger(text: &str) -> Vec<(Noted, Option<usize>)> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (kind, value, block) = (f.next()?, f.next()?.trim(), f.next().unwrap_or(""));
            let block = block.rsplit('/').next().and_then(|b| b.parse().ok());
            let noted = match kind {
                "tag" if !value.is_empty() => Noted::Tag(normal_tag(value)),
                "image" if !value.is_empty() => Noted::Image(value.to_string()),
                "volume" if !value.is_empty() => Noted::Volume(value.to_string()),
                _ => return None,
            };
            Some((noted, block))
        })
        .collect()
}

/// `name` → `name:latest`, as the engine lists tags.
fn normal_tag(t: &str) -> String {
    match t.rsplit_once(':') {
        Some((_, tag)) if !tag.contains('/') => t.to_string(),
        _ => format!("{t}:latest"),
    }
}

/// What to do with the images after a page: tags to point back at the image they named
/// before the run, tags to remove, images (by ID) to remove with all their tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageCleanup {
    pub restore: Vec<(String, String)>,
    pub untag: Vec<String>,
    pub remove: Vec<Image>,
}

impl ImageCleanup {
    pub fn is_empty(&self) -> bool {
        self.restore.is_empty() && self.untag.is_empty() && self.remove.is_empty()
    }
}

/// The images a page made: labelled with its tag (build, commit, import) or noted in its
/// ledger (tag, load), minus everything that existed before the run. A tag that existed
/// before is never removed; if the page moved it, it is pointed back.
pub fn images_to_clean(
    now: &[Image],
    page_tag: &str,
    noted: &[Noted],
    before_ids: &BTreeSet<String>,
    before_tags: &BTreeMap<String, String>,
) -> ImageCleanup {
    let mut out = ImageCleanup::default();
    let id_of_tag: BTreeMap<&str, &str> = now.iter().flat_map(|i| i.tags.iter().map(|t| (t.as_str(), i.id.as_str()))).collect();
    let mut remove_ids: BTreeSet<&str> = now
        .iter()
        .filter(|i| i.labels.get(PAGE_LABEL).is_some_and(|t| t == page_tag) && !before_ids.contains(&i.id))
        .map(|i| i.id.as_str())
        .collect();
    let mut tags: BTreeSet<&str> = BTreeSet::new();
    for n in noted {
        match n {
            Noted::Tag(t) => {
                tags.insert(t);
            }
            Noted::Image(id) if !before_ids.contains(id) && now.iter().any(|i| &i.id == id) => {
                remove_ids.insert(id);
            }
            _ => {}
        }
    }
    tags.extend(now.iter().filter(|i| remove_ids.contains(i.id.as_str())).flat_map(|i| i.tags.iter().map(String::as_str)));
    for t in tags {
        let Some(&id) = id_of_tag.get(t) else { continue };
        match before_tags.get(t) {
            Some(old) if old != id => out.restore.push((t.to_string(), old.clone())),
            Some(_) => {}
            None if !remove_ids.contains(id) => out.untag.push(t.to_string()),
            None => {}
        }
    }
    out.remove = now.iter().filter(|i| remove_ids.contains(i.id.as_str())).cloned().collect();
    out
}

/// The images from before a run, as a run keeps them in its scratch folder: `id<TAB>ID`
/// and `tag<TAB>repo:tag<TAB>ID` lines.
pub fn snapshot_text(ids: &BTreeSet<String>, tags: &BTreeMap<String, String>) -> String {
    let mut s = String::new();
    for id in ids {
        s.push_str(&format!("id\t{id}\n"));
    }
    for (tag, id) in tags {
        s.push_str(&format!("tag\t{tag}\t{id}\n"));
    }
    s
}

/// Reads [`snapshot_text`] back.
pub fn parse_snapshot(text: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut ids = BTreeSet::new();
    let mut tags = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["id", id] => {
                ids.insert(id.to_string());
            }
            ["tag", tag, id] => {
                tags.insert(tag.to_string(), id.to_string());
            }
            _ => {}
        }
    }
    (ids, tags)
}

/// `image repo:tag (3f2a…)` for reports.
pub fn describe_image(i: &Image) -> String {
    let short: String = i.id.trim_start_matches("sha256:").chars().take(12).collect();
    if i.tags.is_empty() {
        format!("image {short}")
    } else {
        format!("image {} ({short})", i.tags.join(" "))
    }
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
        let anonymous = self.id.len() == 64 && self.id.bytes().all(|b| b.is_ascii_hexdigit());
        if self.kind == Kind::Volume && !anonymous {
            format!("volume {}", self.name)
        } else if self.name.is_empty() || self.name == self.id {
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

/// The resources a page left behind: labelled with its tag, a compose project in its
/// scratch directory (containers carry compose's working-dir label; their networks and
/// volumes only the project's name, so `projects` holds the names seen during the page),
/// and not in the snapshot from before the run. Sorted: containers first (they hold
/// networks and volumes), then by ID.
pub fn left_by_page<'a>(
    listed: &'a [Resource],
    page_tag: &str,
    scratch: &str,
    projects: &BTreeMap<String, usize>,
    before_run: &BTreeSet<String>,
) -> Vec<&'a Resource> {
    let mut v: Vec<&Resource> = listed
        .iter()
        .filter(|r| !before_run.contains(&r.id))
        .filter(|r| {
            r.labels.get(PAGE_LABEL).is_some_and(|t| t == page_tag)
                || r.labels.get(COMPOSE_DIR).is_some_and(|d| !scratch.is_empty() && d.starts_with(scratch))
                || compose_project(r).is_some_and(|p| projects.contains_key(p))
        })
        .collect();
    v.sort();
    v
}

/// The compose projects whose containers run from the page's scratch directory.
pub fn compose_projects_in(listed: &[Resource], scratch: &str) -> BTreeSet<String> {
    listed
        .iter()
        .filter(|r| !scratch.is_empty() && r.labels.get(COMPOSE_DIR).is_some_and(|d| d.starts_with(scratch)))
        .filter_map(compose_project)
        .map(str::to_string)
        .collect()
}

/// The compose project a resource belongs to, if any.
pub fn compose_project(r: &Resource) -> Option<&str> {
    r.labels.get(COMPOSE_PROJECT).map(String::as_str)
}

/// A leaked block's reason: what was removed, and what could not be.
pub fn leak_reason(removed: &[String], not_removed: &[String]) -> String {
    match (removed.is_empty(), not_removed.is_empty()) {
        (false, true) => format!("passed, but left {} behind (removed)", removed.join(", ")),
        (true, _) => format!("passed, but left {} behind, which could not be removed (see the notes)", not_removed.join(", ")),
        (false, false) => format!(
            "passed, but left {} behind (removed) and {}, which could not be removed (see the notes)",
            removed.join(", "),
            not_removed.join(", ")
        ),
    }
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

/// The `docker` shim: adds the run's labels to commands that create resources and
/// images, notes tags and anonymous volumes in the page's ledger file, then execs the
/// real CLI. Global options before the subcommand are skipped over.
pub fn docker_shim(real_docker: &str) -> String {
    let real = real_docker.replace('\'', "'\\''");
    include_str!("docker_shim.sh")
        .replace("@REAL@", &real)
        .replace("@PAGE_LABEL@", PAGE_LABEL)
        .replace("@BLOCK_LABEL@", BLOCK_LABEL)
        .replace("@PREFIX@", LABEL_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(kind: Kind, id: &str, labels: &[(&str, &str)]) -> Resource {
        Resource { kind, id: id.into(), name: String::new(), labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
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
        let ids: Vec<_> = left_by_page(&listed, "r/1", "/tmp/page1", &BTreeMap::new(), &before).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c4", "v1"]);
        let ids: Vec<_> = left_by_run(&listed, "r", &before).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "v1"]);
        assert_eq!(block_of(&listed[1]), Some(3));
        assert!(left_by_page(&listed, "r/1", "", &BTreeMap::new(), &before).iter().all(|r| r.id != "c4"));
    }

    #[test]
    fn compose_networks_and_volumes_follow_their_project() {
        let listed = vec![
            res(Kind::Container, "c1", &[(COMPOSE_DIR, "/tmp/page1"), (COMPOSE_PROJECT, "app")]),
            res(Kind::Network, "n1", &[(COMPOSE_PROJECT, "app")]),
            res(Kind::Volume, "app_data", &[(COMPOSE_PROJECT, "app")]),
            res(Kind::Volume, "other_data", &[(COMPOSE_PROJECT, "other")]),
            res(Kind::Volume, "app_old", &[(COMPOSE_PROJECT, "app")]),
        ];
        assert_eq!(compose_projects_in(&listed, "/tmp/page1"), BTreeSet::from(["app".to_string()]));
        assert_eq!(compose_projects_in(&listed, "/tmp/page2"), BTreeSet::new());
        let projects = BTreeMap::from([("app".to_string(), 1)]);
        let before = BTreeSet::from(["app_old".to_string()]);
        let ids: Vec<_> = left_by_page(&listed, "r/1", "/tmp/page1", &projects, &before).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c1", "n1", "app_data"]);
    }

    #[test]
    fn leak_reasons_say_what_was_not_removed() {
        let a = || vec!["container a (1)".to_string()];
        let b = || vec!["network b (2)".to_string()];
        assert_eq!(leak_reason(&a(), &[]), "passed, but left container a (1) behind (removed)");
        let only_kept = leak_reason(&[], &b());
        assert!(!only_kept.contains("(removed)") && only_kept.contains("network b (2) behind, which could not be removed"), "{only_kept}");
        let both = leak_reason(&a(), &b());
        assert!(both.contains("container a (1) behind (removed) and network b (2), which could not be removed"), "{both}");
    }

    fn img(id: &str, tags: &[&str], page: Option<&str>) -> Image {
        Image {
            id: id.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            labels: page.map(|p| BTreeMap::from([(PAGE_LABEL.to_string(), p.to_string())])).unwrap_or_default(),
        }
    }

    #[test]
    fn images_made_by_the_page_go_and_tags_from_before_come_back() {
        let ledger = parse_ledger("tag\tx:tagged\tr/1/0\ntag\tbase\tr/1/1\nimage\tsha256:ld\tr/1/2\nvolume\tabc\tr/1/3\njunk\n\ttag\n");
        assert_eq!(ledger[3], (Noted::Volume("abc".into()), Some(3)));
        let noted: Vec<Noted> = ledger.into_iter().map(|(n, _)| n).collect();
        assert_eq!(noted[1], Noted::Tag("base:latest".into()));
        let now = vec![
            img("sha256:base", &["x:tagged"], None),
            img("sha256:new", &["base:latest", "x:built"], Some("r/1")),
            img("sha256:old", &[], None),
            img("sha256:ld", &["x:loaded"], None),
            img("sha256:other", &["y:1"], Some("r/2")),
            img("sha256:before", &["z:1"], Some("r/1")),
        ];
        let before_ids = BTreeSet::from(["sha256:base".to_string(), "sha256:old".to_string(), "sha256:before".to_string()]);
        let before_tags =
            BTreeMap::from([("base:latest".to_string(), "sha256:old".to_string()), ("z:1".to_string(), "sha256:before".to_string())]);
        let plan = images_to_clean(&now, "r/1", &noted, &before_ids, &before_tags);
        assert_eq!(plan.restore, [("base:latest".to_string(), "sha256:old".to_string())]);
        assert_eq!(plan.untag, ["x:tagged"]);
        let removed: Vec<&str> = plan.remove.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(removed, ["sha256:new", "sha256:ld"]);
        assert_eq!(describe_image(&now[1]), "image base:latest x:built (new)");
        assert!(images_to_clean(&now, "r/9", &[], &before_ids, &before_tags).is_empty());
        assert_eq!(parse_snapshot(&snapshot_text(&before_ids, &before_tags)), (before_ids, before_tags));
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
                .env("COOKBOOK_VERIFY_LEDGER", dir.path().join("ledger"))
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
        // The docs' own labels on cookbook's keys are dropped; others kept.
        assert_eq!(
            run(&["run", "--label", "io.cookbook.verify.page=x", "--label=io.cookbook.verify.block=y", "-l", "keep=1", "busybox"]),
            format!("[run]{l}[-l][keep=1][busybox]\n")
        );
        // Images: labelled where the CLI allows it, tags noted in the ledger.
        assert_eq!(run(&["build", "-t", "app:1", "."]), format!("[build]{l}[-t][app:1][.]\n"));
        assert_eq!(run(&["image", "tag", "busybox", "mine"]), "[image][tag][busybox][mine]\n");
        assert_eq!(
            run(&["commit", "-m", "msg", "c", "img:2"]),
            "[commit][--change][LABEL io.cookbook.verify.page=r/1 io.cookbook.verify.block=r/1/2][-m][msg][c][img:2]\n"
        );
        let noted = parse_ledger(&std::fs::read_to_string(dir.path().join("ledger")).unwrap());
        let tags: Vec<Noted> = noted.into_iter().map(|(n, _)| n).collect();
        assert_eq!(tags, [Noted::Tag("app:1".into()), Noted::Tag("mine:latest".into()), Noted::Tag("img:2".into())]);
    }
}
