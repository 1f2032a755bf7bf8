//! A real browser for tests: Debian's headless Chromium driven through chromedriver
//! (WebDriver) with fantoccini, behind a small synchronous wrapper. Without a browser the
//! tests skip with a message; with `COOKBOOK_REQUIRE_BROWSER=1` a missing browser fails them.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};

pub struct Browser {
    pub rt: tokio::runtime::Runtime,
    pub client: Client,
    driver: Child,
}

fn find(names: &[&str]) -> Option<String> {
    names.iter().find(|n| std::path::Path::new(n).exists()).map(|s| s.to_string()).or_else(|| {
        names.iter().find_map(|n| {
            let out = Command::new("which").arg(n).output().ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
    })
}

/// Skips (returns `None`) or fails, as `COOKBOOK_REQUIRE_BROWSER` says.
pub fn unavailable(why: &str) -> Option<Browser> {
    if std::env::var("COOKBOOK_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("COOKBOOK_REQUIRE_BROWSER=1 but {why}");
    }
    eprintln!("skipping browser test: {why} (install Debian's chromium and chromium-driver)");
    None
}

impl Browser {
    /// Starts headless Chromium; `dark` makes it prefer the dark colour scheme.
    pub fn start(dark: bool) -> Option<Browser> {
        let Some(chromium) = find(&["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"]) else {
            return unavailable("no chromium found");
        };
        let Some(driver_bin) = find(&["/usr/bin/chromedriver", "chromedriver"]) else {
            return unavailable("no chromedriver found");
        };
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        super::until_listening("chromedriver to listen", port);
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--allow-file-access-from-files",
        ];
        if dark {
            args.extend(["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), serde_json::json!({ "binary": chromium, "args": args }));
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = rt
            .block_on(ClientBuilder::new(connector).capabilities(caps).connect(&format!("http://127.0.0.1:{port}")))
            .expect("WebDriver session");
        Some(Browser { rt, client, driver })
    }

    pub fn goto(&self, url: &str) {
        self.rt.block_on(self.client.goto(url)).unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub fn execute(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.rt.block_on(self.client.execute(script, args)).unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    pub fn execute_async(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.rt.block_on(self.client.execute_async(script, args)).unwrap_or_else(|e| panic!("async script failed: {e}"))
    }

    /// The page's visible text.
    pub fn text(&self) -> String {
        let v = self.execute("return document.body ? document.body.innerText : '';", vec![]);
        v.as_str().unwrap_or_default().to_string()
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        let png = self.rt.block_on(self.client.screenshot()).expect("screenshot");
        std::fs::write(path, png).unwrap();
    }

    /// Polls `script` (returning a truthy value when ready) until it holds or the deadline.
    pub fn wait_for(&self, script: &str, what: &str) -> serde_json::Value {
        super::eventually(what, Duration::from_secs(10), || {
            let v = self.execute(script, vec![]);
            (!(v.is_null() || v == false || v == "" || v == 0)).then_some(v)
        })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let client = self.client.clone();
        let _ = self.rt.block_on(client.close());
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
