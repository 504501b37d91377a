//! Issue 6, reliability: retries that never double-create, Retry-After, timeouts, backpressure
//! and shutdown, proven through the C ABI against the emulator's fault injection.
//!
//! The centre is `fault_matrix`: every fault × dispatch mode (worker, poll) × form (blocking,
//! async), asserting the final code, the attempts the server counted and the library reported,
//! exactly one completion per request and no duplicate room. Run it with `--nocapture` to see
//! its table. Every emulator listens on 127.0.0.1 only.

mod common;
use common::*;
use hathora_rooms_server::FaultController;
use std::collections::{BTreeMap, HashSet};
use std::ffi::{CString, c_void};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::ptr::null;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ALL_OPS: [&str; 9] = [
    "CreateRoom",
    "GetRoomInfo",
    "GetActiveRoomsForProcess",
    "GetInactiveRoomsForProcess",
    "DestroyRoom",
    "SuspendRoomV2Deprecated",
    "ResumeRoom",
    "GetConnectionInfo",
    "UpdateRoomConfig",
];

fn options(timeout_ms: u32, max_retries: i32) -> HathoraCallOptions {
    HathoraCallOptions {
        timeout_ms,
        max_retries,
        ..hathora_call_options_init()
    }
}

fn code_name(code: Code) -> String {
    s(hathora_result_code_to_string(code as u32)).unwrap()
}

/// Attempts per operation between two stats snapshots.
fn op_delta(
    before: &hathora_rooms_server::Stats,
    after: &hathora_rooms_server::Stats,
) -> BTreeMap<&'static str, u64> {
    ALL_OPS
        .iter()
        .map(|op| (*op, after.count(op) - before.count(op)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn fmt_ops(m: &BTreeMap<&'static str, u64>) -> String {
    if m.is_empty() {
        return "-".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// The fault matrix
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Debug)]
enum Form {
    Blocking,
    Async,
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Create,
    Destroy,
}

#[derive(Clone, Copy)]
enum Rooms {
    Exactly(usize),
    AtMost(usize),
}

/// What the server must have seen per operation. `Computed` is for the random drop rate: the
/// server's count must equal the library's total and exceed the number of requests.
enum Server {
    Exactly(&'static [(&'static str, u64)]),
    Computed,
}

struct Case {
    fault: &'static str,
    op: Op,
    requests: usize,
    /// Client retry policy: (max_retries, initial backoff ms, max backoff ms).
    retry: (u32, u32, u32),
    /// Per-call options (timeout 0 = the client's).
    timeout_ms: u32,
    arm: fn(&FaultController),
    code: Code,
    http: u16,
    server: Server,
    /// Attempts `hathora_result_attempts` reports per request (None: checked against the server).
    attempts: Option<u32>,
    rooms: Rooms,
    /// Lower bound on the elapsed time (a Retry-After that must be honoured).
    min_elapsed: Duration,
    /// The emulator's latency: wait it out before counting rooms.
    settle: Duration,
}

const FAST: (u32, u32, u32) = (3, 20, 200);

