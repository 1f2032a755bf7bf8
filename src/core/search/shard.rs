//! Cuts the sorted term list into contiguous shards of about `shard_bytes` each, so a
//! query loads only the shards its terms (and the prefix being typed) fall in. Each shard
//! is a flat `[term, postings, term, postings, …]` array; the manifest lists the shortest
//! key that separates each shard from the one before.

use super::encode::{self, js_cmp};
use super::rank::TermPostings;
use crate::core::output::Output;

/// The shards' files and their separator keys (`keys[0]` is `""`).
pub struct Shards {
    pub files: Vec<Output>,
    pub keys: Vec<String>,
}

pub fn shard(terms: &[(String, TermPostings)], shard_bytes: usize) -> Shards {
    let mut files = Vec::new();
    let mut keys = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let mut size = 0;
    let mut last_term: Option<&str> = None;
    for (term, p) in terms {
        let t = serde_json::to_string(term).unwrap();
        let p = serde_json::to_string(&encode::postings(&p.postings, p.truncated)).unwrap();
        let item_size = t.len() + p.len() + 2;
        if !items.is_empty() && size + item_size > shard_bytes {
            flush(&mut files, &mut items);
            keys.push(separator(last_term.unwrap_or(""), term));
            size = 0;
        }
        if keys.is_empty() {
            keys.push(String::new());
        }
        size += item_size;
        items.push(t);
        items.push(p);
        last_term = Some(term);
    }
    if !items.is_empty() {
        flush(&mut files, &mut items);
    }
    if keys.is_empty() {
        keys.push(String::new());
    }
    Shards { files, keys }
}

fn flush(files: &mut Vec<Output>, items: &mut Vec<String>) {
    let id = format!("t/{}", files.len());
    let json = format!("[{}]", items.join(","));
    files.push(Output::new(format!("search/{id}.js"), encode::script(&id, &json)));
    items.clear();
}

/// The shortest prefix of `next` that sorts after `prev` (B-tree separator keys).
fn separator(prev: &str, next: &str) -> String {
    let mut key = String::new();
    for c in next.chars() {
        key.push(c);
        if js_cmp(&key, prev).is_gt() {
            return key;
        }
    }
    next.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(names: &[&str]) -> Vec<(String, TermPostings)> {
        names.iter().map(|n| (n.to_string(), TermPostings { postings: vec![(0, 1), (7, 2)], truncated: false })).collect()
    }

    #[test]
    fn separators_are_shortest_distinguishing_prefixes() {
        assert_eq!(separator("shm", "size"), "si");
        assert_eq!(separator("sh", "shm"), "shm");
        assert_eq!(separator("", "a"), "a");
    }

    #[test]
    fn shards_cover_the_terms_in_order() {
        let s = shard(&terms(&["cuda", "docker", "ipc", "shm", "size", "smi"]), 20);
        assert_eq!(s.keys, ["", "d", "i", "s", "si", "sm"]);
        assert_eq!(String::from_utf8(s.files[3].bytes.to_vec()).unwrap(), "cookbookSearch.add(\"t/3\",[\"shm\",\"0172\"]);\n");
        let one = shard(&terms(&["cuda", "docker"]), 10_000);
        assert_eq!((one.keys.len(), one.files.len()), (1, 1));
    }
}
