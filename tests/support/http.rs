//! A tiny HTTP/1.1 client on a raw `TcpStream`: it sends the target exactly as given (`..`,
//! `%2e%2e`, backslashes), which real clients would normalise away.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The version a served page reloads after (`var v=N;` in the snippet).
    pub fn version(&self) -> u64 {
        let text = self.text();
        let at = text.find("var v=").expect("a live-reload snippet") + 6;
        text[at..].split(';').next().unwrap().parse().unwrap()
    }
}

pub fn get(addr: SocketAddr, target: &str) -> io::Result<Reply> {
    request(addr, "GET", target, &[])
}

/// Sends one request on a new connection (`Connection: close`) and reads the whole reply.
pub fn request(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)]) -> io::Result<Reply> {
    send(addr, method, target, headers, b"")
}

/// A request with a JSON body (WebDriver's wire format).
pub fn json(addr: SocketAddr, method: &str, target: &str, body: &str) -> io::Result<Reply> {
    send(addr, method, target, &[("Content-Type", "application/json")], body.as_bytes())
}

fn send(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    // Read to the end of the body Content-Length announces (some servers, chromedriver
    // among them, keep the connection open despite `Connection: close`), else to EOF.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(reply) = complete(&raw, method) {
            return reply;
        }
    }
    parse(&raw)
}

fn complete(raw: &[u8], method: &str) -> Option<io::Result<Reply>> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let reply = parse(&raw[..end + 4]).ok()?;
    let len: usize = reply.header("Content-Length")?.parse().ok()?;
    let len = if method == "HEAD" || reply.status == 304 || reply.status == 204 { 0 } else { len };
    (raw.len() >= end + 4 + len).then(|| parse(&raw[..end + 4 + len]))
}

fn parse(raw: &[u8]) -> io::Result<Reply> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| bad("no end of headers"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad("headers not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(|| bad("empty reply"))?;
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad(status_line))?;
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Ok(Reply { status, headers, body: raw[end + 4..].to_vec() })
}
