//! The `submit` and `cancel` calls in progress: they may still add work to the pool or the timer
//! after the tickets lock, so shutdown waits until none is left before closing those.

use super::Requests;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts a `submit` or `cancel` in progress for as long as it lives.
pub(super) struct Busy<'a>(&'a AtomicUsize);

impl<'a> Busy<'a> {
    pub(super) fn enter(requests: &'a Requests) -> Busy<'a> {
        requests.busy.fetch_add(1, Ordering::AcqRel);
        Busy(&requests.busy)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Waits until no `submit` or `cancel` is in progress (neither waits for anything a shutdown
/// holds, so this ends).
pub(super) fn wait_until_idle(requests: &Requests) {
    while requests.busy.load(Ordering::Acquire) > 0 {
        std::thread::yield_now();
    }
}
