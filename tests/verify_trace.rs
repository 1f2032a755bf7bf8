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
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"trace\"\n[verify]\njobs = 2\ntimeout = \"60s\"\nrequire = []\n")
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
        assert!(!script.contains('\n'), "one line per block keeps line numbers predictable");
        s.push_str(&format!("```bash verify\n{script}\n```\n\n"));
    }
    s
}

struct Run {
    #[allow(dead_code)]
    out: Output,
    stdout: String,
    stderr: String,
    json: serde_json::Value,
    run_prefix: String,
}

impl Run {
    /// `file:line` → (outcome, reason, leaked).
    fn blocks(&self) -> BTreeMap<String, (String, String, Vec<String>)> {
        report_blocks(&self.json)
            .into_iter()
            .map(|(at, b)| {
                let leaked =
                    b["leaked"].as_array().map(|l| l.iter().map(|x| x.as_str().unwrap().to_string()).collect()).unwrap_or_default();
                (at, (field(b, "outcome"), field(b, "reason"), leaked))
            })
            .collect()
    }

    fn outcome(&self, pos: &str) -> String {
        self.blocks().get(pos).unwrap_or_else(|| panic!("no block {pos}: {}", self.stdout)).0.clone()
    }

    fn notes(&self) -> String {
        self.json["notes"].as_array().map(|n| n.iter().map(|x| x.as_str().unwrap_or("")).collect::<Vec<_>>().join("\n")).unwrap_or_default()
    }

    fn context(&self) -> String {
        format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr)
    }
}

