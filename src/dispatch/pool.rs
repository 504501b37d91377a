//! The elastic worker pool: one job queue; a worker is added while queued jobs outnumber the
//! idle workers (up to `max`), and a worker idle for `idle` retires (down to `min`), so a burst
//! of slow calls runs side by side and an idle client holds only its minimum. Jobs already
//! accepted always run, even during shutdown, so every request reaches its completion once.

use crate::sync::{self, lock};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Stack of each worker: a request needs far less (ureq, rustls, serde_json and a short
/// callback); the pages a thread never touches cost no memory, but a small reservation keeps
/// the address space of a pool at its maximum modest.
const WORKER_STACK: usize = 512 * 1024;

#[derive(Clone, Copy, Debug)]
pub struct Sizing {
    pub min: usize,
    pub max: usize,
    pub idle: Duration,
}

struct State {
    jobs: VecDeque<Job>,
    closed: bool,
    /// Workers waiting for a job right now.
    idle: usize,
    /// Worker threads that exist, counting retired ones until they are joined, so the process
    /// never holds more than `max` of them.
    threads: usize,
    handles: HashMap<u64, JoinHandle<()>>,
    /// Workers that retired and are exiting: joined before another one starts.
    retired: Vec<u64>,
    next_worker: u64,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    sizing: Sizing,
    name: String,
}

pub struct Pool {
    shared: Arc<Shared>,
}

impl Pool {
    /// Starts `sizing.min` workers at once; the rest start on demand.
    pub fn start(sizing: Sizing, name: &str) -> std::io::Result<Pool> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                closed: false,
                idle: 0,
                threads: 0,
                handles: HashMap::new(),
                retired: Vec::new(),
                next_worker: 0,
            }),
            wake: Condvar::new(),
            sizing,
            name: name.to_owned(),
        });
        let pool = Pool { shared };
        {
            let mut s = lock(&pool.shared.state);
            for _ in 0..sizing.min {
                if let Err(e) = spawn(&pool.shared, &mut s) {
                    drop(s);
                    pool.close_and_join();
                    return Err(e);
                }
            }
        }
        Ok(pool)
    }

    /// Queues a job and makes sure a worker will take it: an idle one, else a new one while
    /// below the maximum. Returns false when the job waits for a busy worker to finish. Also
    /// accepted after `close_and_join` began, while workers still drain.
    pub fn push(&self, job: Job) -> bool {
        let shared = &self.shared;
        let mut s = lock(&shared.state);
        s.jobs.push_back(job);
        loop {
            if s.jobs.len() <= s.idle {
                shared.wake.notify_one();
                return true;
            }
            if s.threads < shared.sizing.max {
                // When no thread can start, the job waits: for a later push to start one, for its
                // request's deadline (on the timer), or for `close_and_join` to run it.
                return spawn(shared, &mut s).is_ok();
            }
            if s.retired.is_empty() {
                return false;
            }
            // At the maximum only because retired workers are still exiting: join them first.
            let ids = std::mem::take(&mut s.retired);
            let exiting: Vec<_> = ids.iter().filter_map(|id| s.handles.remove(id)).collect();
            drop(s);
            let joined = exiting.len();
            for h in exiting {
                let _ = h.join();
            }
            s = lock(&shared.state);
            s.threads -= joined;
        }
    }

    /// Lets the workers finish every queued job, then joins them. A worker that calls this
    /// (a callback freeing its own client) is not joined: it exits once its job returns.
    pub fn close_and_join(&self) {
        let shared = &*self.shared;
        let me = std::thread::current().id();
        let mut s = lock(&shared.state);
        s.closed = true;
        shared.wake.notify_all();
        loop {
            // Jobs pushed while draining may start new workers: repeat until none is left.
            let mut others = Vec::new();
            for (id, h) in std::mem::take(&mut s.handles) {
                if h.thread().id() == me {
                    s.handles.insert(id, h);
                } else {
                    others.push((id, h));
                }
            }
            if others.is_empty() {
                if !s.handles.is_empty() {
                    // The caller is a worker: it drains the queue once its job returns.
                    return;
                }
                // Left only if no worker could be started: run them here, so none is lost.
                let stranded: Vec<Job> = s.jobs.drain(..).collect();
                drop(s);
                for job in stranded {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
                return;
            }
            drop(s);
            let joined: Vec<u64> = others
                .into_iter()
                .map(|(id, h)| {
                    let _ = h.join();
                    id
                })
                .collect();
            s = lock(&shared.state);
            s.threads -= joined.len();
            s.retired.retain(|id| !joined.contains(id));
        }
    }
}

