//! The game server's "my rooms" call through the C ABI: a client configured from a context (the
//! app id, base URL, process and process token it names), the token rule (the process token
//! wins over a dev token, set in any order), and the refusals.

mod common;

use common::fake_http::{FakeHttp, response};
use common::*;
use std::ffi::CString;
use std::ptr::{null, null_mut};

/// A context as a C caller may also fill one in by hand; the strings live in the Vec.
fn context(
    process_id: &str,
    app_id: &str,
    base_url: Option<&str>,
    token: Option<&str>,
) -> (HathoraServerContext, Vec<CString>) {
    let keep: Vec<CString> = [Some(process_id), Some(app_id), base_url, token]
        .iter()
        .map(|v| c(v.unwrap_or("")))
        .collect();
    let opt = |i: usize, present: bool| if present { keep[i].as_ptr() } else { null() };
    let ctx = HathoraServerContext {
        process_id: keep[0].as_ptr(),
        app_id: keep[1].as_ptr(),
        region: HathoraRegion::Unknown,
        region_raw: null(),
        rooms_per_process: 0,
        initial_room_id: null(),
        initial_room_config: null(),
        default_port: 0,
        hostname: null(),
        deployment_id: null(),
        build_tag: null(),
        base_url: opt(2, base_url.is_some()),
        process_token: opt(3, token.is_some()),
    };
    (ctx, keep)
}

/// A client from a fresh config that `setup` fills in.
fn client_from(setup: impl FnOnce(*mut HathoraConfig)) -> CClient {
    unsafe {
        let cfg = hathora_config_new();
        setup(cfg);
        let mut client = null_mut();
        let code = hathora_client_new(cfg, &mut client);
        hathora_config_free(cfg);
        assert_eq!(code, Code::Ok, "client_new: {}", last_error());
        CClient(client)
    }
}

fn my_rooms(cl: &CClient) -> Res {
    blocking(|o| unsafe { hathora_get_rooms_of_this_process(cl.0, null(), o) })
}

#[test]
fn the_rooms_of_the_process_in_both_dispatch_modes() {
    let emu = emulator();
    let admin = client(&emu, HathoraDispatchMode::Worker);
    let (room, process) = create_room(&admin, Some("{\"mode\":\"duel\"}"));
    let (ctx, _keep) = context(&process, emu.app_id(), Some(&emu.url()), Some(emu.token()));
    for mode in BOTH_MODES {
        let cl = client_from(|cfg| unsafe {
            assert_eq!(hathora_config_apply_server_context(cfg, &ctx), Code::Ok);
            assert_eq!(hathora_config_set_dispatch_mode(cfg, mode as u32), Code::Ok);
        });
        let col = Collector::new();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_get_rooms_of_this_process_async(cl.0, null(), cb, ud, id)
        });
        for (form, r) in [("blocking", my_rooms(&cl)), ("async", col.one(&cl, id))] {
            let r = r.ok();
            let rooms = r.rooms().expect("a room list");
            let got: Vec<_> = rooms
                .iter()
                .map(|x| (s(x.room_id), s(x.room_config)))
                .collect();
            assert_eq!(
                got,
                [(Some(room.clone()), Some("{\"mode\":\"duel\"}".to_owned()))],
                "{mode:?}, {form}"
            );
        }
    }
}

/// Configures a client's token and process, from a context or by setters.
type Setup = fn(*mut HathoraConfig, &HathoraServerContext);

