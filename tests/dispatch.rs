//! Where and when callbacks run: on worker threads, or only inside `poll` on the polling thread;
//! wait-until-active holding no worker between polls; and backpressure: past the queue's
//! capacity an asynchronous call is refused at once and never calls back. (Freeing a client is
//! in shutdown.rs, the worker pool's size in pool.rs.)

mod common;
use common::*;
use std::collections::HashSet;
use std::ffi::c_void;
use std::ptr::null;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// A GetConnectionInfo whose callback records its thread under `tag`.
fn submit_tagged(cl: &CClient, tag: usize) -> Code {
    unsafe {
        hathora_get_connection_info_async(
            cl.0,
            c("r").as_ptr(),
            null(),
            Some(record_thread),
            tag as *mut c_void,
            std::ptr::null_mut(),
        )
    }
}

#[test]
fn worker_mode_runs_callbacks_on_worker_threads() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let tag = 1000;
    let code = submit_tagged(&cl, tag);
    assert_eq!(code, Code::Ok, "{}", last_error());
    wait_until("the callback ran", Duration::from_secs(10), || {
        ran_on(tag).is_some()
    });
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
        let code = submit_tagged(&cl, tag);
        assert_eq!(code, Code::Ok, "request tagged {tag}: {}", last_error());
    }
    // Let the HTTP work finish; nothing may run until the game loop polls.
    wait_until("three requests served", Duration::from_secs(10), || {
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

// ---------------------------------------------------------------------------------------------
// Backpressure: a full queue refuses at once
// ---------------------------------------------------------------------------------------------

#[test]
fn queue_full_fails_fast_without_a_callback() {
    let emu = emulator();
    emu.faults().set_latency(Duration::from_millis(500));
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        hathora_config_set_queue_capacity(cfg, 2);
    });
    let col = Collector::new();
    let r = c("room");
    for _ in 0..2 {
        submit(&col, |cb, ud, id| unsafe {
            hathora_get_connection_info_async(cl.0, r.as_ptr(), null(), cb, ud, id)
        });
    }
    let mut id = 0;
    let code = unsafe {
        hathora_get_connection_info_async(
            cl.0,
            r.as_ptr(),
            null(),
            Some(collect),
            col.user_data(),
            &mut id,
        )
    };
    assert_eq!((code, id), (Code::QueueFull, 0));
    assert!(last_error().contains("queue is full"));
    assert_eq!(unsafe { hathora_client_pending(cl.0) }, 2);
    col.wait(&cl, 2, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(col.count(), 2, "the refused request never completes");
    assert_eq!(unsafe { hathora_client_pending(cl.0) }, 0);
    submit(&col, |cb, ud, id| unsafe {
        hathora_get_connection_info_async(cl.0, r.as_ptr(), null(), cb, ud, id)
    });
}

#[test]
fn full_queue_refuses_at_once_and_never_calls_back() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let (room, _) = create_room(&client(&emu, mode), None);
        // 3 s per request on one worker: a submit that waited for a free slot would take
        // seconds, a refusal takes microseconds; 2 s between them is slack for a loaded machine.
        emu.faults().set_latency(Duration::from_secs(3));
        let cl = client_with(&emu, mode, |cfg| unsafe {
            assert_eq!(
                hathora_config_set_queue_capacity(cfg, 3),
                Code::Ok,
                "{mode:?}"
            );
            assert_eq!(hathora_config_set_max_workers(cfg, 1), Code::Ok, "{mode:?}");
        });
        let col = Collector::new();
        let room_c = c(&room);
        let ids: Vec<u64> = (0..3)
            .map(|_| {
                submit(&col, |cb, ud, id| unsafe {
                    hathora_get_connection_info_async(cl.0, room_c.as_ptr(), null(), cb, ud, id)
                })
            })
            .collect();
        for _ in 0..5 {
            let mut id = 12345;
            let started = Instant::now();
            let code = unsafe {
                hathora_get_connection_info_async(
                    cl.0,
                    room_c.as_ptr(),
                    null(),
                    Some(collect),
                    col.user_data(),
                    &mut id,
                )
            };
            assert_eq!(code, Code::QueueFull, "{mode:?}");
            assert!(
                started.elapsed() < Duration::from_millis(1_000),
                "{mode:?}: QUEUE_FULL must not wait ({:?})",
                started.elapsed()
            );
            assert_eq!(id, 12345, "{mode:?}: no id for a refused request");
            assert!(last_error().contains("queue"), "{}", last_error());
        }
        assert_eq!(unsafe { hathora_client_pending(cl.0) }, 3, "{mode:?}");
        col.wait(&cl, 3, Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(200));
        unsafe { hathora_client_poll(cl.0, 0) };
        let done = col.take();
        assert_eq!(done.len(), 3, "{mode:?}: refused requests never call back");
        assert_eq!(
            done.iter().map(|d| d.0).collect::<HashSet<_>>(),
            ids.into_iter().collect(),
            "{mode:?}: the accepted ids"
        );
        assert!(done.iter().all(|(_, r)| r.code() == Code::Ok), "{mode:?}");
        // Room again once delivered.
        emu.faults().set_latency(Duration::ZERO);
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_connection_info_async(cl.0, room_c.as_ptr(), null(), cb, ud, id)
        });
        col.one(&cl, id).ok();
        assert_eq!(emu.stats().count("GetConnectionInfo"), 4, "{mode:?}");
    }
}
