//! A cancellation flag that also wakes a sleeping retry or poll loop at once.

use crate::code::ResultCode;
use crate::locks;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

#[derive(Clone, Default)]
pub struct CancelToken(Arc<Inner>);

#[derive(Default)]
struct Inner {
    /// Unset while live, then the result code the request must end with (Cancelled or ShutDown).
    reason: OnceLock<ResultCode>,
    lock: Mutex<()>,
    wake: Condvar,
}

impl CancelToken {
    /// Cancels with `reason`; the first reason wins. Returns whether this call cancelled it.
    pub fn cancel(&self, reason: ResultCode) -> bool {
        let won = self.0.reason.set(reason).is_ok();
        if won {
            let _guard = locks::lock(&self.0.lock);
            self.0.wake.notify_all();
        }
        won
    }

    pub fn reason(&self) -> Option<ResultCode> {
        self.0.reason.get().copied()
    }

    /// Sleeps for `d` unless cancelled first; returns the cancel reason if woken by one.
    pub fn sleep(&self, d: Duration) -> Result<(), ResultCode> {
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
        assert!(t.cancel(ResultCode::Cancelled));
        assert!(!t.cancel(ResultCode::ShutDown));
        assert_eq!(h.join().unwrap(), Err(ResultCode::Cancelled));
        assert_eq!(t.reason(), Some(ResultCode::Cancelled));
    }
}
