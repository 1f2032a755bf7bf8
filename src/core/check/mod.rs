//! `cookbook check`'s pure core: findings the build does not report by itself (orphan
//! pages, verify blocks that disagree with their `needs` or change the host) and the
//! external links to probe. Running the build and probing links is `cmd::check`'s job.

pub mod blocks;
pub mod external;
pub mod host_change;
pub mod orphans;
pub mod outside_includes;
