//! The elastic worker pool, through the C ABI, and deadlines counted from submission.
//! - N concurrent slow calls run on N workers (up to the maximum, never more), and the pool
//!   shrinks back to its minimum once idle;
//! - a call queued behind busy workers completes with TIMEOUT at its deadline, and a cancelled
//!   queued call with CANCELLED, while every worker is still busy; so does a call queued while
//!   the pool could still grow, once the workers added meanwhile leave none for it;
//! - a retry's wait (Retry-After) holds no worker, and a cancel ends that wait at once.
//!
//! The server is a scripted one in this file: it holds each request until the test releases it,
//! so "slow" is decided by the test, not by a clock. Worker threads are counted by name in
//! /proc/self/task; the tests of this file run one at a time so they count only their client.

mod common;
use common::*;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr::null;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The tests count the process's worker threads: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Generous bound of every wait (a loaded machine is slow, never this slow).
const LIMIT: Duration = Duration::from_secs(30);

/// What the scripted server does with the n-th request (0-based).
#[derive(Clone, Copy)]
enum Reply {
    /// Wait until `release`, then answer 404 with an API error body.
    Hold,
    /// Answer at once with this status (and `Retry-After` seconds, if any).
    Now(u16, Option<u32>),
}

struct Scripted {
    url: String,
    arrived: AtomicUsize,
    released: Mutex<bool>,
    release_cv: Condvar,
    stop: AtomicBool,
}

impl Scripted {
    fn start(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Arc<Scripted> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Arc::new(Scripted {
            url: format!("http://{}", listener.local_addr().unwrap()),
            arrived: AtomicUsize::new(0),
            released: Mutex::new(false),
            release_cv: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let (s, script) = (Arc::clone(&server), Arc::new(script));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (s, script) = (Arc::clone(&s), Arc::clone(&script));
                std::thread::spawn(move || s.serve(conn, &*script));
            }
        });
        server
    }

    /// Serves the requests of one keep-alive connection.
    fn serve(&self, mut conn: TcpStream, script: &(dyn Fn(usize) -> Reply + Send + Sync)) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            buf.drain(..end);
            let n = self.arrived.fetch_add(1, Ordering::SeqCst);
            let (status, retry_after) = match script(n) {
                Reply::Hold => {
                    let mut r = self.released.lock().unwrap();
                    while !*r {
                        r = self.release_cv.wait(r).unwrap();
                    }
                    (404, None)
                }
                Reply::Now(status, retry_after) => (status, retry_after),
            };
            let body = r#"{"message":"scripted"}"#;
            let extra = retry_after.map_or(String::new(), |s| format!("Retry-After: {s}\r\n"));
            let head = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n",
                body.len()
            );
            if conn.write_all(head.as_bytes()).is_err() || conn.write_all(body.as_bytes()).is_err()
            {
                return;
            }
        }
    }

    fn release(&self) {
        *self.released.lock().unwrap() = true;
        self.release_cv.notify_all();
    }

    fn arrived(&self) -> usize {
        self.arrived.load(Ordering::SeqCst)
    }

    fn wait_arrived(&self, n: usize, what: &str) {
        wait_until(what, LIMIT, || self.arrived() >= n);
        assert_eq!(
            self.arrived(),
            n,
            "{what}: exactly {n} requests reached the server"
        );
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.release();
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

/// Threads of this process whose name says they are the library's workers.
fn worker_threads() -> usize {
    threads_named("hathora-worker")
}

fn threads_named(prefix: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
                .filter(|name| name.trim_end().starts_with(prefix))
                .count()
        })
        .unwrap_or(0)
}

