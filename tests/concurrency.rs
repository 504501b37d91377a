//! Many threads on one client at once: 16 threads × 500 asynchronous requests on one client (GetConnectionInfo
//! mostly, some GetRoomInfo and CreateRoom), random cancellations, then `hathora_client_free`
//! while requests are in flight; 20 repetitions alternating the dispatch modes (a pump thread
//! polls in poll mode), some with a small queue (QUEUE_FULL) and some freeing while the
//! submitting threads are still submitting. Asserted per repetition:
//! - every accepted id completes exactly once, ids are unique, refused calls never call back;
//! - a request whose cancel returned OK completes with CANCELLED;
//! - every callback ran before free returned, none after; on a worker thread (or the timer
//!   thread, for a request cancelled before its attempt) in worker mode,
//!   on the pump or the freeing thread in poll mode;
//! - the process's thread count (`/proc/self/task`, sampled every millisecond) never exceeds
//!   baseline + the test's own threads + worker threads + 2 for the live client, and returns
//!   to the baseline once the client is freed.
//!
//! The emulator has no latency; max_workers is 4.

mod common;
use common::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{CString, c_void};
use std::ptr::null;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

const THREADS: usize = 16;
const PER_THREAD: usize = 500;
const REPS: usize = 20;
const WORKERS: u32 = 4;
/// Threads this test itself runs during a repetition: submitters, the pump, the sampler.
const OWN_THREADS: usize = THREADS + 2;

fn task_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The process's threads: id and name.
fn tasks() -> BTreeMap<String, String> {
    let mut tasks = BTreeMap::new();
    for e in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = std::fs::read_to_string(e.path().join("comm"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        tasks.insert(e.file_name().to_string_lossy().into_owned(), name);
    }
    tasks
}

/// Names of the process's threads, counted by name (for the message when the bound is broken).
fn task_names() -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for name in tasks().into_values() {
        *names.entry(name).or_default() += 1;
    }
    names
}

/// The timer threads among `names` (a count by name): a thread the timer thread has just
/// started carries the timer's name until it sets its own, so the threads named so are looked
/// at again for up to 2 s, and only those still named so count.
fn timer_threads(names: &BTreeMap<String, usize>) -> usize {
    const TIMER: &str = "hathora-timer";
    let mut named = names.get(TIMER).copied().unwrap_or(0);
    for _ in 0..20 {
        if named <= 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        named = tasks().into_values().filter(|n| n == TIMER).count();
    }
    named
}

/// A small deterministic PRNG (xorshift64*), one per submitting thread.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Done {
    id: u64,
    code: Code,
    thread: ThreadId,
    on_worker: bool,
    after_free: bool,
}

/// Everything callbacks record. No assertion inside the callback: a panic in an `extern "C"`
/// function aborts the process; the test checks the records afterwards.
#[derive(Default)]
struct Ledger {
    done: Mutex<Vec<Done>>,
    freed: AtomicBool,
}

extern "C" fn record(user_data: *mut c_void, id: u64, result: *mut HathoraResult) {
    let ledger = unsafe { &*(user_data as *const Ledger) };
    let after_free = ledger.freed.load(Ordering::SeqCst);
    let code = unsafe { hathora_result_code(result) };
    unsafe { hathora_result_free(result) };
    let t = std::thread::current();
    // A worker, or the timer thread for a request cancelled before its attempt started.
    let on_worker = t
        .name()
        .is_some_and(|n| n.starts_with("hathora-worker") || n == "hathora-timer");
    ledger.done.lock().unwrap().push(Done {
        id,
        code,
        thread: t.id(),
        on_worker,
        after_free,
    });
}

/// What one submitting thread did.
#[derive(Default)]
struct Submitted {
    accepted: Vec<u64>,
    queue_full: usize,
    refused_after_free: usize,
    cancelled_ok: Vec<u64>,
    cancel_refused: usize,
}

#[derive(Clone, Copy)]
struct Handle(*mut HathoraClient);
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}
impl Handle {
    /// Closures must capture the whole `Handle` (Send), not its raw-pointer field.
    fn get(self) -> *mut HathoraClient {
        self.0
    }
}

struct Rep {
    mode: HathoraDispatchMode,
    free_while_submitting: bool,
    queue_capacity: u32,
    /// Poll mode: the pump keeps polling while the client is freed (else it stops first, and
    /// the free delivers the rest on the freeing thread).
    pump_through_free: bool,
}

