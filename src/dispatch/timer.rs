//! One thread that holds delayed work: the pauses of wait-until-active and of retry backoff,
//! and the deadlines of queued requests. When due, a job runs on this thread: it puts a delayed
//! step on the pool (so a waiting request occupies no worker), or ends a request that never
//! started, on time even while every worker is busy.

use super::pool::Job;
use crate::locks::{self, lock};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::Instant;

/// Runs on the timer thread when due: short work only (it may put a step on the pool, or run a
/// completion callback).
pub type Due = Job;

struct Timers {
    due: BinaryHeap<Reverse<(Instant, u64)>>,
    jobs: HashMap<u64, Due>,
    next: u64,
    closed: bool,
    /// When the timer thread wakes up next by itself (None: it waits for a notification): an
    /// entry due later needs no wake-up. Cancelled entries stay in the heap, so this may be
    /// earlier than the first live entry.
    wakes_at: Option<Instant>,
}

pub struct Timer {
    shared: Arc<(Mutex<Timers>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: ThreadId,
}

fn run_due(due: Due) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(due));
}

impl Timer {
    pub fn start(name: &str) -> std::io::Result<Timer> {
        let shared = Arc::new((
            Mutex::new(Timers {
                due: BinaryHeap::new(),
                jobs: HashMap::new(),
                next: 0,
                closed: false,
                wakes_at: None,
            }),
            Condvar::new(),
        ));
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("{name}-timer"))
            .stack_size(512 * 1024)
            .spawn(move || run(&s))?;
        Ok(Timer {
            shared,
            thread_id: thread.thread().id(),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Schedules `due` at `at` and returns an id for `cancel`. Once `close_and_join` began,
    /// hands `due` back instead: the caller decides what happens to it.
    pub fn schedule(&self, at: Instant, due: Due) -> Result<u64, Due> {
        let (m, cv) = &*self.shared;
        let mut t = lock(m);
        if t.closed {
            return Err(due);
        }
        let id = t.next;
        t.next += 1;
        t.due.push(Reverse((at, id)));
        t.jobs.insert(id, due);
        if t.wakes_at.is_none_or(|w| at < w) {
            // Set here too, so that the entries scheduled before the thread runs again do not
            // each notify it.
            t.wakes_at = Some(at);
            cv.notify_one();
        }
        Ok(id)
    }

    /// Takes the entry `id` back if it is not due yet; None when it already ran or went.
    pub fn cancel(&self, id: u64) -> Option<Due> {
        let (m, _) = &*self.shared;
        let mut t = lock(m);
        let taken = t.jobs.remove(&id);
        // Cancelled entries stay in the heap until due; rebuild it when they dominate, so a
        // busy client does not grow it without bound.
        if taken.is_some() && t.due.len() > 64 && t.due.len() > 2 * t.jobs.len() {
            let Timers { due, jobs, .. } = &mut *t;
            due.retain(|Reverse((_, id))| jobs.contains_key(id));
        }
        taken
    }

    /// Runs every entry now, on the timer thread, and stops that thread. Called from the timer
    /// thread itself (a callback freeing its client), it runs them here and does not wait for
    /// itself.
    pub fn close_and_join(&self) {
        let (m, cv) = &*self.shared;
        lock(m).closed = true;
        cv.notify_all();
        if self.thread_id == std::thread::current().id() {
            drain(m);
            return;
        }
        if let Some(h) = lock(&self.thread).take() {
            let _ = h.join();
        }
    }
}

/// Runs every entry left, now (the timer is closed: nothing new is added).
fn drain(m: &Mutex<Timers>) {
    let left: Vec<Due> = {
        let mut t = lock(m);
        t.due.clear();
        t.jobs.drain().map(|(_, d)| d).collect()
    };
    for due in left {
        run_due(due);
    }
}

fn run(shared: &(Mutex<Timers>, Condvar)) {
    let (m, cv) = shared;
    let mut t = lock(m);
    loop {
        if t.closed {
            drop(t);
            drain(m);
            return;
        }
        let now = Instant::now();
        if let Some(&Reverse((at, id))) = t.due.peek()
            && at <= now
        {
            t.due.pop();
            if let Some(due) = t.jobs.remove(&id) {
                // Run without the lock: a job may schedule or cancel entries.
                drop(t);
                run_due(due);
                t = lock(m);
            }
            continue;
        }
        t.wakes_at = t.due.peek().map(|&Reverse((at, _))| at);
        t = match t.wakes_at {
            Some(at) => locks::wait_timeout(cv, t, at.saturating_duration_since(now)).0,
            None => locks::wait(cv, t),
        };
    }
}
