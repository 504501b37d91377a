//! Every result class through the C ABI, in both forms and both dispatch modes: invalid
//! argument, API error, transport error, timeout, decode error, cancelled, shut down, queue full.

mod common;
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
            assert_eq!((r.code(), r.status()), (Code::ApiError, 404));
            let msg = r.message().expect("the API's message");
            assert_eq!(r.json()["message"].as_str(), Some(msg.as_str()));
            assert!(r.conn().is_none());
            assert_eq!(r.attempts(), 1, "404 is not retried");
        }
        // 401: a wrong token.
        let bad = client_with(&emu, mode, |cfg| unsafe {
            hathora_config_set_dev_token(cfg, c("wrong-token").as_ptr());
        });
        let r =
            blocking(|out| unsafe { hathora_get_room_info(bad.0, c("x").as_ptr(), null(), out) });
        assert_eq!((r.code(), r.status()), (Code::ApiError, 401));
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
            (Code::ApiError, 422, 1)
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
        assert_eq!((r.code(), r.status()), (Code::ApiError, 422));
        assert!(r.message().unwrap().len() > 3);
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
            assert!(r.message().unwrap().contains("onnect"), "{:?}", r.message());
            assert_eq!(r.body(), "");
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
        assert_eq!((r.code(), r.status()), (Code::DecodeError, 200));
        assert!(
            !r.body().is_empty() && serde_json::from_str::<serde_json::Value>(&r.body()).is_err()
        );
        assert!(r.message().unwrap().contains("GetConnectionInfo"));
        assert!(r.conn().is_none());
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
        assert_eq!(unsafe { hathora_client_cancel(cl.0, waiting) }, Code::Ok);
        let res = col.one(&cl, waiting);
        assert_eq!(res.code(), Code::Cancelled, "{mode:?}");
        assert!(res.message().unwrap().contains("cancelled"));
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

/// A one-shot HTTP server with a canned answer: stands in for a future API version.
fn canned_server(body: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn unknown_enum_values_keep_their_raw_string() {
    let url = canned_server(
        r#"{"roomId":"r1","status":"warming","futureField":[1,2],"exposedPort":{"transportType":"quic","port":9000,"host":"h.example","name":"default"},"additionalExposedPorts":[{"transportType":"udp","port":9001,"host":"h.example","name":"voice"}]}"#,
    );
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

#[test]
fn stale_and_garbage_handles_are_refused() {
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
