//! Finds commands in a verify block that change the machine running `cookbook verify`
//! (`sudo`, package managers, `systemctl`, `usermod`, writes under /etc): docs should not
//! reconfigure a CI runner or a reader's laptop as a side effect of being proven.
//! A small shell lexer: quotes, comments, heredoc bodies and `\` continuations are
//! understood, so `docker run debian sh -c "apt-get update"` (a container) is not flagged.
//! It does not expand variables or follow functions.

use std::ops::Range;

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
    let mut heredoc: Option<String> = None;
    let mut continued = false;
    let mut offset = 0;
    for line in script.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some(end) = &heredoc {
            if text.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let (words, next_heredoc) = lex(text);
        let mut command: Vec<(Range<usize>, &str)> = Vec::new();
        // A continued line's first words are arguments of the previous line's command.
        let mut skip = continued;
        for (range, word) in words.iter().map(|(r, w)| (r.clone(), w.as_str())) {
            let keyword = command.is_empty() && is_keyword(word);
            if is_operator(word) || keyword {
                if !skip {
                    judge(&command, start, &mut out);
                }
                command.clear();
                skip = false;
                continue;
            }
            if command.is_empty() && !skip && is_prefix(word) {
                continue;
            }
            command.push((range, word));
        }
        if !skip {
            judge(&command, start, &mut out);
        }
        continued = text.ends_with('\\');
        heredoc = next_heredoc;
    }
    out
}

fn is_operator(word: &str) -> bool {
    matches!(word, ";" | "&&" | "||" | "|" | "&" | "(" | ")" | "$(" | "`")
}

/// Shell keywords that may stand where a command starts.
fn is_keyword(word: &str) -> bool {
    matches!(word, "then" | "do" | "else" | "if" | "elif" | "while" | "until" | "!" | "{" | "}")
}

/// Words that may precede the command itself.
fn is_prefix(word: &str) -> bool {
    matches!(word, "time" | "exec" | "env" | "nohup" | "command")
        || word.split_once('=').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// Judges one simple command (`(range, word)` pairs, ranges relative to its line).
fn judge(command: &[(Range<usize>, &str)], line_start: usize, out: &mut Vec<HostChange>) {
    let at = |r: &Range<usize>| r.start + line_start..r.end + line_start;
    // Redirections to /etc, whatever the command.
    for (i, (r, w)) in command.iter().enumerate() {
        let target = match w.trim_start_matches(|c: char| c.is_ascii_digit()) {
            ">" | ">>" => command.get(i + 1).map(|(_, t)| *t),
            other => other.strip_prefix(">>").or_else(|| other.strip_prefix('>')),
        };
        if target.is_some_and(under_etc) {
            out.push(HostChange { span: at(r), word: w.to_string(), what: "writes to /etc on the host" });
        }
    }
    let Some((r, name)) = command.iter().find(|(_, w)| !w.starts_with('>') && !w.starts_with('<')) else { return };
    let base = name.rsplit('/').next().unwrap_or(name);
    if let Some((_, what)) = HOST_COMMANDS.iter().find(|(c, _)| *c == base) {
        out.push(HostChange { span: at(r), word: base.to_string(), what });
        return;
    }
    let args: Vec<&str> = command.iter().map(|(_, w)| *w).skip_while(|w| *w != *name).skip(1).filter(|w| !w.starts_with('-')).collect();
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
        out.push(HostChange { span: at(r), word: base.to_string(), what: "writes to /etc on the host" });
    }
}

fn under_etc(path: &str) -> bool {
    let p = path.trim_matches(['"', '\'']);
    p == "/etc" || p.starts_with("/etc/")
}

/// Splits a line into words and operators (with byte ranges); quoted text stays one word
/// and a `#` comment ends the line. Also returns the terminator of a heredoc the line opens.
fn lex(line: &str) -> (Vec<(Range<usize>, String)>, Option<String>) {
    let mut words: Vec<(Range<usize>, String)> = Vec::new();
    let mut heredoc = None;
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            break;
        }
        let op = [("&&", 2), ("||", 2), ("$(", 2), (";", 1), ("|", 1), ("&", 1), ("(", 1), (")", 1), ("`", 1)]
            .into_iter()
            .find(|(o, _)| line[i..].starts_with(o));
        if let Some((o, n)) = op {
            words.push((i..i + n, o.to_string()));
            i += n;
            continue;
        }
        let start = i;
        let mut quote: Option<u8> = None;
        while i < b.len() {
            let c = b[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(b'"') if c == b'\\' => i += 1,
                Some(_) => {}
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'\\' => i += 1,
                None if c.is_ascii_whitespace() || b";|&()`".contains(&c) => break,
                None => {}
            }
            i += 1;
        }
        let i_end = i.min(b.len());
        let word = line[start..i_end].to_string();
        if let Some(rest) = word.strip_prefix("<<").filter(|w| !w.starts_with('<')) {
            let tag = rest.trim_start_matches('-').trim_matches(['\'', '"']);
            if !tag.is_empty() {
                heredoc = Some(tag.to_string());
            } else if let Some((_, next)) = next_word(line, i_end) {
                heredoc = Some(next.trim_matches(['\'', '"']).to_string());
            }
        }
        words.push((start..i_end, word));
    }
    (words, heredoc)
}

fn next_word(line: &str, from: usize) -> Option<(usize, &str)> {
    let rest = &line[from..];
    let trimmed = rest.trim_start();
    let start = from + rest.len() - trimmed.len();
    let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    (end > 0).then(|| (start, &trimmed[..end]))
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
