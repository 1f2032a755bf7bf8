//! Script lines back to markdown lines: which line of a block failed (recorded by an
//! `ERR` trap put in front of the block's script) and where bash's own messages point,
//! told as `file:line` of the markdown instead of the runner's internal script path.
//! Pure; the runner adds the probe and reads what it recorded.

use std::path::Path;

use super::block::VerifyBlock;

/// The first line of the probe; the block's line k is this line's number plus k.
pub const BASE: &str = "__cookbook_base=$LINENO";

/// The lines put in front of a block's script: on a failing command, the block line
/// (1-based) goes to `record`.
pub fn probe(record: &Path) -> String {
    let q = format!("'{}'", record.display().to_string().replace('\'', "'\\''"));
    // `|| true`: shells without an ERR trap (dash as `sh`) go on without the probe.
    format!("{BASE}; trap 'echo $((LINENO - __cookbook_base)) > {q}' ERR 2>/dev/null || true\n")
}

/// The markdown line of the block's script line `k` (1-based), or `None` past the end.
pub fn markdown_line(block: &VerifyBlock, k: usize) -> Option<usize> {
    if crate::core::fence::FenceInfo::parse(&block.info).is_console() {
        return k.checked_sub(1).and_then(|i| block.command_lines.get(i).copied());
    }
    (k >= 1 && k <= block.code.lines().count()).then_some(block.line + k)
}

/// `at content/a.md:5: \`false\`` for a failing line, when it is known.
pub fn failed_at(block: &VerifyBlock, k: usize) -> Option<String> {
    let line = markdown_line(block, k)?;
    let cmd = block.code.lines().nth(k - 1)?.trim();
    Some(format!("at {}:{line}: `{cmd}`", block.file.display()))
}

/// Output with the internal script path replaced: `<script>: line N: msg` becomes
/// `content/a.md:L: msg` (N counted in the script file, whose block starts after line
/// `base`), and any other mention of the script becomes the block's `file:line`.
pub fn hide_script(text: &str, script: &Path, base: usize, block: &VerifyBlock) -> String {
    let path = script.display().to_string();
    if path.is_empty() || !text.contains(&path) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&path) {
        out.push_str(&rest[..at]);
        rest = &rest[at + path.len()..];
        let numbered = rest.strip_prefix(": line ").and_then(|r| {
            let digits = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let n: usize = r[..digits].parse().ok()?;
            let line = markdown_line(block, n.checked_sub(base)?)?;
            Some((line, &r[digits..]))
        });
        match numbered {
            Some((line, after)) => {
                out.push_str(&format!("{}:{line}", block.file.display()));
                rest = after;
            }
            None => out.push_str(&block.position()),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;
    use crate::core::verify::block;

    #[test]
    fn script_lines_become_markdown_lines() {
        let (blocks, _) = block::extract(&SourceFile::new("content/a.md", "# A\n\n```bash verify\necho\nfalse\n```\n"), 0);
        let b = &blocks[0];
        assert_eq!(failed_at(b, 2).as_deref(), Some("at content/a.md:5: `false`"));
        assert_eq!(failed_at(b, 3), None);
        let script = Path::new("/tmp/cookbook-verify-x/page-0/meta/block-0.sh");
        let text = "/tmp/cookbook-verify-x/page-0/meta/block-0.sh: line 7: nope: command not found\nbash /tmp/cookbook-verify-x/page-0/meta/block-0.sh\n";
        assert_eq!(hide_script(text, script, 5, b), "content/a.md:5: nope: command not found\nbash content/a.md:3\n");
        assert!(probe(Path::new("/t/it's")).contains("'/t/it'\\''s'"));
        // A shell without ERR traps runs the block anyway.
        let script = format!("set -e\n{}echo ran\n", probe(Path::new("/dev/null")));
        let out = std::process::Command::new("sh").args(["-c", &script]).output().unwrap();
        assert_eq!((out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned()), (Some(0), "ran\n".to_string()));
    }
}
