//! `cookbook init` for a new author (issue 17 item 9): it says what to do next, ignores the
//! run's state in git, and its first recipe's Docker example passes offline against the
//! real engine (busybox, no network), with the checks `check` runs clean.

mod common;
mod support;

use common::*;

#[test]
fn init_says_what_next_and_its_first_recipe_verifies_offline() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("mybook");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::write(book.join(".gitignore"), "target/").unwrap();
    let out = cookbook(&["init", &path_str(&book)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    for next in ["cookbook serve", "cookbook new", "cookbook check", "cookbook verify"] {
        assert!(stdout.contains(next), "init names `{next}`: {stdout}");
    }
    let ignore = std::fs::read_to_string(book.join(".gitignore")).unwrap();
    assert_eq!(ignore, "target/\n.cookbook/\nbook/\n", "an existing .gitignore is completed");
    let recipe = std::fs::read_to_string(book.join("content/first-recipe.md")).unwrap();
    assert!(recipe.contains("docker run --rm --network none busybox"), "{recipe}");
    let check = cookbook(&["check", "--root", &path_str(&book)]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    let _lock = docker_lock();
    let Some(_engine) = docker("init_says_what_next_and_its_first_recipe_verifies_offline") else {
        return;
    };
    let out = cookbook(&["verify", "--root", &path_str(&book)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("PASS") && !stdout.contains("FAIL") && !stdout.contains("BLOCKED"), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("3 passed, 0 failed")), "{stdout}");
}
