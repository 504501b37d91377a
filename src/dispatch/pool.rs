//! The elastic worker pool: one job queue; a worker is added while queued jobs outnumber the
//! workers coming for them (up to `max`), and a worker idle for `idle` retires (down to `min`),
//! so a burst of slow calls runs side by side and an idle client holds only its minimum.
//! Jobs already accepted always run, even during shutdown, so every request reaches its
//! completion once.
//!
//! A job pushed while another worker is inside a job is not handed to a parked or new worker at
//! once: the first worker to finish takes it, unless it waits `GRACE` (then one is added, by the
//! next worker to take a job or, if none does, by the timer within `BACKSTOP`). On a fast server
//! a worker then goes from one job to the next without parking and being woken for each (a
//! thread hand-off costs more than the job), while at real network latency every job of a burst
//! still gets its own worker within `BACKSTOP`.

use crate::locks::{self, lock};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Puts a job on the timer at an instant; false when the timer no longer accepts any.
pub type Defer = Box<dyn Fn(Instant, Job) -> bool + Send + Sync>;

/// Stack of each worker: a request needs far less (ureq, rustls, serde_json and a short
/// callback); the pages a thread never touches cost no memory, but a small reservation keeps
/// the address space of a pool at its maximum modest.
const WORKER_STACK: usize = 512 * 1024;

/// How long a job may wait for a busy worker to finish before a worker is added for it: far
/// above a loopback round trip, far below a network one.
const GRACE: Duration = Duration::from_micros(250);

/// When the timer checks for jobs waiting longer than `GRACE`: a worker taking its next job
/// checks first, so while workers come and go the timer never has to; it only covers the case
/// of every busy worker staying busy (calls at network latency).
const BACKSTOP: Duration = Duration::from_millis(1);

#[derive(Clone, Copy, Debug)]
pub struct Sizing {
    pub min: usize,
    pub max: usize,
    pub idle: Duration,
}

struct Queued {
    /// When a worker is added for it if it still waits.
    due: Instant,
    job: Job,
}

struct State {
    jobs: VecDeque<Queued>,
    closed: bool,
    /// Workers waiting for a job right now.
    idle: usize,
    /// Workers running a job right now.
    running: usize,
    /// Waiting workers woken for a job that have not looked at the queue yet. May undercount
    /// (a timed-out wait also counts itself off), which costs at most a spare wake-up, never a
    /// job without a worker.
    woken: usize,
    /// Workers started that have not looked at the queue yet.
    starting: usize,
    /// A check for jobs waiting longer than `GRACE` is on the timer.
    watched: bool,
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
    defer: Defer,
}

pub struct Pool {
    shared: Arc<Shared>,
}