#[test]
fn sixteen_threads_cancel_and_free_in_flight() {
    let emu = emulator_with(|c| c.activation_delay = Duration::from_millis(10));
    let (room, _) = create_room(&client(&emu, HathoraDispatchMode::Worker), None);
    let room = c(&room);
    // The setup client is freed; its threads are gone before the baseline is read.
    let mut baseline = task_count();
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(10));
        baseline = baseline.min(task_count());
    }
    let started = Instant::now();
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for rep in 0..REPS {
        let r = Rep {
            mode: if rep % 2 == 0 {
                HathoraDispatchMode::Worker
            } else {
                HathoraDispatchMode::Poll
            },
            free_while_submitting: rep % 4 >= 2,
            queue_capacity: if rep % 5 == 4 { 1_000 } else { 65_536 },
            pump_through_free: rep % 4 == 3,
        };
        for (k, v) in run_rep(rep, &r, &emu, &room, baseline) {
            *totals.entry(k).or_default() += v;
        }
    }
    println!(
        "{REPS} repetitions in {:?}; totals: {totals:?}",
        started.elapsed()
    );
}

fn run_rep(
    rep: usize,
    r: &Rep,
    emu: &Emulator,
    room: &CString,
    baseline: usize,
) -> BTreeMap<String, usize> {
    let label = format!(
        "rep {rep} ({:?}, free while submitting: {}, queue {}, pump through free: {})",
        r.mode, r.free_while_submitting, r.queue_capacity, r.pump_through_free
    );
    let cl = client_with(emu, r.mode, |cfg| unsafe {
        assert_eq!(hathora_config_set_max_workers(cfg, WORKERS), Code::Ok);
        assert_eq!(
            hathora_config_set_queue_capacity(cfg, r.queue_capacity),
            Code::Ok
        );
        // Deadlines count from submission: far beyond any queueing on a loaded machine, since
        // this test checks exactly-once delivery, not deadlines.
        assert_eq!(set_timeouts(cfg, 120_000, 2_000), Code::Ok);
    });
    let h = Handle(cl.0);
    std::mem::forget(cl); // freed below, by hand, at a chosen moment
    let ledger = Arc::new(Ledger::default());
    let ud = Arc::as_ptr(&ledger) as usize;
    // The library's own threads are the workers and one timer ("+ 2": timer and one spare).
    // Name lookups spawn no thread here: 127.0.0.1 is an IP literal (src/resolver.rs).
    let limit = baseline + OWN_THREADS + WORKERS as usize + 2;

    // Sampler: the highest thread count seen while the client lives.
    let stop_sampler = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = Arc::clone(&stop_sampler);
        std::thread::spawn(move || {
            let (mut max, mut names, mut timers) = (0, BTreeMap::new(), 0);
            while !stop.load(Ordering::SeqCst) {
                let n = task_count();
                if n > max {
                    max = n;
                    names = task_names();
                    timers = timers.max(timer_threads(&names));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            (max, names, timers)
        })
    };
    // Pump (poll mode): runs callbacks until told to stop, just before the free.
    let stop_pump = Arc::new(AtomicBool::new(false));
    let pump = (r.mode == HathoraDispatchMode::Poll).then(|| {
        let stop = Arc::clone(&stop_pump);
        std::thread::spawn(move || {
            let mut ran = 0;
            while !stop.load(Ordering::SeqCst) {
                ran += unsafe { hathora_client_poll(h.get(), 64) };
                std::thread::sleep(Duration::from_micros(200));
            }
            (ran, std::thread::current().id())
        })
    });

    let submitted_count = Arc::new(AtomicUsize::new(0));
    let freed = Arc::new(AtomicBool::new(false));
    let go = Arc::new(Barrier::new(THREADS + 1));
    let submitters: Vec<_> = (0..THREADS)
        .map(|t| {
            let (go, count, freed, room) = (
                Arc::clone(&go),
                Arc::clone(&submitted_count),
                Arc::clone(&freed),
                room.clone(),
            );
            std::thread::spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (((rep as u64) << 32) | (t as u64 + 1)));
                let mut out = Submitted::default();
                go.wait();
                for _ in 0..PER_THREAD {
                    let mut id = 0;
                    let cb: HathoraCallback = Some(record);
                    let ud = ud as *mut c_void;
                    let code = unsafe {
                        match rng.below(100) {
                            0..=79 => hathora_get_connection_info_async(
                                h.get(),
                                room.as_ptr(),
                                null(),
                                cb,
                                ud,
                                &mut id,
                            ),
                            80..=91 => hathora_get_room_info_async(
                                h.get(),
                                room.as_ptr(),
                                null(),
                                cb,
                                ud,
                                &mut id,
                            ),
                            _ => hathora_create_room_async(
                                h.get(),
                                &HathoraCreateRoomParams {
                                    region: HathoraRegion::Chicago as u32,
                                    ..hathora_create_room_params_init()
                                },
                                null(),
                                cb,
                                ud,
                                &mut id,
                            ),
                        }
                    };
                    let was_freed = freed.load(Ordering::SeqCst);
                    match code {
                        Code::Ok => out.accepted.push(id),
                        Code::QueueFull => out.queue_full += 1,
                        // The handle died under us: refused (not live, or shutting down).
                        Code::InvalidArgument | Code::ShutDown if was_freed => {
                            out.refused_after_free += 1
                        }
                        other => panic!("submit returned {other:?}: {}", last_error()),
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    // Cancel one of ours now and then (it may have completed already)...
                    if rng.below(10) == 0 && !out.accepted.is_empty() {
                        let victim = out.accepted[rng.below(out.accepted.len() as u64) as usize];
                        match unsafe { hathora_client_cancel(h.get(), victim) } {
                            Code::Ok => out.cancelled_ok.push(victim),
                            Code::InvalidArgument => out.cancel_refused += 1,
                            other => panic!("cancel returned {other:?}"),
                        }
                    }
                    // ...and an id that was never issued.
                    if rng.below(50) == 0 {
                        assert_eq!(
                            unsafe { hathora_client_cancel(h.get(), u64::MAX - rng.below(1_000)) },
                            Code::InvalidArgument,
                            "a cancel of an id never issued"
                        );
                    }
                }
                out
            })
        })
        .collect();

    go.wait();
    let mut submitters = Some(submitters);
    let mut results: Vec<Submitted> = Vec::new();
    if r.free_while_submitting {
        // Free once about half of the calls were made; the rest race the free.
        let end = Instant::now() + Duration::from_secs(60);
        while submitted_count.load(Ordering::SeqCst) < THREADS * PER_THREAD / 2 {
            assert!(Instant::now() < end, "{label}: submitters stalled");
            std::thread::yield_now();
        }
    } else {
        results = submitters
            .take()
            .unwrap()
            .into_iter()
            .map(|j| j.join().unwrap())
            .collect();
        // Let real HTTP work run alongside the queue for a while (up to 10 s on a slow machine),
        // then free with thousands of requests still queued or in flight.
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end
            && ledger
                .done
                .lock()
                .unwrap()
                .iter()
                .filter(|d| d.code == Code::Ok)
                .count()
                < 200
        {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    // Usually the pump stops first, so that in poll mode the free delivers the rest on this
    // thread; in some repetitions it polls on while the client is freed.
    let mut pump = Some(pump);
    let mut stop_and_join_pump = || {
        stop_pump.store(true, Ordering::SeqCst);
        pump.take().flatten().map(|p| p.join().unwrap())
    };
    let mut pump_result = None;
    if !r.pump_through_free {
        pump_result = stop_and_join_pump();
    }
    let pending_at_free = unsafe { hathora_client_pending(h.0) };
    let free_started = Instant::now();
    freed.store(true, Ordering::SeqCst);
    unsafe { hathora_client_free(h.0) };
    let free_took = free_started.elapsed();
    ledger.freed.store(true, Ordering::SeqCst);
    let delivered_by_free = ledger.done.lock().unwrap().len();
    if r.pump_through_free {
        pump_result = stop_and_join_pump();
    }
    let pump = pump_result;
    if let Some(s) = submitters.take() {
        results = s.into_iter().map(|j| j.join().unwrap()).collect();
    }
    std::thread::sleep(Duration::from_millis(50));
    stop_sampler.store(true, Ordering::SeqCst);
    let (max_threads, names_at_max, timer_threads) = sampler.join().unwrap();

    // --- exactly once ---
    let accepted: Vec<u64> = results
        .iter()
        .flat_map(|s| s.accepted.iter().copied())
        .collect();
    let accepted_set: HashSet<u64> = accepted.iter().copied().collect();
    assert_eq!(
        accepted_set.len(),
        accepted.len(),
        "{label}: request ids are unique"
    );
    assert!(!accepted.contains(&0), "{label}: id 0 is never issued");
    let done = ledger.done.lock().unwrap();
    assert_eq!(
        done.len(),
        delivered_by_free,
        "{label}: a callback ran after free returned"
    );
    assert!(
        done.iter().all(|d| !d.after_free),
        "{label}: a callback ran after free returned"
    );
    let mut per_id: HashMap<u64, usize> = HashMap::new();
    for d in done.iter() {
        *per_id.entry(d.id).or_default() += 1;
    }
    let doubled: Vec<_> = per_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        doubled.is_empty(),
        "{label}: completed more than once: {doubled:?}"
    );
    let completed: HashSet<u64> = per_id.keys().copied().collect();
    let lost: Vec<_> = accepted_set.difference(&completed).take(10).collect();
    assert!(
        lost.is_empty(),
        "{label}: accepted but never completed: {lost:?}"
    );
    let unknown: Vec<_> = completed.difference(&accepted_set).take(10).collect();
    assert!(
        unknown.is_empty(),
        "{label}: completions of requests never accepted: {unknown:?}"
    );

    // --- codes ---
    let code_of: HashMap<u64, Code> = done.iter().map(|d| (d.id, d.code)).collect();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for d in done.iter() {
        assert!(
            matches!(d.code, Code::Ok | Code::Cancelled | Code::ShutDown),
            "{label}: request {} ended {:?}",
            d.id,
            d.code
        );
        *codes.entry(format!("{:?}", d.code)).or_default() += 1;
    }
    let cancelled_ok: Vec<u64> = results
        .iter()
        .flat_map(|s| s.cancelled_ok.iter().copied())
        .collect();
    let wrong: Vec<_> = cancelled_ok
        .iter()
        .filter(|id| code_of[id] != Code::Cancelled)
        .map(|id| (id, code_of[id]))
        .take(10)
        .collect();
    assert!(
        wrong.is_empty(),
        "{label}: cancel returned OK but the callback said otherwise: {wrong:?}"
    );
    assert!(
        codes.get("ShutDown").copied().unwrap_or(0) > 0,
        "{label}: nothing was in flight at free? {codes:?}"
    );
    assert!(pending_at_free > 0, "{label}: nothing was pending at free");

    // --- where callbacks ran ---
    let me = std::thread::current().id();
    match pump {
        None => assert!(
            done.iter().all(|d| d.on_worker),
            "{label}: worker-mode callback outside the workers and the timer thread"
        ),
        Some((_, pump_thread)) => assert!(
            done.iter()
                .all(|d| d.thread == pump_thread || d.thread == me),
            "{label}: poll-mode callback outside the pump and the freeing thread"
        ),
    }
    let on_freeing_thread = done.iter().filter(|d| d.thread == me).count();
    drop(done);

    // --- the handle is dead ---
    assert_eq!(unsafe { hathora_client_pending(h.0) }, 0);
    assert_eq!(
        unsafe { hathora_client_cancel(h.0, accepted.first().copied().unwrap_or(1)) },
        Code::InvalidArgument
    );

    // --- threads ---
    assert!(
        max_threads <= limit,
        "{label}: {max_threads} threads > baseline {baseline} + {OWN_THREADS} test threads + {WORKERS} workers + 2: {names_at_max:?}"
    );
    assert!(
        timer_threads <= 1,
        "{label}: one timer thread per client, {timer_threads} seen: {names_at_max:?}"
    );
    let beyond_workers_and_timer =
        max_threads.saturating_sub(baseline + OWN_THREADS + WORKERS as usize + 1);
    let end = Instant::now() + Duration::from_secs(10);
    while task_count() > baseline {
        assert!(
            Instant::now() < end,
            "{label}: {} threads remain after free (baseline {baseline})",
            task_count()
        );
        std::thread::sleep(Duration::from_millis(5));
    }

    let sum = |f: fn(&Submitted) -> usize| results.iter().map(f).sum::<usize>();
    println!(
        "{label}: accepted {}, queue full {}, refused after free {}, cancel ok {} / refused {}; codes {codes:?}; pending at free {pending_at_free}, free took {free_took:?}, {on_freeing_thread} callbacks on the freeing thread; max threads {max_threads} (limit {limit}, {beyond_workers_and_timer} beyond workers + timer)",
        accepted.len(),
        sum(|s| s.queue_full),
        sum(|s| s.refused_after_free),
        cancelled_ok.len(),
        sum(|s| s.cancel_refused),
    );
    let mut totals: BTreeMap<String, usize> = codes;
    totals.insert("accepted".into(), accepted.len());
    totals.insert("queue full".into(), sum(|s| s.queue_full));
    totals.insert("refused after free".into(), sum(|s| s.refused_after_free));
    totals.insert("cancel ok".into(), cancelled_ok.len());
    totals.insert(
        "max threads beyond workers + timer (sum over reps)".into(),
        beyond_workers_and_timer,
    );
    totals
}