/// Samples the worker count every millisecond until stopped; returns the highest seen.
struct Sampler {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl Sampler {
    fn start() -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !s.load(Ordering::SeqCst) {
                peak = peak.max(worker_threads());
                std::thread::sleep(Duration::from_millis(1));
            }
            peak
        });
        Sampler {
            stop,
            thread: Some(thread),
        }
    }
    fn peak(mut self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

fn pool_client(url: &str, mode: HathoraDispatchMode, min: u32, max: u32, idle_ms: u32) -> CClient {
    client_at(url, |cfg| unsafe {
        assert_eq!(hathora_config_set_dispatch_mode(cfg, mode as u32), Code::Ok);
        assert_eq!(hathora_config_set_min_workers(cfg, min), Code::Ok);
        assert_eq!(hathora_config_set_max_workers(cfg, max), Code::Ok);
        assert_eq!(hathora_config_set_worker_idle_ms(cfg, idle_ms), Code::Ok);
        assert_eq!(set_timeouts(cfg, 60_000, 5_000), Code::Ok);
        assert_eq!(set_retry(cfg, 3, 20, 200), Code::Ok);
    })
}

fn get_connection_info(
    cl: &CClient,
    col: &Arc<Collector>,
    opts: Option<&HathoraCallOptions>,
) -> u64 {
    let room = c("room-1");
    submit(col, |cb, ud, id| unsafe {
        hathora_get_connection_info_async(
            cl.0,
            room.as_ptr(),
            opts.map_or(null(), |o| o as *const _),
            cb,
            ud,
            id,
        )
    })
}

/// Pumps `poll` (poll mode) until `n` completions arrived; returns them in arrival order.
fn completions(cl: &CClient, col: &Collector, n: usize) -> Vec<(u64, Res)> {
    col.wait(cl, n, LIMIT);
    col.take()
}

#[test]
fn the_pool_grows_to_the_calls_in_flight_up_to_its_maximum_then_shrinks_back() {
    let _serial = serial();
    const MAX: usize = 12;
    const FIRST: usize = 8;
    const TOTAL: usize = 20;
    let server = Scripted::start(|_| Reply::Hold);
    let cl = pool_client(&server.url, HathoraDispatchMode::Worker, 1, MAX as u32, 200);
    wait_until("one worker at start (the minimum)", LIMIT, || {
        worker_threads() == 1
    });
    let sampler = Sampler::start();
    let col = Collector::new();

    let mut ids: Vec<u64> = (0..FIRST)
        .map(|_| get_connection_info(&cl, &col, None))
        .collect();
    server.wait_arrived(FIRST, "first burst");
    assert_eq!(worker_threads(), FIRST, "one worker per call in flight");

    ids.extend((FIRST..TOTAL).map(|_| get_connection_info(&cl, &col, None)));
    server.wait_arrived(MAX, "second burst, up to the maximum");
    // Give an over-eager pool the chance to start more; none may.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server.arrived(),
        MAX,
        "calls beyond the maximum wait in the queue"
    );
    assert_eq!(worker_threads(), MAX, "workers at the maximum");
    assert_eq!(
        col.count(),
        0,
        "nothing completed while the server holds every request"
    );
    assert_eq!(unsafe { hathora_client_pending(cl.0) }, TOTAL);

    server.release();
    let done = completions(&cl, &col, TOTAL);
    let got: HashSet<u64> = done.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        got,
        ids.iter().copied().collect(),
        "every call completed once"
    );
    for (id, r) in &done {
        assert_eq!(r.code(), Code::ApiError, "call {id}");
        assert_eq!(r.status(), 404, "call {id}");
    }
    assert_eq!(server.arrived(), TOTAL);
    let peak = sampler.peak();
    assert_eq!(peak, MAX, "peak worker threads");

    wait_until("idle workers retire down to the minimum", LIMIT, || {
        worker_threads() == 1
    });
    drop(cl);
    wait_until("no worker after free", LIMIT, || worker_threads() == 0);
}

/// A pool of two workers, both held by a server that does not answer: the calls submitted next
/// can only queue.
struct BusyPool {
    // Dropped in this order, as the tests' locals were: the client is freed before its server.
    busy: [u64; 2],
    col: Arc<Collector>,
    cl: CClient,
    server: Arc<Scripted>,
}

