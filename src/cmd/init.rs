//! `cookbook init`: write a new, buildable cookbook.

use crate::cli::InitArgs;

pub fn run(_args: &InitArgs) -> i32 {
    eprintln!("error: init is not implemented yet");
    crate::exit::FAILURE
}
