//! Finds commands in a verify block that change the machine running `cookbook verify`
//! (`sudo`, package managers, `systemctl`, `usermod`, writes under /etc): docs should not
//! reconfigure a CI runner or a reader's laptop as a side effect of being proven.
//! Commands come from `core::script`'s lexer, so `docker run debian sh -c "apt-get update"`
//! (a container) is not flagged.

use std::ops::Range;

use crate::core::script;

/// Commands that change the host whatever their arguments.
const HOST_COMMANDS: &[(&str, &str)] = &[
    ("sudo", "runs a command as root on the host"),
    ("apt-get", "installs or removes packages on the host"),
    ("apt", "installs or removes packages on the host"),
    ("apt-key", "changes the host's package keys"),
    ("dpkg", "installs or removes packages on the host"),
    ("dnf", "installs or removes packages on the host"),
    ("yum", "installs or removes packages on the host"),
    ("systemctl", "starts, stops or reconfigures host services"),
    ("service", "starts or stops host services"),
    ("usermod", "changes a host user account"),
    ("useradd", "adds a host user account"),
    ("groupadd", "adds a host group"),
];

/// Commands whose file arguments are written to (any argument) or whose last argument is.
const WRITERS_ANY: &[&str] = &["tee", "touch", "mkdir", "rm", "chmod", "chown", "truncate"];
const WRITERS_LAST: &[&str] = &["cp", "mv", "ln", "install"];

/// One finding: where in the script (byte range), and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostChange {
    pub span: Range<usize>,
    pub word: String,
    pub what: &'static str,
}

/// Every host-changing command in `script`.
pub fn find(script: &str) -> Vec<HostChange> {
    let mut out = Vec::new();
    for c in script::commands(script) {
        judge(&c, &mut out);
    }
    out
}

/// Judges one simple command.
fn judge(c: &script::Command, out: &mut Vec<HostChange>) {
    let command: Vec<(Range<usize>, &str)> = c.words.iter().map(|(r, w)| (r.clone(), w.as_str())).collect();
    // Redirections to /etc, whatever the command.
    for (i, (r, w)) in command.iter().enumerate() {
        let target = match w.trim_start_matches(|c: char| c.is_ascii_digit()) {
            ">" | ">>" => command.get(i + 1).map(|(_, t)| *t),
            other => other.strip_prefix(">>").or_else(|| other.strip_prefix('>')),
        };
        if target.is_some_and(under_etc) {
            out.push(HostChange { span: r.clone(), word: w.to_string(), what: "writes to /etc on the host" });
        }
    }
    let Some((at, name)) = c.name() else { return };
    let r = command[at].0.clone();
    let base = name.rsplit('/').next().unwrap_or(name);
    if let Some((_, what)) = HOST_COMMANDS.iter().find(|(c, _)| *c == base) {
        out.push(HostChange { span: r, word: base.to_string(), what });
        return;
    }
    let args: Vec<&str> = c.args().into_iter().filter(|w| !w.starts_with('-')).collect();
    let writes = if WRITERS_ANY.contains(&base) || (base == "sed" && command.iter().any(|(_, w)| w.starts_with("-i"))) {
        args.iter().any(|a| under_etc(a))
    } else if WRITERS_LAST.contains(&base) {
        args.last().is_some_and(|a| under_etc(a))
    } else if base == "dd" {
        args.iter().any(|a| a.strip_prefix("of=").is_some_and(under_etc))
    } else {
        false
    };
    if writes {
        out.push(HostChange { span: r, word: base.to_string(), what: "writes to /etc on the host" });
    }
}

fn under_etc(path: &str) -> bool {
    let p = path.trim_matches(['"', '\'']);
    p == "/etc" || p.starts_with("/etc/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<(String, &'static str)> {
        find(script).into_iter().map(|h| (script[h.span].to_string(), h.what)).collect()
    }

    #[test]
    fn flags_commands_that_change_the_host() {
        let s = "sudo docker ps\napt-get install -y jq\nDEBIAN_FRONTEND=noninteractive apt install x && systemctl restart docker\n\
                 echo '{}' | sudo tee /etc/docker/daemon.json\necho x > /etc/hosts\necho y >>/etc/motd\nusermod -aG docker $USER\n\
                 cp daemon.json /etc/docker/\nsed -i s/a/b/ /etc/fstab\n";
        let got = words(s);
        let cmds: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(cmds, ["sudo", "apt-get", "apt", "systemctl", "sudo", ">", ">>/etc/motd", "usermod", "cp", "sed"]);
        assert_eq!(got[1].1, "installs or removes packages on the host");
        assert_eq!(got[5].1, "writes to /etc on the host");
    }

    #[test]
    fn leaves_containers_quotes_comments_and_heredocs_alone() {
        let s = "docker run --rm debian sh -c \"apt-get update && apt-get install -y curl\"\n\
                 # sudo is not needed here\necho 'sudo apt-get' # apt-get\ncat /etc/os-release\ncp /etc/hosts ./hosts\n\
                 docker run -v /etc/hosts:/etc/hosts:ro busybox true\ncat > Dockerfile <<'EOF'\nFROM debian\nRUN apt-get update\nEOF\n\
                 docker build -t x . \\\n  --build-arg sudo=1\nmy-apt-get-wrapper\n";
        assert_eq!(words(s), Vec::<(String, &str)>::new());
    }

    #[test]
    fn spans_point_into_the_script() {
        let s = "echo hi\n  if true; then sudo reboot; fi\n";
        let h = find(s);
        assert_eq!(h.len(), 1);
        assert_eq!(&s[h[0].span.clone()], "sudo");
        assert_eq!(h[0].span.start, 24);
    }
}
