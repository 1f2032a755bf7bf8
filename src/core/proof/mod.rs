//! Proof on the page: verify reports read back and merged, a badge per verify block, and
//! the verification dashboard.

pub mod badge;
pub mod dashboard;
pub mod partial;
pub mod report;
pub mod site;
