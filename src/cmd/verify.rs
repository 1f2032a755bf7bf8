//! `cookbook verify` (being wired up).

use crate::cli::VerifyArgs;

pub fn run(_args: &VerifyArgs) -> i32 {
    crate::exit::FAILURE
}
