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
        for (i, c) in info
            .char_indices()
            .chain(std::iter::once((info.len(), ' ')))
        {
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
        let lang = words
            .next()
            .map(|r| info[r].to_ascii_lowercase())
            .unwrap_or_default();
        let attrs = words
            .map(|span| {
                let word = &info[span.clone()];
                let (key, value) = match word.split_once('=') {
                    Some((k, v)) => (k, Some(v.trim_matches('"').to_string())),
                    None => (word, None),
                };
                Attr {
                    key: key.to_string(),
                    value,
                    span,
                }
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

#[cfg(test)]
mod tests {
    use super::*;

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