fn cases() -> Vec<Case> {
    vec![
        Case {
            fault: "429 x2, Retry-After: 1",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(429, 2, Some("1".into())),
            code: Code::Ok,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 3)]),
            attempts: Some(3),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::from_millis(1900),
            settle: Duration::ZERO,
        },
        Case {
            fault: "503 x3 (burst)",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(503, 3, None),
            code: Code::Ok,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 4)]),
            attempts: Some(4),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            fault: "503 x5 (retries exhausted)",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(503, 5, None),
            code: Code::ApiError,
            http: 503,
            server: Server::Exactly(&[("CreateRoom", 4)]),
            attempts: Some(4),
            rooms: Rooms::Exactly(0),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            fault: "500 x1",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(500, 1, None),
            code: Code::Ok,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 2)]),
            attempts: Some(2),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            fault: "502 x1",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(502, 1, None),
            code: Code::Ok,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 2)]),
            attempts: Some(2),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            fault: "504 x1",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(504, 1, None),
            code: Code::Ok,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 2)]),
            attempts: Some(2),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            fault: "404 x1 (not retryable)",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.fail_next_status(404, 1, None),
            code: Code::ApiError,
            http: 404,
            server: Server::Exactly(&[("CreateRoom", 1)]),
            attempts: Some(1),
            rooms: Rooms::Exactly(0),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            fault: "connection dropped x2",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.drop_next(2),
            code: Code::Ok,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 3)]),
            attempts: Some(3),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            // 10 retries so that no request can run out of them: the emulator's drop RNG is
            // seeded, and every request rolls once, so the total is the same on every run.
            fault: "drop rate 20%, 50 requests",
            op: Op::Create,
            requests: 50,
            retry: (10, 20, 200),
            timeout_ms: 30_000,
            arm: |f| f.set_drop_rate(0.2),
            code: Code::Ok,
            http: 201,
            server: Server::Computed,
            attempts: None,
            rooms: Rooms::Exactly(50),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            // The room is created, then the 201 carries HTML: a decode error, not retried.
            fault: "garbage body x1",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.garbage_next(1),
            code: Code::DecodeError,
            http: 201,
            server: Server::Exactly(&[("CreateRoom", 1)]),
            attempts: Some(1),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            // A timed-out attempt may still commit on the server after the client gave up; it
            // is never retried, so there is never a second room.
            fault: "latency 1500 ms > deadline 600 ms",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 600,
            arm: |f| f.set_latency(Duration::from_millis(1500)),
            code: Code::Timeout,
            http: 0,
            server: Server::Exactly(&[("CreateRoom", 1)]),
            attempts: Some(1),
            rooms: Rooms::AtMost(1),
            min_elapsed: Duration::from_millis(540),
            settle: Duration::from_millis(1500),
        },
        Case {
            // Attempt 1 creates the room and loses its response; attempt 2 (same generated
            // roomId) gets 422 (taken); the library resolves to the room: GetRoomInfo for the process
            // id, GetConnectionInfo for the connection data.
            fault: "drop after commit (CreateRoom)",
            op: Op::Create,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.drop_after_commit(1),
            code: Code::Ok,
            http: 200,
            server: Server::Exactly(&[
                ("CreateRoom", 2),
                ("GetConnectionInfo", 1),
                ("GetRoomInfo", 1),
            ]),
            attempts: Some(4),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
        Case {
            // Attempt 1 destroys the room and loses its response; attempt 2 gets 404: success.
            fault: "drop after commit (DestroyRoom)",
            op: Op::Destroy,
            requests: 1,
            retry: FAST,
            timeout_ms: 0,
            arm: |f| f.drop_after_commit(1),
            code: Code::Ok,
            http: 204,
            server: Server::Exactly(&[("DestroyRoom", 2)]),
            attempts: Some(2),
            rooms: Rooms::Exactly(1),
            min_elapsed: Duration::ZERO,
            settle: Duration::ZERO,
        },
    ]
}

struct Row {
    fault: &'static str,
    mode: String,
    code: String,
    http: u16,
    server: String,
    attempts: u32,
    completions: usize,
    rooms: usize,
    elapsed: Duration,
}

