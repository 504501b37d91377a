//! Where and when callbacks run: worker threads vs inside poll, exactly once, never after free,
//! free from inside a callback, and wait-until-active holding no worker between polls.

mod common;
use common::*;
use std::ffi::c_void;
use std::ptr::null;
use std::sync::Mutex;
use std::time::Duration;

/// Records the name of the thread each callback ran on.
/// Keyed by the `user_data` tag, since request ids are only unique per client.
static THREADS: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());

extern "C" fn record_thread(tag: *mut c_void, _: u64, result: *mut HathoraResult) {
    let name = std::thread::current().name().unwrap_or("").to_owned();
    THREADS.lock().unwrap().push((tag as usize, name));
    unsafe { hathora_result_free(result) };
}

fn ran_on(tag: usize) -> Option<String> {
    THREADS
        .lock()
        .unwrap()
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, n)| n.clone())
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) {
    let end = std::time::Instant::now() + limit;
    while !done() {
        assert!(
            std::time::Instant::now() < end,
            "condition not reached in {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn worker_mode_runs_callbacks_on_worker_threads() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let tag = 1000;
    let code = unsafe {
        hathora_get_connection_info_async(
            cl.0,
            c("r").as_ptr(),
            null(),
            Some(record_thread),
            tag as *mut c_void,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(code, Code::Ok);
    wait_until(Duration::from_secs(10), || ran_on(tag).is_some());
    assert!(
        ran_on(tag).unwrap().starts_with("hathora-worker-"),
        "{:?}",
        ran_on(tag)
    );
}

#[test]
fn poll_mode_runs_callbacks_only_inside_poll_on_the_polling_thread() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Poll);
    let ids = [2001usize, 2002, 2003];
    for tag in ids {
        let code = unsafe {
            hathora_get_connection_info_async(
                cl.0,
                c("r").as_ptr(),
                null(),
                Some(record_thread),
                tag as *mut c_void,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(code, Code::Ok);
    }
    // Let the HTTP work finish; nothing may run until the game loop polls.
    wait_until(Duration::from_secs(10), || {
        emu.stats().count("GetConnectionInfo") == 3
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(ids.iter().all(|id| ran_on(*id).is_none()));
    assert_eq!(unsafe { hathora_client_pending(cl.0) }, 3);
    let polled = std::thread::Builder::new()
        .name("game-main".into())
        .spawn({
            let handle = cl.0 as usize;
            move || {
                let first = unsafe { hathora_client_poll(handle as *mut HathoraClient, 1) };
                let rest = unsafe { hathora_client_poll(handle as *mut HathoraClient, 0) };
                (first, rest)
            }
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(polled, (1, 2));
    assert!(
        ids.iter()
            .all(|id| ran_on(*id).as_deref() == Some("game-main"))
    );
    assert_eq!(unsafe { hathora_client_poll(cl.0, 0) }, 0);
    assert_eq!(unsafe { hathora_client_pending(cl.0) }, 0);
}

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

/// A callback that frees the client it belongs to.
extern "C" fn free_own_client(user_data: *mut c_void, _: u64, result: *mut HathoraResult) {
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
                Some(free_own_client),
                handle.cast(),
                &mut id,
            )
        };
        assert_eq!(code, Code::Ok);
        wait_until(Duration::from_secs(10), || {
            unsafe { hathora_client_poll(handle, 0) };
            unsafe { hathora_client_pending(handle) == 0 && hathora_client_poll(handle, 0) == 0 }
        });
        wait_until(Duration::from_secs(10), || {
            let mut out = std::ptr::null_mut();
            let code = unsafe { hathora_get_room_info(handle, c("r").as_ptr(), null(), &mut out) };
            unsafe { hathora_result_free(out) };
            code == Code::InvalidArgument
        });
    }
}

#[test]
fn waiting_for_activation_holds_no_worker() {
    let emu = emulator_with(|cfg| cfg.activation_delay = Duration::from_secs(2));
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        hathora_config_set_max_workers(cfg, 1);
    });
    let (room, _) = create_room(&cl, None);
    let col = Collector::new();
    let r = c(&room);
    let waits: Vec<u64> = (0..3)
        .map(|_| {
            submit(&col, |cb, ud, id| unsafe {
                hathora_wait_until_active_async(cl.0, r.as_ptr(), 30_000, null(), cb, ud, id)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // With one worker and three waits in progress, a plain request still goes through at once.
    let quick = submit(&col, |cb, ud, id| unsafe {
        hathora_get_connection_info_async(cl.0, r.as_ptr(), null(), cb, ud, id)
    });
    col.wait(&cl, 1, Duration::from_secs(1));
    assert_eq!(
        col.take()[0].0,
        quick,
        "the quick request finished before the waits"
    );
    col.wait(&cl, 3, Duration::from_secs(30));
    let done = col.take();
    assert!(
        done.iter()
            .all(|(id, r)| waits.contains(id) && r.code() == Code::Ok && r.attempts() > 1)
    );
    let polls = emu.stats().count("GetConnectionInfo");
    assert!(
        polls < 3 * 20,
        "backoff, not a busy loop: {polls} polls in ~2 s for 3 waits"
    );
}

#[test]
fn wait_until_active_times_out_with_the_last_connection_data() {
    let emu = emulator_with(|cfg| cfg.activation_delay = Duration::from_secs(60));
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (room, _) = create_room(&cl, None);
    let r = blocking(|out| unsafe {
        hathora_wait_until_active(cl.0, c(&room).as_ptr(), 700, null(), out)
    });
    assert_eq!(r.code(), Code::Timeout);
    assert_eq!(r.conn().unwrap().status, HathoraRoomReadyStatus::Starting);
    assert!(r.message().unwrap().contains("not active"));
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
        wait_until(Duration::from_secs(10), || emu.stats().requests == 4);
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

#[test]
fn cancelling_a_wait_ends_it_without_waiting_for_the_next_poll() {
    for mode in BOTH_MODES {
        let emu = emulator_with(|cfg| cfg.activation_delay = Duration::from_secs(120));
        let cl = client(&emu, mode);
        let (room, _) = create_room(&cl, None);
        let col = Collector::new();
        let r = c(&room);
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_wait_until_active_async(cl.0, r.as_ptr(), 120_000, null(), cb, ud, id)
        });
        // After the seventh poll the next one is 2 s away (the longest interval).
        wait_until(Duration::from_secs(30), || {
            emu.stats().count("GetConnectionInfo") >= 7
        });
        let polls = emu.stats().count("GetConnectionInfo");
        let started = std::time::Instant::now();
        assert_eq!(unsafe { hathora_client_cancel(cl.0, id) }, Code::Ok);
        let res = col.one(&cl, id);
        let took = started.elapsed();
        assert_eq!(res.code(), Code::Cancelled, "{mode:?}");
        assert!(
            took < Duration::from_millis(1_500),
            "{mode:?}: the cancelled wait ended after {took:?}, not before its next poll"
        );
        assert_eq!(
            emu.stats().count("GetConnectionInfo"),
            polls,
            "{mode:?}: no poll after the cancel"
        );
    }
}
