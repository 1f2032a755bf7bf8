//! `cookbook verify`'s pure core: find blocks, plan, judge, report. Running them is in `io`.

pub mod attrs;
pub mod block;
pub mod docker_error;
pub mod elide;
pub mod fails_run;
pub mod host;
pub mod judge;
pub mod ledger;
pub mod placeholder;
pub mod plan;
pub mod report;
pub mod result;
pub mod rewrite;
pub mod run_id;
pub mod script_lines;
pub mod select;
pub mod transcript;
pub mod update;
pub mod vars;
