//! Every result class through the C ABI, in both forms and both dispatch modes: invalid
//! argument, API error, transport error, timeout, decode error, cancelled, shut down (queue
//! full: dispatch.rs); what each result carries (status, message, body as received, structured
//! views, unknown enum values as raw strings); the message of a failed CreateRoom; the text of
//! each code.

mod common;
use common::fake_http::{FakeHttp, response};
use common::ops::{Param, every_operation};
use common::*;
use std::ptr::null;
use std::time::{Duration, Instant};

/// Runs GetConnectionInfo for `room` in both forms on `cl` and returns both results.
fn connection_info_both_forms(
    cl: &CClient,
    room: &str,
    opts: *const HathoraCallOptions,
) -> [Res; 2] {
    let r = c(room);
    let sync = blocking(|out| unsafe { hathora_get_connection_info(cl.0, r.as_ptr(), opts, out) });
    let col = Collector::new();
    let id = submit(&col, |cb, ud, id| unsafe {
        hathora_get_connection_info_async(cl.0, r.as_ptr(), opts, cb, ud, id)
    });
    [sync, col.one(cl, id)]
}

#[test]
fn api_errors_keep_status_message_and_body() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let cl = client(&emu, mode);
        for r in connection_info_both_forms(&cl, "no-such-room", null()) {
            assert_eq!(
                (r.code(), r.status()),
                (Code::ApiError, 404),
                "{mode:?}: {r:?}"
            );
            let msg = r.message().expect("the API's message");
            assert_eq!(
                r.json()["message"].as_str(),
                Some(msg.as_str()),
                "{mode:?}: {r:?}"
            );
            assert!(r.conn().is_none(), "{mode:?}: {r:?}");
            assert_eq!(r.attempts(), 1, "{mode:?}: 404 is not retried: {r:?}");
        }
        // 401: a wrong token.
        let bad = client_with(&emu, mode, |cfg| unsafe {
            hathora_config_set_dev_token(cfg, c("wrong-token").as_ptr());
        });
        let r =
            blocking(|out| unsafe { hathora_get_room_info(bad.0, c("x").as_ptr(), null(), out) });
        assert_eq!((r.code(), r.status()), (Code::ApiError, 401), "{mode:?}");
        // 422 (the emulator's declared status for a taken roomId): on the first attempt an
        // error, not a resolution.
        let (room, _) = create_room(&cl, None);
        let r = blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region: 1,
                    room_id: c(&room).as_ptr(),
                    ..hathora_create_room_params_init()
                },
                null(),
                out,
            )
        });
        assert_eq!(
            (r.code(), r.status(), r.attempts()),
            (Code::ApiError, 422, 1),
            "{mode:?}"
        );
        assert!(
            r.message().unwrap_or_default().contains("taken"),
            "{:?}",
            r.message()
        );
        // 422: a well-formed region name the API does not know is sent, and refused there.
        let r = blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region_name: c("Atlantis").as_ptr(),
                    ..hathora_create_room_params_init()
                },
                null(),
                out,
            )
        });
        assert_eq!((r.code(), r.status()), (Code::ApiError, 422), "{mode:?}");
        assert!(r.message().unwrap().len() > 3, "{mode:?}");
    }
}

