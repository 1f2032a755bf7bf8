//! The info string of a fenced code block: its language and the words after it
//! (`bash verify needs=gpu,timeout=90s`). Only splits and classifies; what each verify
//! attribute means and which are allowed is decided in `verify::block`.

use std::ops::Range;

/// Languages whose blocks may carry `verify`.
pub const SHELL_LANGS: &[&str] = &["bash", "sh", "shell", "console"];

/// One word after the language: `hidden`, `timeout=90s`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub key: String,
    pub value: Option<String>,
    /// Byte range of the whole word inside the info string.
    pub span: Range<usize>,
}

/// A parsed info string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FenceInfo {
    /// The first word, lower-cased (`bash`, `console`, `text`); empty when there is none.
    pub lang: String,
    pub attrs: Vec<Attr>,
}

impl FenceInfo {
    /// Splits on spaces and commas, as rustdoc does; `{`/`}` around attributes are tolerated.
    pub fn parse(info: &str) -> FenceInfo {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in info.char_indices().chain(std::iter::once((info.len(), ' '))) {
            let sep = c.is_whitespace() || c == ',' || c == '{' || c == '}';
            match (sep, start) {
                (true, Some(s)) => {
                    words.push(s..i);
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        let mut words = words.into_iter();
        let lang = words.next().map(|r| info[r].to_ascii_lowercase()).unwrap_or_default();
        let attrs = words
            .map(|span| {
                let word = &info[span.clone()];
                let (key, value) = match word.split_once('=') {
                    Some((k, v)) => (k, Some(v.trim_matches('"').to_string())),
                    None => (word, None),
                };
                Attr { key: key.to_string(), value, span }
            })
            .collect();
        FenceInfo { lang, attrs }
    }

    pub fn has(&self, key: &str) -> bool {
        self.attrs.iter().any(|a| a.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub fn is_shell(&self) -> bool {
        SHELL_LANGS.contains(&self.lang.as_str())
    }

    pub fn is_console(&self) -> bool {
        self.lang == "console"
    }

    /// A block the verifier runs: a shell language with the word `verify`.
    pub fn is_verify(&self) -> bool {
        self.is_shell() && self.has("verify")
    }

    /// An expected-output block: ```` ```text output ```` or ```` ```output ````.
    pub fn is_output(&self) -> bool {
        self.lang == "output" || self.has("output") && !self.is_shell()
    }

    /// A verify block that runs but is not shown on the page (setup).
    pub fn is_hidden(&self) -> bool {
        self.is_verify() && self.has("hidden")
    }

    /// The language to highlight with (`console` highlights as a shell transcript).
    pub fn highlight_lang(&self) -> &str {
        if self.lang == "output" {
            "text"
        } else {
            &self.lang
        }
    }
}

/// Byte offsets (into `text`) of the opening lines of fenced code blocks that are never
/// closed. CommonMark lets such a block run to the end of its container, swallowing every
/// heading and verify block after it; cookbook treats it as an error instead.
pub fn unclosed(text: &str) -> Vec<usize> {
    use pulldown_cmark::{CodeBlockKind, Event, Tag};
    if !text.contains("```") && !text.contains("~~~") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (event, range) in super::markdown::parser(text).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event {
            let block = &text[range.clone()];
            let opener = block.trim_start_matches([' ', '>']);
            let fence_char = if opener.starts_with('~') { '~' } else { '`' };
            let width = opener.chars().take_while(|c| *c == fence_char).count();
            let body = block.split_once('\n').map_or("", |(_, rest)| rest);
            let last = body.trim_end_matches(['\n', '\r']).rsplit('\n').next().unwrap_or("");
            let last = last.trim_start_matches([' ', '>', '\t']).trim_end();
            let closes = last.len() >= width && last.chars().all(|c| c == fence_char);
            // A line inside that opens another block (```` ```bash ````, as wide or wider):
            // the writer forgot to close this one, and that block's end closed it instead.
            let fence = fence_char.to_string().repeat(width);
            let reopens = body.lines().any(|l| {
                let l = l.trim_start_matches([' ', '>']);
                l.starts_with(&fence) && !l.trim_start_matches(fence_char).trim().is_empty()
            });
            if body.is_empty() || !closes || reopens {
                out.push(range.start);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_fences() {
        assert_eq!(unclosed("# A\n```text\nx\n```\n\n~~~~\ny\n~~~~~\n"), Vec::<usize>::new());
        assert_eq!(unclosed("# A\n```text\nx\n\n```bash verify\nexit 1\n"), vec![4]);
        assert_eq!(unclosed("> ```\n> x\n> ```\n\n- item\n\n  ```sh\n  y\n  ```\n"), Vec::<usize>::new());
        assert_eq!(unclosed("````\n```\nx\n```\n"), vec![0], "a shorter fence does not close it");
        assert_eq!(unclosed("```"), vec![0]);
        assert_eq!(unclosed("```text\nnot closed\n\n```bash verify\nexit 1\n```\n"), vec![0], "closed by the next block's end");
        assert_eq!(unclosed("````markdown\n```bash\necho\n```\n````\n"), Vec::<usize>::new());
    }

    #[test]
    fn splits_language_and_attributes() {
        let info = FenceInfo::parse("bash verify needs=gpu,timeout=90s  hidden");
        assert_eq!(info.lang, "bash");
        let keys: Vec<_> = info.attrs.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["verify", "needs", "timeout", "hidden"]);
        assert_eq!(info.get("timeout").unwrap().value.as_deref(), Some("90s"));
        assert_eq!(info.get("timeout").unwrap().span, 22..33);
        assert!(info.is_verify() && info.is_hidden() && !info.is_output());
    }

    #[test]
    fn classifies_blocks() {
        assert!(FenceInfo::parse("text output").is_output());
        assert!(FenceInfo::parse("output").is_output());
        assert!(!FenceInfo::parse("bash output=stderr verify").is_output());
        assert!(!FenceInfo::parse("python verify").is_verify());
        assert!(FenceInfo::parse("Console,verify").is_verify());
        assert_eq!(FenceInfo::parse("").lang, "");
        assert_eq!(FenceInfo::parse("{bash verify}").lang, "bash");
    }
}
