//! One thread that holds delayed jobs (the pauses of wait-until-active) and hands each to the
//! pool when due, so a waiting request occupies no worker.

use super::pool::{Job, Pool};
use crate::sync;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

struct Timers {
    due: BinaryHeap<Reverse<(Instant, u64)>>,
    jobs: HashMap<u64, Job>,
    next: u64,
    closed: bool,
}

pub struct Timer {
    shared: Arc<(Mutex<Timers>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Timer {
    pub fn start(pool: Arc<Pool>, name: &str) -> std::io::Result<Timer> {
        let shared = Arc::new((
            Mutex::new(Timers {
                due: BinaryHeap::new(),
                jobs: HashMap::new(),
                next: 0,
                closed: false,
            }),
            Condvar::new(),
        ));
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("{name}-timer"))
            .spawn(move || run(&s, &pool))?;
        Ok(Timer {
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Runs `job` on the pool at `at`; after `close_and_join` the pool gets it at once.
    /// Returns an id for `fire_now`.
    pub fn schedule(&self, at: Instant, job: Job, pool: &Pool) -> u64 {
        let (lock, cv) = &*self.shared;
        let mut t = sync::lock(lock);
        let id = t.next;
        t.next += 1;
        if t.closed {
            drop(t);
            pool.push(job);
            return id;
        }
        t.due.push(Reverse((at, id)));
        t.jobs.insert(id, job);
        cv.notify_one();
        id
    }

    /// Hands the job `id` to the pool now, if it is still waiting (a cancelled wait ends at once).
    pub fn fire_now(&self, id: u64, pool: &Pool) {
        let (lock, _) = &*self.shared;
        let job = sync::lock(lock).jobs.remove(&id);
        if let Some(job) = job {
            pool.push(job);
        }
    }

    /// Hands every waiting job to the pool now and stops the thread.
    pub fn close_and_join(&self) {
        let (lock, cv) = &*self.shared;
        sync::lock(lock).closed = true;
        cv.notify_all();
        if let Some(h) = sync::lock(&self.thread).take() {
            let _ = h.join();
        }
    }
}

fn run(shared: &(Mutex<Timers>, Condvar), pool: &Pool) {
    let (lock, cv) = shared;
    let mut t = sync::lock(lock);
    loop {
        let now = Instant::now();
        while let Some(&Reverse((at, id))) = t.due.peek() {
            if at > now && !t.closed {
                break;
            }
            t.due.pop();
            if let Some(job) = t.jobs.remove(&id) {
                pool.push(job);
            }
        }
        if t.closed {
            return;
        }
        t = match t.due.peek() {
            Some(&Reverse((at, _))) => {
                sync::wait_timeout(cv, t, at.saturating_duration_since(now)).0
            }
            None => sync::wait(cv, t),
        };
    }
}
