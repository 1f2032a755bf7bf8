//! The one thread that runs the slow work builds leave for later (the search index), on one
//! low-priority core: the next rebuild, not the index, gets the others. Jobs never run side by
//! side, and a job that a newer build replaced before it started is dropped, so an older index
//! can never land after a newer one and a burst of saves costs one index, not one each.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};

use crate::io::live::Deferred;
use crate::io::server::LiveSite;

/// Runs each build's deferred job and installs its files under `search/`, if that build is
/// still the one served.
pub struct DeferredWork {
    shared: Arc<(Mutex<Queue>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Queue {
    /// The newest job not started yet, and the version of the build that left it.
    next: Option<(u64, Deferred)>,
    stop: bool,
}

impl DeferredWork {
    pub fn start(site: Arc<LiveSite>) -> std::io::Result<DeferredWork> {
        let shared = Arc::new((Mutex::new(Queue::default()), Condvar::new()));
        let queue = shared.clone();
        let thread = thread::Builder::new().name("serve-search".into()).spawn(move || run(&queue, &site))?;
        Ok(DeferredWork { shared, thread: Some(thread) })
    }

    /// Runs `job` for the build that installed `version`, after the one running now; a job
    /// still waiting is dropped.
    pub fn submit(&self, version: u64, job: Deferred) {
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).next = Some((version, job));
        wake.notify_all();
    }
}

impl Drop for DeferredWork {
    /// Drops the waiting job and waits for the running one.
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = Queue { next: None, stop: true };
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(queue: &(Mutex<Queue>, Condvar), site: &LiveSite) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "serve-search-pool".into())
        .start_handler(|_| lower_priority())
        .build()
        .ok();
    let (lock, wake) = queue;
    loop {
        let (version, job) = {
            let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if q.stop {
                    return;
                }
                if let Some(next) = q.next.take() {
                    break next;
                }
                q = wake.wait(q).unwrap_or_else(|e| e.into_inner());
            }
        };
        let outputs = match &pool {
            Some(pool) => pool.install(job),
            None => job(),
        };
        site.install_extra(version, "search/", outputs);
    }
}

/// Makes the calling thread yield to the rest of the program (Linux nice is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread (who = 0) with a plain integer priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}
