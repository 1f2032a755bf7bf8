//! Which blocks a run executes: the book's pages and their blocks, narrowed by FILTER
//! arguments (a path, `file:line`, or a heading substring) and `--partition K/N`.
//! Pure; running the plan is `cmd::verify`'s job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use super::attrs::Need;
use super::block::{self, VerifyBlock};
use crate::core::config::parse_duration;
use crate::core::diagnostic::{self, Diagnostic};

/// One page to verify: its blocks in order and the settings that apply to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PagePlan {
    pub file: PathBuf,
    /// Position of the page in reading order (partitions split by this).
    pub index: usize,
    pub blocks: Vec<VerifyBlock>,
    /// Placeholder values: the page's front matter over `[verify.vars]`.
    pub vars: BTreeMap<String, String>,
    /// The timeout of blocks that set none.
    pub timeout: Duration,
    /// Front matter `[verify] skip = true`.
    pub skip: bool,
}

/// `--partition K/N`: this job runs the K-th of N shares (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Partition {
    pub k: usize,
    pub n: usize,
}

impl Partition {
    pub fn parse(text: &str) -> Result<Partition, String> {
        let bad = || format!("invalid partition `{text}`: write K/N with 1 <= K <= N, e.g. 1/3");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Partition { k, n })
    }
}

/// A FILTER argument, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// A page path, or its suffix (`resources.md`, `content/gpu/`).
    Path(String),
    /// `file:line`: the block whose fence is on that line (or whose body contains it).
    Line(String, usize),
    /// A case-insensitive substring of the block's heading.
    Heading(String),
}

impl Filter {
    pub fn parse(text: &str) -> Filter {
        if let Some((file, line)) = text.rsplit_once(':') {
            if let Ok(n) = line.parse() {
                return Filter::Line(file.to_string(), n);
            }
        }
        if text.ends_with(".md") || text.contains('/') {
            Filter::Path(text.trim_end_matches('/').to_string())
        } else {
            Filter::Heading(text.to_lowercase())
        }
    }

    fn path_matches(pattern: &str, file: &std::path::Path) -> bool {
        let f = file.to_string_lossy().replace('\\', "/");
        let p = pattern.trim_start_matches("./");
        f == p || f.ends_with(&format!("/{p}")) || f.starts_with(&format!("{p}/")) || f.contains(&format!("/{p}/"))
    }

    /// Whether the filter names this page (a path or `file:line`; not a heading).
    pub fn names_file(&self, file: &std::path::Path) -> bool {
        match self {
            Filter::Path(p) | Filter::Line(p, _) => Filter::path_matches(p, file),
            Filter::Heading(_) => false,
        }
    }

    fn matches(&self, b: &VerifyBlock) -> bool {
        match self {
            Filter::Path(p) => Filter::path_matches(p, &b.file),
            Filter::Line(p, n) => {
                let last = b.line + b.code.lines().count() + 1;
                Filter::path_matches(p, &b.file) && (b.line..=last).contains(n)
            }
            Filter::Heading(h) => b.heading.to_lowercase().contains(h),
        }
    }
}

/// Keeps the blocks any filter selects (all when there are none), drops pages left
/// empty, then keeps this partition's pages. A selected block brings its page's earlier
/// blocks along, marked `setup` (they export what it uses, start what it inspects), and
/// the page's cleanup blocks, so teardown always follows setup. Hidden blocks stay too.
pub fn select(pages: Vec<PagePlan>, filters: &[Filter], partition: Option<Partition>) -> Vec<PagePlan> {
    let mut kept: Vec<PagePlan> = pages
        .into_iter()
        .filter_map(|mut p| {
            if filters.is_empty() {
                return (!p.blocks.is_empty()).then_some(p);
            }
            let selected = p.blocks.iter().any(|b| !b.attrs.cleanup && !b.attrs.hidden && filters.iter().any(|f| f.matches(b)));
            if !selected {
                return None;
            }
            let chosen: Vec<bool> = p.blocks.iter().map(|b| !b.attrs.cleanup && filters.iter().any(|f| f.matches(b))).collect();
            let last = chosen.iter().rposition(|c| *c).unwrap_or(0);
            let mut i = 0;
            p.blocks.retain_mut(|b| {
                let (keep, setup) = (i <= last || b.attrs.cleanup || b.attrs.hidden, !chosen[i] && !b.attrs.cleanup);
                b.attrs.setup = keep && setup;
                i += 1;
                keep
            });
            Some(p)
        })
        .collect();
    kept.sort_by_key(|p| p.index);
    if let Some(part) = partition {
        // Round-robin over the pages that have blocks, in reading order: every job
        // computes the same list, so N jobs cover each page exactly once.
        kept = kept.into_iter().enumerate().filter(|(i, _)| i % part.n == part.k - 1).map(|(_, p)| p).collect();
    }
    kept
}

