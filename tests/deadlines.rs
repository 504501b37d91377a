//! Deadlines: the call's overall deadline (the client's or the call's own) ends it with
//! `TIMEOUT` on time, in both forms and both dispatch modes, whatever the server does; a connect
//! that hangs ends at the connect timeout and is retried like a refused one, and a call may set
//! its own connect timeout. (Retries that stop at the deadline are in retries.rs, queued calls
//! that meet theirs while every worker is busy in pool.rs.)

mod common;
use common::*;
use std::ptr::null;
use std::time::{Duration, Instant};

/// Not before the deadline (10% early for the kernel's timer resolution), and well before the
/// slow server's answer: the deadline, not the server, ended the call. How close to the deadline
/// it ends is a speed figure (printed, not asserted): a loaded machine may add seconds.
fn assert_ended_by_the_deadline(label: &str, elapsed: Duration, deadline: Duration) {
    let (lo, hi) = (deadline.mul_f64(0.9), deadline + Duration::from_secs(5));
    assert!(
        elapsed >= lo && elapsed <= hi,
        "{label}: TIMEOUT after {elapsed:?}, deadline {deadline:?} (allowed {lo:?}..{hi:?})"
    );
}

#[test]
fn timeout_is_reported_at_the_deadline() {
    let emu = emulator();
    emu.faults().set_latency(Duration::from_secs(10));
    // 3 s deadline, 10 s latency: an answer after 8 s would mean the deadline did not end it.
    let deadline = Duration::from_millis(3_000);
    let mut seen = Vec::new();
    // Client-wide deadline, blocking.
    {
        let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
            assert_eq!(set_timeouts(cfg, 3_000, 1_000), Code::Ok);
        });
        let started = Instant::now();
        let r = blocking(|out| unsafe {
            hathora_get_connection_info(cl.0, c("some-room").as_ptr(), null(), out)
        });
        let elapsed = started.elapsed();
        assert_eq!(
            (r.code(), r.status(), r.attempts()),
            (Code::Timeout, 0, 1),
            "{:?}",
            r.message()
        );
        assert_ended_by_the_deadline("client deadline, blocking", elapsed, deadline);
        seen.push(("client deadline, blocking", elapsed));
    }
    // Per-call deadline (the client's is 15 s), blocking and async in both modes.
    let opts = call_options(3_000, -1);
    for mode in BOTH_MODES {
        let cl = client(&emu, mode);
        let started = Instant::now();
        let r = blocking(|out| unsafe {
            hathora_get_connection_info(cl.0, c("some-room").as_ptr(), &opts, out)
        });
        let elapsed = started.elapsed();
        assert_eq!(
            (r.code(), r.attempts()),
            (Code::Timeout, 1),
            "blocking, {mode:?}"
        );
        assert_ended_by_the_deadline(
            &format!("call deadline, blocking, {mode:?}"),
            elapsed,
            deadline,
        );
        seen.push(("call deadline, blocking", elapsed));

        let col = Collector::new();
        let started = Instant::now();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_connection_info_async(cl.0, c("some-room").as_ptr(), &opts, cb, ud, id)
        });
        let r = col.one(&cl, id);
        let elapsed = started.elapsed();
        assert_eq!(
            (r.code(), r.attempts()),
            (Code::Timeout, 1),
            "async, {mode:?}"
        );
        assert_ended_by_the_deadline(
            &format!("call deadline, async, {mode:?}"),
            elapsed,
            deadline,
        );
        seen.push(("call deadline, async", elapsed));
    }
    println!("timeouts (deadline {deadline:?}): {seen:?}");
}

#[test]
fn connect_timeout_against_a_server_that_never_answers_the_handshake() {
    let Some((_listener, _held, addr)) = hanging_listener() else {
        // The kernel accepted 2,000 connections without ever filling the queue (a different
        // backlog policy): a hanging connect cannot be produced here without another crate.
        eprintln!("SKIPPED: could not fill the accept queue of a local listener");
        return;
    };
    let cl = client_at(&format!("http://{addr}"), |cfg| unsafe {
        assert_eq!(set_timeouts(cfg, 8_000, 1_000), Code::Ok);
        assert_eq!(set_retry(cfg, 2, 20, 200), Code::Ok);
    });
    let started = Instant::now();
    let r =
        blocking(|out| unsafe { hathora_get_connection_info(cl.0, c("r1").as_ptr(), null(), out) });
    let elapsed = started.elapsed();
    // Each attempt ends at the connect timeout (1 s), well before the call deadline (8 s): a
    // connection failure, retried twice, then reported as TRANSPORT_ERROR (not TIMEOUT).
    assert_eq!(
        (r.code(), r.status(), r.attempts()),
        (Code::TransportError, 0, 3),
        "{:?}",
        r.message()
    );
    assert!(
        r.message().unwrap().contains("timed out"),
        "{:?}",
        r.message()
    );
    assert!(
        elapsed >= Duration::from_millis(2_700) && elapsed < Duration::from_secs(20),
        "three connects gave up after {elapsed:?}"
    );
    println!(
        "connect timeout: {:?} after {elapsed:?}: {:?}",
        r.code(),
        r.message()
    );
}

#[test]
fn a_per_call_connect_timeout_overrides_the_clients() {
    let Some((_listener, _held, addr)) = hanging_listener() else {
        eprintln!("SKIPPED: could not fill the accept queue of a local listener");
        return;
    };
    // The client would wait 20 s for a connect; this call allows 500 ms, without retries.
    let cl = client_at(&format!("http://{addr}"), |cfg| unsafe {
        assert_eq!(set_timeouts(cfg, 30_000, 20_000), Code::Ok);
    });
    let per_call = HathoraCallOptions {
        connect_timeout_ms: 500,
        ..call_options(0, 0)
    };
    let started = Instant::now();
    let r = blocking(|out| unsafe {
        hathora_get_connection_info(cl.0, c("r1").as_ptr(), &per_call, out)
    });
    let elapsed = started.elapsed();
    assert_eq!(
        (r.code(), r.attempts()),
        (Code::TransportError, 1),
        "{:?}",
        r.message()
    );
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(10),
        "the call's 500 ms connect deadline ended the attempt after {elapsed:?}"
    );
}
