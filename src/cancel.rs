//! A cancellation flag that also wakes a sleeping retry or poll loop at once.

use crate::code::HathoraResultCode;
use crate::locks;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const LIVE: u32 = u32::MAX;

#[derive(Clone)]
pub struct CancelToken(Arc<Inner>);

struct Inner {
    /// `LIVE`, or the result code the request must end with (Cancelled or ShutDown).
    reason: AtomicU32,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken(Arc::new(Inner {
            reason: AtomicU32::new(LIVE),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }))
    }
}

impl CancelToken {
    /// Cancels with `reason`; the first reason wins. Returns whether this call cancelled it.
    pub fn cancel(&self, reason: HathoraResultCode) -> bool {
        let won = self
            .0
            .reason
            .compare_exchange(LIVE, reason as u32, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if won {
            let _guard = locks::lock(&self.0.lock);
            self.0.wake.notify_all();
        }
        won
    }

    pub fn reason(&self) -> Option<HathoraResultCode> {
        match self.0.reason.load(Ordering::Acquire) {
            LIVE => None,
            raw => HathoraResultCode::from_u32(raw),
        }
    }

    /// Sleeps for `d` unless cancelled first; returns the cancel reason if woken by one.
    pub fn sleep(&self, d: Duration) -> Result<(), HathoraResultCode> {
        let until = Instant::now() + d;
        let mut guard = locks::lock(&self.0.lock);
        loop {
            if let Some(r) = self.reason() {
                return Err(r);
            }
            let now = Instant::now();
            if now >= until {
                return Ok(());
            }
            guard = locks::wait_timeout(&self.0.wake, guard, until - now).0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_wakes_a_sleeper_and_first_reason_wins() {
        let t = CancelToken::default();
        let t2 = t.clone();
        let h = std::thread::spawn(move || t2.sleep(Duration::from_secs(60)));
        std::thread::sleep(Duration::from_millis(20));
        assert!(t.cancel(HathoraResultCode::Cancelled));
        assert!(!t.cancel(HathoraResultCode::ShutDown));
        assert_eq!(h.join().unwrap(), Err(HathoraResultCode::Cancelled));
        assert_eq!(t.reason(), Some(HathoraResultCode::Cancelled));
    }
}