impl Pool {
    /// Starts `sizing.min` workers at once; the rest start on demand. `defer` holds the checks
    /// for jobs that wait too long for a busy worker.
    pub fn start(sizing: Sizing, name: &str, defer: Defer) -> std::io::Result<Pool> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                closed: false,
                idle: 0,
                running: 0,
                woken: 0,
                starting: 0,
                watched: false,
                threads: 0,
                handles: HashMap::new(),
                retired: Vec::new(),
                next_worker: 0,
            }),
            wake: Condvar::new(),
            sizing,
            name: name.to_owned(),
            defer,
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

    /// Queues a job and makes sure a worker will take it: a busy one when it finishes, a
    /// waiting one, or a new one while below the maximum. Returns false when only a busy worker
    /// may be left for it (the caller then bounds its wait). Also accepted after
    /// `close_and_join` began, while workers still drain.
    pub fn push(&self, job: Job) -> bool {
        let shared = &self.shared;
        let mut s = lock(&shared.state);
        s.jobs.push_back(Queued {
            due: Instant::now() + GRACE,
            job,
        });
        if s.jobs.len() <= s.coming() {
            return true;
        }
        // Workers that could still be added: waiting ones not woken yet, and new ones.
        let addable = s.idle.saturating_sub(s.woken)
            + shared.sizing.max.saturating_sub(s.threads)
            + s.retired.len();
        if addable == 0 {
            return false;
        }
        if s.running > 0 && !s.closed && watch(shared, &mut s) {
            // Left to a busy worker; the check adds a worker for it if it waits, but only if
            // one is still left for it then (workers go to the queue in order).
            return s.jobs.len() - s.coming() <= addable;
        }
        add_worker(shared, &mut s)
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
                let stranded: Vec<Job> = s.jobs.drain(..).map(|q| q.job).collect();
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

impl State {
    /// Workers that will look at the queue without being asked again.
    fn coming(&self) -> usize {
        self.woken + self.starting
    }
}

/// Wakes a waiting worker for the queue, else starts one while below the maximum (joining
/// retired workers first when only they stand in the way). False when neither is possible.
fn add_worker(shared: &Arc<Shared>, s: &mut State) -> bool {
    if s.idle > s.woken {
        s.woken += 1;
        shared.wake.notify_one();
        return true;
    }
    if s.threads >= shared.sizing.max && !s.retired.is_empty() {
        // At the maximum only because retired workers are still exiting. They hold no lock and
        // need none on their way out, so joining them here cannot deadlock.
        for id in std::mem::take(&mut s.retired) {
            if let Some(h) = s.handles.remove(&id) {
                let _ = h.join();
                s.threads -= 1;
            }
        }
    }
    // When no thread can start, the job waits: for a busy worker, for its request's deadline
    // (on the timer), or for `close_and_join` to run it.
    s.threads < shared.sizing.max && spawn(shared, s).is_ok()
}

/// Makes sure a check runs when the first job no worker is coming for has waited `GRACE`.
/// False when the timer takes no more checks (shutting down).
fn watch(shared: &Arc<Shared>, s: &mut State) -> bool {
    if s.watched {
        return true;
    }
    // Jobs are due in the order they were queued; the first `coming` ones have a worker.
    let Some(due) = s.jobs.get(s.coming()).map(|q| q.due) else {
        return true;
    };
    let weak: Weak<Shared> = Arc::downgrade(shared);
    let check: Job = Box::new(move || {
        if let Some(shared) = weak.upgrade() {
            check_waiting(&shared);
        }
    });
    s.watched = (shared.defer)(due - GRACE + BACKSTOP, check);
    s.watched
}

/// On the timer: adds a worker for every job that has waited `GRACE` with none coming for it,
/// then watches the next one.
fn check_waiting(shared: &Arc<Shared>) {
    let mut s = lock(&shared.state);
    s.watched = false;
    let now = Instant::now();
    let overdue = s
        .jobs
        .iter()
        .skip(s.coming())
        .take_while(|q| q.due <= now)
        .count();
    for _ in 0..overdue {
        if !add_worker(shared, &mut s) {
            return;
        }
    }
    if s.jobs.len() > s.coming() && !watch(shared, &mut s) {
        // The timer is closing: nothing may wait on it any more.
        while s.jobs.len() > s.coming() && add_worker(shared, &mut s) {}
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
    s.starting += 1;
    s.handles.insert(id, handle);
    Ok(())
}

fn work(shared: &Arc<Shared>, me: u64) {
    let mut s = lock(&shared.state);
    s.starting -= 1;
    loop {
        if let Some(q) = s.jobs.pop_front() {
            s.running += 1;
            // The next job with no worker coming has waited too long: add one for it.
            if s.jobs
                .get(s.coming())
                .is_some_and(|next| next.due <= Instant::now())
            {
                add_worker(shared, &mut s);
            }
            drop(s);
            // Jobs catch their own panics; this is the last line of defence for the thread.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(q.job));
            s = lock(&shared.state);
            s.running -= 1;
            continue;
        }
        if s.closed {
            return;
        }
        s.idle += 1;
        let live = s.threads - s.retired.len();
        if live > shared.sizing.min {
            let (g, waited) = locks::wait_timeout(&shared.wake, s, shared.sizing.idle);
            s = g;
            s.idle -= 1;
            s.woken = s.woken.saturating_sub(1);
            let live = s.threads - s.retired.len();
            if waited.timed_out() && s.jobs.is_empty() && !s.closed && live > shared.sizing.min {
                s.retired.push(me);
                return;
            }
        } else {
            // At the minimum: sleep until there is work, with no periodic wake-up.
            s = locks::wait(&shared.wake, s);
            s.idle -= 1;
            s.woken = s.woken.saturating_sub(1);
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

    fn start(sizing: Sizing, timer: &Arc<super::super::timer::Timer>) -> Pool {
        let timer = Arc::clone(timer);
        Pool::start(
            sizing,
            "t-pool",
            Box::new(move |at, job| timer.schedule(at, job).is_ok()),
        )
        .unwrap()
    }

    fn timer() -> Arc<super::super::timer::Timer> {
        Arc::new(super::super::timer::Timer::start("t-pool").unwrap())
    }

    #[test]
    fn a_job_queued_behind_a_held_worker_gets_a_worker_of_its_own() {
        let timer = timer();
        let sizing = Sizing {
            min: 1,
            max: 2,
            idle: Duration::from_secs(10),
        };
        let pool = Arc::new(start(sizing, &timer));
        let (tx, rx) = mpsc::channel();
        let p = Arc::clone(&pool);
        pool.push(Box::new(move || {
            // Queued while this job runs: it must not wait for this job to end.
            let (inner_tx, inner_rx) = mpsc::channel();
            assert!(p.push(Box::new(move || inner_tx.send(()).unwrap())));
            let ran = inner_rx.recv_timeout(Duration::from_secs(30)).is_ok();
            tx.send(ran).unwrap();
        }));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(60)),
            Ok(true),
            "the second job ran while the first held its worker"
        );
        assert_eq!(threads_of(&pool), 2, "a second worker was added for it");
        timer.close_and_join();
        pool.close_and_join();
    }

    #[test]
    fn grows_to_the_jobs_in_flight_up_to_max_then_retires_to_min() {
        let timer = timer();
        let pool = start(
            Sizing {
                min: 1,
                max: 6,
                idle: Duration::from_millis(50),
            },
            &timer,
        );
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
        timer.close_and_join();
        pool.close_and_join();
        assert_eq!(threads_of(&pool), 0);
    }
}
