//! Accepting a request (an id, a ticket, its step on the pool), cancelling one, and shutting
//! the whole dispatcher down with every request completed once.

use super::busy::{self, Busy};
use super::ticket::{Stage, Ticket};
use super::timer::{Due, Timer};
use super::{Completion, Pool, Requests, Runtime, Sizing, Task, delivery, pool, task};
use crate::code::ResultCode;
use crate::config::DispatchMode;
use crate::locks::lock;
use crate::outcome::Outcome;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

pub struct Dispatcher {
    rt: Arc<Runtime>,
}

impl Dispatcher {
    pub fn start(
        mode: DispatchMode,
        sizing: Sizing,
        capacity: usize,
    ) -> std::io::Result<Dispatcher> {
        let timer = Arc::new(Timer::start("hathora")?);
        let on_timer = Arc::clone(&timer);
        let defer: pool::Defer = Box::new(move |at, job| on_timer.schedule(at, job).is_ok());
        let pool = match Pool::start(sizing, "hathora-worker", defer) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                timer.close_and_join();
                return Err(e);
            }
        };
        let requests = Arc::new(Requests {
            mode,
            capacity,
            in_flight: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
            open: AtomicBool::new(true),
            tickets: Mutex::new(HashMap::new()),
            ready: Mutex::new(VecDeque::new()),
            polling: Mutex::new(Vec::new()),
            polled: Condvar::new(),
            draining: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
        });
        Ok(Dispatcher {
            rt: Arc::new(Runtime {
                requests,
                pool,
                timer,
            }),
        })
    }

    /// Accepts a request whose overall deadline is `deadline`: `work` runs on the pool and must
    /// finish its task; `done` then runs exactly once. A request still queued at its deadline
    /// (every worker busy) completes with `Timeout` then. Refused (and `done` dropped unrun)
    /// when full or shut down.
    pub fn submit(
        &self,
        deadline: Instant,
        done: Completion,
        work: impl FnOnce(Task) + Send + 'static,
    ) -> Result<u64, ResultCode> {
        let requests = &self.rt.requests;
        let _busy = Busy::enter(requests);
        let ticket = {
            let mut tickets = lock(&requests.tickets);
            if !requests.open.load(Ordering::Acquire) {
                return Err(ResultCode::ShutDown);
            }
            if requests.in_flight.fetch_add(1, Ordering::AcqRel) >= requests.capacity {
                requests.in_flight.fetch_sub(1, Ordering::AcqRel);
                return Err(ResultCode::QueueFull);
            }
            let id = requests.next_id.fetch_add(1, Ordering::Relaxed);
            let ticket = Arc::new(Ticket::new(id, done, deadline));
            tickets.insert(id, Arc::clone(&ticket));
            ticket
        };
        let id = ticket.id;
        task::enqueue(&self.rt, ticket, work);
        Ok(id)
    }

    /// Cancels a request that has not completed yet. Its callback still runs once, with
    /// `Cancelled`: at once (on the timer thread, or in `poll`) if it is queued or waiting,
    /// else when its current attempt returns.
    pub fn cancel(&self, id: u64) -> bool {
        let _busy = Busy::enter(&self.rt.requests);
        // Flipped under the tickets lock (see `delivery::finish`), so an OK here means a
        // CANCELLED callback.
        let ticket = {
            let tickets = lock(&self.rt.requests.tickets);
            match tickets.get(&id) {
                Some(t) if t.cancel.cancel(ResultCode::Cancelled) => Arc::clone(t),
                _ => return false,
            }
        };
        let waiting = {
            let stage = lock(&ticket.stage);
            match *stage {
                Stage::Queued { deadline_entry } => Some((deadline_entry, false)),
                Stage::Waiting { entry } => Some((entry, true)),
                Stage::Running | Stage::Ended => None,
            }
        };
        // Not started: end it now on the timer thread, whatever the workers are doing.
        if let Some((entry, resumes)) = waiting {
            // The pending resume of a waiting request, or the deadline of a queued one.
            let taken = entry.and_then(|e| self.rt.timer.cancel(e));
            let (rt, t) = (Arc::clone(&self.rt), ticket);
            let end: Due = Box::new(move || {
                t.end_early(
                    &rt,
                    |s| matches!(s, Stage::Queued { .. } | Stage::Waiting { .. }),
                    || Outcome::failure(ResultCode::Cancelled, "the request was cancelled"),
                )
            });
            if self.rt.timer.schedule(Instant::now(), end).is_err()
                && resumes
                && let Some(resume) = taken
            {
                // Shutting down: a worker ends it instead; the resume puts its step on the pool
                // (a queued step is there already).
                resume();
            }
        }
        true
    }

    /// Poll mode: runs up to `max` ready callbacks (0: all that are ready now) on this thread.
    pub fn poll(&self, max: usize) -> usize {
        delivery::poll(&self.rt.requests, max)
    }

    /// Requests accepted whose callback has not started yet.
    pub fn pending(&self) -> usize {
        self.rt.requests.in_flight.load(Ordering::Acquire)
    }

    /// Refuses new requests, cancels the rest with `ShutDown`, calls `interrupt` (which aborts the
    /// HTTP attempts in progress), lets every request complete, joins the threads, and in poll
    /// mode runs the remaining callbacks here. Idempotent.
    pub fn shutdown(&self, interrupt: impl FnOnce()) {
        let requests = &self.rt.requests;
        {
            let tickets = lock(&requests.tickets);
            requests.open.store(false, Ordering::Release);
            for t in tickets.values() {
                t.cancel.cancel(ResultCode::ShutDown);
            }
        }
        // A submit or cancel that got past the tickets lock before it closed finishes putting its
        // work on the pool or the timer first.
        busy::wait_until_idle(requests);
        interrupt();
        self.rt.timer.close_and_join();
        self.rt.pool.close_and_join();
        delivery::drain(requests);
    }
}
