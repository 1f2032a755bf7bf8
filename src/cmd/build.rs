//! `cookbook build`: load the book, render it, write the site atomically.

use crate::cli::BuildArgs;

pub fn run(_args: &BuildArgs) -> i32 {
    eprintln!("error: build is not implemented yet");
    crate::exit::FAILURE
}