#[test]
fn invalid_arguments_are_refused_before_sending() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let before = emu.stats().requests;
    let long_config = "x".repeat(10_001);
    let cases: Vec<(&str, Res)> = vec![
        (
            "room_id",
            blocking(|out| unsafe {
                hathora_get_room_info(cl.0, c("has space").as_ptr(), null(), out)
            }),
        ),
        (
            "room_id",
            blocking(|out| unsafe {
                hathora_destroy_room(cl.0, c(&"a".repeat(101)).as_ptr(), null(), out)
            }),
        ),
        (
            "room_id",
            blocking(|out| unsafe { hathora_resume_room(cl.0, c("").as_ptr(), null(), out) }),
        ),
        (
            "room_config",
            blocking(|out| unsafe {
                hathora_update_room_config(
                    cl.0,
                    c("r").as_ptr(),
                    c(&long_config).as_ptr(),
                    null(),
                    out,
                )
            }),
        ),
        (
            "region",
            blocking(|out| unsafe {
                hathora_create_room(
                    cl.0,
                    &HathoraCreateRoomParams {
                        region: 99,
                        ..hathora_create_room_params_init()
                    },
                    null(),
                    out,
                )
            }),
        ),
        (
            "region",
            blocking(|out| unsafe {
                hathora_create_room(
                    cl.0,
                    &HathoraCreateRoomParams {
                        region_name: c("Sao Paulo").as_ptr(),
                        ..hathora_create_room_params_init()
                    },
                    null(),
                    out,
                )
            }),
        ),
        (
            "client_ips",
            blocking(|out| unsafe {
                hathora_create_room(
                    cl.0,
                    &HathoraCreateRoomParams {
                        region: 1,
                        client_ips: [c("not-an-ip").as_ptr()].as_ptr(),
                        client_ips_count: 1,
                        ..hathora_create_room_params_init()
                    },
                    null(),
                    out,
                )
            }),
        ),
        (
            "process_id",
            blocking(|out| unsafe {
                hathora_get_active_rooms_for_process(cl.0, null(), null(), out)
            }),
        ),
        (
            "timeout",
            blocking(|out| unsafe {
                hathora_wait_until_active(cl.0, c("r").as_ptr(), 0, null(), out)
            }),
        ),
    ];
    for (what, r) in &cases {
        assert_eq!((r.code(), r.status()), (Code::InvalidArgument, 0), "{what}");
        let m = r.message().unwrap();
        assert!(m.contains(what), "message {m:?} names {what}");
    }
    let newest = cases.last().unwrap().1.message().unwrap();
    assert_eq!(
        last_error(),
        newest,
        "the thread's last error is the newest failure's message"
    );
    // The async form refuses at once: no id, no callback, the reason in the last error.
    let col = Collector::new();
    let mut id = 0;
    let code = unsafe {
        hathora_get_room_info_async(
            cl.0,
            c("bad id!").as_ptr(),
            null(),
            Some(collect),
            col.user_data(),
            &mut id,
        )
    };
    assert_eq!((code, id), (Code::InvalidArgument, 0));
    assert!(last_error().contains("room_id"));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(col.count(), 0);
    assert_eq!(emu.stats().requests, before, "nothing was sent");
}

#[test]
fn transport_error_on_a_closed_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emu = emulator();
    for mode in BOTH_MODES {
        let cl = client_with(&emu, mode, |cfg| unsafe {
            hathora_config_set_base_url(cfg, c(&format!("http://127.0.0.1:{port}")).as_ptr());
            set_retry(cfg, 2, 10, 20);
        });
        for r in connection_info_both_forms(&cl, "room", null()) {
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::TransportError, 0, 3),
                "{mode:?}"
            );
            assert!(r.message().unwrap().contains("onnect"), "{mode:?}: {r:?}");
            assert_eq!(r.body(), "", "{mode:?}: {r:?}");
        }
    }
}

#[test]
fn timeout_when_the_server_is_slower_than_the_deadline() {
    let emu = emulator();
    // 10 s latency: two 300 ms deadlines ending within 8 s cannot be the server's answers.
    emu.faults().set_latency(Duration::from_secs(10));
    for mode in BOTH_MODES {
        let cl = client(&emu, mode);
        let opts = HathoraCallOptions {
            timeout_ms: 300,
            ..hathora_call_options_init()
        };
        let started = Instant::now();
        for r in connection_info_both_forms(&cl, "room", &opts) {
            assert_eq!((r.code(), r.status()), (Code::Timeout, 0), "{mode:?}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{mode:?}: did not wait for the slow server"
        );
    }
}

#[test]
fn decode_error_keeps_status_and_body() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Poll);
    let (room, _) = create_room(&cl, None);
    emu.faults().garbage_next(2);
    for r in connection_info_both_forms(&cl, &room, null()) {
        assert_eq!((r.code(), r.status()), (Code::DecodeError, 200), "{r:?}");
        assert!(
            !r.body().is_empty() && serde_json::from_str::<serde_json::Value>(&r.body()).is_err(),
            "{r:?}"
        );
        assert!(r.message().unwrap().contains("GetConnectionInfo"), "{r:?}");
        assert!(r.conn().is_none(), "{r:?}");
    }
}

