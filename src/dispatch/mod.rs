//! Asynchronous requests: ids, cancellation, the elastic worker pool, delayed steps, deadlines
//! counted from submission, and delivery of each completion exactly once, on a worker (or the
//! timer thread, for a request that ends before its step starts) or inside `poll`.

mod pool;
mod timer;

use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::config::DispatchMode;
use crate::locks::{self, lock};
use crate::outcome::Outcome;
use pool::Pool;
pub use pool::Sizing;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use timer::{Due, Timer};

/// Receives the request id and the outcome, exactly once.
pub type Completion = Box<dyn FnOnce(u64, Outcome) + Send + 'static>;

struct Core {
    mode: DispatchMode,
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
    /// `submit` and `cancel` calls in progress: they may still add work to the pool or the timer
    /// after the tickets lock, so shutdown waits for them before closing those.
    busy: AtomicUsize,
    /// Set (under `polling`) while a shutdown waits on `polled`: only then does a callback's end
    /// notify it, so that polling costs no wake-up syscall per callback.
    draining: AtomicBool,
}

struct Ticket {
    id: u64,
    cancel: CancelToken,
    done: Mutex<Option<Completion>>,
    /// The request's overall deadline, counted from its submission.
    deadline: Instant,
    stage: Mutex<Stage>,
    /// HTTP attempts made so far, for the result of a request ended while it waits.
    attempts: AtomicU32,
}

/// Where a request stands between submission and completion.
enum Stage {
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

/// What every task of a dispatcher shares.
struct Parts {
    core: Arc<Core>,
    pool: Arc<Pool>,
    timer: Arc<Timer>,
}

/// The running side of one request: its cancel token, and the way to finish or continue it.
/// A task dropped without finishing completes with `InternalError`, so no callback is lost.
pub struct Task {
    ticket: Option<Arc<Ticket>>,
    parts: Arc<Parts>,
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
            finish(&self.parts.core, &t, outcome);
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
                finish(&self.parts.core, &ticket, out);
                return;
            }
            *stage = Stage::Waiting { entry: None };
        }
        let (parts, t) = (Arc::clone(&self.parts), Arc::clone(&ticket));
        let resume: Due = Box::new(move || enqueue(&parts, t, step));
        let entry = match self.parts.timer.schedule(Instant::now() + delay, resume) {
            Ok(entry) => entry,
            // Shutting down: no wait, the step goes on the pool now (and sees the cancel).
            Err(resume) => return resume(),
        };
        let mut stage = lock(&ticket.stage);
        match *stage {
            Stage::Waiting { entry: None } => *stage = Stage::Waiting { entry: Some(entry) },
            Stage::Ended => {
                drop(stage);
                self.parts.timer.cancel(entry);
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
                &self.parts.core,
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
fn enqueue(parts: &Arc<Parts>, ticket: Arc<Ticket>, step: impl FnOnce(Task) + Send + 'static) {
    let mut stage = lock(&ticket.stage);
    if matches!(*stage, Stage::Ended) {
        return;
    }
    *stage = Stage::Queued {
        deadline_entry: None,
    };
    let task = Task {
        ticket: Some(Arc::clone(&ticket)),
        parts: Arc::clone(parts),
    };
    if parts.pool.push(Box::new(move || start(task, step))) {
        return;
    }
    drop(stage);
    let (p, t) = (Arc::clone(parts), Arc::clone(&ticket));
    let expire: Due = Box::new(move || {
        end_early(
            &p,
            &t,
            |s| matches!(s, Stage::Queued { .. }),
            || {
                Outcome::failure(
                    ResultCode::Timeout,
                    "the deadline passed while the request waited for a free worker",
                )
            },
        )
    });
    let Ok(entry) = parts.timer.schedule(ticket.deadline, expire) else {
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
            parts.timer.cancel(entry);
        }
    }
}

/// Ends a request whose step has not started, if `stage_ok` says it still may be ended so.
fn end_early(
    parts: &Parts,
    ticket: &Ticket,
    stage_ok: impl FnOnce(&Stage) -> bool,
    outcome: impl FnOnce() -> Outcome,
) {
    {
        let mut stage = lock(&ticket.stage);
        if !stage_ok(&stage) {
            return;
        }
        *stage = Stage::Ended;
    }
    let mut out = outcome();
    out.attempts = ticket.attempts.load(Ordering::Relaxed);
    finish(&parts.core, ticket, out);
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
        task.parts.timer.cancel(entry);
    }
    run_step(task, step);
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
                ResultCode::ShutDown => crate::outcome::CLIENT_FREED.into(),
                _ => crate::outcome::CANCELLED.into(),
            });
            outcome.code = reason;
        }
        tickets.remove(&ticket.id);
    }
    match core.mode {
        DispatchMode::Worker => deliver(core, done, ticket.id, outcome),
        DispatchMode::Poll => lock(&core.ready).push_back((done, ticket.id, outcome)),
    }
}

fn deliver(core: &Core, done: Completion, id: u64, outcome: Outcome) {
    // Released before the callback runs: whatever the callback observes (a task it completes, a
    // next request it queues) already sees this request out of the count.
    core.in_flight.fetch_sub(1, Ordering::AcqRel);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || done(id, outcome)));
}

