//! `<NAME>` placeholders in upper case (`docker inspect <CONTAINER>`): found, and
//! substituted from the page's values or from a variable an earlier block exported.
//! A placeholder with no value is a diagnostic naming it and where to set it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// Byte ranges and names of the `<NAME>` tokens in `text`.
pub fn find(text: &str) -> Vec<(Range<usize>, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && bytes.get(i + 1).is_some_and(u8::is_ascii_uppercase) {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_uppercase() || bytes[j].is_ascii_digit() || bytes[j] == b'_') {
                j += 1;
            }
            // `<<EOF` and `<EOF` stop here: a placeholder needs its closing `>`.
            if bytes.get(j) == Some(&b'>') && (i == 0 || bytes[i - 1] != b'<') {
                out.push((i..j + 1, &text[i + 1..j]));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Names exported by a script: `export NAME=…` and `export NAME`.
pub fn exports(script: &str) -> BTreeSet<String> {
    exports_at(script).into_iter().map(|(name, _)| name).collect()
}

/// Names exported by a script, each with the 0-based line of the script that exports it.
pub fn exports_at(script: &str) -> Vec<(String, usize)> {
    let mut names = Vec::new();
    for (n, line) in script.lines().enumerate() {
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            if w == "export" || w == "declare" && words.clone().next() == Some("-x") {
                for arg in words.by_ref().filter(|a| !a.starts_with('-')) {
                    let name = arg.split('=').next().unwrap_or("");
                    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        names.push((name.to_string(), n));
                    }
                }
            }
        }
    }
    names
}

/// A placeholder without a value: its name and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub name: String,
    pub span: Range<usize>,
}

/// Replaces placeholders, the nearest definition first: `${NAME}` for a variable an
/// earlier block of the page exported (the shell expands it at run time), then the values
/// (front matter over `[verify.vars]`, already merged by the caller). `leave_unknown` is
/// for expected output: unknown tokens stay as written (`<none>` or `<TAG>` may be literal
/// text) and an exported one becomes `[..]` (its value is only known at run time).
pub fn substitute(
    text: &str,
    values: &BTreeMap<String, String>,
    exported: &BTreeSet<String>,
    leave_unknown: bool,
) -> Result<String, Vec<Missing>> {
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut last = 0;
    for (range, name) in find(text) {
        out.push_str(&text[last..range.start]);
        if exported.contains(name) {
            out.push_str(&if leave_unknown { "[..]".to_string() } else { format!("${{{name}}}") });
        } else if let Some(v) = values.get(name) {
            out.push_str(v);
        } else if leave_unknown {
            out.push_str(&text[range.clone()]);
        } else {
            missing.push(Missing { name: name.to_string(), span: range.clone() });
        }
        last = range.end;
    }
    out.push_str(&text[last..]);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_upper_case_tokens_only() {
        let t = "docker inspect <CONTAINER> <lower> cat <<EOF a<B_2>c 2>&1 <(x) <X";
        let names: Vec<_> = find(t).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["CONTAINER", "B_2"]);
        assert_eq!(find("<A>")[0].0, 0..3);
    }

    #[test]
    fn substitutes_values_and_exports() {
        let vals = BTreeMap::from([("NAME".to_string(), "demo".to_string())]);
        let exported = BTreeSet::from(["ID".to_string()]);
        assert_eq!(substitute("docker rm <NAME> <ID>", &vals, &exported, false).unwrap(), "docker rm demo ${ID}");
        let err = substitute("a <NOPE> b <ID>", &vals, &BTreeSet::new(), false).unwrap_err();
        assert_eq!(err, vec![Missing { name: "NOPE".into(), span: 2..8 }, Missing { name: "ID".into(), span: 11..15 }]);
        assert_eq!(substitute("<none> <TAG> <NAME>", &vals, &exported, true).unwrap(), "<none> <TAG> demo");
        // The nearest definition wins: an earlier export over any configured value.
        let both = BTreeSet::from(["NAME".to_string()]);
        assert_eq!(substitute("rm <NAME>", &vals, &both, false).unwrap(), "rm ${NAME}");
        assert_eq!(substitute("id: <NAME>", &vals, &both, true).unwrap(), "id: [..]");
    }

    #[test]
    fn reads_exports() {
        let s = "export A=1 B=2\n  export C\nfoo export_x=1\ndeclare -x D=4\nexport -n\n";
        assert_eq!(exports(s), BTreeSet::from(["A", "B", "C", "D"].map(String::from)));
    }
}
