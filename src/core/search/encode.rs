//! The compact text encodings of the index files: postings as base-64 varints, and the
//! `cookbookSearch.add(id, data);` wrapper that lets a `<script>` tag load a file from
//! `file://` as well as over HTTP. `assets/search.js` decodes exactly this.

use std::cmp::Ordering;

/// 64 characters that need no escaping in a JSON string; a digit's value is its position.
pub const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
/// Set on a varint digit when more digits follow; the low 5 bits carry the value.
const MORE: u8 = 32;
/// Leads a postings string whose list was cut to the term's best sections.
pub const TRUNCATED: char = '!';

/// A term's postings, sorted by section: each is the gap from the previous section number
/// (varint, 5 bits per digit, low bits first) and then one digit of impact (1..=63).
pub fn postings(list: &[(u32, u8)], truncated: bool) -> String {
    let mut out = String::with_capacity(list.len() * 3 + 1);
    if truncated {
        out.push(TRUNCATED);
    }
    let mut prev = 0u32;
    for (i, &(doc, impact)) in list.iter().enumerate() {
        let mut gap = if i == 0 { doc } else { doc - prev };
        prev = doc;
        loop {
            let low = (gap & 31) as u8;
            gap >>= 5;
            if gap == 0 {
                out.push(DIGITS[low as usize] as char);
                break;
            }
            out.push(DIGITS[(low | MORE) as usize] as char);
        }
        out.push(DIGITS[impact.min(63) as usize] as char);
    }
    out
}

/// A script that hands `data` (already JSON) to the client's registry under `id`.
pub fn script(id: &str, json: &str) -> Vec<u8> {
    format!("cookbookSearch.add({},{});\n", serde_json::to_string(id).unwrap(), json).into_bytes()
}

/// String order as JavaScript compares strings (UTF-16 code units), so the client's binary
/// search over shard keys agrees with the order the shards were cut in.
pub fn js_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_are_gaps_then_impact() {
        // 3 → "3", impact 5 → "5"; gap 40 = 8 + 1·32 → digits (8|32)=40 'E', 1 '1'; impact 63 '_'.
        assert_eq!(postings(&[(3, 5), (43, 63)], false), "35E1_");
        assert_eq!(postings(&[(0, 1)], true), "!01");
    }

    #[test]
    fn js_order_is_utf16_order() {
        // U+FF21 (fullwidth A) sorts after U+1F600 in UTF-8 but before it in UTF-16.
        assert_eq!(js_cmp("\u{FF21}", "\u{1F600}"), Ordering::Greater);
        assert_eq!("\u{FF21}".cmp("\u{1F600}"), Ordering::Less);
    }

    #[test]
    fn script_registers_by_id() {
        assert_eq!(script("t/0", "[1]"), b"cookbookSearch.add(\"t/0\",[1]);\n");
    }
}