/// Starts one worker; called with the state locked, so the new worker's handle is recorded
/// before that worker can look at the state.
fn spawn(shared: &Arc<Shared>, s: &mut State) -> std::io::Result<()> {
    let id = s.next_worker;
    let for_worker = Arc::clone(shared);
    let handle = std::thread::Builder::new()
        .name(format!("{}-{id}", shared.name))
        .stack_size(WORKER_STACK)
        .spawn(move || work(&for_worker, id))?;
    s.next_worker += 1;
    s.threads += 1;
    s.handles.insert(id, handle);
    Ok(())
}

fn work(shared: &Shared, me: u64) {
    let mut s = lock(&shared.state);
    loop {
        if let Some(job) = s.jobs.pop_front() {
            drop(s);
            // Jobs catch their own panics; this is the last line of defence for the thread.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            s = lock(&shared.state);
            continue;
        }
        if s.closed {
            return;
        }
        s.idle += 1;
        let live = s.threads - s.retired.len();
        if live > shared.sizing.min {
            let (g, waited) = sync::wait_timeout(&shared.wake, s, shared.sizing.idle);
            s = g;
            s.idle -= 1;
            let live = s.threads - s.retired.len();
            if waited.timed_out() && s.jobs.is_empty() && !s.closed && live > shared.sizing.min {
                s.retired.push(me);
                return;
            }
        } else {
            // At the minimum: sleep until there is work, with no periodic wake-up.
            s = sync::wait(&shared.wake, s);
            s.idle -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    fn threads_of(pool: &Pool) -> usize {
        lock(&pool.shared.state).threads
    }

    #[test]
    fn grows_to_the_jobs_in_flight_up_to_max_then_retires_to_min() {
        let pool = Pool::start(
            Sizing {
                min: 1,
                max: 6,
                idle: Duration::from_millis(50),
            },
            "t-pool",
        )
        .unwrap();
        assert_eq!(threads_of(&pool), 1, "starts with min");
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release_rx = Arc::new(Mutex::new(release_rx));
        let started = Arc::new(AtomicUsize::new(0));
        let (ran_tx, ran_rx) = mpsc::channel();
        for _ in 0..10 {
            let (rx, started, ran) = (
                Arc::clone(&release_rx),
                Arc::clone(&started),
                ran_tx.clone(),
            );
            pool.push(Box::new(move || {
                started.fetch_add(1, Ordering::SeqCst);
                let _ = rx.lock().unwrap().recv_timeout(Duration::from_secs(30));
                ran.send(()).unwrap();
            }));
        }
        let t0 = std::time::Instant::now();
        while started.load(Ordering::SeqCst) < 6 && t0.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            started.load(Ordering::SeqCst),
            6,
            "six jobs run side by side"
        );
        assert_eq!(threads_of(&pool), 6, "never more than max");
        for _ in 0..10 {
            release_tx.send(()).unwrap();
        }
        for i in 0..10 {
            ran_rx
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("job {i} ran"));
        }
        let t0 = std::time::Instant::now();
        while threads_of(&pool) - lock(&pool.shared.state).retired.len() > 1
            && t0.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            threads_of(&pool) - lock(&pool.shared.state).retired.len(),
            1,
            "back to min"
        );
        // A new burst after retirement still runs everything (retired workers are reaped).
        let (tx, rx) = mpsc::channel();
        for _ in 0..8 {
            let tx = tx.clone();
            pool.push(Box::new(move || tx.send(()).unwrap()));
        }
        for i in 0..8 {
            rx.recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("second burst job {i}"));
        }
        pool.close_and_join();
        assert_eq!(threads_of(&pool), 0);
    }
}
