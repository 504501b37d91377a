//! Where one request stands between its submission and its completion, and the one way to end
//! it before its step starts.

use super::delivery::finish;
use super::{Completion, Runtime};
use crate::cancel::CancelToken;
use crate::locks::lock;
use crate::outcome::Outcome;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

pub(super) struct Ticket {
    pub(super) id: u64,
    pub(super) cancel: CancelToken,
    pub(super) done: Mutex<Option<Completion>>,
    /// The request's overall deadline, counted from its submission.
    pub(super) deadline: Instant,
    pub(super) stage: Mutex<Stage>,
    /// HTTP attempts made so far, for the result of a request ended while it waits.
    pub(super) attempts: AtomicU32,
}

/// Where a request stands between submission and completion.
pub(super) enum Stage {
    /// In the pool's queue; `deadline_entry` is the timer entry that ends it with `Timeout`
    /// if no worker is free before its deadline (armed only when it waits for a busy worker).
    Queued { deadline_entry: Option<u64> },
    /// A worker runs its step.
    Running,
    /// Waiting on the timer for its next step (`None` while the entry is being scheduled).
    Waiting { entry: Option<u64> },
    /// Ended before its step ran (cancelled, or its deadline passed while queued): the queued
    /// or delayed step is skipped when it comes up.
    Ended,
}

impl Ticket {
    /// A request just accepted: queued, no attempt made.
    pub(super) fn new(id: u64, done: Completion, deadline: Instant) -> Ticket {
        Ticket {
            id,
            cancel: CancelToken::default(),
            done: Mutex::new(Some(done)),
            deadline,
            stage: Mutex::new(Stage::Queued {
                deadline_entry: None,
            }),
            attempts: AtomicU32::new(0),
        }
    }

    /// Ends the request before its step starts, if `stage_ok` says it still may be ended so.
    pub(super) fn end_early(
        &self,
        rt: &Runtime,
        stage_ok: impl FnOnce(&Stage) -> bool,
        outcome: impl FnOnce() -> Outcome,
    ) {
        {
            let mut stage = lock(&self.stage);
            if !stage_ok(&stage) {
                return;
            }
            *stage = Stage::Ended;
        }
        let mut out = outcome();
        out.attempts = self.attempts.load(Ordering::Relaxed);
        finish(&rt.requests, self, out);
    }
}