fn run_case(case: &Case, mode: HathoraDispatchMode, form: Form) -> Row {
    let label = format!("{} / {:?} / {:?}", case.fault, mode, form);
    let emu = emulator();
    let cl = client_with(&emu, mode, |cfg| unsafe {
        assert_eq!(
            set_retry(cfg, case.retry.0, case.retry.1, case.retry.2),
            Code::Ok
        );
    });
    // Rooms to destroy are made before the fault is armed and the counters are read.
    let targets: Vec<CString> = match case.op {
        Op::Create => Vec::new(),
        Op::Destroy => (0..case.requests)
            .map(|_| c(&create_room(&cl, None).0))
            .collect(),
    };
    let before = emu.stats();
    (case.arm)(&emu.faults());
    let opts = options(case.timeout_ms, -1);
    let started = Instant::now();
    let mut async_elapsed = None;
    let results: Vec<Res> = match form {
        Form::Blocking => (0..case.requests)
            .map(|i| match case.op {
                Op::Create => blocking(|out| unsafe {
                    hathora_create_room(
                        cl.0,
                        &HathoraCreateRoomParams {
                            region: HathoraRegion::Frankfurt as u32,
                            ..hathora_create_room_params_init()
                        },
                        &opts,
                        out,
                    )
                }),
                Op::Destroy => blocking(|out| unsafe {
                    hathora_destroy_room(cl.0, targets[i].as_ptr(), &opts, out)
                }),
            })
            .collect(),
        Form::Async => {
            let col = Collector::new();
            let ids: Vec<u64> = (0..case.requests)
                .map(|i| match case.op {
                    Op::Create => submit(&col, |cb, ud, id| unsafe {
                        hathora_create_room_async(
                            cl.0,
                            &HathoraCreateRoomParams {
                                region: HathoraRegion::Frankfurt as u32,
                                ..hathora_create_room_params_init()
                            },
                            &opts,
                            cb,
                            ud,
                            id,
                        )
                    }),
                    Op::Destroy => submit(&col, |cb, ud, id| unsafe {
                        hathora_destroy_room_async(cl.0, targets[i].as_ptr(), &opts, cb, ud, id)
                    }),
                })
                .collect();
            col.wait(&cl, case.requests, Duration::from_secs(60));
            async_elapsed = Some(started.elapsed());
            // Exactly once: nothing more arrives later, every id once, each result names its id.
            std::thread::sleep(Duration::from_millis(100));
            unsafe { hathora_client_poll(cl.0, 0) };
            let done = col.take();
            assert_eq!(done.len(), case.requests, "{label}: completions");
            let got: HashSet<u64> = done.iter().map(|(id, _)| *id).collect();
            assert_eq!(
                got,
                ids.iter().copied().collect::<HashSet<_>>(),
                "{label}: completed ids"
            );
            for (id, r) in &done {
                assert_eq!(r.request_id(), *id, "{label}");
            }
            assert_eq!(
                unsafe { hathora_client_pending(cl.0) },
                0,
                "{label}: pending"
            );
            done.into_iter().map(|(_, r)| r).collect()
        }
    };
    let elapsed = async_elapsed.unwrap_or_else(|| started.elapsed());
    if !case.settle.is_zero() {
        // Let the server finish what the client gave up on, so a late commit is counted.
        std::thread::sleep((case.settle + Duration::from_millis(500)).saturating_sub(elapsed));
        emu.faults().clear();
    }
    let after = emu.stats();
    let delta = op_delta(&before, &after);
    let server_total = after.requests - before.requests;
    let lib_total: u32 = results.iter().map(Res::attempts).sum();

    for r in &results {
        assert_eq!(
            r.code(),
            case.code,
            "{label}: status {} message {:?}",
            r.status(),
            r.message()
        );
        assert_eq!(r.status(), case.http, "{label}: HTTP status");
        if let Some(n) = case.attempts {
            assert_eq!(r.attempts(), n, "{label}: attempts reported by the library");
        }
        match r.code() {
            Code::Ok => assert!(r.message().is_none(), "{label}: no message on success"),
            _ => assert!(
                !r.message().unwrap_or_default().is_empty(),
                "{label}: a failure explains itself"
            ),
        }
        if case.op == Op::Create && r.code() == Code::Ok {
            let conn = r
                .conn()
                .unwrap_or_else(|| panic!("{label}: connection data"));
            assert!(
                s(conn.room_id).is_some_and(|id| id.len() == 20),
                "{label}: generated room id"
            );
            assert!(
                s(conn.process_id).is_some(),
                "{label}: process id (also after resolving a lost response)"
            );
        }
    }
    assert_eq!(
        server_total,
        u64::from(lib_total),
        "{label}: server requests vs library attempts ({delta:?})"
    );
    match &case.server {
        Server::Exactly(expected) => {
            let want: BTreeMap<&str, u64> = expected
                .iter()
                .map(|(k, v)| (*k, *v * case.requests as u64))
                .collect();
            assert_eq!(delta, want, "{label}: attempts per operation at the server");
        }
        Server::Computed => {
            assert_eq!(
                delta.keys().copied().collect::<Vec<_>>(),
                vec!["CreateRoom"],
                "{label}"
            );
            assert!(
                delta["CreateRoom"] > case.requests as u64,
                "{label}: a 20% drop rate caused no retry?"
            );
        }
    }
    match case.rooms {
        Rooms::Exactly(n) => assert_eq!(after.rooms, n, "{label}: rooms"),
        Rooms::AtMost(n) => assert!(
            after.rooms <= n,
            "{label}: {} rooms, at most {n}",
            after.rooms
        ),
    }
    assert!(
        elapsed >= case.min_elapsed,
        "{label}: {elapsed:?} < {:?}: Retry-After/deadline not honoured",
        case.min_elapsed
    );

    // A lost DestroyRoom response did destroy the room; a resolved CreateRoom names a real room.
    if case.code == Code::Ok {
        for (i, r) in results.iter().enumerate() {
            let id = match case.op {
                Op::Destroy => targets[i].clone(),
                Op::Create => c(&s(r.conn().unwrap().room_id).unwrap()),
            };
            let info =
                blocking(|out| unsafe { hathora_get_room_info(cl.0, id.as_ptr(), null(), out) })
                    .ok();
            let status = info.room().unwrap().status;
            match case.op {
                Op::Destroy => assert_eq!(status, HathoraRoomStatus::Destroyed, "{label}"),
                Op::Create => assert_ne!(status, HathoraRoomStatus::Destroyed, "{label}"),
            }
        }
    }

    let codes: BTreeMap<String, usize> = results.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(code_name(r.code())).or_default() += 1;
        m
    });
    Row {
        fault: case.fault,
        mode: format!(
            "{}/{}",
            if mode == HathoraDispatchMode::Worker {
                "worker"
            } else {
                "poll"
            },
            if form == Form::Blocking {
                "blocking"
            } else {
                "async"
            }
        ),
        code: codes
            .iter()
            .map(|(k, n)| {
                if *n == 1 {
                    k.clone()
                } else {
                    format!("{k} x{n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        http: results[0].status(),
        server: fmt_ops(&delta),
        attempts: lib_total,
        completions: results.len(),
        rooms: after.rooms,
        elapsed,
    }
}

#[test]
fn fault_matrix() {
    let mut rows = Vec::new();
    for case in cases() {
        for mode in BOTH_MODES {
            for form in [Form::Blocking, Form::Async] {
                rows.push(run_case(&case, mode, form));
            }
        }
    }
    println!();
    println!(
        "Fault matrix (CreateRoom unless stated; attempts = sum of hathora_result_attempts; rooms = emulator rooms afterwards)"
    );
    println!(
        "| {:<34} | {:<15} | {:<14} | {:>4} | {:<52} | {:>8} | {:>11} | {:>5} | {:>8} |",
        "fault",
        "mode/form",
        "code",
        "HTTP",
        "server attempts",
        "attempts",
        "completions",
        "rooms",
        "ms"
    );
    println!(
        "|{}|",
        [36, 17, 16, 6, 54, 10, 13, 7, 10]
            .map(|w| "-".repeat(w))
            .join("|")
    );
    for r in &rows {
        println!(
            "| {:<34} | {:<15} | {:<14} | {:>4} | {:<52} | {:>8} | {:>11} | {:>5} | {:>8} |",
            r.fault,
            r.mode,
            r.code,
            r.http,
            r.server,
            r.attempts,
            r.completions,
            r.rooms,
            r.elapsed.as_millis()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Retries switched off, Retry-After against the deadline
// ---------------------------------------------------------------------------------------------

/// One CreateRoom in the given form; returns the result.
fn create_once(cl: &CClient, form: Form, opts: Option<&HathoraCallOptions>) -> Res {
    let o = opts.map_or(null(), |o| o as *const _);
    match form {
        Form::Blocking => blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region: HathoraRegion::Frankfurt as u32,
                    ..hathora_create_room_params_init()
                },
                o,
                out,
            )
        }),
        Form::Async => {
            let col = Collector::new();
            let id = submit(&col, |cb, ud, id| unsafe {
                hathora_create_room_async(
                    cl.0,
                    &HathoraCreateRoomParams {
                        region: HathoraRegion::Frankfurt as u32,
                        ..hathora_create_room_params_init()
                    },
                    o,
                    cb,
                    ud,
                    id,
                )
            });
            col.one(cl, id)
        }
    }
}

#[test]
fn retries_switched_off_per_client() {
    for mode in BOTH_MODES {
        for form in [Form::Blocking, Form::Async] {
            let emu = emulator();
            let cl = client_with(&emu, mode, |cfg| unsafe {
                assert_eq!(set_retry(cfg, 0, 20, 200), Code::Ok)
            });
            emu.faults().fail_next_status(503, 1, None);
            let r = create_once(&cl, form, None);
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::ApiError, 503, 1),
                "{mode:?} {form:?}"
            );
            assert_eq!(emu.stats().count("CreateRoom"), 1, "{mode:?} {form:?}");
            assert_eq!(emu.stats().rooms, 0, "{mode:?} {form:?}");
            // A connection failure is not retried either.
            emu.faults().drop_next(1);
            let r = create_once(&cl, form, None);
            assert_eq!(
                (r.code(), r.attempts()),
                (Code::TransportError, 1),
                "{mode:?} {form:?}"
            );
            // One attempt: it reached the server and was dropped, or (a pooled connection the
            // server had closed) failed before reaching it and left the drop armed.
            let reached = u64::from(emu.faults().plan().drop_next == 0);
            assert_eq!(
                emu.stats().count("CreateRoom"),
                1 + reached,
                "{mode:?} {form:?}: one attempt, no retry"
            );
        }
    }
}

