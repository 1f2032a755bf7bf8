//! `--report github`: GitHub Actions workflow commands, one `::error` (or `::warning`)
//! per problem block, so failures show on the pull request's diff at file:line.

use crate::core::verify::judge::Outcome;
use crate::core::verify::result::RunReport;

/// Bytes of one annotation's message.
const ANNOTATION: usize = 4096;

/// Text that may hold a block's output, printed so the runner reads no workflow command
/// in it (`::add-mask::`, `::error`): between `::stop-commands::TOKEN` and `::TOKEN::`.
/// `token` must be unguessable by the block (a fresh random-ish value per run).
pub fn inert(text: &str, token: &str) -> String {
    let token = if text.contains(token) { format!("{token}-{}", text.len()) } else { token.to_string() };
    format!("::stop-commands::{token}\n{text}{}::{token}::\n", if text.ends_with('\n') || text.is_empty() { "" } else { "\n" })
}

/// The annotation lines, then the summary as a `::notice`.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    for r in &report.results {
        let o = r.verdict.outcome;
        let level = if r.fails_run {
            "error"
        } else if matches!(o, Outcome::Leaked | Outcome::Blocked) {
            "warning"
        } else {
            continue;
        };
        let mut msg = r.verdict.reason.clone();
        if let Some(diff) = &r.verdict.diff {
            msg.push('\n');
            msg.push_str(diff);
        }
        // One bounded message per annotation.
        if msg.len() > ANNOTATION {
            let mut cut = ANNOTATION;
            while !msg.is_char_boundary(cut) {
                cut -= 1;
            }
            msg.truncate(cut);
            msg.push_str("\n[cookbook: cut; the full diff is in the JSON report]");
        }
        out.push_str(&format!(
            "::{level} file={},line={},title={}::{}\n",
            property(&r.block.file.to_string_lossy()),
            r.block.line,
            property(&format!("verify {}", o.name())),
            data(&msg)
        ));
    }
    out.push_str(&format!("::notice title=cookbook verify::{}\n", data(&report.summary_line())));
    out
}

/// Escapes a message as the Actions runner expects.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\na"), "50%25%0Aa");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        let t = inert("x\n::add-mask::secret\n", "tok");
        assert_eq!(t, "::stop-commands::tok\nx\n::add-mask::secret\n::tok::\n");
    }
}
