//! The search tokenizer: keeps commands whole (`--shm-size`, `nvidia/cuda:12.4.1`,
//! `NVIDIA_VISIBLE_DEVICES`) and also yields their parts, case-folded. `assets/search.js`
//! implements the same rules for queries; `tests/fixtures/search/tokenize.json` holds the
//! cases both must pass. Knows nothing of fields, weights or the index.

/// Characters that join the parts of a command-like word: `--shm-size`, `a/b:c`, `x=y`.
pub const JOINERS: &str = "-_./:=@";
/// Stripped from the start of a word (`.bashrc` → `bashrc`, `/dev/shm` → `dev/shm`).
const LEAD_STRIP: &str = ".:=@/";
/// Stripped from the end of a word (sentence punctuation, a trailing `/`).
const TRAIL_STRIP: &str = ".:=@/-";
/// Split levels, coarsest first: `image:tag`, then `repo/name`, then `a-b_c`, then `1.2.3`.
const LEVELS: [&str; 4] = [":=@", "/", "-_", "."];
/// Longest token kept; longer runs (digests, base64) are indexed by their parts only.
pub const MAX_TOKEN_CHARS: usize = 64;
/// Words too common to find anything with; dropped from the index and from queries.
pub const STOP_WORDS: [&str; 20] =
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that", "the", "to", "with"];

/// One word of the input and the tokens it yields, borrowed from the lower-cased word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// Every token, the whole word first, each once: `--ipc=host`, `ipc=host`, `ipc`, `host`.
    pub tokens: Vec<&'a str>,
    /// The smallest parts, in order (`ipc`, `host`); a word matches when all of them do.
    pub leaves: Vec<&'a str>,
}

impl<'a> Word<'a> {
    /// Adjacent parts joined by a space (`shm size` for `--shm-size`), indexed so that the
    /// query `shm size` finds the flag as surely as `--shm-size` does. Queries look up the
    /// pair of two consecutive words; prose word pairs are not indexed.
    pub fn pairs(&self) -> Vec<String> {
        let mut pairs: Vec<String> = Vec::new();
        for p in self.leaves.windows(2) {
            let pair = format!("{} {}", p[0], p[1]);
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
        pairs
    }

    /// Tokens a query may complete as a prefix when this is the word being typed: those
    /// that end where the word ends (the whole word, without leading dashes, its last part).
    pub fn prefix_tokens(&self, raw_whole: &str) -> Vec<&'a str> {
        self.tokens.iter().copied().filter(|t| raw_whole.ends_with(t)).collect()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || JOINERS.contains(c)
}

fn keep(token: &str) -> bool {
    let n = token.chars().count();
    (2..=MAX_TOKEN_CHARS).contains(&n) && token.chars().any(char::is_alphanumeric) && !STOP_WORDS.contains(&token)
}

/// The raw words of already lower-cased text, trimmed: runs of letters, digits and joiners.
pub fn raw_words(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| !is_word_char(c))
        .map(|w| w.trim_start_matches(|c| LEAD_STRIP.contains(c)))
        .map(|w| w.trim_end_matches(|c| TRAIL_STRIP.contains(c)))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Splits one raw (lower-cased) word into its tokens; `None` when nothing of it is worth
/// indexing.
pub fn split_word(raw: &str) -> Option<Word<'_>> {
    if !raw.contains(|c| JOINERS.contains(c)) {
        // Most words are plain: the word is its only token and its only part.
        return keep(raw).then(|| Word { tokens: vec![raw], leaves: vec![raw] });
    }
    let mut tokens = Vec::new();
    let mut leaves = Vec::new();
    push(&mut tokens, raw);
    push(&mut tokens, raw.trim_start_matches(['-', '_']));
    split_level(raw, 0, &mut tokens, &mut leaves);
    tokens.retain(|t| keep(t));
    leaves.retain(|t| keep(t));
    if tokens.is_empty() {
        None
    } else {
        Some(Word { tokens, leaves })
    }
}

fn push<'a>(tokens: &mut Vec<&'a str>, t: &'a str) {
    if !t.is_empty() && !tokens.contains(&t) {
        tokens.push(t);
    }
}