/// `--needs CAP`: on each page, the blocks that need one of `needs`, every block before
/// the last of them (setup they may depend on: exports, files, started services) and the
/// cleanup blocks; pages with none are dropped. Empty `needs` keeps everything.
pub fn select_needs(pages: Vec<PagePlan>, needs: &BTreeSet<Need>) -> Vec<PagePlan> {
    if needs.is_empty() {
        return pages;
    }
    pages
        .into_iter()
        .filter_map(|mut p| {
            let wanted = |b: &VerifyBlock| !b.attrs.cleanup && b.attrs.needs.iter().any(|n| needs.contains(n));
            let last = p.blocks.iter().rposition(wanted)?;
            let mut i = 0;
            p.blocks.retain(|b| {
                let keep = i <= last || b.attrs.cleanup;
                i += 1;
                keep
            });
            Some(p)
        })
        .collect()
}

/// Every page of the book as a plan: its verify blocks with placeholders substituted, and
/// the problems found on the way (block grammar, attributes, placeholders without a value).
pub fn from_book(book: &crate::core::book::Book, timeout: Duration) -> (Vec<PagePlan>, Vec<Diagnostic>) {
    let mut pages = Vec::new();
    let mut diags = Vec::new();
    for (index, page) in book.pages.iter().enumerate() {
        let src = &page.source;
        let (mut blocks, mut d) = block::extract(src, page.body_start);
        diags.append(&mut d);
        diags.extend(super::vars::resolve(src, &mut blocks, &book.config.verify.vars, &page.front.verify.vars));
        let mut vars = book.config.verify.vars.clone();
        vars.extend(page.front.verify.vars.clone());
        let page_timeout = page.front.verify.timeout.as_deref().and_then(parse_duration).unwrap_or(timeout);
        pages.push(PagePlan { file: src.path.clone(), index, blocks, vars, timeout: page_timeout, skip: page.front.verify.skip });
    }
    diagnostic::sort(&mut diags);
    (pages, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;
    use crate::core::verify::block;

    fn page(i: usize, path: &str, text: &str) -> PagePlan {
        let (blocks, _) = block::extract(&SourceFile::new(path, text), 0);
        PagePlan { file: path.into(), index: i, blocks, vars: BTreeMap::new(), timeout: Duration::from_secs(1), skip: false }
    }

    fn book() -> Vec<PagePlan> {
        vec![
            page(
                0,
                "content/a.md",
                "# Shm size\n```bash verify\necho a\n```\n# Other\n```bash verify\necho b\n```\n```bash verify cleanup\necho c\n```\n",
            ),
            page(1, "content/gpu/b.md", "# GPU\n```bash verify\necho d\n```\n"),
            page(2, "content/c.md", "no blocks\n"),
            page(3, "content/d.md", "```bash verify\necho e\n```\n"),
        ]
    }

    fn positions(plan: &[PagePlan]) -> Vec<String> {
        plan.iter().flat_map(|p| p.blocks.iter().map(|b| b.position())).collect()
    }

    #[test]
    fn filters() {
        assert_eq!(positions(&select(book(), &[], None)).len(), 5);
        assert_eq!(positions(&select(book(), &[Filter::parse("gpu/")], None)), ["content/gpu/b.md:2"]);
        assert_eq!(positions(&select(book(), &[Filter::parse("b.md")], None)), ["content/gpu/b.md:2"]);
        // An earlier block of the page comes along as setup.
        let plan = select(book(), &[Filter::parse("content/a.md:6")], None);
        assert_eq!(positions(&plan), ["content/a.md:2", "content/a.md:6", "content/a.md:9"]);
        assert_eq!(plan[0].blocks.iter().map(|b| b.attrs.setup).collect::<Vec<_>>(), [true, false, false]);
        assert_eq!(positions(&select(book(), &[Filter::parse("a.md:3")], None)), ["content/a.md:2", "content/a.md:9"]);
        assert_eq!(positions(&select(book(), &[Filter::parse("SHM")], None)), ["content/a.md:2", "content/a.md:9"]);
        assert!(select(book(), &[Filter::parse("nothing")], None).is_empty());
    }

    #[test]
    fn needs_keep_their_setup_and_cleanup() {
        let pages = vec![
            page(0, "content/a.md", "```bash verify\nexport X=1\n```\n```bash verify needs=gpu\nnvidia-smi\n```\n```bash verify\necho after\n```\n```bash verify cleanup\necho c\n```\n"),
            page(1, "content/b.md", "```bash verify\necho cpu\n```\n```bash verify cleanup\necho c\n```\n"),
        ];
        let gpu = select_needs(pages.clone(), &[Need::Gpu].into());
        assert_eq!(positions(&gpu), ["content/a.md:1", "content/a.md:4", "content/a.md:10"]);
        assert_eq!(select_needs(pages, &BTreeSet::new()).len(), 2);
    }

    #[test]
    fn partitions_cover_every_page_once() {
        let mut all = Vec::new();
        for k in 1..=2 {
            let part = Partition::parse(&format!("{k}/2")).unwrap();
            all.extend(positions(&select(book(), &[], Some(part))));
        }
        all.sort();
        let mut expected = positions(&select(book(), &[], None));
        expected.sort();
        assert_eq!(all, expected);
        let p1 = select(book(), &[], Some(Partition { k: 1, n: 2 }));
        assert_eq!(p1.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 3]);
        assert!(Partition::parse("0/2").is_err() && Partition::parse("3/2").is_err() && Partition::parse("x").is_err());
    }
}