#[test]
fn retries_switched_off_and_bounded_per_call() {
    for mode in BOTH_MODES {
        for form in [Form::Blocking, Form::Async] {
            let emu = emulator();
            let cl = client(&emu, mode); // 3 retries
            // max_retries 0: off for this call only.
            emu.faults().fail_next_status(503, 1, None);
            let r = create_once(&cl, form, Some(&options(0, 0)));
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::ApiError, 503, 1),
                "{mode:?} {form:?}"
            );
            // max_retries 1: two attempts, then the 503 is the answer.
            emu.faults().fail_next_status(503, 3, None);
            let r = create_once(&cl, form, Some(&options(0, 1)));
            assert_eq!(
                (r.code(), r.attempts()),
                (Code::ApiError, 2),
                "{mode:?} {form:?}"
            );
            emu.faults().clear();
            // Negative: the client's policy (3 retries) applies.
            emu.faults().fail_next_status(503, 2, None);
            let r = create_once(&cl, form, Some(&options(0, -1))).ok();
            assert_eq!(r.attempts(), 3, "{mode:?} {form:?}");
            assert_eq!(
                emu.stats().count("CreateRoom"),
                1 + 2 + 3,
                "{mode:?} {form:?}"
            );
            assert_eq!(emu.stats().rooms, 1, "{mode:?} {form:?}");
        }
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) of a Unix time.
fn http_date(unix: u64) -> String {
    let (days, secs) = ((unix / 86_400) as i64, unix % 86_400);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        WD[days.rem_euclid(7) as usize],
        day,
        MO[month as usize - 1],
        year,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn http_date_helper_matches_the_rfc_example() {
    assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

#[test]
fn retry_after_as_http_date_is_honoured() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    // Two seconds ahead at whole-second resolution: the library waits at least one second.
    emu.faults()
        .fail_next_status(503, 1, Some(http_date(unix_now() + 2)));
    let started = Instant::now();
    let r = create_once(&cl, Form::Blocking, Some(&options(20_000, -1))).ok();
    let elapsed = started.elapsed();
    assert_eq!(r.attempts(), 2);
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After date not honoured: retried after {elapsed:?}"
    );
    assert_eq!(emu.stats().rooms, 1);
}

