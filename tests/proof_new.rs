//! `cookbook new`: a recipe from the template, listed in SUMMARY.md, that builds and
//! passes `check`; never overwriting a file.

mod support;

use support::TestBook;

#[test]
fn adds_a_recipe_and_its_summary_entry() {
    let book = TestBook::new("proof/check-clean");
    book.run(["new", "gpu/cuda-images", "--title", "CUDA images"])
        .success()
        .stdout_has("Created content/gpu/cuda-images.md and added `- [CUDA images](gpu/cuda-images.md)` to content/SUMMARY.md");
    let recipe = book.read("content/gpu/cuda-images.md");
    assert!(recipe.starts_with("+++\ntitle = \"CUDA images\"\n"), "{recipe}");
    assert!(recipe.contains("```bash verify\n") && recipe.contains("```text output\n"), "{recipe}");
    assert_eq!(
        book.read("content/SUMMARY.md"),
        "# Summary\n\n- [Intro](README.md)\n- [Blocks](blocks.md)\n- [CUDA images](gpu/cuda-images.md)\n"
    );
    book.run(["check"]).success();
    book.run(["build"]).success();
    assert!(book.read("book/gpu/cuda-images.html").contains("<h1 id=\"cuda-images\">"));
    book.run(["verify", "--list"]).success().stdout_has("content/gpu/cuda-images.md:15\tneeds=docker\t\tRun it");
}

#[test]
fn refuses_to_overwrite() {
    let book = TestBook::new("proof/check-clean");
    let before = book.read("content/blocks.md");
    let summary = book.read("content/SUMMARY.md");
    book.run(["new", "blocks"]).fails_with(2).stderr_has("error: content/blocks.md already exists; refusing to overwrite it");
    assert_eq!(book.read("content/blocks.md"), before);
    assert_eq!(book.read("content/SUMMARY.md"), summary);
    book.run(["new", "../escape"]).fails_with(2).stderr_has("invalid recipe name `../escape`");
}

#[test]
fn a_book_without_summary_gets_only_the_file() {
    let book = TestBook::empty();
    book.write("book.toml", "[book]\ntitle = \"Tree\"\n").write("content/a.md", "# A\n");
    book.run(["new", "shm-size"]).success().stdout_has("Created content/shm-size.md (no SUMMARY.md: the directory tree lists it)");
    assert!(!book.path("content/SUMMARY.md").exists());
    book.run(["build"]).success();
    assert!(book.read("book/shm-size.html").contains("Shm size"));
}
