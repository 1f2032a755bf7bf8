//! BM25F-style impacts: how strongly each term speaks for each section, precomputed at
//! build time so the client only adds small integers. Page title and headings weigh more
//! than prose, prose more than code. Knows nothing of files or encodings.

use rayon::prelude::*;

use super::doc::SearchDoc;
use super::encode::js_cmp;
// FxHash (as in rustc) for the term maps: the keys are our own tokens, not attacker-chosen,
// and SipHash dominated the index build. Nothing relies on iteration order: output is sorted.
use super::tokenize;
use rustc_hash::FxHashMap as FastMap;

/// How much one occurrence counts, by where it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub page_title: f32,
    /// The section's own heading.
    pub heading: f32,
    /// The headings above it.
    pub ancestors: f32,
    pub text: f32,
    pub code: f32,
}

pub const WEIGHTS: Weights = Weights { page_title: 3.0, heading: 4.0, ancestors: 2.0, text: 1.0, code: 0.6 };
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Impacts are quantized to 1..=MAX_IMPACT (one base-64 digit).
pub const MAX_IMPACT: u8 = 63;

/// One term's sections with their impacts, sorted by section number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermPostings {
    pub postings: Vec<(u32, u8)>,
    /// Only the best `max_postings` sections were kept.
    pub truncated: bool,
}

/// Weighted term frequencies of one section, and its body length in words.
fn section_terms(doc: &SearchDoc) -> (FastMap<String, f32>, usize) {
    let mut tf: FastMap<String, f32> = FastMap::default();
    let mut count = |t: &str, w: f32| match tf.get_mut(t) {
        Some(v) => *v += w,
        None => {
            tf.insert(t.to_string(), w);
        }
    };
    let mut add = |text: &str, w: f32| {
        tokenize::for_each_word(text, |word| {
            for t in &word.tokens {
                count(t, w);
            }
            for pair in word.pairs() {
                count(&pair, w);
            }
        })
    };
    add(&doc.page_title, WEIGHTS.page_title);
    let (own, above) = doc.heading_path.split_last().map_or((None, &[][..]), |(o, a)| (Some(o), a));
    for h in above {
        add(h, WEIGHTS.ancestors);
    }
    if let Some(h) = own {
        add(h, WEIGHTS.heading);
    }
    let len = add(&doc.text, WEIGHTS.text) + add(&doc.code, WEIGHTS.code);
    (tf, len)
}

/// Every term of `docs` (in JavaScript string order) with its postings, each list cut to
/// its `max_postings` best sections.
pub fn impacts<D: std::borrow::Borrow<SearchDoc> + Sync>(docs: &[D], max_postings: usize) -> Vec<(String, TermPostings)> {
    let sections: Vec<(FastMap<String, f32>, usize)> = docs.par_iter().map(|d| section_terms(d.borrow())).collect();
    let n = docs.len().max(1) as f32;
    let avg_len = (sections.iter().map(|s| s.1).sum::<usize>() as f32 / n).max(1.0);
    let mut by_term: FastMap<&str, Vec<(u32, f32)>> = FastMap::default();
    for (doc, (tf, _)) in sections.iter().enumerate() {
        for (term, &w) in tf {
            by_term.entry(term.as_str()).or_default().push((doc as u32, w));
        }
    }
    let mut scored: Vec<(&str, Vec<(u32, f32)>)> = by_term
        .into_par_iter()
        .map(|(term, list)| {
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let list = list
                .into_iter()
                .map(|(doc, w)| {
                    let norm = K1 * (1.0 - B + B * sections[doc as usize].1 as f32 / avg_len);
                    (doc, idf * w * (K1 + 1.0) / (w + norm))
                })
                .collect();
            (term, list)
        })
        .collect();
    let max = scored.iter().flat_map(|(_, l)| l.iter().map(|p| p.1)).fold(f32::MIN_POSITIVE, f32::max);
    scored.sort_by(|a, b| js_cmp(a.0, b.0));
    scored
        .into_iter()
        .map(|(term, mut list)| {
            let truncated = list.len() > max_postings;
            if truncated {
                list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(max_postings);
            }
            let mut postings: Vec<(u32, u8)> =
                list.into_iter().map(|(doc, s)| (doc, ((s / max * MAX_IMPACT as f32).round() as u8).clamp(1, MAX_IMPACT))).collect();
            postings.sort_unstable();
            (term.to_string(), TermPostings { postings, truncated })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, path: &[&str], text: &str, code: &str) -> SearchDoc {
        SearchDoc {
            url: format!("{}.html", path.last().unwrap().to_lowercase()),
            page_title: title.into(),
            heading_path: path.iter().map(|s| s.to_string()).collect(),
            text: text.into(),
            code: code.into(),
        }
    }

    fn impact(terms: &[(String, TermPostings)], term: &str, doc: u32) -> u8 {
        let (_, p) = terms.iter().find(|(t, _)| t == term).unwrap();
        p.postings.iter().find(|p| p.0 == doc).map_or(0, |p| p.1)
    }

    #[test]
    fn heading_beats_prose_beats_code() {
        let docs = [
            doc("Resources", &["Resources", "Shared memory"], "Raise it when workers crash.", "docker run"),
            doc("Networking", &["Networking"], "Shared memory is a tmpfs.", "docker run"),
            doc("Images", &["Images"], "Pick a tag.", "df -h /dev/shm # shared memory"),
        ];
        let terms = impacts(&docs, 100);
        let (h, p, c) = (impact(&terms, "shared", 0), impact(&terms, "shared", 1), impact(&terms, "shared", 2));
        assert!(h > p && p > c, "heading {h}, prose {p}, code {c}");
    }

    #[test]
    fn rare_terms_weigh_more_than_common_ones() {
        let docs = [doc("A", &["A"], "docker shm", ""), doc("B", &["B"], "docker run", ""), doc("C", &["C"], "docker ps", "")];
        let terms = impacts(&docs, 100);
        assert!(impact(&terms, "shm", 0) > impact(&terms, "docker", 0));
    }

    #[test]
    fn long_lists_keep_their_best_sections_in_section_order() {
        let mut docs: Vec<SearchDoc> = (0..5).map(|i| doc("P", &["P"], &format!("gpu n{i}"), "")).collect();
        docs.push(doc("GPU", &["GPU"], "gpu", ""));
        docs.push(doc("Other", &["Other"], "cpu", ""));
        let terms = impacts(&docs, 2);
        let (_, gpu) = terms.iter().find(|(t, _)| t == "gpu").unwrap();
        assert!(gpu.truncated);
        assert_eq!(gpu.postings.len(), 2);
        assert_eq!(gpu.postings[1].0, 5, "the titled section is kept");
        assert!(gpu.postings[0].0 < gpu.postings[1].0);
        let order: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
    }
}
