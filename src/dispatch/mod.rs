//! Asynchronous requests: ids, cancellation, the bounded worker pool, delayed steps, and
//! delivery of each completion exactly once, on a worker or inside `poll`.

mod pool;
mod timer;

use crate::cancel::CancelToken;
use crate::config::HathoraDispatchMode;
use crate::error::HathoraResultCode;
use crate::outcome::Outcome;
use crate::sync::{self, lock};
use pool::Pool;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use timer::Timer;

/// Receives the request id and the outcome, exactly once.
pub type Completion = Box<dyn FnOnce(u64, Outcome) + Send + 'static>;

struct Core {
    mode: HathoraDispatchMode,
    capacity: usize,
    /// Accepted and not yet delivered; bounded by `capacity`.
    in_flight: AtomicUsize,
    next_id: AtomicU64,
    /// Guarded together with `tickets`, so no request slips in while shutdown cancels them all.
    open: AtomicBool,
    tickets: Mutex<HashMap<u64, Arc<Ticket>>>,
    /// Poll mode: completions waiting for `poll`.
    ready: Mutex<VecDeque<(Completion, u64, Outcome)>>,
    /// Poll mode: the threads running a callback inside `poll` right now (one entry per
    /// callback), so that shutdown can wait for those running on other threads.
    polling: Mutex<Vec<std::thread::ThreadId>>,
    polled: std::sync::Condvar,
}

struct Ticket {
    id: u64,
    cancel: CancelToken,
    done: Mutex<Option<Completion>>,
    /// The timer entry of a request waiting between two steps, so cancel can end the wait.
    waiting: Mutex<Option<u64>>,
}

/// The running side of one request: its cancel token, and the way to finish or continue it.
/// A task dropped without finishing completes with `InternalError`, so no callback is lost.
pub struct Task {
    ticket: Option<Arc<Ticket>>,
    core: Arc<Core>,
    pool: Arc<Pool>,
    timer: Arc<Timer>,
}

impl Task {
    pub fn cancel_token(&self) -> &CancelToken {
        &self
            .ticket
            .as_ref()
            .expect("a live task has its ticket")
            .cancel
    }

    pub fn complete(mut self, outcome: Outcome) {
        if let Some(t) = self.ticket.take() {
            finish(&self.core, &t, outcome);
        }
    }

    /// Continues the request with `step` on the pool after `delay`, holding no worker meanwhile.
    pub fn after(mut self, delay: Duration, step: impl FnOnce(Task) + Send + 'static) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let next = Task {
            ticket: Some(Arc::clone(&ticket)),
            core: Arc::clone(&self.core),
            pool: Arc::clone(&self.pool),
            timer: Arc::clone(&self.timer),
        };
        let job: pool::Job = Box::new(move || run_step(next, step));
        let entry = self.timer.schedule(Instant::now() + delay, job, &self.pool);
        *lock(&ticket.waiting) = Some(entry);
        // A cancel that came before `waiting` was set could not fire the entry: do it here.
        if ticket.cancel.reason().is_some() {
            self.timer.fire_now(entry, &self.pool);
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            finish(
                &self.core,
                &t,
                Outcome::failure(
                    HathoraResultCode::InternalError,
                    "the request ended without a result",
                ),
            );
        }
    }
}

fn run_step(task: Task, step: impl FnOnce(Task)) {
    // A panic drops the task, which completes it with InternalError.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || step(task)));
}

fn finish(core: &Core, ticket: &Ticket, mut outcome: Outcome) {
    let Some(done) = lock(&ticket.done).take() else {
        return;
    };
    {
        // The reason is read and the ticket removed under the tickets lock, under which `cancel`
        // also flips the token: a cancel comes either before (this request ends CANCELLED) or
        // after (it finds the request gone and says so), never in between.
        let mut tickets = lock(&core.tickets);
        if let Some(reason) = ticket.cancel.reason()
            && outcome.code != reason
        {
            outcome.message = Some(match reason {
                HathoraResultCode::ShutDown => {
                    "the client was freed before the request completed".into()
                }
                _ => "the request was cancelled".into(),
            });
            outcome.code = reason;
        }
        tickets.remove(&ticket.id);
    }
    match core.mode {
        HathoraDispatchMode::Worker => deliver(core, done, ticket.id, outcome),
        HathoraDispatchMode::Poll => lock(&core.ready).push_back((done, ticket.id, outcome)),
    }
}

fn deliver(core: &Core, done: Completion, id: u64, outcome: Outcome) {
    // Released before the callback runs: whatever the callback observes (a task it completes, a
    // next request it queues) already sees this request out of the count.
    core.in_flight.fetch_sub(1, Ordering::AcqRel);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || done(id, outcome)));
}

pub struct Dispatcher {
    core: Arc<Core>,
    pool: Arc<Pool>,
    timer: Arc<Timer>,
}

