//! The dev token: it never appears in a log line (hook at DEBUG), a result message or body, or
//! `hathora_last_error_message`, across a workload with failures (401, retries, timeouts, lost
//! responses, garbage bodies, transport errors, invalid arguments); GetConnectionInfo and
//! wait-until-active never send it (emulator stat `connection_info_with_auth` stays 0); a client
//! without a token refuses the operations that need one before sending anything, while
//! GetConnectionInfo and wait-until-active work. (Plain http to a host that is not loopback,
//! where a token would travel in clear text, is refused: config.rs.)
//!
//! The log hook is process-wide and the tests of one binary run on parallel threads, so every
//! test here holds `SERIAL`.

mod common;
use common::ops::{Param, every_operation};
use common::*;
use std::ffi::{CStr, c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::time::Duration;

static SERIAL: Mutex<()> = Mutex::new(());
static LINES: Mutex<Vec<(u32, String)>> = Mutex::new(Vec::new());

/// Distinctive, so that a leak of any form is found by a plain substring search.
const TOKEN: &str = "hdt-S3CRET-7Qx9ZpL2vW";
const WRONG_TOKEN: &str = "hdt-WR0NG-Kk81mNq4tY";
const DEBUG: u32 = 4;

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Records every line. No panics in here: it is called through `extern "C"`.
extern "C" fn log_line(_user_data: *mut c_void, level: u32, message: *const c_char) {
    let text = if message.is_null() {
        "<NULL line>".to_owned()
    } else {
        unsafe { CStr::from_ptr(message) }
            .to_string_lossy()
            .into_owned()
    };
    LINES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((level, text));
}

/// Everything the library said during the workload, checked at the end.
#[derive(Default)]
struct Seen {
    texts: Vec<(String, String)>,
}

impl Seen {
    fn result(&mut self, what: &str, r: &Res) {
        self.texts
            .push((format!("{what}: message"), r.message().unwrap_or_default()));
        self.texts.push((format!("{what}: body"), r.body()));
        self.last_error(what);
    }
    fn last_error(&mut self, what: &str) {
        self.texts
            .push((format!("{what}: last error"), last_error()));
    }
    fn assert_clean(&self) {
        for (what, text) in &self.texts {
            for secret in [TOKEN, WRONG_TOKEN] {
                assert!(!text.contains(secret), "{what} contains the token: {text}");
            }
            assert!(
                !text.contains("Bearer"),
                "{what} shows an Authorization header: {text}"
            );
        }
    }
}

fn emu_with_token() -> Emulator {
    emulator_with(|c| c.token = TOKEN.into())
}

fn client_to(
    url: &str,
    app: &str,
    token: Option<&str>,
    mode: HathoraDispatchMode,
    timeout_ms: u32,
) -> CClient {
    let cfg = hathora_config_new();
    unsafe {
        assert_eq!(hathora_config_set_app_id(cfg, c(app).as_ptr()), Code::Ok);
        let t = token.map(c);
        assert_eq!(
            hathora_config_set_dev_token(cfg, t.as_ref().map_or(null(), |t| t.as_ptr())),
            Code::Ok
        );
        assert_eq!(hathora_config_set_base_url(cfg, c(url).as_ptr()), Code::Ok);
        assert_eq!(hathora_config_set_dispatch_mode(cfg, mode as u32), Code::Ok);
        assert_eq!(set_retry(cfg, 3, 10, 50), Code::Ok);
        assert_eq!(set_timeouts(cfg, timeout_ms, 1_000), Code::Ok);
    }
    let mut raw = null_mut();
    assert_eq!(
        unsafe { hathora_client_new(cfg, &mut raw) },
        Code::Ok,
        "{}",
        last_error()
    );
    unsafe { hathora_config_free(cfg) };
    CClient(raw)
}

fn opts(timeout_ms: u32) -> HathoraCallOptions {
    HathoraCallOptions {
        timeout_ms,
        ..hathora_call_options_init()
    }
}

fn create(cl: &CClient) -> Res {
    blocking(|out| unsafe {
        hathora_create_room(
            cl.0,
            &HathoraCreateRoomParams {
                region: HathoraRegion::London as u32,
                room_config: c("{\"m\":1}").as_ptr(),
                ..hathora_create_room_params_init()
            },
            null(),
            out,
        )
    })
}

#[test]
fn the_token_never_leaks_and_never_goes_to_connection_info() {
    let _g = serial();
    LINES.lock().unwrap().clear();
    hathora_set_log_callback(Some(log_line), null_mut(), DEBUG);
    let emu = emu_with_token();
    let mut seen = Seen::default();

    for mode in BOTH_MODES {
        let cl = client_to(&emu.url(), emu.app_id(), Some(TOKEN), mode, 10_000);
        // Every operation, successfully.
        let r = create(&cl).ok();
        seen.result("CreateRoom", &r);
        let room = c(&s(r.conn().unwrap().room_id).unwrap());
        let process = c(&s(r.conn().unwrap().process_id).unwrap());
        type Call<'a> = Box<dyn Fn(*mut *mut HathoraResult) -> Code + 'a>;
        let calls: Vec<(&str, Call)> = vec![
            (
                "GetRoomInfo",
                Box::new(|o| unsafe { hathora_get_room_info(cl.0, room.as_ptr(), null(), o) }),
            ),
            (
                "GetConnectionInfo",
                Box::new(|o| unsafe {
                    hathora_get_connection_info(cl.0, room.as_ptr(), null(), o)
                }),
            ),
            (
                "WaitUntilActive",
                Box::new(|o| unsafe {
                    hathora_wait_until_active(cl.0, room.as_ptr(), 10_000, null(), o)
                }),
            ),
            (
                "Active",
                Box::new(|o| unsafe {
                    hathora_get_active_rooms_for_process(cl.0, process.as_ptr(), null(), o)
                }),
            ),
            (
                "UpdateRoomConfig",
                Box::new(|o| unsafe {
                    hathora_update_room_config(cl.0, room.as_ptr(), c("{}").as_ptr(), null(), o)
                }),
            ),
            (
                "Suspend",
                Box::new(|o| unsafe {
                    hathora_suspend_room_v2_deprecated(cl.0, room.as_ptr(), null(), o)
                }),
            ),
            (
                "Resume",
                Box::new(|o| unsafe { hathora_resume_room(cl.0, room.as_ptr(), null(), o) }),
            ),
            (
                "Destroy",
                Box::new(|o| unsafe { hathora_destroy_room(cl.0, room.as_ptr(), null(), o) }),
            ),
            (
                "Inactive",
                Box::new(|o| unsafe {
                    hathora_get_inactive_rooms_for_process(cl.0, process.as_ptr(), null(), o)
                }),
            ),
        ];
        for (what, call) in &calls {
            let r = blocking(call).ok();
            seen.result(what, &r);
        }
        // Async GetConnectionInfo and wait-until-active on a fresh room.
        let (room2, _) = create_room(&cl, None);
        let room2 = c(&room2);
        let col = Collector::new();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_connection_info_async(cl.0, room2.as_ptr(), null(), cb, ud, id)
        });
        seen.result("GetConnectionInfo async", &col.one(&cl, id).ok());
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_wait_until_active_async(cl.0, room2.as_ptr(), 10_000, null(), cb, ud, id)
        });
        seen.result("WaitUntilActive async", &col.one(&cl, id).ok());

        // Failures. Retries with Retry-After 0, then exhausted.
        emu.faults().fail_next_status(503, 2, Some("0".into()));
        seen.result("503 x2", &create(&cl).ok());
        emu.faults().fail_next_status(429, 10, None);
        let r = create(&cl);
        assert_eq!(
            (r.code(), r.status()),
            (Code::ApiError, 429),
            "{mode:?}: 429 until the retries run out"
        );
        seen.result("429 exhausted", &r);
        emu.faults().clear();
        // Lost responses, resolved.
        emu.faults().drop_after_commit(1);
        seen.result("CreateRoom lost response", &create(&cl).ok());
        emu.faults().drop_after_commit(1);
        seen.result(
            "GetConnectionInfo lost response",
            &blocking(|o| unsafe { hathora_get_connection_info(cl.0, room2.as_ptr(), null(), o) })
                .ok(),
        );
        // Garbage body: the decode error quotes what it could not read.
        emu.faults().garbage_next(1);
        let r = create(&cl);
        assert_eq!(r.code(), Code::DecodeError, "{mode:?}: a garbage body");
        seen.result("garbage", &r);
        // Dropped connections until retries run out.
        emu.faults().drop_next(4);
        let r = create(&cl);
        assert_eq!(
            r.code(),
            Code::TransportError,
            "{mode:?}: dropped connections"
        );
        seen.result("dropped", &r);
        // Timeout, blocking and async.
        emu.faults().set_latency(Duration::from_millis(1_500));
        let r = blocking(|o| unsafe { hathora_get_room_info(cl.0, room2.as_ptr(), &opts(300), o) });
        assert_eq!(r.code(), Code::Timeout, "{mode:?}: a blocking timeout");
        seen.result("timeout", &r);
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_room_info_async(cl.0, room2.as_ptr(), &opts(300), cb, ud, id)
        });
        let r = col.one(&cl, id);
        assert_eq!(r.code(), Code::Timeout, "{mode:?}: an async timeout");
        seen.result("timeout async", &r);
        let r = blocking(|o| unsafe {
            hathora_wait_until_active(cl.0, room2.as_ptr(), 400, &opts(300), o)
        });
        assert_eq!(
            r.code(),
            Code::Timeout,
            "{mode:?}: a wait-until-active timeout"
        );
        seen.result("wait timeout", &r);
        emu.faults().clear();
        // Invalid arguments, blocking and async.
        let r =
            blocking(|o| unsafe { hathora_get_room_info(cl.0, c("bad id!").as_ptr(), null(), o) });
        assert_eq!(
            r.code(),
            Code::InvalidArgument,
            "{mode:?}: an invalid room id"
        );
        seen.result("invalid room id", &r);
        let mut id = 0;
        assert_eq!(
            unsafe {
                hathora_destroy_room_async(
                    cl.0,
                    c("").as_ptr(),
                    null(),
                    Some(collect),
                    col.user_data(),
                    &mut id,
                )
            },
            Code::InvalidArgument,
            "{mode:?}: an invalid async call"
        );
        seen.last_error("invalid async");
        // Cancelled and shut down.
        emu.faults().set_latency(Duration::from_millis(300));
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_room_info_async(cl.0, room2.as_ptr(), null(), cb, ud, id)
        });
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, id) },
            Code::Ok,
            "{mode:?}: cancel"
        );
        seen.result("cancelled", &col.one(&cl, id));
        emu.faults().clear();
    }

    // 401: a wrong token. Neither the wrong one nor the right one shows anywhere.
    let wrong = client_to(
        &emu.url(),
        emu.app_id(),
        Some(WRONG_TOKEN),
        HathoraDispatchMode::Worker,
        10_000,
    );
    let r = create(&wrong);
    assert_eq!((r.code(), r.status()), (Code::ApiError, 401));
    seen.result("401", &r);
    // Transport error: nothing listens.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let dead = client_to(
        &closed,
        "app",
        Some(TOKEN),
        HathoraDispatchMode::Worker,
        10_000,
    );
    let r = create(&dead);
    assert_eq!(r.code(), Code::TransportError);
    seen.result("connection refused", &r);
    // Configurations refused while a token is set: the message names the problem, not the token.
    for (what, token, url) in [
        (
            "token with a control character",
            format!("{TOKEN}\u{1}"),
            emu.url(),
        ),
        (
            "plain http elsewhere",
            TOKEN.to_owned(),
            "http://example.com".to_owned(),
        ),
    ] {
        let cfg = hathora_config_new();
        unsafe {
            assert_eq!(
                hathora_config_set_app_id(cfg, c("app").as_ptr()),
                Code::Ok,
                "{what}: app id"
            );
            assert_eq!(
                hathora_config_set_dev_token(cfg, c(&token).as_ptr()),
                Code::Ok,
                "{what}: dev token"
            );
            assert_eq!(
                hathora_config_set_base_url(cfg, c(&url).as_ptr()),
                Code::Ok,
                "{what}: base url"
            );
        }
        let mut raw = null_mut();
        assert_eq!(
            unsafe { hathora_client_new(cfg, &mut raw) },
            Code::InvalidArgument,
            "{what}"
        );
        unsafe { hathora_config_free(cfg) };
        seen.last_error(what);
    }
    drop((wrong, dead));
    hathora_set_log_callback(None, null_mut(), 0);

    // The checks.
    let lines = std::mem::take(&mut *LINES.lock().unwrap());
    for (level, line) in &lines {
        assert!((1..=DEBUG).contains(level), "level {level}");
        for secret in [TOKEN, WRONG_TOKEN] {
            assert!(
                !line.contains(secret),
                "a log line contains the token: {line}"
            );
        }
        assert!(
            !line.contains("Bearer"),
            "a log line shows an Authorization header: {line}"
        );
    }
    seen.assert_clean();
    // The hook really saw the workload: debug lines, retries, a resolution.
    assert!(lines.len() > 50, "only {} log lines", lines.len());
    assert!(lines.iter().any(|(l, _)| *l == DEBUG), "no DEBUG line");
    assert!(
        lines.iter().any(|(_, t)| t.contains("retrying")),
        "no retry line"
    );
    assert!(
        lines.iter().any(|(_, t)| t.contains("taken")),
        "no lost-response resolution line"
    );
    let stats = emu.stats();
    assert!(stats.count("GetConnectionInfo") >= 10, "{stats:?}");
    assert_eq!(
        stats.connection_info_with_auth, 0,
        "GetConnectionInfo was sent with the token"
    );
    println!(
        "{} log lines, {} results and messages checked; GetConnectionInfo requests {}, with auth {}",
        lines.len(),
        seen.texts.len(),
        stats.count("GetConnectionInfo"),
        stats.connection_info_with_auth
    );
}