#[test]
fn retry_after_beyond_the_deadline_returns_at_once() {
    for mode in BOTH_MODES {
        for form in [Form::Blocking, Form::Async] {
            for retry_after in ["30".to_owned(), http_date(unix_now() + 60)] {
                let emu = emulator();
                let cl = client(&emu, mode);
                emu.faults()
                    .fail_next_status(429, 1, Some(retry_after.clone()));
                let started = Instant::now();
                let r = create_once(&cl, form, Some(&options(20_000, -1)));
                let elapsed = started.elapsed();
                // The 429 is the answer: no wait that the deadline could not cover. Waiting
                // would take the 20 s deadline at least; half of it is slack for a loaded machine.
                assert_eq!(
                    (r.code(), r.status(), r.attempts()),
                    (Code::ApiError, 429, 1),
                    "{mode:?} {form:?} {retry_after}"
                );
                assert!(
                    elapsed < Duration::from_secs(10),
                    "{mode:?} {form:?} {retry_after}: waited {elapsed:?} for a retry it could not make"
                );
                assert_eq!(
                    emu.stats().count("CreateRoom"),
                    1,
                    "{mode:?} {form:?} {retry_after}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

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
    let opts = options(3_000, -1);
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
fn retries_stop_at_the_deadline() {
    // Every attempt fails with 503 and backoff 400..500 ms: a 1.5 s deadline ends the retrying
    // well before 20 retries (which would take 8 s at least), and the call reports the last
    // answer. At most 4 attempts fit in 1.5 s; a loaded machine may fit fewer.
    let emu = emulator();
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        assert_eq!(set_retry(cfg, 20, 400, 500), Code::Ok);
    });
    emu.faults().fail_next_status(503, 1_000, None);
    let started = Instant::now();
    let r = create_once(&cl, Form::Blocking, Some(&options(1_500, -1)));
    let elapsed = started.elapsed();
    assert_eq!((r.code(), r.status()), (Code::ApiError, 503));
    assert!((1..=4).contains(&r.attempts()), "attempts {}", r.attempts());
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
    assert_eq!(emu.stats().count("CreateRoom"), u64::from(r.attempts()));
}

/// A listener whose accept queue is full: the next connect to it hangs (the kernel drops the
/// SYN), which is how an unreachable server looks. std listens with a backlog of 128; the
/// queue holds backlog + 1 connections. Returns the listener and the connections filling it.
fn hanging_listener() -> Option<(TcpListener, Vec<TcpStream>, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").ok()?;
    let addr = listener.local_addr().ok()?;
    let mut held = Vec::new();
    for _ in 0..2_000 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => held.push(s),
            Err(_) => return Some((listener, held, addr)),
        }
    }
    None
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
        ..options(0, 0)
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

#[test]
fn transport_error_to_a_closed_port() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: connects are refused
    for mode in BOTH_MODES {
        for form in [Form::Blocking, Form::Async] {
            let cl = client_at(&format!("http://127.0.0.1:{port}"), |cfg| unsafe {
                assert_eq!(
                    hathora_config_set_dev_token(cfg, c("tok").as_ptr()),
                    Code::Ok
                );
                assert_eq!(set_retry(cfg, 3, 10, 50), Code::Ok);
                assert_eq!(hathora_config_set_dispatch_mode(cfg, mode as u32), Code::Ok);
            });
            // Connection refused is a connection failure: retried 3 times, then reported.
            let r = create_once(&cl, form, None);
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::TransportError, 0, 4),
                "{mode:?} {form:?}: {:?}",
                r.message()
            );
            assert!(!r.message().unwrap().is_empty(), "{mode:?} {form:?}");
            assert_eq!(r.body(), "", "{mode:?} {form:?}");
            let r = create_once(&cl, form, Some(&options(0, 0)));
            assert_eq!(
                (r.code(), r.attempts()),
                (Code::TransportError, 1),
                "{mode:?} {form:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Backpressure and cancellation
// ---------------------------------------------------------------------------------------------

#[test]
fn full_queue_refuses_at_once_and_never_calls_back() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let (room, _) = create_room(&client(&emu, mode), None);
        // 3 s per request on one worker: a submit that waited for a free slot would take
        // seconds, a refusal takes microseconds; 2 s between them is slack for a loaded machine.
        emu.faults().set_latency(Duration::from_secs(3));
        let cl = client_with(&emu, mode, |cfg| unsafe {
            assert_eq!(hathora_config_set_queue_capacity(cfg, 3), Code::Ok);
            assert_eq!(hathora_config_set_max_workers(cfg, 1), Code::Ok);
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
        assert_eq!(unsafe { hathora_client_pending(cl.0) }, 3);
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

#[test]
fn cancel_wakes_a_request_waiting_for_retry_after() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let cl = client(&emu, mode);
        emu.faults().fail_next_status(503, 1, Some("20".into()));
        let col = Collector::new();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_create_room_async(
                cl.0,
                &HathoraCreateRoomParams {
                    region: HathoraRegion::Frankfurt as u32,
                    ..hathora_create_room_params_init()
                },
                &options(60_000, -1),
                cb,
                ud,
                id,
            )
        });
        // Wait until the first attempt was answered, then cancel during the 20 s wait.
        let end = Instant::now() + Duration::from_secs(10);
        while emu.stats().count("CreateRoom") < 1 {
            assert!(
                Instant::now() < end,
                "{mode:?}: the first attempt never arrived"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        assert_eq!(unsafe { hathora_client_cancel(cl.0, id) }, Code::Ok);
        let r = col.one(&cl, id);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "cancel did not wake the wait: {:?}",
            started.elapsed()
        );
        assert_eq!((r.code(), r.attempts()), (Code::Cancelled, 1), "{mode:?}");
        // Cancelling again: already completed.
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, id) },
            Code::InvalidArgument
        );
        assert_eq!(emu.stats().count("CreateRoom"), 1, "{mode:?}");
        assert_eq!(emu.stats().rooms, 0, "{mode:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------------------------------

/// Counts callbacks per id and records the thread each ran on, and whether any ran after the
/// test marked the client freed.
#[derive(Default)]
struct Tally {
    seen: std::sync::Mutex<Vec<(u64, Code, std::thread::ThreadId)>>,
    freed: std::sync::atomic::AtomicBool,
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
            assert_eq!(set_timeouts(cfg, 3_000, 1_000), Code::Ok);
            assert_eq!(hathora_config_set_max_workers(cfg, 2), Code::Ok);
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
            assert_eq!(code, Code::Ok);
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
        assert_eq!(unsafe { hathora_client_pending(raw) }, 0);
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
            Code::InvalidArgument
        );
        unsafe { hathora_client_free(raw) }; // double free: ignored
        assert!(
            last_error().contains("not a live client"),
            "{}",
            last_error()
        );
    }
}

