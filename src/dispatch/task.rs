//! The running side of one request, as the code that runs its steps sees it: finish it, or
//! continue it after a delay without holding a worker; and how a step gets to a worker.

use super::Runtime;
use super::delivery::finish;
use super::ticket::{Stage, Ticket};
use super::timer::Due;
use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::locks::lock;
use crate::outcome::Outcome;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The running side of one request: its cancel token, and the way to finish or continue it.
/// A task dropped without finishing completes with `InternalError`, so no callback is lost.
pub struct Task {
    ticket: Option<Arc<Ticket>>,
    rt: Arc<Runtime>,
}

impl Task {
    pub fn cancel_token(&self) -> &CancelToken {
        &self.ticket().cancel
    }

    /// The request's overall deadline, counted from its submission.
    pub fn deadline(&self) -> Instant {
        self.ticket().deadline
    }

    fn ticket(&self) -> &Ticket {
        self.ticket.as_ref().expect("a live task has its ticket")
    }

    pub fn complete(mut self, outcome: Outcome) {
        if let Some(t) = self.ticket.take() {
            finish(&self.rt.requests, &t, outcome);
        }
    }

    /// Continues the request with `step` on the pool after `delay`, holding no worker meanwhile.
    /// A cancel during the wait completes the request at once.
    /// `attempts` (made so far) goes in the result if the request ends during the wait.
    pub fn after(
        mut self,
        delay: Duration,
        attempts: u32,
        step: impl FnOnce(Task) + Send + 'static,
    ) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        ticket.attempts.store(attempts, Ordering::Relaxed);
        {
            let mut stage = lock(&ticket.stage);
            if ticket.cancel.reason().is_some() {
                drop(stage);
                // Cancelled while its step ran: end here (finish reports the cancel reason).
                let mut out = Outcome::failure(ResultCode::Cancelled, "the request was cancelled");
                out.attempts = attempts;
                finish(&self.rt.requests, &ticket, out);
                return;
            }
            *stage = Stage::Waiting { entry: None };
        }
        let (rt, t) = (Arc::clone(&self.rt), Arc::clone(&ticket));
        let resume: Due = Box::new(move || enqueue(&rt, t, step));
        let entry = match self.rt.timer.schedule(Instant::now() + delay, resume) {
            Ok(entry) => entry,
            // Shutting down: no wait, the step goes on the pool now (and sees the cancel).
            Err(resume) => return resume(),
        };
        let mut stage = lock(&ticket.stage);
        match *stage {
            Stage::Waiting { entry: None } => *stage = Stage::Waiting { entry: Some(entry) },
            Stage::Ended => {
                drop(stage);
                self.rt.timer.cancel(entry);
            }
            // Already due and queued again.
            _ => {}
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            finish(
                &self.rt.requests,
                &t,
                Outcome::failure(
                    ResultCode::InternalError,
                    "the request ended without a result",
                ),
            );
        }
    }
}

/// Puts the next step of a request on the pool. When no worker is free for it, a timer entry
/// ends it with `Timeout` at its deadline unless a worker takes it first.
pub(super) fn enqueue(
    rt: &Arc<Runtime>,
    ticket: Arc<Ticket>,
    step: impl FnOnce(Task) + Send + 'static,
) {
    let mut stage = lock(&ticket.stage);
    if matches!(*stage, Stage::Ended) {
        return;
    }
    *stage = Stage::Queued {
        deadline_entry: None,
    };
    let task = Task {
        ticket: Some(Arc::clone(&ticket)),
        rt: Arc::clone(rt),
    };
    if rt.pool.push(Box::new(move || start(task, step))) {
        return;
    }
    drop(stage);
    let (r, t) = (Arc::clone(rt), Arc::clone(&ticket));
    let expire: Due = Box::new(move || {
        t.end_early(
            &r,
            |s| matches!(s, Stage::Queued { .. }),
            || {
                Outcome::failure(
                    ResultCode::Timeout,
                    "the deadline passed while the request waited for a free worker",
                )
            },
        )
    });
    let Ok(entry) = rt.timer.schedule(ticket.deadline, expire) else {
        // Shutting down: the queued step runs soon and ends with SHUT_DOWN.
        return;
    };
    let mut stage = lock(&ticket.stage);
    match &mut *stage {
        Stage::Queued {
            deadline_entry: slot @ None,
        } => *slot = Some(entry),
        // A worker took it meanwhile (or it already expired): the entry is not needed.
        _ => {
            drop(stage);
            rt.timer.cancel(entry);
        }
    }
}

/// A worker takes a request's step: skipped when the request already ended.
fn start(mut task: Task, step: impl FnOnce(Task)) {
    let ticket = Arc::clone(task.ticket.as_ref().expect("a queued task has its ticket"));
    let expire = {
        let mut stage = lock(&ticket.stage);
        match std::mem::replace(&mut *stage, Stage::Running) {
            Stage::Ended => {
                *stage = Stage::Ended;
                // Already completed by whoever ended it: drop without a second completion.
                task.ticket = None;
                return;
            }
            Stage::Queued { deadline_entry } => deadline_entry,
            _ => None,
        }
    };
    if let Some(entry) = expire {
        task.rt.timer.cancel(entry);
    }
    // A panic drops the task, which completes it with InternalError.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || step(task)));
}
