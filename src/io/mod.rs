//! Effects at the edge: the filesystem, processes, Docker, HTTP and file watching.

pub mod accept;
pub mod atomic;
pub mod book_root;
pub mod browser;
pub mod deferred;
pub mod docker;
pub mod interrupt;
pub mod leftovers;
pub mod links;
pub mod listen_socket;
pub mod live;
pub mod load;
pub mod out_dir;
pub mod proof;
pub mod runner;
pub mod server;
pub mod shell;
pub mod socket_timeouts;
pub mod watch;
pub mod write;
