use super::*;

fn ctx_render(rel: &str, text: &str) -> RenderedPage {
    let mut urls = BTreeMap::new();
    for p in ["README.md", "gpu/cdi.md", "resources.md", "other.md"] {
        urls.insert(p.to_string(), crate::core::book::url_of(p));
    }
    let mut files = BTreeMap::new();
    files.insert("img/logo.png".to_string(), vec![1]);
    let url = crate::core::book::url_of(rel);
    let ctx = Context { page_rel: rel, page_url: &url, urls: &urls, files: &files, smart_punctuation: true };
    render(&SourceFile::new(format!("content/{rel}"), text), 0, &ctx)
}

#[test]
fn headings_get_ids_anchors_and_sections() {
    let r = ctx_render("resources.md", "# Resources\n\nintro\n\n## Shared memory\n\ntext `--shm-size`\n\n```bash\ndocker run --shm-size=1g busybox\n```\n\n## Shared memory\n\n### Deep {#custom}\n");
    let ids: Vec<_> = r.headings.iter().map(|h| (h.level, h.id.as_str())).collect();
    assert_eq!(ids, [(1, "resources"), (2, "shared-memory"), (2, "shared-memory-1"), (3, "custom")]);
    assert!(r.html.contains("<h2 id=\"shared-memory\"><a class=\"header\" href=\"#shared-memory\">Shared memory</a></h2>"), "{}", r.html);
    let s = &r.sections[1];
    assert_eq!(s.heading_path, ["Resources", "Shared memory"]);
    assert!(s.text.contains("--shm-size"));
    assert_eq!(s.code, "docker run --shm-size=1g busybox\n");
    assert_eq!(r.sections[3].heading_path, ["Resources", "Shared memory", "Deep"]);
}

#[test]
fn links_are_rewritten_and_checked() {
    let r = ctx_render(
        "gpu/cdi.md",
        "[a](../resources.md#shm) [b](../README.md) [c](https://x.org/a.md) [d](#local) [e](missing.md)\n\n![logo](../img/logo.png) ![gone](nope.png)\n\n[f](../resources.html)\n",
    );
    assert!(r.html.contains("href=\"../resources.html#shm\""), "{}", r.html);
    assert!(r.html.contains("href=\"../index.html\""));
    assert!(r.html.contains("href=\"https://x.org/a.md\""));
    let links: Vec<_> = r.links.iter().map(|l| (l.page_url.clone(), l.anchor.clone())).collect();
    assert_eq!(links, [(Some("resources.html".to_string()), "shm".to_string()), (None, "local".to_string())]);
    let errs: Vec<_> = r.diagnostics.iter().map(|d| (d.position().unwrap(), d.message.clone())).collect();
    assert_eq!(
        errs,
        [
            ("content/gpu/cdi.md:1:80".to_string(), "broken link: `missing.md` does not exist".to_string()),
            ("content/gpu/cdi.md:3:26".to_string(), "broken image: `nope.png` does not exist".to_string()),
        ]
    );
}

