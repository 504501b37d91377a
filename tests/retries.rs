//! Retries, through the C ABI against the emulator's fault injection: which failures are
//! retried and how often, Retry-After (seconds or HTTP date) honoured unless the deadline is
//! nearer, retries switched off or bounded per client and per call, retries that stop at the
//! deadline, and lost responses resolved (never a second room) only when an earlier attempt
//! may have applied.
//!
//! The centre is `fault_matrix`: every fault × dispatch mode (worker, poll) × form (blocking,
//! async), asserting the final code, the attempts the server counted and the library reported,
//! exactly one completion per request and no duplicate room. Run it with `--nocapture` to see
//! its table. Every emulator listens on 127.0.0.1 only.

mod common;
use common::*;
use hathora_rooms_server::FaultController;
use std::collections::{BTreeMap, HashSet};
use std::ffi::CString;
use std::ptr::null;
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
    let opts = call_options(case.timeout_ms, -1);
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

#[test]
fn retries_switched_off_per_client() {
    for mode in BOTH_MODES {
        for form in [Form::Blocking, Form::Async] {
            let emu = emulator();
            let cl = client_with(&emu, mode, |cfg| unsafe {
                assert_eq!(set_retry(cfg, 0, 20, 200), Code::Ok, "{mode:?} {form:?}")
            });
            emu.faults().fail_next_status(503, 1, None);
            let r = create_room_in(&cl, form, None);
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::ApiError, 503, 1),
                "{mode:?} {form:?}"
            );
            assert_eq!(emu.stats().count("CreateRoom"), 1, "{mode:?} {form:?}");
            assert_eq!(emu.stats().rooms, 0, "{mode:?} {form:?}");
            // A connection failure is not retried either.
            emu.faults().drop_next(1);
            let r = create_room_in(&cl, form, None);
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
            let r = create_room_in(&cl, form, Some(&call_options(0, 0)));
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::ApiError, 503, 1),
                "{mode:?} {form:?}"
            );
            // max_retries 1: two attempts, then the 503 is the answer.
            emu.faults().fail_next_status(503, 3, None);
            let r = create_room_in(&cl, form, Some(&call_options(0, 1)));
            assert_eq!(
                (r.code(), r.attempts()),
                (Code::ApiError, 2),
                "{mode:?} {form:?}"
            );
            emu.faults().clear();
            // Negative: the client's policy (3 retries) applies.
            emu.faults().fail_next_status(503, 2, None);
            let r = create_room_in(&cl, form, Some(&call_options(0, -1))).ok();
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
    let r = create_room_in(&cl, Form::Blocking, Some(&call_options(20_000, -1))).ok();
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
                let r = create_room_in(&cl, form, Some(&call_options(20_000, -1)));
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
    let r = create_room_in(&cl, Form::Blocking, Some(&call_options(1_500, -1)));
    let elapsed = started.elapsed();
    assert_eq!((r.code(), r.status()), (Code::ApiError, 503));
    assert!((1..=4).contains(&r.attempts()), "attempts {}", r.attempts());
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
    assert_eq!(emu.stats().count("CreateRoom"), u64::from(r.attempts()));
}

// ---------------------------------------------------------------------------------------------
// Backpressure and cancellation
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Lost responses: resolved only when an earlier attempt may have applied
// ---------------------------------------------------------------------------------------------

#[test]
fn a_retry_resolves_to_success_only_when_an_earlier_attempt_may_have_applied() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (taken, _) = create_room(&cl, None);
    let create_taken = || {
        blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region: 1,
                    room_id: c(&taken).as_ptr(),
                    ..hathora_create_room_params_init()
                },
                null(),
                out,
            )
        })
    };
    // 429 and 503 mean "not done": the 422 (taken) that follows is someone else's room, an error.
    for status in [429, 503] {
        emu.faults().fail_next_status(status, 1, None);
        let r = create_taken();
        assert_eq!(
            (r.code(), r.status(), r.attempts()),
            (Code::ApiError, 422, 2),
            "after {status}"
        );
    }
    emu.faults().fail_next_status(503, 1, None);
    let r = blocking(|out| unsafe {
        hathora_destroy_room(cl.0, c("never-existed").as_ptr(), null(), out)
    });
    assert_eq!((r.code(), r.status()), (Code::ApiError, 404));
    // A 500 may have been sent after the work was done: the 422 (taken) then resolves to the room.
    emu.faults().fail_next_status(500, 1, None);
    let r = create_taken();
    assert_eq!(r.code(), Code::Ok);
    assert_eq!(
        s(r.conn().unwrap().room_id).as_deref(),
        Some(taken.as_str())
    );
    assert_eq!(emu.stats().rooms, 1);
}
