//! Shell semantics, in one place: a small lexer that splits a verify block's script into
//! simple commands (quotes, `#` comments, heredoc bodies and `\` continuations understood),
//! and what verify and `check` read from them: the needs a script implies and the words a
//! command starts with. It does not expand variables, follow functions or look inside
//! `sh -c "…"` strings: what is quoted is data, as it is to the shell.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::core::verify::attrs::Need;

/// One simple command: its words as written (quotes kept), with byte ranges in the script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Command {
    pub words: Vec<(Range<usize>, String)>,
}

impl Command {
    /// The command word and its position in `words`: the first word after assignments,
    /// `time`/`exec`/`env`/`nohup`/`command` and redirections.
    pub fn name(&self) -> Option<(usize, &str)> {
        self.words
            .iter()
            .enumerate()
            .map(|(i, (_, w))| (i, w.as_str()))
            .find(|(_, w)| !is_prefix(w) && !w.starts_with('>') && !w.starts_with('<') && !is_redirect(w))
    }

    /// The command word without its directory (`/usr/bin/docker` → `docker`).
    pub fn base(&self) -> Option<&str> {
        self.name().map(|(_, n)| n.rsplit('/').next().unwrap_or(n))
    }

    /// The words after the command word.
    pub fn args(&self) -> Vec<&str> {
        match self.name() {
            Some((i, _)) => self.words[i + 1..].iter().map(|(_, w)| w.as_str()).collect(),
            None => Vec::new(),
        }
    }
}

/// Every simple command of `script`, in order. A command continued over lines with `\`
/// is one command; heredoc bodies and comments are not commands.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut current = Command::default();
    let mut heredoc: Option<String> = None;
    let mut offset = 0;
    let mut continued = false;
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
        let body = text.strip_suffix('\\').filter(|b| !b.ends_with('\\'));
        let (words, next_heredoc) = lex(body.unwrap_or(text));
        for (range, word) in words {
            let keyword = current.words.is_empty() && !continued && is_keyword(&word);
            if is_operator(&word) || keyword {
                flush(&mut current, &mut out);
                continue;
            }
            continued = false;
            current.words.push((range.start + start..range.end + start, word));
        }
        continued = body.is_some();
        if !continued {
            flush(&mut current, &mut out);
        }
        heredoc = next_heredoc;
    }
    flush(&mut current, &mut out);
    out
}

fn flush(current: &mut Command, out: &mut Vec<Command>) {
    if !current.words.is_empty() {
        out.push(std::mem::take(current));
    }
}

/// Needs a script implies by what it runs: `docker` (the CLI or compose) needs the
/// engine; `--gpus`, `--runtime nvidia` or `--device nvidia.com/gpu…` given to `docker
/// run|create`, or running `nvidia-smi`, needs a GPU. Words in strings, comments,
/// heredocs or `echo` arguments imply nothing.
pub fn infer_needs(script: &str) -> BTreeSet<Need> {
    let mut needs = BTreeSet::new();
    for c in commands(script) {
        if c.words.iter().any(|(_, w)| is_docker(w)) {
            needs.insert(Need::Docker);
        }
        if gpu_marker_of(&c).is_some() {
            needs.insert(Need::Gpu);
        }
    }
    needs
}

/// The first word in `script` that makes it need a GPU (for `check`'s message).
pub fn gpu_marker(script: &str) -> Option<String> {
    commands(script).iter().find_map(gpu_marker_of)
}

fn gpu_marker_of(c: &Command) -> Option<String> {
    let base = c.base()?;
    if base == "nvidia-smi" {
        return Some(base.to_string());
    }
    // `sudo docker …`, `timeout 60 docker …`: the docker command inside.
    let words: Vec<&str> = c.words.iter().map(|(_, w)| w.as_str()).collect();
    let at = words.iter().position(|w| is_cli(w, "docker"))?;
    let mut rest = words[at + 1..].iter().copied().filter(|w| !w.starts_with('-'));
    let sub = match rest.next()? {
        "container" => rest.next()?,
        s => s,
    };
    if sub != "run" && sub != "create" {
        return None;
    }
    let args = &words[at + 1..];
    for (i, w) in args.iter().enumerate() {
        let next = args.get(i + 1).copied().unwrap_or("");
        let (flag, value) = match w.split_once('=') {
            Some((f, v)) => (f, v),
            None => (*w, next),
        };
        let gpu = match flag {
            "--gpus" => true,
            "--runtime" => value == "nvidia",
            "--device" => value.starts_with("nvidia.com/gpu"),
            _ => false,
        };
        if gpu {
            return Some(flag.to_string());
        }
    }
    None
}