#[test]
fn alerts_code_blocks_and_gfm() {
    let r = ctx_render(
        "other.md",
        "> [!WARNING]\n> Careful.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ \"quoted\"\n\n```console\n$ echo hi\nhi\n```\n\n```bash verify hidden\nsetup\n```\n\n```bash verify\nls\n```\n\n```text output\nfile\n```\n",
    );
    let h = &r.html;
    assert!(h.contains("<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">Warning</p>"), "{h}");
    assert!(h.contains("<table>") && h.contains("checked=\"\"") && h.contains("<del>old</del>"), "{h}");
    assert!(h.contains("\u{201c}quoted\u{201d}"), "smart quotes: {h}");
    assert!(h.contains("data-copy=\"echo hi\""), "{h}");
    assert!(!h.contains("setup"), "hidden blocks are not rendered");
    assert!(h.contains("<div class=\"code verify\" id=\"L21\">"), "{h}");
    assert!(h.contains("<div class=\"code output\" id=\"L25\">"), "{h}");
    assert_eq!(r.code_blocks.iter().map(|c| c.line).collect::<Vec<_>>(), [12, 21, 25]);
}

#[test]
fn raw_html_passes_and_text_is_escaped() {
    let r = ctx_render("other.md", "<details><summary>More</summary>x</details>\n\na <b> & c\n");
    assert!(r.html.contains("<details><summary>More</summary>x</details>"));
    assert!(r.html.contains("a <b> &amp; c"), "{}", r.html);
}

/// The page as `check --external` sees its links and as `verify` sees its blocks.
fn seen_by_check_and_verify(text: &str) -> (Vec<String>, Vec<String>) {
    let page = crate::core::book::Page {
        source: SourceFile::new("content/other.md", text),
        rel: "other.md".into(),
        url: "other.html".into(),
        front: Default::default(),
        body_start: 0,
        title: "x".into(),
        number: vec![],
    };
    let links = crate::core::check::external::links(&page).into_iter().map(|l| l.url).collect();
    let (blocks, _) = crate::core::verify::block::extract(&page.source, 0);
    (links, blocks.into_iter().map(|b| b.code).collect())
}

#[test]
fn renderer_check_and_verify_parse_the_same_document() {
    // Dollar signs are not math on the site: the link between them is a link for `check` too.
    let text = "Costs $5 [docs](https://a.example/x) and $6 [more](https://b.example/y)$ here.\n";
    let r = ctx_render("other.md", text);
    assert!(r.html.contains("href=\"https://a.example/x\""), "{}", r.html);
    assert!(r.html.contains("href=\"https://b.example/y\""), "{}", r.html);
    let (links, _) = seen_by_check_and_verify(text);
    assert_eq!(links, ["https://a.example/x", "https://b.example/y"]);

    // A verify block inside a footnote is a verify block on the site, so `verify` runs it.
    let text = "Text[^n].\n\n[^n]: A note.\n\n    ```bash verify\n    echo hi\n    ```\n";
    let r = ctx_render("other.md", text);
    let site: Vec<&str> = r.code_blocks.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(site, ["echo hi\n"], "{}", r.html);
    let (_, blocks) = seen_by_check_and_verify(text);
    assert_eq!(blocks, ["echo hi\n"]);
}

#[test]
fn ids_come_from_the_parse_and_match_the_finished_html() {
    let text = "# Intro\n\n## The `--shm-size` flag\n\n## Press <kbd>Ctrl</kbd>+<kbd>C</kbd>\n\n## Intro\n\n## Intro\n\n\
                ## Anchor here <a id=\"kept\"></a>\n\n### Custom {#my-id}\n\n## Émoji & “quotes”\n\n\
                Text[^note] and <span id=\"inline-one\">x</span>.\n\n[^note]: The note.\n\n\
                <div class=\"box\" id=\"raw-block\">\n<p id=\"inner\">hi</p>\n</div>\n\n\
                ```bash\necho hi\n```\n\n```rust,hidden\nfn hidden() {}\n```\n\n\
                ```html\n<p id=\"in-code\">not an id</p>\n```\n\nInline `id=\"in-inline-code\"` too.\n";
    let r = ctx_render("other.md", text);
    let headings: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        headings,
        ["intro", "the---shm-size-flag", "press-ctrlc", "intro-1", "intro-2", "anchor-here", "my-id", "émoji--quotes"],
        "{}",
        r.html
    );
    // What reading ids back out of the finished HTML found (the old way), now from the parse.
    let mut scraped: Vec<String> =
        r.html.split(" id=\"").skip(1).filter_map(|rest| rest.find('"').map(|end| rest[..end].to_string())).collect();
    let mut ids = r.ids.clone();
    scraped.sort();
    ids.sort();
    assert_eq!(ids, scraped);
    for id in ["kept", "note", "inline-one", "raw-block", "inner", "L25"] {
        assert!(r.ids.iter().any(|i| i == id), "{id} missing from {:?}", r.ids);
    }
    assert!(!r.ids.iter().any(|i| i.starts_with("in-")), "{:?}", r.ids);
}

#[test]
fn section_text_has_no_space_where_inline_markup_ends() {
    let r = ctx_render(
        "resources.md",
        "# A\n\nthe **build context**, to the *builder*; see [the docs](other.md).\n\nNext ~~old~~ paragraph.\n",
    );
    assert_eq!(r.sections[0].text.trim_end(), "the build context, to the builder; see the docs. Next old paragraph.");
}
