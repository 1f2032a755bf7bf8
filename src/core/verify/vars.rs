//! Where a placeholder's value comes from, the nearest definition first: a variable an
//! earlier block of the page exports, then the page's front matter, then book.toml's
//! `[verify.vars]`. Substitutes each block's script and says where an export shadows a
//! configured value (a warning `check` shows) or where there is none (an error). Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::block::VerifyBlock;
use super::placeholder;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::SourceFile;

/// Sets each block's `script` and returns the problems: placeholders without a value
/// (errors) and the first use on the page of a placeholder whose value shadows another
/// definition (warnings).
pub fn resolve(
    src: &SourceFile,
    blocks: &mut [VerifyBlock],
    book: &BTreeMap<String, String>,
    front: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let mut values = book.clone();
    values.extend(front.clone());
    let mut diags = Vec::new();
    // Name → file line of the `export` that defines it.
    let mut exported: BTreeMap<String, usize> = BTreeMap::new();
    let mut warned = BTreeSet::new();
    for b in blocks.iter_mut() {
        let names: BTreeSet<String> = exported.keys().cloned().collect();
        match placeholder::substitute(&b.code, &values, &names, false) {
            Ok(s) => b.script = s,
            Err(missing) => {
                for m in missing {
                    let d = Diagnostic::error("verify-placeholder", format!("placeholder `<{}>` has no value", m.name));
                    diags.push(at(src, b, d, m.span).label("no value for this placeholder").help(format!(
                        "set it in book.toml under [verify.vars] (`{0} = \"…\"`), in the page's front matter \
                         ([verify.vars] {0} = \"…\"), or export it in an earlier verify block (`export {0}=…`)",
                        m.name
                    )));
                }
            }
        }
        for (span, name) in placeholder::find(&b.code) {
            // Front matter over book.toml is the deliberate per-page override (as a page's
            // params over a site's in Hugo): only an export silently shadowing a
            // configured value is worth a warning.
            let Some(line) = exported.get(name) else { continue };
            let nearest = format!("the value exported at line {line}");
            let shadowed = if exported.contains_key(name) && front.contains_key(name) {
                "the front matter's value".to_string()
            } else if book.contains_key(name) {
                format!("book.toml's [verify.vars] {name}")
            } else {
                continue;
            };
            if !warned.insert(name.to_string()) {
                continue;
            }
            let d = Diagnostic::warning("verify-placeholder", format!("`<{name}>` is {nearest}, not {shadowed}"));
            diags.push(
                at(src, b, d, span)
                    .label("the nearest definition wins: an export earlier on the page, then front matter, then book.toml")
                    .help("if both are meant, give one of them another name; else remove the definition that is not used"),
            );
        }
        let first = b.code_start.map_or(b.line + 1, |c| src.line_of(c));
        for (name, n) in placeholder::exports_at(&b.code) {
            exported.entry(name).or_insert(first + n);
        }
    }
    diags
}

fn at(src: &SourceFile, b: &VerifyBlock, d: Diagnostic, span: std::ops::Range<usize>) -> Diagnostic {
    match b.code_start {
        Some(start) => d.at(src, start + span.start..start + span.end),
        None => d.at_line(src, b.line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::verify::block;

    #[test]
    fn nearest_definition_wins_and_shadowing_is_named() {
        let text = "```bash verify\nexport C=x\n```\n```bash verify\necho <C> <N> <B>\n```\n```bash verify\necho <C> <N> <Z>\n```\n";
        let src = SourceFile::new("content/a.md", text);
        let (mut blocks, _) = block::extract(&src, 0);
        let book = BTreeMap::from([("C", "book"), ("N", "book"), ("B", "book")].map(|(k, v)| (k.to_string(), v.to_string())));
        let front = BTreeMap::from([("N".to_string(), "front".to_string())]);
        let diags = resolve(&src, &mut blocks, &book, &front);
        assert_eq!(blocks[1].script, "echo ${C} front book\n");
        let got: Vec<_> = diags.iter().map(|d| format!("{} {} {}", d.position().unwrap_or_default(), d.is_error(), d.message)).collect();
        assert_eq!(
            got,
            [
                "content/a.md:5:6 false `<C>` is the value exported at line 2, not book.toml's [verify.vars] C",
                "content/a.md:8:14 true placeholder `<Z>` has no value",
            ]
        );
    }
}
