//! The threads of this process while some work runs, sampled every 2 ms by a watcher thread.
//! Meant for test binaries that hold a single test, so that no other test starts or ends
//! threads meanwhile.
#![cfg(target_os = "linux")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

pub fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// What `work` returned, with the thread counts around it.
pub struct Peak<T> {
    pub value: T,
    /// Threads just before the work (the watcher's own included).
    pub before: usize,
    /// The most threads sampled while it ran.
    pub most: usize,
    pub samples: usize,
}

/// Runs `work` while a watcher samples the thread count.
pub fn peak_threads_during<T>(work: impl FnOnce() -> T) -> Peak<T> {
    let done = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(AtomicUsize::new(0));
    let watcher = {
        let (done, most, samples) = (done.clone(), most.clone(), samples.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Acquire) {
                most.fetch_max(threads(), Ordering::AcqRel);
                samples.fetch_add(1, Ordering::AcqRel);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let before = threads();
    most.store(0, Ordering::Release);
    samples.store(0, Ordering::Release);
    let value = work();
    done.store(true, Ordering::Release);
    watcher.join().unwrap();
    Peak {
        value,
        before,
        most: most.load(Ordering::Acquire),
        samples: samples.load(Ordering::Acquire),
    }
}
