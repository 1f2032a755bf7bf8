//! Verify blocks that would run but are probably wrong: an explicit `needs` list that the
//! script contradicts (it uses `--gpus` but the list lacks `gpu`), and commands that change
//! the host running verify. The reverse (`needs=gpu` with no GPU flag in the script) is
//! not reported: checking the host's GPU setup (`nvidia-ctk cdi list`, the runtimes in
//! `docker info`) rightly needs a GPU host without passing a GPU to a container. Grammar, attribute and
//! placeholder errors come from `verify::plan::from_book`.

use crate::core::diagnostic::Diagnostic;
use crate::core::fence::FenceInfo;
use crate::core::script;
use crate::core::source::SourceFile;
use crate::core::verify::attrs::{self, Need};
use crate::core::verify::block::VerifyBlock;

use super::host_change;

/// The findings for one page's verify blocks.
pub fn check(src: &SourceFile, blocks: &[VerifyBlock]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for b in blocks {
        out.extend(needs(src, b));
        out.extend(host_changes(src, b));
        out.extend(prompt(src, b));
    }
    out
}

/// A `$ ` prompt pasted into a bash block: the shell would run `$` as a command (and the
/// copy button would copy it). Transcripts belong in a `console` block.
fn prompt(src: &SourceFile, b: &VerifyBlock) -> Option<Diagnostic> {
    if FenceInfo::parse(&b.info).is_console() {
        return None;
    }
    let k = b.code.lines().position(|l| l.starts_with("$ "))?;
    let line = b.line + 1 + k;
    let start = src.line_span(line).start;
    Some(
        Diagnostic::error("verify-prompt", format!("a `$ ` prompt in a {} block", FenceInfo::parse(&b.info).lang))
            .at(src, start..start + 1)
            .label("the shell would run `$` as a command")
            .help("drop the `$ ` prompts, or make the block a transcript: ```console verify (`$ ` commands, the rest their output)"),
    )
}

fn needs(src: &SourceFile, b: &VerifyBlock) -> Option<Diagnostic> {
    let info = FenceInfo::parse(&b.info);
    let declared = info.attrs.iter().any(|a| a.key == "needs");
    let (explicit, _) = attrs::parse(&info);
    let marker = script::gpu_marker(&b.code);
    let fence = src.line_span(b.line);
    let at = |word: &str| {
        let text = src.line_text(b.line);
        text.find(word).map_or(fence.clone(), |i| fence.start + i..fence.start + i + word.len())
    };
    match (marker, declared, explicit.needs.contains(&Need::Gpu)) {
        (Some(m), true, false) => Some(
            Diagnostic::error("verify-needs", format!("the script uses `{m}`, but `needs=` does not list `gpu`"))
                .at(src, at("needs"))
                .label("declared needs")
                .help("add gpu to the list (`needs=gpu,…`) so hosts without a GPU skip the block instead of failing it"),
        ),
        _ => None,
    }
}

fn host_changes(src: &SourceFile, b: &VerifyBlock) -> Vec<Diagnostic> {
    host_change::find(&b.code)
        .into_iter()
        .map(|h| {
            let d = Diagnostic::error("verify-host", format!("verify block changes the host: `{}` {}", h.word, h.what));
            let d = match b.code_start {
                Some(start) => d.at(src, start + h.span.start..start + h.span.end),
                None => d.at_line(src, line_in_source(src, b, h.span.start)),
            };
            d.label("runs on the machine that runs `cookbook verify`").help(
                "do host setup outside verify blocks (show it as a plain ```bash block without `verify`), \
                 or run it inside a container: `docker run --rm debian sh -c '…'`",
            )
        })
        .collect()
}

/// The source line of byte `at` of a block's code when the code is not contiguous in the
/// file (a console transcript, a block in a list): the first line after the fence that
/// holds that code line's text.
fn line_in_source(src: &SourceFile, b: &VerifyBlock, at: usize) -> usize {
    let code_line = b.code[..at.min(b.code.len())].rsplit('\n').next().unwrap_or("");
    let whole = b.code[at.min(b.code.len())..].split('\n').next().unwrap_or("");
    let needle = format!("{code_line}{whole}");
    let needle = needle.trim();
    (b.line + 1..=src.line_count()).find(|l| !needle.is_empty() && src.line_text(*l).contains(needle)).unwrap_or(b.line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::verify::block;

    fn findings(text: &str) -> Vec<String> {
        let src = SourceFile::new("content/a.md", text);
        let (blocks, _) = block::extract(&src, 0);
        check(&src, &blocks).iter().map(|d| format!("{} {}", d.position().unwrap_or_default(), d.message)).collect()
    }

    #[test]
    fn needs_that_disagree_with_the_script() {
        let text = "```bash verify needs=docker\ndocker run --gpus all x\n```\n\n```bash verify needs=gpu\necho no gpu\n```\n\n\
                    ```bash verify\nnvidia-smi\n```\n\n```bash verify needs=gpu\nnvidia-smi\n```\n";
        assert_eq!(findings(text), ["content/a.md:1:16 the script uses `--gpus`, but `needs=` does not list `gpu`"]);
    }

    #[test]
    fn host_changes_point_at_the_command() {
        let text = "# Setup\n\n```bash verify\necho ok\nsudo systemctl restart docker\n```\n\n```console verify\n$ echo hi\nhi\n$ apt-get install -y jq\n```\n";
        assert_eq!(
            findings(text),
            [
                "content/a.md:5:1 verify block changes the host: `sudo` runs a command as root on the host",
                "content/a.md:11:1 verify block changes the host: `apt-get` installs or removes packages on the host",
            ]
        );
    }
}