struct FreeFromCallback {
    client: std::sync::Mutex<usize>,
    calls: AtomicUsize,
}

extern "C" fn free_own_client(user_data: *mut c_void, _id: u64, result: *mut HathoraResult) {
    let f = unsafe { &*(user_data as *const FreeFromCallback) };
    unsafe { hathora_result_free(result) };
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
        });
        let ud = Arc::as_ptr(&f) as *mut c_void;
        for _ in 0..5 {
            let mut id = 0;
            let code = unsafe {
                hathora_get_connection_info_async(
                    raw,
                    c(&room).as_ptr(),
                    null(),
                    Some(free_own_client),
                    ud,
                    &mut id,
                )
            };
            assert_eq!(code, Code::Ok);
        }
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
        assert_eq!(unsafe { hathora_client_pending(raw) }, 0);
        assert_eq!(
            unsafe { hathora_client_cancel(raw, 1) },
            Code::InvalidArgument,
            "the handle is dead"
        );
    }
}

#[test]
fn free_during_a_hanging_connect_returns_within_the_connect_timeout() {
    let Some((_listener, _held, addr)) = hanging_listener() else {
        eprintln!("SKIPPED: could not fill the accept queue of a local listener");
        return;
    };
    for mode in BOTH_MODES {
        let cl = client_at(&format!("http://{addr}"), |cfg| unsafe {
            assert_eq!(set_timeouts(cfg, 20_000, 1_500), Code::Ok);
            assert_eq!(hathora_config_set_dispatch_mode(cfg, mode as u32), Code::Ok);
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
            Code::Ok
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
    entered: std::sync::atomic::AtomicBool,
    finished: std::sync::atomic::AtomicBool,
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
