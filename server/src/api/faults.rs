//! Fault injection for reliability tests. Faults apply only to `/rooms/v2/...` requests.
//!
//! Each API request consumes at most one queued fault, checked in this order:
//! `drop_next`, `fail_next_status`, `drop_after_commit`, `garbage_next`; when none is queued,
//! the drop rate decides (a seeded RNG, so a run is reproducible). Latency applies on top of
//! every API request, faulted or not.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

use crate::config::FaultPlan;
use crate::ids::SplitMix64;

/// What happens to one API request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fault {
    /// Close the connection without any response; the operation does not run.
    Drop,
    /// Answer this status with `{"message":"injected fault"}`; the operation does not run.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// Run the operation, then close the connection without a response (a lost response).
    DropAfterCommit,
    /// Run the operation, answer its status with a non-JSON body.
    Garbage,
}

struct FaultState {
    plan: FaultPlan,
    seed: u64,
    rng: SplitMix64,
}

impl FaultState {
    fn armed(&self) -> bool {
        let p = &self.plan;
        p.fail_count > 0
            || p.drop_next > 0
            || p.drop_after_commit > 0
            || p.garbage_next > 0
            || !p.latency.is_zero()
            || p.drop_rate > 0.0
    }
}

struct Inner {
    /// Fast path: false when no fault of any kind is configured, so requests skip the lock.
    armed: AtomicBool,
    state: Mutex<FaultState>,
}

/// Switches faults on and off while the emulator runs. Cheap to clone; all clones share state.
#[derive(Clone)]
pub struct FaultController {
    inner: Arc<Inner>,
}

impl FaultController {
    pub(crate) fn new(plan: FaultPlan, seed: u64) -> Self {
        let state = FaultState {
            plan,
            seed,
            rng: SplitMix64::new(seed),
        };
        let armed = AtomicBool::new(state.armed());
        FaultController {
            inner: Arc::new(Inner {
                armed,
                state: Mutex::new(state),
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut FaultState) -> R) -> R {
        let mut st = self.inner.state.lock();
        let r = f(&mut st);
        self.inner.armed.store(st.armed(), Ordering::Release);
        r
    }

    /// The next `count` API requests answer `status` (e.g. 429, 503, 500) with
    /// `{"message":"injected fault"}` and, if given, a `Retry-After` header.
    pub fn fail_next_status(&self, status: u16, count: u32, retry_after: Option<String>) {
        self.with(|s| {
            s.plan.fail_status = status;
            s.plan.fail_count = count;
            s.plan.retry_after = retry_after;
        });
    }

    /// The next `count` API requests get their connection closed without any response.
    pub fn drop_next(&self, count: u32) {
        self.with(|s| s.plan.drop_next = count);
    }

    /// The next `count` API requests run for real, then their connection is closed without a
    /// response.
    pub fn drop_after_commit(&self, count: u32) {
        self.with(|s| s.plan.drop_after_commit = count);
    }

    /// The next `count` API requests answer their normal status with a non-JSON body.
    pub fn garbage_next(&self, count: u32) {
        self.with(|s| s.plan.garbage_next = count);
    }

    /// Added latency on every API request (zero turns it off).
    pub fn set_latency(&self, latency: Duration) {
        self.with(|s| s.plan.latency = latency);
    }

    /// Probability (clamped to 0..=1) that an API request's connection is dropped.
    pub fn set_drop_rate(&self, rate: f64) {
        let rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
        self.with(|s| s.plan.drop_rate = rate);
    }

    /// Reseed the drop-rate RNG.
    pub fn set_drop_seed(&self, seed: u64) {
        self.with(|s| {
            s.seed = seed;
            s.rng = SplitMix64::new(seed);
        });
    }

    /// Remove every fault (and restart the drop-rate RNG from its seed).
    pub fn clear(&self) {
        self.with(|s| {
            s.plan = FaultPlan::default();
            s.rng = SplitMix64::new(s.seed);
        });
    }

    /// Faults still queued or configured.
    pub fn plan(&self) -> FaultPlan {
        self.inner.state.lock().plan.clone()
    }

    /// Decide (and consume) the fault for one API request, with the latency to add.
    pub(crate) fn next(&self) -> (Option<Fault>, Duration) {
        if !self.inner.armed.load(Ordering::Acquire) {
            return (None, Duration::ZERO);
        }
        self.with(|s| {
            let p = &mut s.plan;
            let latency = p.latency;
            // Roll the dice on every request while a rate is set, so the sequence of
            // rate-drops does not depend on which queued faults were consumed.
            let rate_drop = p.drop_rate > 0.0 && s.rng.next_f64() < p.drop_rate;
            let fault = if p.drop_next > 0 {
                p.drop_next -= 1;
                Some(Fault::Drop)
            } else if p.fail_count > 0 {
                p.fail_count -= 1;
                Some(Fault::Status {
                    status: p.fail_status,
                    retry_after: p.retry_after.clone(),
                })
            } else if p.drop_after_commit > 0 {
                p.drop_after_commit -= 1;
                Some(Fault::DropAfterCommit)
            } else if p.garbage_next > 0 {
                p.garbage_next -= 1;
                Some(Fault::Garbage)
            } else if rate_drop {
                Some(Fault::Drop)
            } else {
                None
            };
            (fault, latency)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_are_consumed_in_order() {
        let f = FaultController::new(FaultPlan::default(), 1);
        assert_eq!(f.next().0, None);
        f.fail_next_status(503, 1, Some("2".into()));
        f.drop_next(1);
        f.garbage_next(1);
        assert_eq!(f.next().0, Some(Fault::Drop));
        assert!(matches!(
            f.next().0,
            Some(Fault::Status { status: 503, .. })
        ));
        assert_eq!(f.next().0, Some(Fault::Garbage));
        assert_eq!(f.next().0, None);
    }

    #[test]
    fn drop_rate_is_roughly_honoured() {
        let f = FaultController::new(FaultPlan::default(), 7);
        f.set_drop_rate(0.2);
        let drops = (0..10_000).filter(|_| f.next().0.is_some()).count();
        assert!((1_800..2_200).contains(&drops), "{drops}");
    }
}