fn verify(book: &tempfile::TempDir, extra: &[&str]) -> Run {
    let root = path_str(book.path());
    let mut args = vec!["verify", "--root", &root];
    args.extend(extra);
    let child = cookbook_cmd(&args).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let run_prefix = format!("{:x}-", child.id());
    let out = child.wait_with_output().unwrap();
    let json = std::fs::read_to_string(book.path().join(".cookbook/verify.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    Run { stdout: text(&out.stdout), stderr: text(&out.stderr), out, json, run_prefix }
}

fn docker_out(args: &[&str]) -> Vec<String> {
    let out = Command::new("docker").args(args).output().expect("docker CLI");
    text(&out.stdout).lines().map(str::to_string).filter(|l| !l.is_empty()).collect()
}

/// A name unique to this test process and case.
fn unique(case: &str) -> String {
    format!("cookbook-trace-{case}-{}", std::process::id())
}

/// Everything labelled by a run whose ID starts with `run_prefix`.
fn labelled_by(run_prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for kind in [&["ps", "-a"][..], &["network", "ls"], &["volume", "ls"], &["images"]] {
        let mut args = kind.to_vec();
        args.extend(["--filter", "label=io.cookbook.verify.page", "--format", "{{.Label \"io.cookbook.verify.page\"}}"]);
        if kind == ["images"] {
            args.truncate(args.len() - 2);
            args.extend(["--format", "{{.ID}}"]);
        }
        for l in docker_out(&args) {
            if kind == ["images"] {
                let page = docker_out(&["image", "inspect", "-f", "{{index .Config.Labels \"io.cookbook.verify.page\"}}", &l]);
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
    let b =
        book(&[("blame.md", &page(&["echo first", &format!("docker run -d --name {name} {IMAGE} sleep 1000 >/dev/null"), "echo third"]))]);
    let run = verify(&b, &[]);
    let blocks = run.blocks();
    assert_eq!(run.outcome("content/blame.md:3"), "pass", "{}", run.context());
    assert_eq!(run.outcome("content/blame.md:7"), "leaked", "{}", run.context());
    assert_eq!(run.outcome("content/blame.md:11"), "pass", "{}", run.context());
    assert!(blocks["content/blame.md:7"].2.iter().any(|l| l.contains(&name)), "{blocks:?}");
    assert_eq!(docker_out(&["ps", "-aq", "--filter", &format!("name=^{name}$")]), Vec::<String>::new());
}

/// Asserts nothing of the run survived: no labelled resource, no process.
fn assert_no_trace(run: &Run) {
    assert_eq!(labelled_by(&run.run_prefix), Vec::<String>::new(), "left behind\n{}", run.context());
    assert_eq!(processes_of_run(&run.run_prefix), Vec::<String>::new(), "processes outlived the run\n{}", run.context());
}

#[test]
fn implicit_named_volume_is_removed_and_charged() {
    let _lock = docker_lock();
    let Some(_engine) = docker("implicit_named_volume_is_removed_and_charged") else {
        return;
    };
    let vol = unique("implicit");
    let b = book(&[("vol.md", &page(&["echo setup", &format!("docker run --rm -v {vol}:/data {IMAGE} touch /data/x")]))]);
    let run = verify(&b, &[]);
    assert_eq!(run.outcome("content/vol.md:7"), "leaked", "{}", run.context());
    assert!(run.blocks()["content/vol.md:7"].2.iter().any(|l| l.contains(&format!("volume {vol}"))), "{}", run.context());
    assert_eq!(docker_out(&["volume", "ls", "-q", "--filter", &format!("name=^{vol}$")]), Vec::<String>::new());
    assert_no_trace(&run);
}

#[test]
fn compose_project_network_and_volumes_are_removed() {
    let _lock = docker_lock();
    let Some(_engine) = docker("compose_project_network_and_volumes_are_removed") else {
        return;
    };
    // This machine has docker-compose v1 and no `docker compose` plugin.
    if Command::new("docker-compose").arg("version").output().is_err() {
        assert!(std::env::var("COOKBOOK_REQUIRE_DOCKER").as_deref() != Ok("1"), "docker-compose is required");
        eprintln!("skipping compose_project_network_and_volumes_are_removed: no docker-compose");
        return;
    }
    let project = unique("compose").replace('-', "");
    let yml = format!(
        "services:\\n  app:\\n    image: {IMAGE}\\n    command: sleep 600\\n    volumes: [data:/data]\\nvolumes:\\n  data: {{}}\\n"
    );
    let b = book(&[(
        "compose.md",
        &page(&[&format!("printf '{yml}' > docker-compose.yml"), &format!("docker-compose -p {project} up -d 2>/dev/null")]),
    )]);
    let run = verify(&b, &[]);
    assert_eq!(run.outcome("content/compose.md:7"), "leaked", "{}", run.context());
    let leaked = run.blocks()["content/compose.md:7"].2.join(", ");
    assert!(leaked.contains(&format!("network {project}_default")), "{leaked}\n{}", run.context());
    assert!(leaked.contains(&format!("volume {project}_data")), "{leaked}");
    let filter = format!("label=com.docker.compose.project={project}");
    for kind in [&["ps", "-aq"][..], &["network", "ls", "-q"], &["volume", "ls", "-q"]] {
        let mut args = kind.to_vec();
        args.extend(["--filter", &filter]);
        assert_eq!(docker_out(&args), Vec::<String>::new(), "left: docker {args:?}");
    }
}

#[test]
fn images_a_page_makes_are_removed_as_routine() {
    let _lock = docker_lock();
    let Some(_engine) = docker("images_a_page_makes_are_removed_as_routine") else {
        return;
    };
    let repo = unique("img");
    let scripts = [
        format!("printf 'FROM {IMAGE}\\nRUN echo built > /built\\n' > Dockerfile && docker build -q -t {repo}:built . >/dev/null"),
        format!("docker tag {IMAGE} {repo}:tagged"),
        format!("c=$(docker create {IMAGE} true) && docker commit $c {repo}:committed >/dev/null && docker rm $c >/dev/null"),
        format!("docker save {repo}:committed -o c.tar && docker rmi {repo}:committed >/dev/null && docker load -i c.tar >/dev/null"),
        format!("tar cf empty.tar --files-from /dev/null && docker import empty.tar {repo}:imported >/dev/null"),
        "printf 'FROM busybox:latest\\nRUN echo untagged > /u\\n' > Dockerfile.2 && docker build -q -f Dockerfile.2 . >/dev/null"
            .to_string(),
    ];
    let scripts: Vec<&str> = scripts.iter().map(String::as_str).collect();
    let b = book(&[("img.md", &page(&scripts))]);
    let run = verify(&b, &[]);
    for line in [3, 7, 11, 15, 19, 23] {
        assert_eq!(run.outcome(&format!("content/img.md:{line}")), "pass", "images are routine, not a leak\n{}", run.context());
    }
    for tag in ["built", "tagged", "committed", "imported"] {
        assert!(run.notes().contains(&format!("{repo}:{tag}")), "not reported as cleaned: {tag}\n{}", run.notes());
    }
    assert_eq!(docker_out(&["images", "-q", &repo]), Vec::<String>::new(), "{}", run.context());
    // The engine is shared: other images may appear meanwhile, so look for this run's own.
    assert_no_trace(&run);
    assert_eq!(docker_out(&["images", "-q", IMAGE]).len(), 1, "the base image was removed");

    // --keep-images keeps them for faster reruns.
    let run = verify(&b, &["--keep-images"]);
    assert_eq!(run.outcome("content/img.md:3"), "pass", "{}", run.context());
    // A later run does not take them for a dead run's leftovers either.
    let later = verify(&book(&[("ok.md", &page(&["true"]))]), &[]);
    let kept = docker_out(&["images", "--format", "{{.Repository}}:{{.Tag}}", &repo]);
    let labelled = labelled_by(&run.run_prefix);
    let ids: Vec<String> = labelled.iter().filter_map(|l| l.strip_prefix("image ")).map(str::to_string).collect();
    for img in kept.iter().chain(&ids) {
        let _ = Command::new("docker").args(["rmi", "-f", img]).output();
    }
    assert_eq!(kept.len(), 4, "{kept:?}");
    assert_eq!(ids.len(), 4, "built, committed (loaded back), imported, untagged: {labelled:?}\n{}", later.notes());
}

#[test]
fn anonymous_volume_after_rm_without_v_is_removed() {
    let _lock = docker_lock();
    let Some(_engine) = docker("anonymous_volume_after_rm_without_v_is_removed") else {
        return;
    };
    let marks = tempfile::tempdir().unwrap();
    let file = marks.path().join("vol");
    let script = format!(
        "c=$(docker run -d -v /data {IMAGE} sleep 600) && docker inspect -f '{{{{range .Mounts}}}}{{{{.Name}}}}{{{{end}}}}' $c > {} && docker rm -f $c >/dev/null",
        path_str(&file)
    );
    let b = book(&[("anon.md", &page(&[&script]))]);
    let run = verify(&b, &[]);
    let vol = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert_eq!(vol.len(), 64, "{vol:?}\n{}", run.context());
    assert_eq!(run.outcome("content/anon.md:3"), "leaked", "{}", run.context());
    assert!(run.blocks()["content/anon.md:3"].2.iter().any(|l| l.contains(&vol[..12])), "{}", run.context());
    assert_eq!(docker_out(&["volume", "ls", "-q", "--filter", &format!("name={vol}")]), Vec::<String>::new());
}

#[test]
fn escaped_processes_are_killed_and_reported() {
    let _lock = docker_lock();
    let Some(_engine) = docker("escaped_processes_are_killed_and_reported") else {
        return;
    };
    let n = 3000 + std::process::id() % 900;
    let b = book(&[(
        "escape.md",
        &page(&[
            // Waits until the child has left the session (the block's group is killed at its end).
            &format!("setsid sleep {n}1 >/dev/null 2>&1 </dev/null & until [ \"$(cat /proc/$!/comm)\" = sleep ]; do sleep 0.01; done"),
            &format!("set -m; sleep {n}2 >/dev/null 2>&1 </dev/null &"),
            "eval \"$(ssh-agent -s)\" >/dev/null",
            "echo clean",
        ]),
    )]);
    let run = verify(&b, &[]);
    let blocks = run.blocks();
    for (line, name) in [(3, "sleep"), (7, "sleep"), (11, "ssh-agent")] {
        let pos = format!("content/escape.md:{line}");
        assert_eq!(blocks[&pos].0, "leaked", "{pos}\n{}", run.context());
        assert!(blocks[&pos].2.iter().any(|l| l.starts_with(&format!("process {name} (pid "))), "{pos}: {:?}", blocks[&pos].2);
    }
    assert_eq!(blocks["content/escape.md:15"].0, "pass");
    assert_no_trace(&run);
}

/// A process that cleared its environment (`env -i`) carries no marker, but it stays
/// below the runner (a subreaper): at the end of the run it is killed and named.
#[test]
fn a_process_without_the_marker_is_killed_at_the_end_of_the_run() {
    let _lock = docker_lock();
    let Some(_engine) = docker("a_process_without_the_marker_is_killed_at_the_end_of_the_run") else {
        return;
    };
    let marks = tempfile::tempdir().unwrap();
    let pid_file = marks.path().join("pid");
    let script = format!(
        "setsid env -i /bin/sh -c 'echo $$ > {f}; exec sleep 3001' >/dev/null 2>&1 </dev/null & until [ -s {f} ]; do sleep 0.01; done",
        f = path_str(&pid_file)
    );
    let b = book(&[("bare.md", &page(&[&script]))]);
    let run = verify(&b, &[]);
    let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    let alive = std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "sleep");
    if alive {
        // SAFETY: kill has no memory effects; the test started this process.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    assert!(!alive, "the unmarked sleep (pid {pid}) outlived the run\n{}", run.context());
    assert!(run.notes().contains(&format!("process sleep (pid {pid})")), "notes: {}\n{}", run.notes(), run.context());
    assert_no_trace(&run);
}

/// Pages run side by side share the classic builder's layer cache, and removing an image
/// deletes its untagged parents: a removal on one page waits for a build in progress on
/// another (the race made a bundled-book build fail with its parent layer gone).
#[test]
fn an_image_removal_waits_for_another_pages_build() {
    let _lock = docker_lock();
    let Some(_engine) = docker("an_image_removal_waits_for_another_pages_build") else {
        return;
    };
    let marks = tempfile::tempdir().unwrap();
    let m = |n: &str| path_str(&marks.path().join(n));
    let (building, built, removed) = (m("building"), m("built"), m("removed"));
    let tag = unique("race");
    // The context goes through a pipe bigger than the pipe's buffer, so `building` appears
    // only once docker reads it: the build has begun (and holds whatever the shim holds).
    let slow = format!(
        "mkdir ctx; head -c 400000 /dev/zero > ctx/pad; printf 'FROM {IMAGE}\\nRUN sleep 3\\n' > ctx/Dockerfile; \
         {{ tar -C ctx -c .; touch {building}; }} | docker build -q -t {tag}-slow - >/dev/null; echo $(date +%s%N) > {built}"
    );
    let remove = format!(
        "docker tag {IMAGE} {tag}-gone; until [ -e {building} ]; do sleep 0.05; done; docker rmi {tag}-gone >/dev/null; echo $(date +%s%N) > {removed}"
    );
    let b = book(&[("a-slow.md", &page(&[&slow])), ("b-remove.md", &page(&[&remove]))]);
    let run = verify(&b, &[]);
    assert_eq!(run.outcome("content/a-slow.md:3"), "pass", "{}", run.context());
    assert_eq!(run.outcome("content/b-remove.md:3"), "pass", "{}", run.context());
    let at = |f: &str| std::fs::read_to_string(f).unwrap().trim().parse::<u128>().unwrap();
    assert!(at(&removed) > at(&built), "the removal ran while the other page was building\n{}", run.context());
    assert_no_trace(&run);
}

#[test]
fn an_escaped_process_cannot_start_containers_after_its_page() {
    let _lock = docker_lock();
    let Some(_engine) = docker("an_escaped_process_cannot_start_containers_after_its_page") else {
        return;
    };
    let marks = tempfile::tempdir().unwrap();
    let go = marks.path().join("go");
    let script = format!(
        "setsid sh -c 'touch left; while [ ! -e {go} ]; do sleep 0.05; done; docker run -d {IMAGE} sleep 600' >/dev/null 2>&1 </dev/null & until [ -e left ]; do sleep 0.01; done",
        go = path_str(&go)
    );
    let b = book(&[("late.md", &page(&[&script]))]);
    let run = verify(&b, &[]);
    std::fs::write(&go, "").unwrap();
    assert_eq!(run.outcome("content/late.md:3"), "leaked", "{}", run.context());
    assert_no_trace(&run);
}

#[test]
fn a_label_in_the_docs_cannot_hide_a_container() {
    let _lock = docker_lock();
    let Some(_engine) = docker("a_label_in_the_docs_cannot_hide_a_container") else {
        return;
    };
    let name = unique("hide");
    let b = book(&[(
        "hide.md",
        &page(&[&format!("docker run -d --name {name} --label io.cookbook.verify.page=mine --label=io.cookbook.verify.block=x/1/2 {IMAGE} sleep 600 >/dev/null")]),
    )]);
    let run = verify(&b, &[]);
    let left = docker_out(&["ps", "-aq", "--filter", &format!("name=^{name}$")]);
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();
    assert_eq!(run.outcome("content/hide.md:3"), "leaked", "{}", run.context());
    assert_eq!(left, Vec::<String>::new());
}

#[test]
fn what_could_not_be_removed_is_reported_as_not_removed() {
    let _lock = docker_lock();
    let Some(_engine) = docker("what_could_not_be_removed_is_reported_as_not_removed") else {
        return;
    };
    let net = unique("busy-net");
    let holder = unique("holder");
    // The network is the page's; the container holding it was made without the runner's
    // variables, so it is not the page's and stays, and the network cannot be removed.
    let script = format!("docker network create {net} >/dev/null && env -u COOKBOOK_VERIFY_PAGE docker run -d --name {holder} --network {net} {IMAGE} sleep 600 >/dev/null");
    let b = book(&[("busy.md", &page(&[&script]))]);
    let run = verify(&b, &[]);
    let _ = Command::new("docker").args(["rm", "-f", &holder]).output();
    let _ = Command::new("docker").args(["network", "rm", &net]).output();
    let (outcome, reason, _) = run.blocks()["content/busy.md:3"].clone();
    assert_eq!(outcome, "leaked", "{}", run.context());
    assert!(reason.contains(&format!("network {net}")), "{reason}");
    assert!(!reason.contains("(removed)"), "{reason}");
    assert!(reason.contains("could not be removed"), "{reason}");
}

/// The scratch folders of runs whose ID starts with `run_prefix`.
fn scratch_of(run_prefix: &str) -> Vec<String> {
    let prefix = format!("cookbook-verify-{run_prefix}");
    let mut found: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    found.sort();
    found
}

/// Starts `cookbook verify` on a page that makes a container, network, volume, image and
/// an escaped process, then sits in a long block; SIGKILLs it there. Returns its run prefix.
fn start_and_kill(case: &str) -> String {
    let name = unique(case);
    let marks = tempfile::tempdir().unwrap();
    let started = marks.path().join("started");
    let make = format!(
        "docker run -d --name {name} {IMAGE} sleep 600 >/dev/null && docker network create {name} >/dev/null && docker volume create {name} >/dev/null \
         && printf 'FROM {IMAGE}\\nRUN echo {case} > /x\\n' > Dockerfile && docker build -q . >/dev/null"
    );
    let escape = format!(
        "setsid sh -c 'touch left; exec sleep 3011' >/dev/null 2>&1 </dev/null & until [ -e left ]; do sleep 0.01; done; touch {}",
        path_str(&started)
    );
    let b = book(&[("killed.md", &page(&[&make, &escape, "sleep 3012"]))]);
    let mut child = cookbook_cmd(&["verify", "--root", &path_str(b.path())])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let run_prefix = format!("{:x}-", child.id());
    support::eventually("the run to reach its long block", std::time::Duration::from_secs(120), || {
        (started.exists() && processes_of_run(&run_prefix).iter().any(|p| p.starts_with("sleep 3012"))).then_some(())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    run_prefix
}

#[test]
fn a_killed_run_is_cleaned_by_the_next_run_and_by_clean() {
    let _lock = docker_lock();
    let Some(_engine) = docker("a_killed_run_is_cleaned_by_the_next_run_and_by_clean") else {
        return;
    };
    // The next ordinary run removes what the killed one left, and says so.
    let dead = start_and_kill("killed-a");
    let left = labelled_by(&dead);
    assert_eq!(left.len(), 4, "container, network, volume, image: {left:?}");
    assert_eq!(processes_of_run(&dead).len(), 3, "the block's shell, its sleep and the escaped sleep: {:?}", processes_of_run(&dead));
    assert_eq!(scratch_of(&dead).len(), 1);
    let next = verify(&book(&[("ok.md", &page(&["echo hi"]))]), &[]);
    assert_eq!(next.out.status.code(), Some(0), "{}", next.context());
    let notes = next.notes();
    for what in
        [format!("container {}", unique("killed-a")), "process sleep".to_string(), "scratch folder".to_string(), "image ".to_string()]
    {
        assert!(notes.contains(&what), "{what} not reported: {notes}");
    }
    assert_eq!(labelled_by(&dead), Vec::<String>::new());
    assert_eq!(processes_of_run(&dead), Vec::<String>::new());
    assert_eq!(scratch_of(&dead), Vec::<String>::new());

    // `cookbook verify --clean` does only that.
    let dead = start_and_kill("killed-b");
    let out = cookbook(&["verify", "--clean"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains(&format!("removed container {}", unique("killed-b"))), "{stdout}");
    assert_eq!(labelled_by(&dead), Vec::<String>::new(), "{stdout}");
    assert_eq!(processes_of_run(&dead), Vec::<String>::new(), "{stdout}");
    assert_eq!(scratch_of(&dead), Vec::<String>::new(), "{stdout}");
}

#[test]
fn parallel_runs_leave_each_other_alone() {
    let _lock = docker_lock();
    let Some(_engine) = docker("parallel_runs_leave_each_other_alone") else {
        return;
    };
    let name = unique("live");
    let marks = tempfile::tempdir().unwrap();
    let go = marks.path().join("go");
    let a = book(&[(
        "live.md",
        &page(&[
            &format!("docker run -d --name {name} {IMAGE} sleep 600 >/dev/null && docker volume create {name} >/dev/null"),
            &format!("until [ -e {} ]; do sleep 0.05; done", path_str(&go)),
            &format!("docker rm -f {name} >/dev/null && docker volume rm {name} >/dev/null"),
        ]),
    )]);
    let root = path_str(a.path());
    let child = cookbook_cmd(&["verify", "--root", &root])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let live = format!("{:x}-", child.id());
    // Whatever happens, let run A finish.
    struct Go(std::path::PathBuf);
    impl Drop for Go {
        fn drop(&mut self) {
            let _ = std::fs::write(&self.0, "");
        }
    }
    let release = Go(go.clone());
    support::eventually("run A to make its container", std::time::Duration::from_secs(60), || {
        (labelled_by(&live).len() == 2).then_some(())
    });
    // Run B, an ordinary run, and a --clean while A is alive.
    let b = verify(&book(&[("b.md", &page(&[&format!("docker run --rm {IMAGE} true")]))]), &[]);
    assert_eq!(b.out.status.code(), Some(0), "{}", b.context());
    let clean = cookbook(&["verify", "--clean"]);
    assert!(!text(&clean.stdout).contains(&name), "--clean touched a live run: {}", text(&clean.stdout));
    assert!(!b.notes().contains(&name), "{}", b.notes());
    assert_eq!(labelled_by(&live).len(), 2, "B took A's things");
    drop(release);
    let out = child.wait_with_output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "A failed: {stdout}{}", text(&out.stderr));
    assert!(!stdout.contains("LEAKED"), "{stdout}");
    assert_eq!(labelled_by(&live), Vec::<String>::new());
}

/// IDs of things made before a run, same-named as what the page tries to make.
struct Preexisting {
    name: String,
    container: String,
    network: String,
    base: String,
}

impl Preexisting {
    fn make(case: &str) -> Preexisting {
        let name = unique(case);
        let ok = |args: &[&str]| {
            let out = Command::new("docker").args(args).output().unwrap();
            assert!(out.status.success(), "docker {args:?}: {}", text(&out.stderr));
            text(&out.stdout).trim().to_string()
        };
        let container = ok(&["create", "--name", &name, IMAGE, "true"]);
        let network = ok(&["network", "create", &name]);
        ok(&["volume", "create", &name]);
        ok(&["tag", IMAGE, &format!("{name}:tag")]);
        let base = ok(&["image", "inspect", "-f", "{{.Id}}", IMAGE]);
        Preexisting { name, container, network, base }
    }

    /// The page's first block: make same-named things, move the tag, add a tag.
    fn block(&self) -> String {
        let n = &self.name;
        format!(
            "docker create --name {n} {IMAGE} true 2>/dev/null || true; docker network create {n} 2>/dev/null || true; \
             docker volume create {n} >/dev/null && docker run --rm -v {n}:/d {IMAGE} true && \
             printf 'FROM {IMAGE}\\nRUN echo moved > /m\\n' > Dockerfile && docker build -q -t {n}:tag . >/dev/null && \
             docker tag {IMAGE} {n}:tag2 && docker tag {IMAGE} {IMAGE}"
        )
    }

    /// Everything is still there, unchanged; then removes it.
    fn check_and_remove(&self, when: &str) {
        let n = &self.name;
        let id = |args: &[&str]| docker_out(args).first().cloned().unwrap_or_default();
        let container = id(&["inspect", "-f", "{{.Id}}", n]);
        let network = id(&["network", "inspect", "-f", "{{.Id}}", n]);
        let volume = id(&["volume", "inspect", "-f", "{{.Name}}", n]);
        let tag = id(&["image", "inspect", "-f", "{{.Id}}", &format!("{n}:tag")]);
        let base = id(&["image", "inspect", "-f", "{{.Id}}", IMAGE]);
        let tag2 = id(&["image", "inspect", "-f", "{{.Id}}", &format!("{n}:tag2")]);
        let _ = Command::new("docker").args(["rm", "-f", n]).output();
        let _ = Command::new("docker").args(["network", "rm", n]).output();
        let _ = Command::new("docker").args(["volume", "rm", n]).output();
        let _ = Command::new("docker").args(["rmi", &format!("{n}:tag"), &format!("{n}:tag2")]).output();
        assert_eq!(container, self.container, "{when}: the container from before");
        assert_eq!(network, self.network, "{when}: the network from before");
        assert_eq!(&volume, n, "{when}: the volume from before");
        assert_eq!(tag, self.base, "{when}: the tag from before points at its image again");
        assert_eq!(base, self.base, "{when}: the image from before");
        assert_eq!(tag2, "", "{when}: the page's own tag is removed");
    }
}

#[test]
fn preexisting_things_stay_through_every_ending() {
    let _lock = docker_lock();
    let Some(_engine) = docker("preexisting_things_stay_through_every_ending") else {
        return;
    };
    // Ends that the run sees: a normal end and --fail-fast.
    for (case, last, args) in [("pre-normal", "echo done", &[][..]), ("pre-failfast", "false", &["--fail-fast", "--jobs", "1"][..])] {
        let pre = Preexisting::make(case);
        let b = book(&[("pre.md", &page(&[&pre.block(), last])), ("more.md", &page(&["echo more"]))]);
        let run = verify(&b, args);
        assert_eq!(run.outcome("content/pre.md:3"), "pass", "{case}\n{}", run.context());
        assert_no_trace(&run);
        pre.check_and_remove(case);
    }
    // Signals: Ctrl-C, SIGTERM, and SIGKILL followed by `verify --clean`.
    for (case, signal) in [("pre-int", libc::SIGINT), ("pre-term", libc::SIGTERM), ("pre-kill", libc::SIGKILL)] {
        let pre = Preexisting::make(case);
        let marks = tempfile::tempdir().unwrap();
        let started = marks.path().join("started");
        let wait = format!("touch {} && sleep 3014", path_str(&started));
        let b = book(&[("pre.md", &page(&[&pre.block(), &wait]))]);
        let mut child = cookbook_cmd(&["verify", "--root", &path_str(b.path())])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let prefix = format!("{:x}-", child.id());
        support::eventually("the long block", std::time::Duration::from_secs(120), || {
            (started.exists() && processes_of_run(&prefix).iter().any(|p| p.starts_with("sleep 3014"))).then_some(())
        });
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        support::eventually("cookbook to exit", std::time::Duration::from_secs(60), || child.try_wait().unwrap());
        if signal == libc::SIGKILL {
            let out = cookbook(&["verify", "--clean"]);
            assert!(out.status.success(), "{}", text(&out.stderr));
        }
        assert_eq!(labelled_by(&prefix), Vec::<String>::new(), "{case}");
        assert_eq!(processes_of_run(&prefix), Vec::<String>::new(), "{case}");
        pre.check_and_remove(case);
    }
}
