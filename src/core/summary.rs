//! `SUMMARY.md` in mdBook's format, strictly parsed: an optional `# Title`, prefix chapters,
//! numbered chapters (`- [T](p.md)`, nested by indentation), `# Part` titles, draft chapters
//! `- [T]()`, `---` separators, then suffix chapters. Errors carry line and column.
//! Resolving paths to files is the loader's job.

use super::diagnostic::Diagnostic;
use super::source::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryItem {
    Chapter(Chapter),
    Separator,
    PartTitle { title: String, line: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub title: String,
    /// Relative to the source folder; `None` for a draft chapter.
    pub path: Option<String>,
    /// `[1, 2]` for "1.2."; empty for prefix and suffix chapters.
    pub number: Vec<u32>,
    pub nested: Vec<SummaryItem>,
    /// 1-based line in SUMMARY.md.
    pub line: usize,
    /// Byte span of the link target, for diagnostics about the file.
    pub path_span: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub title: Option<String>,
    pub items: Vec<SummaryItem>,
}

impl Summary {
    /// Every chapter in reading order (depth first).
    pub fn chapters(&self) -> Vec<&Chapter> {
        fn walk<'a>(items: &'a [SummaryItem], out: &mut Vec<&'a Chapter>) {
            for item in items {
                if let SummaryItem::Chapter(c) = item {
                    out.push(c);
                    walk(&c.nested, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Prefix,
    Numbered,
    Suffix,
}

/// Parses SUMMARY.md; all problems are returned together.
pub fn parse_summary(src: &SourceFile) -> Result<Summary, Vec<Diagnostic>> {
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut section = Section::Prefix;
    let mut bullet: Option<char> = None;
    // The open numbered chapters: (indent, chapter) from the outermost in.
    let mut stack: Vec<(usize, Chapter)> = Vec::new();
    let mut counters: Vec<u32> = Vec::new();
    let mut in_comment = false;
    for line_no in 1..=src.line_count() {
        let line = src.line_text(line_no);
        let start = src.line_span(line_no).start;
        let trimmed = line.trim();
        if in_comment || trimmed.starts_with("<!--") {
            in_comment = !trimmed.contains("-->");
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let err = |msg: &str, col: usize, len: usize, help: &str| {
            Diagnostic::error("summary", msg.to_string()).at(src, start + col..start + col + len).help(help.to_string())
        };
        if let Some(title) = trimmed.strip_prefix("# ") {
            close_all(&mut stack, &mut summary.items);
            if summary.title.is_none() && summary.items.is_empty() && section == Section::Prefix {
                summary.title = Some(title.trim().to_string());
            } else if section == Section::Suffix {
                errors.push(err(
                    "a part title cannot follow suffix chapters",
                    indent,
                    trimmed.len(),
                    "move the part above the suffix chapters",
                ));
            } else {
                section = Section::Numbered;
                summary.items.push(SummaryItem::PartTitle { title: title.trim().to_string(), line: line_no });
            }
            continue;
        }
        if trimmed.starts_with('#') {
            errors.push(err(
                "only `# ` (level 1) headings are allowed in SUMMARY.md",
                indent,
                trimmed.len(),
                "use `# Part title` for a part, or remove the heading",
            ));
            continue;
        }
        if is_separator(trimmed) {
            close_all(&mut stack, &mut summary.items);
            summary.items.push(SummaryItem::Separator);
            continue;
        }
        let list = list_item(trimmed);
        if let Some((mark, rest)) = list {
            if section == Section::Suffix {
                errors.push(err(
                    "numbered chapters cannot follow suffix chapters",
                    indent,
                    1,
                    "move this list item above the suffix chapters, or make it a plain `[Title](file.md)` link",
                ));
                continue;
            }
            section = Section::Numbered;
            if let Some(b) = bullet.filter(|&b| b != mark) {
                errors.push(err(
                    &format!("list items mix `{b}` and `{mark}`"),
                    indent,
                    1,
                    &format!("use `{b}` for every list item, as mdBook requires"),
                ));
                continue;
            }
            bullet = Some(mark);
            let link_col = line.len() - rest.len();
            let Some(mut chapter) = parse_link(rest, start + link_col, line_no) else {
                errors.push(err(
                    "expected a link: `- [Title](file.md)`",
                    link_col,
                    rest.trim_end().len(),
                    "each list item is one link; a draft chapter is `- [Title]()`",
                ));
                continue;
            };
            // Close chapters at the same or deeper indentation.
            while stack.last().is_some_and(|(i, _)| *i >= indent) {
                let (i, c) = stack.pop().unwrap();
                if i > indent && !stack.iter().any(|(j, _)| *j == indent) && stack.last().is_some_and(|(j, _)| *j < indent) {
                    // A dedent to a level that was never opened.
                    errors.push(err(
                        "this list item's indentation matches no enclosing item",
                        0,
                        indent.max(1),
                        "indent nested chapters consistently (e.g. by 2 or 4 spaces per level)",
                    ));
                }
                attach(&mut stack, &mut summary.items, c);
            }
            let depth = stack.len();
            counters.truncate(depth + 1);
            if counters.len() < depth + 1 {
                counters.resize(depth + 1, 0);
            }
            counters[depth] += 1;
            chapter.number = counters.clone();
            stack.push((indent, chapter));
            continue;
        }
        if let Some(chapter) = parse_link(trimmed, start + indent, line_no) {
            close_all(&mut stack, &mut summary.items);
            if chapter.path.is_none() {
                errors.push(err(
                    "a prefix or suffix chapter cannot be a draft",
                    indent,
                    trimmed.len(),
                    "give it a file, `[Title](file.md)`, or make it a numbered `- [Title]()` draft",
                ));
                continue;
            }
            if section == Section::Numbered {
                section = Section::Suffix;
            }
            summary.items.push(SummaryItem::Chapter(chapter));
            continue;
        }
        errors.push(err("unexpected text in SUMMARY.md", indent, trimmed.len(),
            "SUMMARY.md holds only `# Title`, `[Title](file.md)` links, `- [Title](file.md)` list items, `# Part` titles and `---` separators"));
    }
    close_all(&mut stack, &mut summary.items);
    if errors.is_empty() {
        Ok(summary)
    } else {
        Err(errors)
    }
}

/// A list item's marker and the text after it: `- `, `* `, `+ ` or, as mdBook also reads
/// them, ordered `1. ` / `1) ` (marked `1`).
fn list_item(t: &str) -> Option<(char, &str)> {
    for mark in ['-', '*', '+'] {
        if let Some(rest) = t.strip_prefix(mark).and_then(|r| r.strip_prefix(' ')) {
            return Some((mark, rest));
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t[digits..].strip_prefix(['.', ')'])?.strip_prefix(' ')?;
    (digits > 0 && digits < 10).then_some(('1', rest))
}

fn is_separator(t: &str) -> bool {
    t.len() >= 3 && ["-", "*", "_"].iter().any(|c| t.chars().all(|x| x.to_string() == *c || x == ' '))
}

fn attach(stack: &mut [(usize, Chapter)], items: &mut Vec<SummaryItem>, c: Chapter) {
    match stack.last_mut() {
        Some((_, parent)) => parent.nested.push(SummaryItem::Chapter(c)),
        None => items.push(SummaryItem::Chapter(c)),
    }
}

fn close_all(stack: &mut Vec<(usize, Chapter)>, items: &mut Vec<SummaryItem>) {
    while let Some((_, c)) = stack.pop() {
        attach(stack, items, c);
    }
}

/// `[Title](path)` at the start of `text`, as mdBook reads it: the link ends at its closing
/// parenthesis (parentheses inside the path must balance, as in CommonMark), an optional
/// `"title"` after the path is dropped, and so is any text after the link (`- [T](t.md) (note)`).
/// The chapter's title is the link text without its markup. `offset` is the text's byte
/// offset in the file.
fn parse_link(text: &str, offset: usize, line: usize) -> Option<Chapter> {
    let text = text.trim_end();
    let inner = text.strip_prefix('[')?;
    let mut depth = 1;
    let mut close = None;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let title = plain_title(&inner[..close]);
    let after = inner[close + 1..].strip_prefix('(')?;
    let target = destination(after)?;
    let target_start = offset + 1 + close + 2 + (target.as_ptr() as usize - after.as_ptr() as usize);
    let path = (!target.is_empty()).then(|| {
        let t = target.split('#').next().unwrap_or(target);
        super::urlpath::percent_decode_lossy(t.trim_start_matches("./"))
    });
    Some(Chapter { title, path, number: Vec::new(), nested: Vec::new(), line, path_span: target_start..target_start + target.len() })
}

/// The destination of a link whose `(` has been read: `<a b.md>` or `a_(b).md`, then an
/// optional title, then `)`. Returns the destination (a slice of `after`).
fn destination(after: &str) -> Option<&str> {
    let body = after.trim_start();
    let (target, i) = if let Some(angled) = body.strip_prefix('<') {
        let end = angled.find('>')?;
        (&angled[..end], end + 2)
    } else {
        let mut depth = 0usize;
        let mut end = body.len();
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' => depth -= 1,
                c if c.is_whitespace() => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        (&body[..end], end)
    };
    // An optional title: "…", '…' or (…), then the closing parenthesis.
    let trimmed = body[i..].trim_start();
    let title_len = match trimmed.chars().next()? {
        ')' => 0,
        q @ ('"' | '\'') => 1 + trimmed[1..].find(q)? + 1,
        '(' => trimmed.find(')')? + 1,
        _ => return None,
    };
    let tail = trimmed[title_len..].trim_start();
    tail.starts_with(')').then_some(target)
}

/// A link text without its markup: `*Emphasis* and \`code\`` → `Emphasis and code`. Read
/// with the pages' option set, so `~~old~~` is struck through here as on a page (as mdBook).
fn plain_title(md: &str) -> String {
    use pulldown_cmark::Event;
    let mut out = String::new();
    for event in super::markdown::parser(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Summary, Vec<Diagnostic>> {
        parse_summary(&SourceFile::new("content/SUMMARY.md", text))
    }

    #[test]
    fn link_text_is_read_with_the_pages_markdown_options() {
        let s = parse("# Summary\n\n- [~~Old~~ *New* `name`](a.md)\n").unwrap();
        assert_eq!(s.chapters()[0].title, "Old New name");
    }

    fn outline(s: &Summary) -> Vec<String> {
        fn walk(items: &[SummaryItem], depth: usize, out: &mut Vec<String>) {
            for it in items {
                match it {
                    SummaryItem::Separator => out.push(format!("{}---", "  ".repeat(depth))),
                    SummaryItem::PartTitle { title, .. } => out.push(format!("# {title}")),
                    SummaryItem::Chapter(c) => {
                        let n: Vec<_> = c.number.iter().map(u32::to_string).collect();
                        out.push(format!("{}{} {} {:?}", "  ".repeat(depth), n.join("."), c.title, c.path));
                        walk(&c.nested, depth + 1, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&s.items, 0, &mut out);
        out
    }

    #[test]
    fn every_construct() {
        let s = parse(
            "# Summary\n\n[Intro](README.md)\n\n---\n\n# Basics\n\n- [Install](install.md)\n  - [On Ubuntu](install/ubuntu.md)\n    - [Deep](d.md)\n  - [GPU](./gpu.md#top)\n- [Draft]()\n\n<!-- a comment -->\n# Advanced\n- [A \\[b\\]](<a b.md>)\n\n---\n[Appendix](appendix.md)\n",
        )
        .unwrap();
        assert_eq!(s.title.as_deref(), Some("Summary"));
        assert_eq!(
            outline(&s),
            [
                " Intro Some(\"README.md\")",
                "---",
                "# Basics",
                "1 Install Some(\"install.md\")",
                "  1.1 On Ubuntu Some(\"install/ubuntu.md\")",
                "    1.1.1 Deep Some(\"d.md\")",
                "  1.2 GPU Some(\"gpu.md\")",
                "2 Draft None",
                "# Advanced",
                "3 A [b] Some(\"a b.md\")",
                "---",
                " Appendix Some(\"appendix.md\")",
            ]
        );
        assert_eq!(s.chapters().len(), 8);
        assert_eq!(s.chapters()[2].line, 10);
    }

    #[test]
    fn errors_have_line_and_column() {
        let e = parse("- [A](a.md)\n* [B](b.md)\n- just text\n[S](s.md)\n- [C](c.md)\n## Sub\nhello\n[D]()\n").unwrap_err();
        let got: Vec<_> = e.iter().map(|d| (d.position().unwrap(), d.message.clone())).collect();
        assert_eq!(
            got,
            [
                ("content/SUMMARY.md:2:1".to_string(), "list items mix `-` and `*`".to_string()),
                ("content/SUMMARY.md:3:3".to_string(), "expected a link: `- [Title](file.md)`".to_string()),
                ("content/SUMMARY.md:5:1".to_string(), "numbered chapters cannot follow suffix chapters".to_string()),
                ("content/SUMMARY.md:6:1".to_string(), "only `# ` (level 1) headings are allowed in SUMMARY.md".to_string()),
                ("content/SUMMARY.md:7:1".to_string(), "unexpected text in SUMMARY.md".to_string()),
                ("content/SUMMARY.md:8:1".to_string(), "a prefix or suffix chapter cannot be a draft".to_string()),
            ]
        );
    }

    #[test]
    fn paths_are_percent_decoded_like_links() {
        let s = parse("- [Café](caf%C3%A9.md)\n- [Space](a%20b.md)\n- [Half](100%.md)\n").unwrap();
        let paths: Vec<_> = s.chapters().iter().map(|c| c.path.clone().unwrap()).collect();
        assert_eq!(paths, ["café.md", "a b.md", "100%.md"]);
    }

    #[test]
    fn text_after_the_link_titles_and_parentheses() {
        let s = parse(
            "- [Start](part/start.md) (read this first)\n  - [Paren](part/a_(b).md)\n  - [*Em* and `code`](s.md \"hover\")\n- [Ref](<r e.md> 'x') — all\n[Suffix](x.md) notes\n",
        )
        .unwrap();
        assert_eq!(
            outline(&s),
            [
                "1 Start Some(\"part/start.md\")",
                "  1.1 Paren Some(\"part/a_(b).md\")",
                "  1.2 Em and code Some(\"s.md\")",
                "2 Ref Some(\"r e.md\")",
                " Suffix Some(\"x.md\")",
            ]
        );
        // `+` bullets and ordered lists, as pulldown-cmark (and so mdBook) reads them.
        let s = parse("+ [A](a.md)\n  + [B](b.md)\n").unwrap();
        assert_eq!(outline(&s), ["1 A Some(\"a.md\")", "  1.1 B Some(\"b.md\")"]);
        let s = parse("1. [A](a.md)\n2. [B](b.md)\n").unwrap();
        assert_eq!(outline(&s), ["1 A Some(\"a.md\")", "2 B Some(\"b.md\")"]);
        // A link that never closes is still an error.
        let e = parse("- [A](a.md\n").unwrap_err();
        assert_eq!(e[0].position().unwrap(), "content/SUMMARY.md:1:3");
    }

    #[test]
    fn path_span_points_at_target() {
        let src = SourceFile::new("S.md", "- [Install](install.md)\n- [P](  <a (b).md> \"t\") more\n");
        let s = parse_summary(&src).unwrap();
        assert_eq!(&src.text[s.chapters()[0].path_span.clone()], "install.md");
        assert_eq!(&src.text[s.chapters()[1].path_span.clone()], "a (b).md");
    }
}