impl BusyPool {
    fn start(mode: HathoraDispatchMode) -> BusyPool {
        let server = Scripted::start(|_| Reply::Hold);
        let cl = pool_client(&server.url, mode, 0, 2, 10_000);
        let col = Collector::new();
        let busy = [
            get_connection_info(&cl, &col, None),
            get_connection_info(&cl, &col, None),
        ];
        server.wait_arrived(2, "both workers busy");
        BusyPool {
            server,
            cl,
            col,
            busy,
        }
    }

    /// Lets the server answer; the two busy calls then complete.
    fn release_and_check(self, mode: HathoraDispatchMode) {
        self.server.release();
        let rest: HashSet<u64> = completions(&self.cl, &self.col, 2)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(rest, self.busy.into_iter().collect(), "{mode:?}");
    }
}

#[test]
fn a_queued_call_past_its_deadline_completes_with_timeout_while_every_worker_is_busy() {
    let _serial = serial();
    for mode in BOTH_MODES {
        let pool = BusyPool::start(mode);

        let submitted = Instant::now();
        let queued = get_connection_info(&pool.cl, &pool.col, Some(&call_options(500, -1)));
        let mut done = completions(&pool.cl, &pool.col, 1);
        let waited = submitted.elapsed();
        let (id, r) = done.pop().unwrap();
        assert_eq!(id, queued, "{mode:?}: the queued call completes first");
        assert_eq!(r.code(), Code::Timeout, "{mode:?}: {:?}", r.message());
        assert_eq!(r.attempts(), 0, "{mode:?}: it never reached the server");
        assert!(
            r.message().unwrap_or_default().contains("free worker"),
            "{mode:?}: {:?}",
            r.message()
        );
        assert!(
            waited >= Duration::from_millis(500),
            "{mode:?}: not before its deadline ({waited:?})"
        );
        assert_eq!(
            pool.server.arrived(),
            2,
            "{mode:?}: the queued call sent nothing"
        );
        assert_eq!(
            pool.col.count(),
            0,
            "{mode:?}: the busy calls are still running"
        );

        pool.release_and_check(mode);
        println!("{mode:?}: queued call with a 500 ms deadline ended after {waited:?}");
    }
}

/// Two calls queued behind one busy worker of a pool of two: the first gets the second worker
/// (after the pool's short wait for the busy one), the other can only wait for a busy worker,
/// and its deadline must still end it on time.
#[test]
fn a_call_queued_while_the_pool_could_still_grow_meets_its_deadline_once_it_is_full() {
    let _serial = serial();
    for mode in BOTH_MODES {
        let server = Scripted::start(|_| Reply::Hold);
        let cl = pool_client(&server.url, mode, 0, 2, 10_000);
        let col = Collector::new();
        let first = get_connection_info(&cl, &col, None);
        server.wait_arrived(1, "the first worker busy");
        let second = get_connection_info(&cl, &col, None);
        let submitted = Instant::now();
        let third = get_connection_info(&cl, &col, Some(&call_options(500, -1)));
        let (id, r) = completions(&cl, &col, 1).pop().unwrap();
        let waited = submitted.elapsed();
        assert_eq!(
            id, third,
            "{mode:?}: the call with the deadline completes first"
        );
        assert_eq!(r.code(), Code::Timeout, "{mode:?}: {:?}", r.message());
        assert_eq!(r.attempts(), 0, "{mode:?}: it never reached the server");
        assert!(
            waited >= Duration::from_millis(500),
            "{mode:?}: not before its deadline ({waited:?})"
        );
        server.wait_arrived(2, "the second call on the second worker");
        assert_eq!(col.count(), 0, "{mode:?}: the two held calls still run");
        server.release();
        let rest: HashSet<u64> = completions(&cl, &col, 2)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(rest, HashSet::from([first, second]), "{mode:?}");
        println!("{mode:?}: the third call, 500 ms deadline, ended after {waited:?}");
    }
}

