//! The raw-ureq floor for `bench/run.sh`: GetConnectionInfo on one room with a ureq 3 `Agent`
//! used directly (no retry loop, no dispatch, no JSON model), from CONCURRENCY threads sharing
//! the agent, each sending its requests one after the other on its own keep-alive connection.
//! Anything built on ureq (this library included) cannot beat this.
//!
//! Run: `cargo run --release --example bench_ureq -- URL ROOM N CONCURRENCY [MAX_SECONDS] [WARMUP_SECONDS] [--timeouts] [--handoff]`
//!
//! N bounds the measured requests (all threads together) and MAX_SECONDS (default 5) bounds the
//! measured time: the run stops at whichever comes first. A warm-up of WARMUP_SECONDS (default
//! 0.5, at most 2000 requests) runs first and is not counted. Prints one line of `key=value`
//! pairs: requests, errors, seconds, requests/s, p50/p99 latency in microseconds.
//!
//! `--handoff` is a diagnostic: the floor of poll-style dispatch on blocking ureq, with no library
//! code at all. CONCURRENCY workers take requests from one queue and hand each response to the
//! main thread, which (like `bench/c/bench.c` in poll mode) collects the finished ones, sleeping
//! 20 us whenever none are ready, and queues the next request for each, CONCURRENCY in flight.
//! A queued request wakes a waiting worker only when no worker is inside a request, or when it
//! has waited 250 us (the library's pool rule), so busy workers go from one request to the next.
//!
//! `--timeouts` is a diagnostic: each request then carries a per-request config with
//! `timeout_global(15 s)` and `timeout_connect(5 s)`, as the library's transport sets them. With
//! any such timeout, ureq 3.5's `DefaultResolver` resolves the host on a newly spawned thread
//! for every request (also when a pooled keep-alive connection is then reused), and this shows
//! what that costs on its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use ureq::Agent;

fn arg<T: std::str::FromStr>(args: &[String], i: usize, name: &str, default: Option<T>) -> T {
    match args.get(i) {
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| usage(&format!("bad {name}: {v}"))),
        None => default.unwrap_or_else(|| usage(&format!("missing {name}"))),
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("bench_ureq: {msg}");
    eprintln!(
        "usage: bench_ureq URL ROOM N CONCURRENCY [MAX_SECONDS] [WARMUP_SECONDS] [--timeouts] [--handoff]"
    );
    std::process::exit(2)
}

/// A 200 answer with a body read to its end.
fn answered(sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> bool {
    match sent {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let body = resp.body_mut().read_to_vec();
            status == 200 && body.is_ok_and(|b| !b.is_empty())
        }
        Err(_) => false,
    }
}

fn micros_since(t0: Instant) -> u32 {
    t0.elapsed().as_micros().min(u32::MAX as u128) as u32
}

/// One phase: every thread sends until `budget` requests were claimed or `until` passed.
/// Returns (latencies in microseconds, errors, elapsed).
fn phase(
    agent: &Agent,
    url: &Arc<String>,
    threads: usize,
    budget: u64,
    limit: Duration,
    timeouts: bool,
) -> (Vec<u32>, u64, Duration) {
    let claimed = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let until = start + limit;
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (agent, url) = (agent.clone(), Arc::clone(url));
            let (claimed, errors) = (Arc::clone(&claimed), Arc::clone(&errors));
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(4096);
                while claimed.fetch_add(1, Ordering::Relaxed) < budget {
                    let t0 = Instant::now();
                    if t0 >= until {
                        break;
                    }
                    let req = agent.get(url.as_str());
                    let sent = if timeouts {
                        req.config()
                            .timeout_global(Some(Duration::from_secs(15)))
                            .timeout_connect(Some(Duration::from_secs(5)))
                            .build()
                            .call()
                    } else {
                        req.call()
                    };
                    if answered(sent) {
                        lat.push(micros_since(t0));
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().expect("bench thread panicked"));
    }
    (all, errors.load(Ordering::Relaxed), start.elapsed())
}

#[derive(Default)]
struct Queue {
    /// Requests to send, each with the time it was queued.
    jobs: std::collections::VecDeque<Instant>,
    /// Workers inside a request.
    running: usize,
    closed: bool,
}