#[test]
fn the_process_token_is_sent_instead_of_a_dev_token_set_before_or_after() {
    let server = FakeHttp::start(response("200 OK", "application/json", b"[]"));
    let (ctx, _keep) = context("proc-7", "app-7", Some(&server.url()), Some("proc-token-1"));
    #[rustfmt::skip]
    let cases: [(&str, Setup); 3] = [
        ("dev token first", |cfg, ctx| unsafe {
            hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
            hathora_config_apply_server_context(cfg, ctx);
        }),
        ("dev token after", |cfg, ctx| unsafe {
            hathora_config_apply_server_context(cfg, ctx);
            hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
        }),
        ("setters only", |cfg, _| unsafe {
            hathora_config_set_app_id(cfg, c"app-7".as_ptr());
            hathora_config_set_process_id(cfg, c"proc-7".as_ptr());
            hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
            hathora_config_set_process_token(cfg, c"proc-token-1".as_ptr());
        }),
    ];
    for (case, setup) in cases {
        server.clear();
        let cl = client_from(|cfg| {
            setup(cfg, &ctx);
            unsafe { hathora_config_set_base_url(cfg, c(&server.url()).as_ptr()) };
        });
        let r = my_rooms(&cl).ok();
        assert_eq!(r.rooms().map(|v| v.len()), Some(0), "{case}");
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{case}: {seen:?}");
        assert_eq!(
            seen[0].line, "GET /rooms/v2/app-7/list/proc-7/active HTTP/1.1",
            "{case}"
        );
        assert_eq!(
            seen[0].header("authorization"),
            ["Bearer proc-token-1"],
            "{case}"
        );
    }
    // Clearing the process token sends the dev token again.
    server.clear();
    let cl = client_from(|cfg| unsafe {
        hathora_config_apply_server_context(cfg, &ctx);
        hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
        hathora_config_set_process_token(cfg, null());
    });
    my_rooms(&cl).ok();
    assert_eq!(
        server.seen()[0].header("authorization"),
        ["Bearer dev-token-1"],
        "process token cleared"
    );
}

#[test]
fn without_a_process_or_a_token_nothing_is_sent() {
    let server = FakeHttp::start(response("200 OK", "application/json", b"[]"));
    let no_process = client_at(&server.url(), |cfg| unsafe {
        hathora_config_set_dev_token(cfg, c"t".as_ptr());
    });
    let (ctx, _keep) = context("proc-1", "app-1", Some(&server.url()), None);
    let no_token = client_from(|cfg| unsafe {
        assert_eq!(hathora_config_apply_server_context(cfg, &ctx), Code::Ok);
    });
    let cases = [
        ("no process id", &no_process, "process id"),
        ("no token", &no_token, "dev token"),
    ];
    for (case, cl, says) in cases {
        let r = my_rooms(cl);
        assert_eq!(r.code(), Code::InvalidArgument, "{case}: {r:?}");
        assert_readable(case, &r.message().unwrap_or_default(), says);
        let col = Collector::new();
        let mut id = 0;
        let code = unsafe {
            hathora_get_rooms_of_this_process_async(
                cl.0,
                null(),
                Some(collect),
                col.user_data(),
                &mut id,
            )
        };
        assert_eq!(code, Code::InvalidArgument, "{case}, async");
        assert_readable(case, &last_error(), says);
    }
    assert_eq!(server.count(), 0, "nothing reached the server");
}

#[test]
fn applying_a_context_refuses_null_and_keeps_the_base_url_it_does_not_name() {
    let (with_url, _a) = context("p", "a", Some("http://127.0.0.1:9"), None);
    let (without_url, _b) = context("p", "a", None, None);
    unsafe {
        let cfg = hathora_config_new();
        assert_eq!(
            hathora_config_apply_server_context(cfg, null()),
            Code::InvalidArgument
        );
        assert_readable("NULL context", &last_error(), "context");
        assert_eq!(
            hathora_config_apply_server_context(null_mut(), &with_url),
            Code::InvalidArgument
        );
        assert_readable("NULL config", &last_error(), "config");
        assert_eq!(
            hathora_config_set_process_id(null_mut(), null()),
            Code::InvalidArgument
        );
        assert_eq!(
            hathora_config_set_process_token(null_mut(), null()),
            Code::InvalidArgument
        );
        // A base URL set before survives a context without one.
        hathora_config_set_base_url(cfg, c("http://127.0.0.1:1").as_ptr());
        assert_eq!(
            hathora_config_apply_server_context(cfg, &without_url),
            Code::Ok
        );
        let bad_token = c("a\u{1}b");
        assert_eq!(
            hathora_config_set_process_token(cfg, bad_token.as_ptr()),
            Code::Ok
        );
        let mut client = null_mut();
        assert_eq!(hathora_client_new(cfg, &mut client), Code::InvalidArgument);
        assert_readable(
            "process token with a control character",
            &last_error(),
            "process_token",
        );
        assert!(
            !last_error().contains("a\u{1}b"),
            "the token is shown: {}",
            last_error()
        );
        hathora_config_free(cfg);
    }
}
