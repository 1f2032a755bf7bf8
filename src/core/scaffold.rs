//! `cookbook new`'s pure part: a recipe slug checked and turned into a path, the recipe
//! text from the template, and SUMMARY.md with the recipe's entry appended.

/// The recipe template (`{{TITLE}}` is replaced).
pub const RECIPE: &str = include_str!("../cmd/new_files/recipe.md");

/// The page path inside the source folder for `slug` (`gpu/cuda-images` → `gpu/cuda-images.md`).
pub fn path_of(slug: &str) -> Result<String, String> {
    let slug = slug.strip_suffix(".md").unwrap_or(slug);
    let ok = |part: &str| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && !part.starts_with(['-', '_'])
    };
    if slug.split('/').all(ok) {
        Ok(format!("{slug}.md"))
    } else {
        Err(format!(
            "invalid recipe name `{slug}`: use lower-case letters, digits, `-` and `_`, with `/` between folders (e.g. `gpu/cuda-images`)"
        ))
    }
}

/// A title from a slug: `cuda-images` → `Cuda images`.
pub fn title_of(slug: &str) -> String {
    let last = slug.trim_end_matches(".md").rsplit('/').next().unwrap_or(slug).replace(['-', '_'], " ");
    let mut c = last.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The recipe's markdown.
pub fn recipe(title: &str) -> String {
    let toml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    RECIPE.replacen("{{TITLE}}", &toml_title, 1).replace("{{TITLE}}", title)
}

/// SUMMARY.md with `- [title](path)` appended; `None` when it already links to `path`.
pub fn add_to_summary(summary: &str, title: &str, path: &str) -> Option<String> {
    if summary.contains(&format!("]({path})")) {
        return None;
    }
    let mut s = summary.to_string();
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    let title = title.replace('[', "\\[").replace(']', "\\]");
    s.push_str(&format!("- [{title}]({path})\n"));
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_titles_and_summary() {
        assert_eq!(path_of("gpu/cuda-images"), Ok("gpu/cuda-images.md".into()));
        assert_eq!(path_of("shm.md"), Ok("shm.md".into()));
        for bad in ["../x", "/abs", "Upper", "a b", "", "a//b", "-x"] {
            assert!(path_of(bad).is_err(), "{bad}");
        }
        assert_eq!(title_of("gpu/cuda-images"), "Cuda images");
        let r = recipe("Say \"hi\"");
        assert!(r.starts_with("+++\ntitle = \"Say \\\"hi\\\"\"\n"), "{r}");
        assert!(r.contains("# Say \"hi\"\n"));
        assert_eq!(add_to_summary("# Summary\n\n- [A](a.md)", "B [x]", "b.md").unwrap(), "# Summary\n\n- [A](a.md)\n- [B \\[x\\]](b.md)\n");
        assert_eq!(add_to_summary("- [A](a.md)\n", "A", "a.md"), None);
    }
}
