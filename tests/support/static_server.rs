//! Python's static file server on 127.0.0.1 for browser tests: an ordinary web server, not
//! ours, so the site is tested as any static host serves it. Killed on drop.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct StaticServer(Child, pub u16);

impl StaticServer {
    /// Serves `dir`; `None` when python3 cannot start.
    pub fn start(dir: &Path) -> Option<StaticServer> {
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        super::until_listening("http.server to start", port);
        Some(StaticServer(child, port))
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
