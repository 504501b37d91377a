//! Client handles: values are unguessable. No small integer and no freed handle's value names a
//! live client, so an uninitialised or stale handle variable gets `INVALID_ARGUMENT` instead of
//! acting on (or freeing) someone else's client; a stale handle, a double free and garbage are
//! refused. Own binary, one test at a time: the free-garbage test would free other tests'
//! clients if handles were guessable.

mod common;
use common::*;
use std::ptr::{null, null_mut};
use std::sync::Mutex;

/// Handles this binary's tests hold: the garbage-freeing test must not run beside the others.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A client of nothing (no request is made): config checks pass, no server needed.
fn idle_client() -> CClient {
    client_at("http://127.0.0.1:9", |cfg| unsafe {
        assert_eq!(hathora_config_set_max_workers(cfg, 1), Code::Ok);
    })
}

/// Whether `h` names a live client, asked without side effects: cancelling a request id that
/// cannot exist says "unknown request" for a live client and "not a live client" otherwise.
fn is_live(h: usize) -> bool {
    let code = unsafe { hathora_client_cancel(h as *mut HathoraClient, u64::MAX) };
    assert_eq!(
        code,
        Code::InvalidArgument,
        "handle {h:#x}: cancel of an impossible id"
    );
    let m = last_error();
    if m.contains("not a live client handle") {
        false
    } else {
        assert!(
            m.contains("unknown"),
            "handle {h:#x}: unexpected message {m:?}"
        );
        true
    }
}

#[test]
fn no_small_integer_names_a_live_client() {
    let _g = serial();
    let clients: Vec<CClient> = (0..8).map(|_| idle_client()).collect();
    for cl in &clients {
        assert!(is_live(cl.0 as usize), "a fresh handle is live");
    }
    let live_small: Vec<usize> = (1..=65_536usize).filter(|&h| is_live(h)).collect();
    assert!(
        live_small.is_empty(),
        "small integers name live clients: {:?} (handles held: {:?})",
        &live_small[..live_small.len().min(10)],
        clients.iter().map(|c| c.0 as usize).collect::<Vec<_>>()
    );
}

#[test]
fn handles_are_not_sequential() {
    let _g = serial();
    let clients: Vec<CClient> = (0..32).map(|_| idle_client()).collect();
    let hs: Vec<usize> = clients.iter().map(|c| c.0 as usize).collect();
    let mut sorted = hs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), hs.len(), "handles repeat: {hs:x?}");
    let steps: Vec<usize> = hs.windows(2).map(|w| w[1].wrapping_sub(w[0])).collect();
    assert!(
        steps.iter().any(|s| *s != steps[0]),
        "handles advance by a constant step {:#x}: {hs:x?}",
        steps[0]
    );
    assert!(
        hs.iter().all(|h| *h > 65_536),
        "a handle is a small integer: {hs:x?}"
    );
}

#[test]
fn a_freed_handle_never_names_a_later_client() {
    let _g = serial();
    let freed: Vec<usize> = (0..16)
        .map(|_| {
            let cl = idle_client();
            let h = cl.0 as usize;
            drop(cl); // hathora_client_free
            h
        })
        .collect();
    let later: Vec<CClient> = (0..64).map(|_| idle_client()).collect();
    for (i, cl) in later.iter().enumerate() {
        assert!(
            !freed.contains(&(cl.0 as usize)),
            "later client {i} got a freed handle's value {:#x}",
            cl.0 as usize
        );
    }
    for h in &freed {
        assert!(!is_live(*h), "freed handle {h:#x} names a live client");
        // Freeing it again is ignored and reported; the later clients stay live.
        unsafe { hathora_client_free(*h as *mut HathoraClient) };
        assert!(
            last_error().contains("not a live client handle"),
            "{}",
            last_error()
        );
    }
    assert!(
        later.iter().all(|c| is_live(c.0 as usize)),
        "a later client was freed"
    );
}

#[test]
fn freeing_garbage_handles_frees_no_live_client() {
    let _g = serial();
    let clients: Vec<CClient> = (0..8).map(|_| idle_client()).collect();
    // A stale or uninitialised variable: every small value, NULL aside.
    for h in 1..=4096usize {
        unsafe { hathora_client_free(h as *mut HathoraClient) };
    }
    unsafe { hathora_client_free(null_mut()) };
    for (i, cl) in clients.iter().enumerate() {
        assert!(
            is_live(cl.0 as usize),
            "client {i} ({:#x}) was freed by a garbage handle",
            cl.0 as usize
        );
    }
}

#[test]
fn stale_and_garbage_handles_are_refused() {
    let _g = serial();
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let handle = cl.0;
    drop(cl);
    let r = blocking(|out| unsafe { hathora_get_room_info(handle, c("r").as_ptr(), null(), out) });
    assert_eq!(r.code(), Code::InvalidArgument);
    assert!(r.message().unwrap().contains("not a live client"));
    unsafe { hathora_client_free(handle) }; // a double free is ignored
    assert!(last_error().contains("not a live client"));
    let garbage = 0xdead_beef as *mut HathoraClient;
    assert_eq!(unsafe { hathora_client_poll(garbage, 0) }, 0);
    assert_eq!(
        unsafe { hathora_client_cancel(garbage, 1) },
        Code::InvalidArgument
    );
}
