//! Probes external links for `cookbook check --external`: each URL once, a few at a time,
//! each with a timeout. HEAD first; servers that refuse HEAD are asked with GET.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// What probing a URL found: `Ok(status)` when the server answered (any status), else why not.
pub type Probe = Result<u16, String>;

/// Probes `urls` with at most `jobs` requests in flight, each given `timeout` in all.
pub fn probe_all(urls: &[String], jobs: usize, timeout: Duration) -> BTreeMap<String, Probe> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("cookbook-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, urls.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let probe = probe(&agent, url);
                results.lock().unwrap_or_else(|e| e.into_inner()).insert(url.clone(), probe);
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn probe(agent: &ureq::Agent, url: &str) -> Probe {
    let status = agent.head(url).call().map(|r| r.status().as_u16()).map_err(describe)?;
    // Some servers refuse or mishandle HEAD; ask again the way a browser would.
    if matches!(status, 403 | 404 | 405 | 501) {
        return agent.get(url).call().map(|r| r.status().as_u16()).map_err(describe);
    }
    Ok(status)
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "no answer before the timeout".into(),
        ureq::Error::HostNotFound => "the host name does not resolve".into(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        other => other.to_string(),
    }
}