/// Counts a `submit` or `cancel` in progress for as long as it lives.
struct Busy<'a>(&'a AtomicUsize);

impl<'a> Busy<'a> {
    fn enter(core: &'a Core) -> Busy<'a> {
        core.busy.fetch_add(1, Ordering::AcqRel);
        Busy(&core.busy)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub struct Dispatcher {
    parts: Arc<Parts>,
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
            draining: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
        });
        Ok(Dispatcher {
            parts: Arc::new(Parts { core, pool, timer }),
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
        let core = &self.parts.core;
        let _busy = Busy::enter(core);
        let ticket = {
            let mut tickets = lock(&core.tickets);
            if !core.open.load(Ordering::Acquire) {
                return Err(ResultCode::ShutDown);
            }
            if core.in_flight.fetch_add(1, Ordering::AcqRel) >= core.capacity {
                core.in_flight.fetch_sub(1, Ordering::AcqRel);
                return Err(ResultCode::QueueFull);
            }
            let id = core.next_id.fetch_add(1, Ordering::Relaxed);
            let ticket = Arc::new(Ticket {
                id,
                cancel: CancelToken::default(),
                done: Mutex::new(Some(done)),
                deadline,
                stage: Mutex::new(Stage::Queued {
                    deadline_entry: None,
                }),
                attempts: AtomicU32::new(0),
            });
            tickets.insert(id, Arc::clone(&ticket));
            ticket
        };
        let id = ticket.id;
        enqueue(&self.parts, ticket, work);
        Ok(id)
    }

    /// Cancels a request that has not completed yet. Its callback still runs once, with
    /// `Cancelled`: at once (on the timer thread, or in `poll`) if it is queued or waiting,
    /// else when its current attempt returns.
    pub fn cancel(&self, id: u64) -> bool {
        let _busy = Busy::enter(&self.parts.core);
        // Flipped under the tickets lock (see `finish`), so an OK here means a CANCELLED callback.
        let ticket = {
            let tickets = lock(&self.parts.core.tickets);
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
            let taken = entry.and_then(|e| self.parts.timer.cancel(e));
            let (p, t) = (Arc::clone(&self.parts), ticket);
            let end: Due = Box::new(move || {
                end_early(
                    &p,
                    &t,
                    |s| matches!(s, Stage::Queued { .. } | Stage::Waiting { .. }),
                    || Outcome::failure(ResultCode::Cancelled, "the request was cancelled"),
                )
            });
            if self.parts.timer.schedule(Instant::now(), end).is_err()
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
        let core = &self.parts.core;
        let limit = if max == 0 {
            lock(&core.ready).len()
        } else {
            max
        };
        let me = std::thread::current().id();
        let mut ran = 0;
        let mut registered = false;
        while ran < limit {
            // Popped and (the first time) registered under the `ready` lock: a shutdown that
            // finds the queue empty also finds this thread registered, and waits for it.
            let Some((done, id, outcome)) = ({
                let mut ready = lock(&core.ready);
                let next = ready.pop_front();
                if next.is_some() && !registered {
                    lock(&core.polling).push(me);
                    registered = true;
                }
                next
            }) else {
                break;
            };
            deliver(core, done, id, outcome);
            ran += 1;
        }
        if registered {
            let mut polling = lock(&core.polling);
            if let Some(i) = polling.iter().position(|t| *t == me) {
                polling.swap_remove(i);
            }
            if core.draining.load(Ordering::Acquire) {
                core.polled.notify_all();
            }
        }
        ran
    }

    /// Requests accepted whose callback has not started yet.
    pub fn pending(&self) -> usize {
        self.parts.core.in_flight.load(Ordering::Acquire)
    }

    /// Refuses new requests, cancels the rest with `ShutDown`, calls `interrupt` (which aborts the
    /// HTTP attempts in progress), lets every request complete, joins the threads, and in poll
    /// mode runs the remaining callbacks here. Idempotent.
    pub fn shutdown(&self, interrupt: impl FnOnce()) {
        {
            let tickets = lock(&self.parts.core.tickets);
            self.parts.core.open.store(false, Ordering::Release);
            for t in tickets.values() {
                t.cancel.cancel(ResultCode::ShutDown);
            }
        }
        // A submit or cancel that got past the tickets lock before it closed finishes putting its
        // work on the pool or the timer first (neither waits for anything shutdown holds).
        while self.parts.core.busy.load(Ordering::Acquire) > 0 {
            std::thread::yield_now();
        }
        interrupt();
        self.parts.timer.close_and_join();
        self.parts.pool.close_and_join();
        while self.poll(0) > 0 {}
        // Callbacks still running inside `poll` on other threads end before this returns (one
        // on this thread, a callback freeing its own client, is not waited for).
        let me = std::thread::current().id();
        let core = &self.parts.core;
        let mut polling = lock(&core.polling);
        core.draining.store(true, Ordering::Release);
        while polling.iter().any(|t| *t != me) {
            polling = locks::wait(&core.polled, polling);
        }
    }
}