#[test]
fn a_client_without_a_token_refuses_auth_operations_before_sending_and_can_get_connection_info() {
    let _g = serial();
    let emu = emu_with_token();
    let (room, process) = create_room(&client(&emu, HathoraDispatchMode::Worker), None);
    let (room, process) = (c(&room), c(&process));
    for mode in BOTH_MODES {
        let cl = client_to(&emu.url(), emu.app_id(), None, mode, 10_000);
        let before = emu.stats().requests;
        let col = Collector::new();
        let needs_token: Vec<_> = every_operation().into_iter().filter(|op| op.auth).collect();
        assert_eq!(
            needs_token.len(),
            8,
            "every operation but GetConnectionInfo"
        );
        for op in &needs_token {
            let (name, param) = (
                op.name,
                if op.param == Param::Process {
                    &process
                } else {
                    &room
                },
            );
            let r = blocking(|o| unsafe { (op.blocking)(cl.0, param.as_ptr(), null(), o) });
            assert_eq!(
                (r.code(), r.attempts(), r.status()),
                (Code::InvalidArgument, 0, 0),
                "{name} {mode:?}"
            );
            let m = r.message().unwrap();
            assert!(
                m.contains(name) && m.contains("dev token"),
                "{name} {mode:?}: {m}"
            );
            let mut id = 0;
            let code = unsafe {
                (op.queued)(
                    cl.0,
                    param.as_ptr(),
                    null(),
                    Some(collect),
                    col.user_data(),
                    &mut id,
                )
            };
            assert_eq!(code, Code::InvalidArgument, "{name} async {mode:?}");
            assert!(
                last_error().contains("dev token"),
                "{name} async {mode:?}: {}",
                last_error()
            );
            assert_eq!(id, 0, "{name} async {mode:?}: no request id");
        }
        assert_eq!(
            emu.stats().requests,
            before,
            "{mode:?}: a refused operation reached the server"
        );

        // GetConnectionInfo and wait-until-active work without a token, blocking and async.
        let r =
            blocking(|o| unsafe { hathora_get_connection_info(cl.0, room.as_ptr(), null(), o) })
                .ok();
        assert!(
            r.conn().is_some(),
            "{mode:?}: connection info without a token"
        );
        let r = blocking(|o| unsafe {
            hathora_wait_until_active(cl.0, room.as_ptr(), 10_000, null(), o)
        })
        .ok();
        assert!(
            !r.conn().unwrap().exposed_port.is_null(),
            "active, with a port"
        );
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_connection_info_async(cl.0, room.as_ptr(), null(), cb, ud, id)
        });
        col.one(&cl, id).ok();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_wait_until_active_async(cl.0, room.as_ptr(), 10_000, null(), cb, ud, id)
        });
        col.one(&cl, id).ok();
        assert_eq!(col.count(), 0, "refused async calls never called back");
    }
    assert_eq!(emu.stats().connection_info_with_auth, 0);
}

#[test]
fn a_client_without_token_reads_connection_info_only() {
    let emu = emulator();
    let admin = client(&emu, HathoraDispatchMode::Worker);
    let (room, _) = create_room(&admin, None);
    let game = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        assert_eq!(hathora_config_set_dev_token(cfg, null()), Code::Ok);
    });
    let before = emu.stats().requests;
    let refused =
        blocking(|out| unsafe { hathora_get_room_info(game.0, c(&room).as_ptr(), null(), out) });
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(refused.message().unwrap().contains("dev token"));
    assert_eq!(
        emu.stats().requests,
        before,
        "refused locally, nothing sent"
    );
    blocking(|out| unsafe {
        hathora_wait_until_active(game.0, c(&room).as_ptr(), 10_000, null(), out)
    })
    .ok();
    assert_eq!(emu.stats().connection_info_with_auth, 0);
}