#[test]
fn a_cancelled_queued_call_completes_with_cancelled_while_every_worker_is_busy() {
    let _serial = serial();
    for mode in BOTH_MODES {
        let pool = BusyPool::start(mode);

        let queued = get_connection_info(&pool.cl, &pool.col, None);
        assert_eq!(
            unsafe { hathora_client_cancel(pool.cl.0, queued) },
            Code::Ok,
            "{mode:?}"
        );
        let (id, r) = completions(&pool.cl, &pool.col, 1).pop().unwrap();
        assert_eq!(id, queued, "{mode:?}: the cancelled call completes first");
        assert_eq!(r.code(), Code::Cancelled, "{mode:?}: {:?}", r.message());
        assert_eq!(
            pool.server.arrived(),
            2,
            "{mode:?}: the cancelled call sent nothing"
        );
        assert_eq!(
            pool.col.count(),
            0,
            "{mode:?}: the busy calls are still running"
        );
        assert_ne!(
            unsafe { hathora_client_cancel(pool.cl.0, queued) },
            Code::Ok,
            "{mode:?}: a second cancel finds it completed"
        );

        pool.release_and_check(mode);
    }
}

#[test]
fn a_retry_wait_holds_no_worker_and_a_cancel_ends_it_at_once() {
    let _serial = serial();
    // The first request is told to come back in 3 s (then answered), later ones are answered at
    // once; one worker only: the second call can complete first only if the first one's wait
    // does not hold that worker.
    let server = Scripted::start(|n| match n {
        0 => Reply::Now(503, Some(3)),
        _ => Reply::Now(404, None),
    });
    let cl = pool_client(&server.url, HathoraDispatchMode::Worker, 1, 1, 10_000);
    let col = Collector::new();
    let waiting = get_connection_info(&cl, &col, None);
    server.wait_arrived(1, "the first attempt of the first call");
    let quick = get_connection_info(&cl, &col, None);
    let first = completions(&cl, &col, 1).pop().unwrap();
    assert_eq!(
        first.0, quick,
        "the second call completes while the first waits to retry"
    );
    assert_eq!(first.1.code(), Code::ApiError);
    let (id, r) = completions(&cl, &col, 1).pop().unwrap();
    assert_eq!(id, waiting);
    assert_eq!(r.code(), Code::ApiError, "{:?}", r.message());
    assert_eq!(r.attempts(), 2, "one retry after Retry-After");
    assert_eq!(worker_threads(), 1, "still the single worker");

    // A cancel during a long Retry-After completes the call now, not when the wait ends.
    // 40 s: inside the 60 s deadline (so the wait happens), beyond the 30 s bound of the test.
    let server = Scripted::start(|n| match n {
        0 => Reply::Now(503, Some(40)),
        _ => Reply::Now(404, None),
    });
    let cl = pool_client(&server.url, HathoraDispatchMode::Worker, 1, 1, 10_000);
    let col = Collector::new();
    let waiting = get_connection_info(&cl, &col, None);
    server.wait_arrived(1, "the first attempt");
    // The single worker serves another call meanwhile: the first one waits on the timer.
    let quick = get_connection_info(&cl, &col, None);
    let (id, r) = completions(&cl, &col, 1).pop().unwrap();
    assert_eq!((id, r.code()), (quick, Code::ApiError), "the quick call");
    assert_eq!(unsafe { hathora_client_cancel(cl.0, waiting) }, Code::Ok);
    let (id, r) = completions(&cl, &col, 1).pop().unwrap();
    assert_eq!(id, waiting);
    assert_eq!(r.code(), Code::Cancelled, "{:?}", r.message());
    assert_eq!(server.arrived(), 2, "no retry was sent");
}
