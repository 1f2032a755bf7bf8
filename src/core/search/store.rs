//! The document store: what a result shows (url, page title, heading path, the start of
//! the section's prose and code), in chunks of a few sections each so a results panel
//! loads only the chunks of the sections it lists. Stores data, never markup.

use super::doc::SearchDoc;
use super::encode;
use crate::core::output::Output;

/// Characters of prose kept for the excerpt: enough that a match deep in a section still
/// shows in an excerpt centred on it (the client picks the window).
pub const TEXT_CHARS: usize = 800;
/// Characters of code kept for the excerpt.
pub const CODE_CHARS: usize = 200;

/// `search/d/<n>.js`, one per `per_chunk` sections: `[[url, title, [headings], text, code], …]`.
pub fn store<D: std::borrow::Borrow<SearchDoc>>(docs: &[D], per_chunk: usize) -> Vec<Output> {
    docs.chunks(per_chunk.max(1))
        .enumerate()
        .map(|(i, chunk)| {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|d| {
                    let d = d.borrow();
                    serde_json::json!([d.url, d.page_title, d.heading_path, clip(&d.text, TEXT_CHARS), clip(&d.code, CODE_CHARS)])
                })
                .collect();
            let id = format!("d/{i}");
            Output::new(format!("search/{id}.js"), encode::script(&id, &serde_json::to_string(&rows).unwrap()))
        })
        .collect()
}

/// `text` with whitespace runs collapsed, cut at a word boundary before `max` characters.
pub fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let need = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if need > max {
            if out.is_empty() {
                out = word.chars().take(max).collect();
            }
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_at_words() {
        assert_eq!(clip("a  b\n c", 10), "a b c");
        assert_eq!(clip("alpha beta gamma", 11), "alpha beta…");
        assert_eq!(clip("abcdef", 3), "abc…");
    }

    #[test]
    fn markup_is_stored_as_data() {
        let doc = SearchDoc {
            url: "x.html#a".into(),
            page_title: "<img src=x onerror=alert(1)>".into(),
            heading_path: vec!["<b>Bold</b>".into()],
            text: "<script>alert(1)</script>".into(),
            code: "echo \"hi\"".into(),
        };
        let out = store(&[doc], 4);
        assert_eq!(out[0].path.to_str(), Some("search/d/0.js"));
        let js = String::from_utf8(out[0].bytes.to_vec()).unwrap();
        assert_eq!(
            js,
            "cookbookSearch.add(\"d/0\",[[\"x.html#a\",\"<img src=x onerror=alert(1)>\",[\"<b>Bold</b>\"],\
             \"<script>alert(1)</script>\",\"echo \\\"hi\\\"\"]]);\n"
        );
    }
}
