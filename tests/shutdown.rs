//! Freeing a client (`hathora_client_free`) with requests in flight: each request completes
//! exactly once, before free returns and none after, with `SHUT_DOWN` unless it had finished;
//! free interrupts the HTTP attempts in progress instead of waiting out a slow server (a connect
//! in progress is bounded by the connect timeout); a callback may free its own client; and free
//! waits for a callback running inside `poll` on another thread.

mod common;
use common::*;
use std::collections::HashSet;
use std::ffi::c_void;
use std::ptr::null;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Requests in flight
// ---------------------------------------------------------------------------------------------

#[test]
fn free_with_http_in_flight_completes_each_request_once_and_nothing_after() {
    for mode in BOTH_MODES {
        let emu = emulator();
        emu.faults().set_latency(Duration::from_millis(300));
        let cl = client(&emu, mode);
        let col = Collector::new();
        let r = c("r");
        let ids: Vec<u64> = (0..40)
            .map(|_| {
                submit(&col, |cb, ud, id| unsafe {
                    hathora_get_connection_info_async(cl.0, r.as_ptr(), null(), cb, ud, id)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(100));
        drop(cl);
        let done = col.take();
        let mut got: Vec<u64> = done.iter().map(|(id, _)| *id).collect();
        got.sort();
        assert_eq!(
            got, ids,
            "{mode:?}: every request completed exactly once before free returned"
        );
        assert!(
            done.iter().all(|(_, r)| r.code() == Code::ShutDown),
            "{mode:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(col.count(), 0, "{mode:?}: no callback after free");
    }
}

/// Counts callbacks per id and records the thread each ran on, and whether any ran after the
/// test marked the client freed.
#[derive(Default)]
struct Tally {
    seen: std::sync::Mutex<Vec<(u64, Code, std::thread::ThreadId)>>,
    freed: AtomicBool,
    late: AtomicUsize,
}

extern "C" fn tally(user_data: *mut c_void, id: u64, result: *mut HathoraResult) {
    let t = unsafe { &*(user_data as *const Tally) };
    if t.freed.load(Ordering::SeqCst) {
        t.late.fetch_add(1, Ordering::SeqCst);
    }
    let code = unsafe { hathora_result_code(result) };
    unsafe { hathora_result_free(result) };
    t.seen
        .lock()
        .unwrap()
        .push((id, code, std::thread::current().id()));
}

#[test]
fn free_with_requests_in_flight_completes_each_once_and_returns_in_bounded_time() {
    for mode in BOTH_MODES {
        // Rooms stay `starting`, so a wait-until-active keeps polling until it is freed.
        let emu = emulator_with(|c| c.activation_delay = Duration::from_secs(600));
        let (room, _) = create_room(&client(&emu, mode), None);
        // 1 s per attempt: serving all 40 on two workers would take 20 s.
        emu.faults().set_latency(Duration::from_millis(1_000));
        let cl = client_with(&emu, mode, |cfg| unsafe {
            assert_eq!(set_timeouts(cfg, 3_000, 1_000), Code::Ok, "{mode:?}");
            assert_eq!(hathora_config_set_max_workers(cfg, 2), Code::Ok, "{mode:?}");
        });
        let t = Arc::new(Tally::default());
        let ud = Arc::as_ptr(&t) as *mut c_void;
        let room_c = c(&room);
        let mut ids = Vec::new();
        for i in 0..40 {
            let mut id = 0;
            let code = if i % 5 == 0 {
                // A wait-until-active that would poll for a while.
                unsafe {
                    hathora_wait_until_active_async(
                        cl.0,
                        room_c.as_ptr(),
                        20_000,
                        null(),
                        Some(tally),
                        ud,
                        &mut id,
                    )
                }
            } else {
                unsafe {
                    hathora_get_connection_info_async(
                        cl.0,
                        room_c.as_ptr(),
                        null(),
                        Some(tally),
                        ud,
                        &mut id,
                    )
                }
            };
            assert_eq!(code, Code::Ok, "{mode:?} {i:?}");
            ids.push(id);
        }
        std::thread::sleep(Duration::from_millis(100)); // two attempts are in progress now
        let raw = cl.0;
        std::mem::forget(cl);
        let freeing_thread = std::thread::current().id();
        let started = Instant::now();
        unsafe { hathora_client_free(raw) };
        let took = started.elapsed();
        t.freed.store(true, Ordering::SeqCst);
        // Bounded: the attempts in progress end (at most their 1 s latency), nothing waits for
        // the rest (20 s); the 9 s between is slack for a loaded machine.
        assert!(
            took < Duration::from_secs(10),
            "{mode:?}: free took {took:?}"
        );
        let seen = t.seen.lock().unwrap().clone();
        assert_eq!(
            seen.len(),
            ids.len(),
            "{mode:?}: every callback ran before free returned"
        );
        let got: HashSet<u64> = seen.iter().map(|s| s.0).collect();
        assert_eq!(
            got,
            ids.iter().copied().collect::<HashSet<_>>(),
            "{mode:?}: each id exactly once"
        );
        let shut = seen.iter().filter(|s| s.1 == Code::ShutDown).count();
        assert!(
            shut >= ids.len() - 4,
            "{mode:?}: most requests were cut short ({shut} SHUT_DOWN)"
        );
        assert!(
            seen.iter()
                .all(|s| matches!(s.1, Code::ShutDown | Code::Ok)),
            "{mode:?}: {seen:?}"
        );
        if mode == HathoraDispatchMode::Poll {
            assert!(
                seen.iter().all(|s| s.2 == freeing_thread),
                "{mode:?}: poll-mode callbacks run on the freeing thread"
            );
        } else {
            assert!(
                seen.iter().all(|s| s.2 != freeing_thread),
                "{mode:?}: worker-mode callbacks run on workers"
            );
        }
        // Nothing afterwards, and the handle is dead.
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(
            t.late.load(Ordering::SeqCst),
            0,
            "{mode:?}: callbacks after free"
        );
        assert_eq!(t.seen.lock().unwrap().len(), ids.len(), "{mode:?}");
        assert_eq!(unsafe { hathora_client_pending(raw) }, 0, "{mode:?}");
        let mut id = 0;
        assert_eq!(
            unsafe {
                hathora_get_connection_info_async(
                    raw,
                    room_c.as_ptr(),
                    null(),
                    Some(tally),
                    ud,
                    &mut id,
                )
            },
            Code::InvalidArgument,
            "{mode:?}"
        );
        unsafe { hathora_client_free(raw) }; // double free: ignored
        assert!(
            last_error().contains("not a live client"),
            "{}",
            last_error()
        );
    }
}

#[test]
fn free_interrupts_attempts_instead_of_waiting_for_a_slow_server() {
    for mode in BOTH_MODES {
        let emu = emulator();
        emu.faults().set_latency(Duration::from_secs(20));
        let cl = client_with(&emu, mode, |cfg| unsafe {
            set_timeouts(cfg, 60_000, 5_000);
        });
        let col = Collector::new();
        let r = c("r");
        let ids: Vec<u64> = (0..4)
            .map(|_| {
                submit(&col, |cb, ud, id| unsafe {
                    hathora_get_connection_info_async(cl.0, r.as_ptr(), null(), cb, ud, id)
                })
            })
            .collect();
        wait_until(
            &format!("{mode:?}: four requests at the server"),
            Duration::from_secs(10),
            || emu.stats().requests == 4,
        );
        let started = std::time::Instant::now();
        drop(cl);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{mode:?}: free took {took:?}; the server answers after 20 s"
        );
        let done = col.take();
        assert_eq!(done.len(), ids.len(), "{mode:?}");
        assert!(
            done.iter().all(|(_, r)| r.code() == Code::ShutDown),
            "{mode:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Free from inside a callback
// ---------------------------------------------------------------------------------------------

/// A callback that frees the client it belongs to.
extern "C" fn free_client_of_user_data(user_data: *mut c_void, _: u64, result: *mut HathoraResult) {
    unsafe {
        hathora_result_free(result);
        hathora_client_free(user_data as *mut HathoraClient);
    }
}

#[test]
fn a_callback_may_free_its_own_client() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let cl = client(&emu, mode);
        let handle = cl.0;
        std::mem::forget(cl);
        let mut id = 0;
        let code = unsafe {
            hathora_get_connection_info_async(
                handle,
                c("r").as_ptr(),
                null(),
                Some(free_client_of_user_data),
                handle.cast(),
                &mut id,
            )
        };
        assert_eq!(code, Code::Ok, "{mode:?}");
        wait_until(
            &format!("{mode:?}: the callback ran"),
            Duration::from_secs(10),
            || {
                unsafe { hathora_client_poll(handle, 0) };
                unsafe {
                    hathora_client_pending(handle) == 0 && hathora_client_poll(handle, 0) == 0
                }
            },
        );
        wait_until(
            &format!("{mode:?}: the handle is dead"),
            Duration::from_secs(10),
            || {
                let mut out = std::ptr::null_mut();
                let code =
                    unsafe { hathora_get_room_info(handle, c("r").as_ptr(), null(), &mut out) };
                unsafe { hathora_result_free(out) };
                code == Code::InvalidArgument
            },
        );
    }
}

struct FreeFromCallback {
    client: std::sync::Mutex<usize>,
    calls: AtomicUsize,
    /// Set once the test has submitted every request: a worker's callback waits for it, so the
    /// free it makes cannot refuse a submission still to come.
    all_submitted: AtomicBool,
}

extern "C" fn free_own_client_once(user_data: *mut c_void, _id: u64, result: *mut HathoraResult) {
    let f = unsafe { &*(user_data as *const FreeFromCallback) };
    unsafe { hathora_result_free(result) };
    let end = Instant::now() + Duration::from_secs(20);
    while !f.all_submitted.load(Ordering::SeqCst) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(1));
    }
    f.calls.fetch_add(1, Ordering::SeqCst);
    let handle = std::mem::take(&mut *f.client.lock().unwrap());
    if handle != 0 {
        unsafe { hathora_client_free(handle as *mut HathoraClient) };
    }
}

#[test]
fn free_from_inside_a_callback() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let (room, _) = create_room(&client(&emu, mode), None);
        let cl = client(&emu, mode);
        let raw = cl.0;
        std::mem::forget(cl);
        let f = Arc::new(FreeFromCallback {
            client: std::sync::Mutex::new(raw as usize),
            calls: AtomicUsize::new(0),
            all_submitted: AtomicBool::new(false),
        });
        let ud = Arc::as_ptr(&f) as *mut c_void;
        for _ in 0..5 {
            let mut id = 0;
            let code = unsafe {
                hathora_get_connection_info_async(
                    raw,
                    c(&room).as_ptr(),
                    null(),
                    Some(free_own_client_once),
                    ud,
                    &mut id,
                )
            };
            assert_eq!(code, Code::Ok, "{mode:?}");
        }
        f.all_submitted.store(true, Ordering::SeqCst);
        let end = Instant::now() + Duration::from_secs(20);
        while f.calls.load(Ordering::SeqCst) < 5 {
            assert!(
                Instant::now() < end,
                "{mode:?}: {} of 5 callbacks",
                f.calls.load(Ordering::SeqCst)
            );
            unsafe { hathora_client_poll(raw, 0) };
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(
            f.calls.load(Ordering::SeqCst),
            5,
            "{mode:?}: each callback exactly once"
        );
        assert_eq!(unsafe { hathora_client_pending(raw) }, 0, "{mode:?}");
        assert_eq!(
            unsafe { hathora_client_cancel(raw, 1) },
            Code::InvalidArgument,
            "the handle is dead"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A hanging connect, a callback running inside poll
// ---------------------------------------------------------------------------------------------

#[test]
fn free_during_a_hanging_connect_returns_within_the_connect_timeout() {
    let Some((_listener, _held, addr)) = hanging_listener() else {
        eprintln!("SKIPPED: could not fill the accept queue of a local listener");
        return;
    };
    for mode in BOTH_MODES {
        let cl = client_at(&format!("http://{addr}"), |cfg| unsafe {
            assert_eq!(set_timeouts(cfg, 20_000, 1_500), Code::Ok, "{mode:?}");
            assert_eq!(
                hathora_config_set_dispatch_mode(cfg, mode as u32),
                Code::Ok,
                "{mode:?}"
            );
        });
        let t = Arc::new(Tally::default());
        let ud = Arc::as_ptr(&t) as *mut c_void;
        let mut id = 0;
        assert_eq!(
            unsafe {
                hathora_get_connection_info_async(
                    cl.0,
                    c("r1").as_ptr(),
                    null(),
                    Some(tally),
                    ud,
                    &mut id,
                )
            },
            Code::Ok,
            "{mode:?}"
        );
        std::thread::sleep(Duration::from_millis(200)); // the worker is inside connect() now
        let started = Instant::now();
        drop(cl); // hathora_client_free
        let took = started.elapsed();
        t.freed.store(true, Ordering::SeqCst);
        // The header: a TCP connect in progress is bounded by the connect timeout (1.5 s). Left
        // alone, the request would retry for 7.8 s at least (four connects and three backoffs).
        assert!(
            took < Duration::from_secs(6),
            "{mode:?}: free took {took:?}"
        );
        let seen = t.seen.lock().unwrap().clone();
        assert_eq!(
            seen.len(),
            1,
            "{mode:?}: exactly one callback, before free returned"
        );
        assert_eq!((seen[0].0, seen[0].1), (id, Code::ShutDown), "{mode:?}");
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(
            t.late.load(Ordering::SeqCst),
            0,
            "{mode:?}: callbacks after free"
        );
    }
}

/// A poll-mode callback that takes its time, so that a free can overlap it.
#[derive(Default)]
struct SlowCallback {
    entered: AtomicBool,
    finished: AtomicBool,
}

extern "C" fn slow_callback(user_data: *mut c_void, _id: u64, result: *mut HathoraResult) {
    let s = unsafe { &*(user_data as *const SlowCallback) };
    unsafe { hathora_result_free(result) };
    s.entered.store(true, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(500));
    s.finished.store(true, Ordering::SeqCst);
}

#[test]
fn free_waits_for_a_callback_running_inside_poll_on_another_thread() {
    // The header: "After it returns, no callback of this client runs again", also when the game
    // polls on one thread and frees on another.
    let emu = emulator();
    let (room, _) = create_room(&client(&emu, HathoraDispatchMode::Poll), None);
    let cl = client(&emu, HathoraDispatchMode::Poll);
    let raw = cl.0;
    std::mem::forget(cl);
    let slow = Arc::new(SlowCallback::default());
    let mut id = 0;
    let code = unsafe {
        hathora_get_connection_info_async(
            raw,
            c(&room).as_ptr(),
            null(),
            Some(slow_callback),
            Arc::as_ptr(&slow) as *mut c_void,
            &mut id,
        )
    };
    assert_eq!(code, Code::Ok);
    let handle = raw as usize;
    let pump = std::thread::spawn(move || {
        let end = Instant::now() + Duration::from_secs(20);
        while unsafe { hathora_client_poll(handle as *mut HathoraClient, 0) } == 0
            && Instant::now() < end
        {
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    let end = Instant::now() + Duration::from_secs(20);
    while !slow.entered.load(Ordering::SeqCst) {
        assert!(Instant::now() < end, "the callback never ran");
        std::thread::sleep(Duration::from_millis(1));
    }
    unsafe { hathora_client_free(raw) };
    let finished_when_free_returned = slow.finished.load(Ordering::SeqCst);
    pump.join().unwrap();
    assert!(
        finished_when_free_returned,
        "hathora_client_free returned while a callback of the client was still running on the polling thread"
    );
}
