//! Issue 14: hardening against hostile input and hostile servers, through the C ABI.
//! Defect 1: dot segments (`.`, `..`) as path parameters are refused before anything is sent.
//! Defect 3: a body that is not UTF-8 is reported as DECODE_ERROR with the raw bytes kept.
//! Defect 5: an oversized response keeps the HTTP status its status line carried.

mod common;

use common::*;
use common::fake_http::{FakeHttp, response};
use std::ffi::{CString, c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every operation, blocking and asynchronous, with its path parameter (room or process id) and
/// the per-call options as arguments.
struct Op {
    name: &'static str,
    /// Whether the path parameter is a processId (else a roomId; CreateRoom has none).
    param: Param,
    blocking: unsafe extern "C" fn(
        *mut HathoraClient,
        *const c_char,
        *const HathoraCallOptions,
        *mut *mut HathoraResult,
    ) -> Code,
    queued: unsafe extern "C" fn(
        *mut HathoraClient,
        *const c_char,
        *const HathoraCallOptions,
        HathoraCallback,
        *mut c_void,
        *mut u64,
    ) -> Code,
}

#[derive(Clone, Copy, PartialEq)]
enum Param {
    None,
    Room,
    Process,
}

unsafe extern "C" fn create_b(
    cl: *mut HathoraClient,
    _: *const c_char,
    o: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
) -> Code {
    unsafe {
        hathora_create_room(
            cl,
            &HathoraCreateRoomParams {
                region: HathoraRegion::London as u32,
                ..hathora_create_room_params_init()
            },
            o,
            out,
        )
    }
}
unsafe extern "C" fn create_a(
    cl: *mut HathoraClient,
    _: *const c_char,
    o: *const HathoraCallOptions,
    cb: HathoraCallback,
    ud: *mut c_void,
    id: *mut u64,
) -> Code {
    unsafe {
        hathora_create_room_async(
            cl,
            &HathoraCreateRoomParams {
                region: HathoraRegion::London as u32,
                ..hathora_create_room_params_init()
            },
            o,
            cb,
            ud,
            id,
        )
    }
}
unsafe extern "C" fn update_b(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
) -> Code {
    unsafe { hathora_update_room_config(cl, r, c"{}".as_ptr(), o, out) }
}
unsafe extern "C" fn update_a(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    cb: HathoraCallback,
    ud: *mut c_void,
    id: *mut u64,
) -> Code {
    unsafe { hathora_update_room_config_async(cl, r, c"{}".as_ptr(), o, cb, ud, id) }
}
unsafe extern "C" fn wait_b(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
) -> Code {
    unsafe { hathora_wait_until_active(cl, r, 5_000, o, out) }
}
unsafe extern "C" fn wait_a(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    cb: HathoraCallback,
    ud: *mut c_void,
    id: *mut u64,
) -> Code {
    unsafe { hathora_wait_until_active_async(cl, r, 5_000, o, cb, ud, id) }
}

#[rustfmt::skip]
fn ops() -> Vec<Op> {
    vec![
        Op { name: "CreateRoom", param: Param::None, blocking: create_b, queued: create_a },
        Op { name: "GetRoomInfo", param: Param::Room, blocking: hathora_get_room_info, queued: hathora_get_room_info_async },
        Op { name: "GetActiveRoomsForProcess", param: Param::Process, blocking: hathora_get_active_rooms_for_process, queued: hathora_get_active_rooms_for_process_async },
        Op { name: "GetInactiveRoomsForProcess", param: Param::Process, blocking: hathora_get_inactive_rooms_for_process, queued: hathora_get_inactive_rooms_for_process_async },
        Op { name: "GetConnectionInfo", param: Param::Room, blocking: hathora_get_connection_info, queued: hathora_get_connection_info_async },
        Op { name: "UpdateRoomConfig", param: Param::Room, blocking: update_b, queued: update_a },
        Op { name: "DestroyRoom", param: Param::Room, blocking: hathora_destroy_room, queued: hathora_destroy_room_async },
        Op { name: "SuspendRoomV2Deprecated", param: Param::Room, blocking: hathora_suspend_room_v2_deprecated, queued: hathora_suspend_room_v2_deprecated_async },
        Op { name: "ResumeRoom", param: Param::Room, blocking: hathora_resume_room, queued: hathora_resume_room_async },
        Op { name: "WaitUntilActive", param: Param::Room, blocking: wait_b, queued: wait_a },
    ]
}

fn options(app_id: Option<&CString>) -> HathoraCallOptions {
    HathoraCallOptions {
        version: HATHORA_CALL_OPTIONS_VERSION,
        app_id: app_id.map_or(null(), |a| a.as_ptr()),
        timeout_ms: 10_000,
        max_retries: 0,
        connect_timeout_ms: 0,
    }
}

static UNEXPECTED_CALLBACKS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn must_not_run(_: *mut c_void, _: u64, r: *mut HathoraResult) {
    UNEXPECTED_CALLBACKS.fetch_add(1, Ordering::SeqCst);
    unsafe { hathora_result_free(r) };
}

/// A client with a dev token for `url` (a fake server).
fn client_for(url: &str) -> CClient {
    client_at(url, |cfg| unsafe {
        assert_eq!(
            hathora_config_set_dev_token(cfg, c"token".as_ptr()),
            Code::Ok
        );
        assert_eq!(set_retry(cfg, 0, 10, 10), Code::Ok);
    })
}

/// Checks that the blocking and the asynchronous form of `op` refuse the call with
/// INVALID_ARGUMENT naming `field`; what does not hold is added to `problems`.
fn check_refused(
    problems: &mut Vec<String>,
    cl: &CClient,
    op: &Op,
    param: &CString,
    opts: &HathoraCallOptions,
    field: &str,
    case: &str,
) {
    let r = blocking(|out| unsafe { (op.blocking)(cl.0, param.as_ptr(), opts, out) });
    let m = r.message().unwrap_or_default();
    if (r.code(), r.status()) != (Code::InvalidArgument, 0) || !m.contains(field) {
        problems.push(format!(
            "{} {case}: blocking gave {:?} HTTP {} {m:?}",
            op.name,
            r.code(),
            r.status()
        ));
    }
    let mut id = 0u64;
    let code = unsafe {
        (op.queued)(
            cl.0,
            param.as_ptr(),
            opts,
            Some(must_not_run),
            null_mut(),
            &mut id,
        )
    };
    if code != Code::InvalidArgument || !last_error().contains(field) {
        problems.push(format!(
            "{} {case}: async gave {code:?} ({:?})",
            op.name,
            last_error()
        ));
    }
}

#[test]
fn dot_segments_are_refused_in_every_path_parameter() {
    let srv = FakeHttp::start(response(
        "404 Not Found",
        "application/json",
        br#"{"message":"nope"}"#,
    ));
    let mut problems = Vec::new();
    for dots in [".", ".."] {
        let bad = c(dots);
        // The client's app id.
        unsafe {
            let cfg = hathora_config_new();
            hathora_config_set_base_url(cfg, c(&srv.url()).as_ptr());
            let set = hathora_config_set_app_id(cfg, bad.as_ptr());
            let mut cl = null_mut();
            let made = hathora_client_new(cfg, &mut cl);
            hathora_config_free(cfg);
            if !cl.is_null() {
                hathora_client_free(cl);
            }
            let refused = set == Code::InvalidArgument || made == Code::InvalidArgument;
            if !refused || !last_error().contains("app_id") {
                problems.push(format!(
                    "config app_id {dots:?}: set {set:?}, client_new {made:?}"
                ));
            }
        }
        let cl = client_for(&srv.url());
        let good = c("room-1");
        for op in ops() {
            // The per-call app id, with a valid room or process id.
            let opts = options(Some(&bad));
            check_refused(
                &mut problems,
                &cl,
                &op,
                &good,
                &opts,
                "app_id",
                &format!("options.app_id {dots:?}"),
            );
            // The path parameter itself.
            let field = match op.param {
                Param::None => continue,
                Param::Room => "room_id",
                Param::Process => "process_id",
            };
            check_refused(
                &mut problems,
                &cl,
                &op,
                &bad,
                &options(None),
                field,
                &format!("{field} {dots:?}"),
            );
        }
        // Let the accepted async calls (if any) finish before the client is freed.
        let end = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while unsafe { hathora_client_pending(cl.0) } > 0 && std::time::Instant::now() < end {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    if UNEXPECTED_CALLBACKS.load(Ordering::SeqCst) != 0 {
        problems.push(format!(
            "{} refused async calls ran their callback",
            UNEXPECTED_CALLBACKS.load(Ordering::SeqCst)
        ));
    }
    let mut sent: Vec<String> = srv.seen().into_iter().map(|s| s.line).collect();
    sent.sort();
    sent.dedup();
    if !sent.is_empty() {
        problems.push(format!(
            "request lines with dot segments were sent: {sent:#?}"
        ));
    }
    assert_no_problems(&problems);
}

#[test]
fn ids_that_only_contain_dots_among_other_characters_still_go_out_encoded() {
    // Only whole segments of dots are special; "a.b" and "..." are ordinary ids and are sent.
    let srv = FakeHttp::start(response(
        "404 Not Found",
        "application/json",
        br#"{"message":"nope"}"#,
    ));
    let cl = client_for(&srv.url());
    for id in ["a.b", "...", ".x"] {
        let p = c(id);
        let r = blocking(|out| unsafe {
            hathora_get_active_rooms_for_process(cl.0, p.as_ptr(), null(), out)
        });
        assert_eq!(
            (r.code(), r.status()),
            (Code::ApiError, 404),
            "process_id {id:?}: {:?}",
            r.message()
        );
        let opts = options(Some(&p));
        let r =
            blocking(|out| unsafe { hathora_get_room_info(cl.0, c"room-1".as_ptr(), &opts, out) });
        assert_eq!(
            (r.code(), r.status()),
            (Code::ApiError, 404),
            "app_id {id:?}: {:?}",
            r.message()
        );
    }
    let lines: Vec<String> = srv.seen().into_iter().map(|s| s.line).collect();
    assert_eq!(
        lines,
        vec![
            "GET /rooms/v2/app-x/list/a.b/active HTTP/1.1",
            "GET /rooms/v2/a.b/info/room-1 HTTP/1.1",
            "GET /rooms/v2/app-x/list/.../active HTTP/1.1",
            "GET /rooms/v2/.../info/room-1 HTTP/1.1",
            "GET /rooms/v2/app-x/list/.x/active HTTP/1.1",
            "GET /rooms/v2/.x/info/room-1 HTTP/1.1",
        ]
    );
}

/// Defect 6 through the C ABI: the emulator's taken roomId is the declared 422 with a message
/// saying so (and a lost CreateRoom response still resolves to the room: reliability_faults.rs),
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

// --- Defect 3: a body that is not UTF-8 is reported, not repaired. ---

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
    for op in ops() {
        let body = invalid_utf8_body(op.name);
        let srv = FakeHttp::start(response("200 OK", "application/json", &body));
        let cl = client_for(&srv.url());
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
    let cl = client_for(&srv.url());
    let r = blocking(|out| unsafe { hathora_get_room_info(cl.0, c"r-1".as_ptr(), null(), out) });
    assert_eq!((r.code(), r.status()), (Code::ApiError, 404));
    assert_eq!(raw_body(&r), body, "error body as received");
    let m = r.message().unwrap_or_default();
    assert!(
        !m.contains('\u{FFFD}'),
        "message built from a repaired body: {m:?}"
    );
}

// --- Defect 5: an oversized response keeps its HTTP status. ---

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
        let cl = client_for(&srv.url());
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
