//! Effects at the edge: the filesystem, processes, Docker, HTTP and file watching.

pub mod atomic;
pub mod docker;
pub mod links;
pub mod load;
pub mod proof;
pub mod runner;
pub mod shell;
pub mod write;