impl Dispatcher {
    pub fn start(
        mode: HathoraDispatchMode,
        threads: usize,
        capacity: usize,
    ) -> std::io::Result<Dispatcher> {
        let pool = Arc::new(Pool::start(threads, "hathora-worker")?);
        let timer = match Timer::start(Arc::clone(&pool), "hathora") {
            Ok(t) => Arc::new(t),
            Err(e) => {
                pool.close_and_join();
                return Err(e);
            }
        };
        let core = Arc::new(Core {
            mode,
            capacity,
            in_flight: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
            open: AtomicBool::new(true),
            tickets: Mutex::new(HashMap::new()),
            ready: Mutex::new(VecDeque::new()),
            polling: Mutex::new(Vec::new()),
            polled: std::sync::Condvar::new(),
        });
        Ok(Dispatcher { core, pool, timer })
    }

    /// Accepts a request: `work` runs on the pool and must finish its task; `done` then runs
    /// exactly once. Refused (and `done` dropped unrun) when full or shut down.
    pub fn submit(
        &self,
        done: Completion,
        work: impl FnOnce(Task) + Send + 'static,
    ) -> Result<u64, HathoraResultCode> {
        let core = &self.core;
        let mut tickets = lock(&core.tickets);
        if !core.open.load(Ordering::Acquire) {
            return Err(HathoraResultCode::ShutDown);
        }
        if core.in_flight.fetch_add(1, Ordering::AcqRel) >= core.capacity {
            core.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Err(HathoraResultCode::QueueFull);
        }
        let id = core.next_id.fetch_add(1, Ordering::Relaxed);
        let ticket = Arc::new(Ticket {
            id,
            cancel: CancelToken::default(),
            done: Mutex::new(Some(done)),
            waiting: Mutex::new(None),
        });
        tickets.insert(id, Arc::clone(&ticket));
        let task = Task {
            ticket: Some(ticket),
            core: Arc::clone(core),
            pool: Arc::clone(&self.pool),
            timer: Arc::clone(&self.timer),
        };
        self.pool.push(Box::new(move || run_step(task, work)));
        Ok(id)
    }

    /// Cancels a request that has not completed yet. Its callback still runs once, with
    /// `Cancelled`: at once if it is queued or waiting, else when its current attempt returns.
    pub fn cancel(&self, id: u64) -> bool {
        // Flipped under the tickets lock (see `finish`), so an OK here means a CANCELLED callback.
        let waiting = {
            let tickets = lock(&self.core.tickets);
            match tickets.get(&id) {
                Some(t) if t.cancel.cancel(HathoraResultCode::Cancelled) => *lock(&t.waiting),
                _ => return false,
            }
        };
        // A request waiting for its next step ends now rather than when the step is due.
        if let Some(entry) = waiting {
            self.timer.fire_now(entry, &self.pool);
        }
        true
    }

    /// Poll mode: runs up to `max` ready callbacks (0: all that are ready now) on this thread.
    pub fn poll(&self, max: usize) -> usize {
        let core = &self.core;
        let limit = if max == 0 {
            lock(&core.ready).len()
        } else {
            max
        };
        let me = std::thread::current().id();
        let mut ran = 0;
        while ran < limit {
            // Popped and registered under the `ready` lock: a shutdown that finds the queue
            // empty also finds this callback registered, and waits for it.
            let Some((done, id, outcome)) = ({
                let mut ready = lock(&core.ready);
                let next = ready.pop_front();
                if next.is_some() {
                    lock(&core.polling).push(me);
                }
                next
            }) else {
                break;
            };
            deliver(core, done, id, outcome);
            {
                let mut polling = lock(&core.polling);
                if let Some(i) = polling.iter().position(|t| *t == me) {
                    polling.swap_remove(i);
                }
            }
            core.polled.notify_all();
            ran += 1;
        }
        ran
    }

    /// Requests accepted whose callback has not started yet.
    pub fn pending(&self) -> usize {
        self.core.in_flight.load(Ordering::Acquire)
    }

    /// Refuses new requests, cancels the rest with `ShutDown`, calls `interrupt` (which aborts the
    /// HTTP attempts in progress), lets every request complete, joins the threads, and in poll
    /// mode runs the remaining callbacks here. Idempotent.
    pub fn shutdown(&self, interrupt: impl FnOnce()) {
        {
            let tickets = lock(&self.core.tickets);
            self.core.open.store(false, Ordering::Release);
            for t in tickets.values() {
                t.cancel.cancel(HathoraResultCode::ShutDown);
            }
        }
        interrupt();
        self.timer.close_and_join();
        self.pool.close_and_join();
        while self.poll(0) > 0 {}
        // Callbacks still running inside `poll` on other threads end before this returns (one
        // on this thread, a callback freeing its own client, is not waited for).
        let me = std::thread::current().id();
        let mut polling = lock(&self.core.polling);
        while polling.iter().any(|t| *t != me) {
            polling = sync::wait(&self.core.polled, polling);
        }
    }
}