#[test]
fn cancelled_and_shut_down() {
    for mode in BOTH_MODES {
        let emu = emulator_with(|cfg| cfg.activation_delay = Duration::from_secs(60));
        let cl = client(&emu, mode);
        let (room, _) = create_room(&cl, None);
        let col = Collector::new();
        let r = c(&room);
        let waiting = submit(&col, |cb, ud, id| unsafe {
            hathora_wait_until_active_async(cl.0, r.as_ptr(), 60_000, null(), cb, ud, id)
        });
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, waiting) },
            Code::Ok,
            "{mode:?}"
        );
        let res = col.one(&cl, waiting);
        assert_eq!(res.code(), Code::Cancelled, "{mode:?}");
        assert!(res.message().unwrap().contains("cancelled"), "{mode:?}");
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, waiting) },
            Code::InvalidArgument,
            "already completed"
        );
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, 987_654) },
            Code::InvalidArgument,
            "unknown id"
        );

        // Freeing the client ends the rest with SHUT_DOWN, each exactly once, before free returns.
        let ids: Vec<u64> = (0..5)
            .map(|_| {
                submit(&col, |cb, ud, id| unsafe {
                    hathora_wait_until_active_async(cl.0, r.as_ptr(), 60_000, null(), cb, ud, id)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(100));
        drop(cl);
        let mut done: Vec<(u64, Code)> = col
            .take()
            .into_iter()
            .map(|(id, r)| (id, r.code()))
            .collect();
        done.sort_by_key(|d| d.0);
        assert_eq!(
            done,
            ids.iter()
                .map(|&id| (id, Code::ShutDown))
                .collect::<Vec<_>>(),
            "{mode:?}"
        );
    }
}

#[test]
fn unknown_enum_values_keep_their_raw_string() {
    // A server of a later API version: a status and a transport this library does not know.
    let srv = FakeHttp::start(response(
        "200 OK",
        "application/json",
        br#"{"roomId":"r1","status":"warming","futureField":[1,2],"exposedPort":{"transportType":"quic","port":9000,"host":"h.example","name":"default"},"additionalExposedPorts":[{"transportType":"udp","port":9001,"host":"h.example","name":"voice"}]}"#,
    ));
    let url = srv.url();
    let emu = emulator();
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        hathora_config_set_base_url(cfg, c(&url).as_ptr());
    });
    let r =
        blocking(|out| unsafe { hathora_get_connection_info(cl.0, c("r1").as_ptr(), null(), out) })
            .ok();
    let info = r.conn().unwrap();
    assert_eq!(
        (info.status, s(info.status_raw).as_deref()),
        (HathoraRoomReadyStatus::Unknown, Some("warming"))
    );
    let main = unsafe { &*info.exposed_port };
    assert_eq!(
        (
            main.transport_type,
            s(main.transport_type_raw).as_deref(),
            main.port
        ),
        (HathoraTransportType::Unknown, Some("quic"), 9000)
    );
    assert_eq!(info.additional_exposed_ports_count, 1);
    let extra = unsafe { &*info.additional_exposed_ports };
    assert_eq!(
        (extra.transport_type, s(extra.name).as_deref()),
        (HathoraTransportType::Udp, Some("voice"))
    );
}

