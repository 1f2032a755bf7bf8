//! Headless Chromium through chromedriver (WebDriver over plain HTTP), for tests that need a
//! real browser: `Browser::start()` is `None`, with a message, when there is none, and a
//! failure when `COOKBOOK_REQUIRE_BROWSER=1`.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::eventually;
use super::http::{self, Reply};

pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
}

impl Browser {
    pub fn start() -> Option<Browser> {
        match Self::try_start() {
            Ok(b) => Some(b),
            Err(why) if std::env::var("COOKBOOK_REQUIRE_BROWSER").as_deref() == Ok("1") => {
                panic!("COOKBOOK_REQUIRE_BROWSER=1 but no browser: {why}")
            }
            Err(why) => {
                eprintln!(
                    "skipped: no headless browser ({why}); install chromium and chromium-driver"
                );
                None
            }
        }
    }

    fn try_start() -> Result<Browser, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
        };
        eventually("chromedriver to listen", Duration::from_secs(20), || {
            http::get(addr, "/status").ok().filter(|r| r.status == 200)
        });
        let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let mut options = serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        });
        if let Some(b) = binary {
            options["binary"] = b.into();
        }
        let caps =
            serde_json::json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}});
        let reply = browser.call("POST", "/session", &caps)?;
        browser.session = reply["value"]["sessionId"]
            .as_str()
            .ok_or(format!("no session: {reply}"))?
            .to_string();
        Ok(browser)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        let reply: Reply =
            http::json(self.addr, method, path, &body.to_string()).map_err(|e| e.to_string())?;
        let value: serde_json::Value =
            serde_json::from_slice(&reply.body).map_err(|e| e.to_string())?;
        if reply.status != 200 {
            return Err(format!("{method} {path}: {} {value}", reply.status));
        }
        Ok(value)
    }

    pub fn goto(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            &serde_json::json!({ "url": url }),
        )
        .unwrap();
    }

    /// The page's visible text now (`document.body.innerText`).
    pub fn text(&self) -> String {
        let script = serde_json::json!({"script": "return document.body ? document.body.innerText : ''", "args": []});
        match self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            &script,
        ) {
            Ok(v) => v["value"].as_str().unwrap_or_default().to_string(),
            Err(_) => String::new(), // mid-navigation
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http::request(
                self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                &[],
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
