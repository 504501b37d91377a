//! A cancellation flag that also wakes whoever waits on the request at once: a sleeping retry or
//! poll loop (a condvar), and a thread blocked in a system call such as poll(2), through a wake
//! function registered with `on_cancel` (e.g. one that writes to a descriptor the poll watches).

use crate::code::ResultCode;
use crate::locks;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

#[derive(Clone, Default)]
pub struct CancelToken(Arc<Inner>);

type Wake = Arc<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct Inner {
    /// Unset while live, then the result code the request must end with (Cancelled or ShutDown).
    reason: OnceLock<ResultCode>,
    /// The registered wake functions, guarded with the condvar's mutex.
    wakers: Mutex<Wakers>,
    wake: Condvar,
}

#[derive(Default)]
struct Wakers {
    next_id: u64,
    list: Vec<(u64, Wake)>,
}

/// A wake function registered with `on_cancel`; dropping it unregisters the function.
pub struct OnCancel {
    token: CancelToken,
    id: u64,
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        locks::lock(&self.token.0.wakers)
            .list
            .retain(|(id, _)| *id != self.id);
    }
}

impl CancelToken {
    /// Cancels with `reason`; the first reason wins. Returns whether this call cancelled it.
    /// The registered wake functions run here, on this thread.
    pub fn cancel(&self, reason: ResultCode) -> bool {
        let won = self.0.reason.set(reason).is_ok();
        if won {
            let wakers: Vec<Wake> = {
                let w = locks::lock(&self.0.wakers);
                self.0.wake.notify_all();
                w.list.iter().map(|(_, f)| Arc::clone(f)).collect()
            };
            for wake in wakers {
                wake();
            }
        }
        won
    }

    pub fn reason(&self) -> Option<ResultCode> {
        self.0.reason.get().copied()
    }

    /// Calls `wake` when the token is cancelled, until the returned registration is dropped; at
    /// once, on this thread, when it is cancelled already. `wake` runs on the cancelling thread
    /// (possibly more than once): it must be quick and must not block.
    pub fn on_cancel(&self, wake: impl Fn() + Send + Sync + 'static) -> OnCancel {
        let wake: Wake = Arc::new(wake);
        let id = {
            let mut w = locks::lock(&self.0.wakers);
            w.next_id += 1;
            let id = w.next_id;
            w.list.push((id, Arc::clone(&wake)));
            id
        };
        // A cancel that took the list before this registration set the reason first.
        if self.reason().is_some() {
            wake();
        }
        OnCancel {
            token: self.clone(),
            id,
        }
    }

    /// Sleeps for `d` unless cancelled first; returns the cancel reason if woken by one.
    pub fn sleep(&self, d: Duration) -> Result<(), ResultCode> {
        let until = Instant::now() + d;
        let mut guard = locks::lock(&self.0.wakers);
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
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    #[test]
    fn wake_functions_run_on_cancel_at_registration_if_late_and_never_once_dropped() {
        let t = CancelToken::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = |c: &Arc<AtomicUsize>| {
            let c = Arc::clone(c);
            move || {
                c.fetch_add(1, Ordering::SeqCst);
            }
        };
        let dropped = Arc::new(AtomicUsize::new(0));
        drop(t.on_cancel(counter(&dropped)));
        let _kept = t.on_cancel(counter(&calls));
        assert_eq!(calls.load(Ordering::SeqCst), 0, "called before any cancel");
        t.cancel(ResultCode::ShutDown);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "registered before the cancel"
        );
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            0,
            "unregistered, still called"
        );
        let late = Arc::new(AtomicUsize::new(0));
        let _late = t.on_cancel(counter(&late));
        assert_eq!(
            late.load(Ordering::SeqCst),
            1,
            "registered after the cancel"
        );
    }
}