fn split_level<'a>(piece: &'a str, level: usize, tokens: &mut Vec<&'a str>, leaves: &mut Vec<&'a str>) {
    let Some(depth) = (level..LEVELS.len()).find(|&l| piece.contains(|c| LEVELS[l].contains(c))) else {
        push(leaves, piece);
        return;
    };
    for part in piece.split(|c| LEVELS[depth].contains(c)) {
        let part = part.trim_matches(|c| JOINERS.contains(c));
        if part.is_empty() {
            continue;
        }
        push(tokens, part);
        split_level(part, depth + 1, tokens, leaves);
    }
}

/// Calls `f` with each word of `text` that yields tokens; returns the number of such words.
pub fn for_each_word(text: &str, mut f: impl FnMut(Word<'_>)) -> usize {
    let lower = text.to_lowercase();
    let mut n = 0;
    for w in raw_words(&lower).filter_map(split_word) {
        n += 1;
        f(w);
    }
    n
}

/// Every token of `text`, word by word (a token repeats when its word does).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.extend(w.tokens.iter().map(|t| t.to_string())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokens(s)
    }

    #[test]
    fn flags_whole_and_by_parts() {
        assert_eq!(toks("--shm-size"), ["--shm-size", "shm-size", "shm", "size"]);
        assert_eq!(toks("--ipc=host"), ["--ipc=host", "ipc=host", "ipc", "host"]);
    }

    #[test]
    fn image_refs_split_coarse_to_fine() {
        assert_eq!(
            toks("nvidia/cuda:12.4.1-base-ubuntu22.04"),
            [
                "nvidia/cuda:12.4.1-base-ubuntu22.04",
                "nvidia/cuda",
                "nvidia",
                "cuda",
                "12.4.1-base-ubuntu22.04",
                "12.4.1",
                "12",
                "base",
                "ubuntu22.04",
                "ubuntu22",
                "04",
            ]
        );
    }

    #[test]
    fn env_vars_are_case_folded() {
        assert_eq!(
            toks("NVIDIA_VISIBLE_DEVICES=all"),
            ["nvidia_visible_devices=all", "nvidia_visible_devices", "nvidia", "visible", "devices", "all"]
        );
    }

    #[test]
    fn prose_punctuation_and_stop_words_fall_away() {
        assert_eq!(
            toks("Mount it at /dev/shm. Then, run `nvidia-smi`!"),
            ["mount", "dev/shm", "dev", "shm", "then", "run", "nvidia-smi", "nvidia", "smi"]
        );
    }

    #[test]
    fn one_letter_parts_and_html_are_not_tokens() {
        assert_eq!(toks("-v <script>x</script>"), ["-v", "script", "script"]);
    }

    #[test]
    fn leaves_and_prefix_tokens_of_a_typed_word() {
        let w = split_word("nvidia/cuda:12").unwrap();
        assert_eq!(w.leaves, ["nvidia", "cuda", "12"]);
        assert_eq!(w.prefix_tokens("nvidia/cuda:12"), ["nvidia/cuda:12", "12"]);
        let w = split_word("--shm-si").unwrap();
        assert_eq!(w.prefix_tokens("--shm-si"), ["--shm-si", "shm-si", "si"]);
    }

    #[test]
    fn pairs_of_adjacent_parts() {
        assert_eq!(split_word("--shm-size=8g").unwrap().pairs(), ["shm size", "size 8g"]);
        assert_eq!(split_word("nvidia-smi").unwrap().pairs(), ["nvidia smi"]);
        assert!(split_word("docker").unwrap().pairs().is_empty());
    }

    #[test]
    fn shared_case_table() {
        let table = include_str!("../../../tests/fixtures/search/tokenize.json");
        let cases: Vec<serde_json::Value> = serde_json::from_str(table).unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let input = case["input"].as_str().unwrap();
            let want: Vec<String> = serde_json::from_value(case["tokens"].clone()).unwrap();
            assert_eq!(tokens(input), want, "input {input:?}");
        }
    }
}