/// `--handoff`: like `phase`, but requests pass through a queue to the workers and their
/// responses back to this thread, one hop each way.
fn phase_handoff(
    agent: &Agent,
    url: &Arc<String>,
    threads: usize,
    budget: u64,
    limit: Duration,
) -> (Vec<u32>, u64, Duration) {
    use std::sync::{Condvar, Mutex};
    const GRACE: Duration = Duration::from_micros(250);
    let queue = Arc::new((Mutex::new(Queue::default()), Condvar::new()));
    let done: Arc<Mutex<Vec<(Instant, bool)>>> = Arc::default();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (agent, url, queue, done) = (
                agent.clone(),
                Arc::clone(url),
                Arc::clone(&queue),
                Arc::clone(&done),
            );
            std::thread::spawn(move || {
                let (lock, wake) = &*queue;
                let mut q = lock.lock().unwrap();
                loop {
                    let Some(t0) = q.jobs.pop_front() else {
                        if q.closed {
                            return;
                        }
                        q = wake.wait(q).unwrap();
                        continue;
                    };
                    q.running += 1;
                    drop(q);
                    let ok = answered(agent.get(url.as_str()).call());
                    done.lock().unwrap().push((t0, ok));
                    q = lock.lock().unwrap();
                    q.running -= 1;
                }
            })
        })
        .collect();
    let (lock, wake) = &*queue;
    let start = Instant::now();
    let until = start + limit;
    let (mut lat, mut errors, mut sent, mut outstanding) = (Vec::new(), 0u64, 0u64, 0usize);
    let submit = |q: &mut Queue| {
        q.jobs.push_back(Instant::now());
        if q.running == 0 {
            wake.notify_one();
        }
    };
    {
        let mut q = lock.lock().unwrap();
        while sent < budget && (sent as usize) < threads {
            submit(&mut q);
            sent += 1;
            outstanding += 1;
        }
    }
    let mut finished = Vec::new();
    while outstanding > 0 {
        std::mem::swap(&mut finished, &mut *done.lock().unwrap());
        if finished.is_empty() {
            std::thread::sleep(Duration::from_micros(20));
        }
        let now = Instant::now();
        let mut q = lock.lock().unwrap();
        for (t0, ok) in finished.drain(..) {
            outstanding -= 1;
            if ok {
                lat.push(micros_since(t0));
            } else {
                errors += 1;
            }
            if sent < budget && now < until {
                submit(&mut q);
                sent += 1;
                outstanding += 1;
            }
        }
        // The pool rule's backstop: a request that waited GRACE gets a waiting worker.
        if q.jobs
            .front()
            .is_some_and(|t| now.duration_since(*t) >= GRACE)
        {
            wake.notify_one();
        }
    }
    lock.lock().unwrap().closed = true;
    wake.notify_all();
    for w in workers {
        w.join().expect("bench worker panicked");
    }
    (lat, errors, start.elapsed())
}

fn pct(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let timeouts = all.iter().any(|a| a == "--timeouts");
    let handoff = all.iter().any(|a| a == "--handoff");
    if timeouts && handoff {
        usage("--timeouts and --handoff are separate diagnostics");
    }
    let args: Vec<String> = all.into_iter().filter(|a| !a.starts_with("--")).collect();
    let base: String = arg(&args, 0, "URL", None);
    let room: String = arg(&args, 1, "ROOM", None);
    let n: u64 = arg(&args, 2, "N", None);
    let threads: usize = arg(&args, 3, "CONCURRENCY", None);
    let max_secs: f64 = arg(&args, 4, "MAX_SECONDS", Some(5.0));
    let warm_secs: f64 = arg(&args, 5, "WARMUP_SECONDS", Some(0.5));
    if threads == 0 || threads > 1024 || n == 0 || max_secs <= 0.0 || max_secs > 600.0 {
        usage("N and CONCURRENCY must be > 0 (CONCURRENCY <= 1024), 0 < MAX_SECONDS <= 600");
    }
    let url = Arc::new(format!(
        "{}/rooms/v2/app-emulator/connectioninfo/{}",
        base.trim_end_matches('/'),
        room
    ));
    // Enough idle connections that every thread keeps its own (ureq's default is 3 per host).
    let idle = threads.max(8);
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections(idle)
        .max_idle_connections_per_host(idle)
        .build()
        .new_agent();

    if warm_secs > 0.0 {
        let (_, werr, _) = phase(
            &agent,
            &url,
            threads,
            2000,
            Duration::from_secs_f64(warm_secs),
            timeouts,
        );
        if werr > 0 {
            eprintln!("bench_ureq: {werr} errors during warm-up");
        }
    }
    let limit = Duration::from_secs_f64(max_secs);
    let (mut lat, errors, elapsed) = if handoff {
        phase_handoff(&agent, &url, threads, n, limit)
    } else {
        phase(&agent, &url, threads, n, limit, timeouts)
    };
    lat.sort_unstable();
    let secs = elapsed.as_secs_f64();
    println!(
        "bench_ureq{}{} concurrency={} requests={} errors={} seconds={:.3} rps={:.0} p50_us={} p99_us={}",
        if timeouts { "-timeouts" } else { "" },
        if handoff { "-handoff" } else { "" },
        threads,
        lat.len(),
        errors,
        secs,
        lat.len() as f64 / secs,
        pct(&lat, 0.50),
        pct(&lat, 0.99)
    );
    if lat.is_empty() || errors > 0 {
        std::process::exit(1);
    }
}