/// The message of a failed CreateRoom names the room it may have made (so the caller can look
/// it up or destroy it) only when a request may have reached the server.
#[test]
fn a_failed_create_names_its_room_only_when_a_request_may_have_reached_the_server() {
    let emu = emulator();
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: every connect is refused
    let refused = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        let url = format!("http://127.0.0.1:{closed_port}");
        assert_eq!(hathora_config_set_base_url(cfg, c(&url).as_ptr()), Code::Ok);
    });
    let reached = client(&emu, HathoraDispatchMode::Worker);
    let create = |cl: &CClient, timeout_ms: u32| {
        blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region: HathoraRegion::Frankfurt as u32,
                    ..hathora_create_room_params_init()
                },
                &HathoraCallOptions {
                    timeout_ms,
                    ..hathora_call_options_init()
                },
                out,
            )
        })
    };
    /// What the message must say about the room: nothing, or its id; and whether the room is
    /// sure to exist (a timed-out request may have been dropped before the server committed).
    #[derive(Debug, PartialEq)]
    enum Says {
        Nothing,
        MayExist,
        MayExistAndDoes,
    }
    // (case, client, arm the emulator, per-call deadline, code, HTTP status, what it says)
    type Case<'a> = (&'a str, &'a CClient, fn(&Emulator), u32, Code, u16, Says);
    #[rustfmt::skip]
    let cases: [Case; 3] = [
        ("refused on every attempt", &refused, |_| {}, 0, Code::TransportError, 0, Says::Nothing),
        ("a 201 with a garbage body", &reached, |e| e.faults().garbage_next(1), 0, Code::DecodeError, 201, Says::MayExistAndDoes),
        ("no answer before the deadline", &reached, |e| e.faults().set_latency(Duration::from_millis(1_500)), 600, Code::Timeout, 0, Says::MayExist),
    ];
    for (case, cl, arm, timeout_ms, code, status, says) in cases {
        arm(&emu);
        let r = create(cl, timeout_ms);
        emu.faults().clear();
        let message = r.message().unwrap_or_default();
        assert_eq!(
            (r.code(), r.status()),
            (code, status),
            "{case}: {message:?}"
        );
        let named = message
            .rsplit_once("(the room may exist: roomId ")
            .map(|(_, id)| id.trim_end_matches(')').to_owned());
        assert_eq!(
            named.is_some(),
            says != Says::Nothing,
            "{case}: {message:?}"
        );
        if says == Says::MayExistAndDoes {
            let id = named.unwrap();
            let info = blocking(|out| unsafe {
                hathora_get_room_info(reached.0, c(&id).as_ptr(), null(), out)
            });
            assert_eq!(
                info.ok().room().map(|r| s(r.room_id)),
                Some(Some(id.clone())),
                "{case}: the named room exists"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies as received: not UTF-8, over the limit
// ---------------------------------------------------------------------------------------------

/// The emulator's declared statuses through the C ABI: a taken roomId is the declared 422 with a
/// message saying so (and a lost CreateRoom response still resolves to the room: retries.rs),
/// and resuming a room that is not suspended is the declared 400.
#[test]
fn emulator_statuses_through_the_c_abi() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (room, _) = create_room(&cl, None);
    let id = c(&room);
    let r = blocking(|out| unsafe {
        hathora_create_room(
            cl.0,
            &HathoraCreateRoomParams {
                region: HathoraRegion::London as u32,
                room_id: id.as_ptr(),
                ..hathora_create_room_params_init()
            },
            null(),
            out,
        )
    });
    let m = r.message().unwrap_or_default();
    assert_eq!(
        (r.code(), r.status()),
        (Code::ApiError, 422),
        "taken roomId: {m:?}"
    );
    assert!(
        m.contains(&room) && m.contains("taken"),
        "taken roomId: {m:?}"
    );
    // A lost response: attempt 1 creates the room, attempt 2 finds it taken (422) and the
    // library resolves to the room it made.
    emu.faults().drop_after_commit(1);
    let made = c("lost-response-room");
    let r = blocking(|out| unsafe {
        hathora_create_room(
            cl.0,
            &HathoraCreateRoomParams {
                region: HathoraRegion::London as u32,
                room_id: made.as_ptr(),
                ..hathora_create_room_params_init()
            },
            null(),
            out,
        )
    })
    .ok();
    assert_eq!(
        s(r.conn().unwrap().room_id).as_deref(),
        Some("lost-response-room")
    );
    assert!(
        s(r.conn().unwrap().process_id).is_some(),
        "resolved with its process id"
    );
    assert_eq!(emu.stats().rooms, 2);
    // Resume of a room that is not suspended.
    let r = blocking(|out| unsafe { hathora_resume_room(cl.0, id.as_ptr(), null(), out) });
    let m = r.message().unwrap_or_default();
    assert_eq!(
        (r.code(), r.status()),
        (Code::ApiError, 400),
        "resume of a running room: {m:?}"
    );
    assert!(m.contains("not suspended"), "{m:?}");
}

/// The raw bytes of a result's body, read through `hathora_result_body` + `_body_len`.
fn raw_body(r: &Res) -> Vec<u8> {
    unsafe {
        let p = hathora_result_body(r.0);
        assert!(!p.is_null(), "body is never NULL for a result");
        std::slice::from_raw_parts(p.cast::<u8>(), hathora_result_body_len(r.0)).to_vec()
    }
}

/// A body of valid JSON shape for `op`'s decoder, with one byte (0xFF) that is not UTF-8
/// inside a string: before the fix it decoded, with U+FFFD in the field.
fn invalid_utf8_body(op: &str) -> Vec<u8> {
    let room = r#"{"appId":"app-x","roomId":"r-@","status":"active","roomConfig":null,"currentAllocation":null,"allocations":[]}"#;
    let conn = r#"{"roomId":"r-@","processId":"p-1","status":"activ@","exposedPort":{"transportType":"tcp","port":7777,"host":"h","name":"default"},"additionalExposedPorts":[]}"#;
    let text = match op {
        "GetRoomInfo" => room.to_string(),
        "GetActiveRoomsForProcess" | "GetInactiveRoomsForProcess" => format!("[{room}]"),
        _ => conn.to_string(),
    };
    text.bytes()
        .map(|b| if b == b'@' { 0xFF } else { b })
        .collect()
}

#[test]
fn a_2xx_body_that_is_not_utf8_is_a_decode_error_with_the_raw_bytes() {
    let mut problems = Vec::new();
    for op in every_operation() {
        let body = invalid_utf8_body(op.name);
        let srv = FakeHttp::start(response("200 OK", "application/json", &body));
        let cl = fake_server_client(&srv.url());
        let param = c(if op.param == Param::Process {
            "p-1"
        } else {
            "r-1"
        });
        let r = blocking(|out| unsafe { (op.blocking)(cl.0, param.as_ptr(), null(), out) });
        let got = raw_body(&r);
        let m = r.message().unwrap_or_default();
        let decodes = !matches!(
            op.name,
            "UpdateRoomConfig" | "DestroyRoom" | "SuspendRoomV2Deprecated"
        );
        if decodes {
            // Every decoder: DECODE_ERROR, the status kept, the bytes as received, no view.
            if (r.code(), r.status()) != (Code::DecodeError, 200) || !m.contains("UTF-8") {
                problems.push(format!(
                    "{}: {:?} HTTP {} {m:?}",
                    op.name,
                    r.code(),
                    r.status()
                ));
            }
            if r.conn().is_some() || r.room().is_some() || r.rooms().is_some() {
                problems.push(format!(
                    "{}: a structured view of a body that is not UTF-8",
                    op.name
                ));
            }
        } else if (r.code(), r.status()) != (Code::Ok, 200) {
            // No payload to decode: the status is the answer; the body is kept as it is.
            problems.push(format!(
                "{} (no payload): {:?} HTTP {} {m:?}",
                op.name,
                r.code(),
                r.status()
            ));
        }
        if got != body {
            problems.push(format!(
                "{}: body not as received: {} bytes {:?}",
                op.name,
                got.len(),
                String::from_utf8_lossy(&got)
            ));
        }
        // The async form gives the same result.
        let col = Collector::new();
        let id = submit(&col, |cb, ud, id| unsafe {
            (op.queued)(cl.0, param.as_ptr(), null(), cb, ud, id)
        });
        let a = col.one(&cl, id);
        if (a.code(), a.status(), raw_body(&a)) != (r.code(), r.status(), got.clone()) {
            problems.push(format!(
                "{}: async gave {:?} HTTP {}",
                op.name,
                a.code(),
                a.status()
            ));
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn an_error_body_that_is_not_utf8_is_kept_as_received() {
    let body = b"{\"message\":\"no \xFF such room\"}".to_vec();
    let srv = FakeHttp::start(response("404 Not Found", "application/json", &body));
    let cl = fake_server_client(&srv.url());
    let r = blocking(|out| unsafe { hathora_get_room_info(cl.0, c"r-1".as_ptr(), null(), out) });
    assert_eq!((r.code(), r.status()), (Code::ApiError, 404));
    assert_eq!(raw_body(&r), body, "error body as received");
    let m = r.message().unwrap_or_default();
    assert!(
        !m.contains('\u{FFFD}'),
        "message built from a repaired body: {m:?}"
    );
}

#[test]
fn an_oversized_response_keeps_its_status() {
    // Just over the 16 MiB body limit.
    let big = vec![b' '; 16 * 1024 * 1024 + 1024];
    let mut problems = Vec::new();
    for (status_line, status) in [
        ("200 OK", 200u16),
        ("404 Not Found", 404),
        ("500 Internal Server Error", 500),
    ] {
        let srv = FakeHttp::start(response(status_line, "application/json", &big));
        let cl = fake_server_client(&srv.url());
        let r =
            blocking(|out| unsafe { hathora_get_room_info(cl.0, c"r-1".as_ptr(), null(), out) });
        let m = r.message().unwrap_or_default();
        if (r.code(), r.status()) != (Code::TransportError, status) || !m.contains("larger than") {
            problems.push(format!(
                "{status_line}: {:?} HTTP {} {m:?}",
                r.code(),
                r.status()
            ));
        }
        assert_eq!(
            srv.count(),
            1,
            "{status_line}: retries are off, one request"
        );
    }
    assert_no_problems(&problems);
}

// ---------------------------------------------------------------------------------------------
// The text of each code
// ---------------------------------------------------------------------------------------------

#[test]
fn version_and_code_text() {
    assert_eq!(
        s(hathora_version()).as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let texts: Vec<_> = (0..11)
        .map(|c| s(hathora_result_code_to_string(c)).unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "ok",
            "invalid argument",
            "API error",
            "transport error",
            "timeout",
            "decode error",
            "cancelled",
            "shut down",
            "internal error",
            "queue full",
            "not under a host"
        ]
    );
    assert_eq!(
        s(hathora_result_code_to_string(11)).as_deref(),
        Some("unknown result code")
    );
}
