//! Effects at the edge: the filesystem, processes, Docker, HTTP and file watching.

pub mod browser;
pub mod interrupt;
pub mod live;
pub mod load;
pub mod server;
pub mod watch;
pub mod write;