fn is_docker(word: &str) -> bool {
    is_cli(word, "docker") || is_cli(word, "docker-compose")
}

fn is_cli(word: &str, name: &str) -> bool {
    word == name || word.ends_with(&format!("/{name}"))
}

fn is_operator(word: &str) -> bool {
    matches!(word, ";" | "&&" | "||" | "|" | "&" | "(" | ")" | "$(" | "`")
}

/// Shell keywords that may stand where a command starts.
fn is_keyword(word: &str) -> bool {
    matches!(word, "then" | "do" | "else" | "if" | "elif" | "while" | "until" | "!" | "{" | "}" | "fi" | "done")
}

/// Words that may precede the command itself.
pub fn is_prefix(word: &str) -> bool {
    matches!(word, "time" | "exec" | "env" | "nohup" | "command")
        || word.split_once('=').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// `2>`, `2>&1`, `&>`-style redirections written as one word.
fn is_redirect(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.len() < word.len() && (rest.starts_with('>') || rest.starts_with('<'))
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

    fn names(script: &str) -> Vec<String> {
        commands(script).iter().filter_map(|c| c.base().map(str::to_string)).collect()
    }

    #[test]
    fn splits_commands_and_skips_data() {
        let s = "A=1 time docker ps | grep x && echo 'a; b' # c; d\nif true; then\n  cat <<EOF\nrm -rf /\nEOF\nfi\n\
                 docker run \\\n  --rm busybox true\n$(nvidia-smi -L)\n";
        assert_eq!(names(s), ["docker", "grep", "echo", "true", "cat", "docker", "nvidia-smi"]);
        let c = &commands(s)[5];
        assert_eq!(c.args(), ["run", "--rm", "busybox", "true"]);
        assert_eq!(&s[c.words[3].0.clone()], "busybox");
    }

    #[test]
    fn infers_needs_from_commands_only() {
        let gpu = BTreeSet::from([Need::Docker, Need::Gpu]);
        assert_eq!(infer_needs("docker run --gpus all x"), gpu);
        assert_eq!(infer_needs("docker container create --gpus=all x"), gpu);
        assert_eq!(infer_needs("sudo docker run --runtime nvidia x"), gpu);
        assert_eq!(infer_needs("docker run --runtime=nvidia x"), gpu);
        assert_eq!(infer_needs("docker run --device nvidia.com/gpu=all x"), gpu);
        assert_eq!(infer_needs("nvidia-smi -L"), BTreeSet::from([Need::Gpu]));
        assert_eq!(infer_needs("sudo docker ps"), BTreeSet::from([Need::Docker]));
        assert_eq!(infer_needs("docker ps -q | xargs docker rm"), BTreeSet::from([Need::Docker]));
        // Words, not commands.
        assert_eq!(infer_needs("echo \"pass --gpus all to docker run\""), BTreeSet::new());
        assert_eq!(infer_needs("# nvidia-smi --gpus docker\necho dockerfile; my-docker-x"), BTreeSet::new());
        assert_eq!(infer_needs("echo --gpus nvidia-smi"), BTreeSet::new());
        assert_eq!(infer_needs("cat <<EOF\ndocker run --gpus all x\nEOF\n"), BTreeSet::new());
        assert_eq!(infer_needs("docker inspect --gpus x"), BTreeSet::from([Need::Docker]));
        assert_eq!(gpu_marker("ls\ndocker run --gpus all x"), Some("--gpus".into()));
    }
}
