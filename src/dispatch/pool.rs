//! A fixed set of worker threads draining one job queue. Jobs already accepted always run,
//! even during shutdown, so every request reaches its completion exactly once.

use crate::sync;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

pub type Job = Box<dyn FnOnce() + Send + 'static>;

struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

pub struct Pool {
    shared: Arc<(Mutex<Queue>, Condvar)>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl Pool {
    pub fn start(threads: usize, name: &str) -> std::io::Result<Pool> {
        let shared = Arc::new((
            Mutex::new(Queue {
                jobs: VecDeque::new(),
                closed: false,
            }),
            Condvar::new(),
        ));
        let mut workers = Vec::with_capacity(threads);
        for i in 0..threads {
            let for_worker = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || work(&for_worker));
            match spawned {
                Ok(h) => workers.push(h),
                Err(e) => {
                    let pool = Pool {
                        shared,
                        workers: Mutex::new(workers),
                    };
                    pool.close_and_join();
                    return Err(e);
                }
            }
        }
        Ok(Pool {
            shared,
            workers: Mutex::new(workers),
        })
    }

    /// Queues a job. Also accepted after `close_and_join` began, while workers still drain.
    pub fn push(&self, job: Job) {
        let (lock, cv) = &*self.shared;
        sync::lock(lock).jobs.push_back(job);
        cv.notify_one();
    }

    /// Lets the workers finish every queued job, then joins them. A worker that calls this
    /// (a callback freeing its own client) is not joined: it exits once its job returns.
    pub fn close_and_join(&self) {
        let (lock, cv) = &*self.shared;
        sync::lock(lock).closed = true;
        cv.notify_all();
        let me = std::thread::current().id();
        let workers = std::mem::take(&mut *sync::lock(&self.workers));
        for h in workers {
            if h.thread().id() != me {
                let _ = h.join();
            }
        }
    }
}

fn work(shared: &(Mutex<Queue>, Condvar)) {
    let (lock, cv) = shared;
    loop {
        let job = {
            let mut q = sync::lock(lock);
            loop {
                if let Some(job) = q.jobs.pop_front() {
                    break job;
                }
                if q.closed {
                    return;
                }
                q = sync::wait(cv, q);
            }
        };
        // Jobs catch their own panics; this is the last line of defence for the thread.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}
