//! The game server's "my rooms" call through the C ABI: a client configured from a context (the
//! app id, base URL, process and process token it names), the token rule (the process token
//! wins over a dev token, set in any order), and the refusals.

mod common;

use common::fake_http::{FakeHttp, response};
use common::*;
use std::ptr::{null, null_mut};

fn my_rooms(cl: &CClient) -> Res {
    blocking(|o| unsafe { hathora_get_rooms_of_this_process(cl.0, null(), o) })
}

#[test]
fn the_rooms_of_the_process_in_both_dispatch_modes() {
    let emu = emulator();
    let admin = client(&emu, HathoraDispatchMode::Worker);
    let (room, process) = create_room(&admin, Some("{\"mode\":\"duel\"}"));
    let (ctx, _keep) = server_context(&process, emu.app_id(), Some(&emu.url()), Some(emu.token()));
    for mode in BOTH_MODES {
        let cl = build_client(|cfg| unsafe {
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
    let (ctx, _keep) = server_context("proc-7", "app-7", Some(&server.url()), Some("proc-token-1"));
    #[rustfmt::skip]
    let cases: [(&str, Setup); 2] = [
        ("dev token first", |cfg, ctx| unsafe {
            hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
            hathora_config_apply_server_context(cfg, ctx);
        }),
        ("dev token after", |cfg, ctx| unsafe {
            hathora_config_apply_server_context(cfg, ctx);
            hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
        }),
    ];
    for (case, setup) in cases {
        server.clear();
        let cl = build_client(|cfg| {
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
    // Without a process token in the context, the dev token is sent.
    server.clear();
    let (no_token, _keep) = server_context("proc-7", "app-7", Some(&server.url()), None);
    let cl = build_client(|cfg| unsafe {
        hathora_config_apply_server_context(cfg, &no_token);
        hathora_config_set_dev_token(cfg, c"dev-token-1".as_ptr());
    });
    my_rooms(&cl).ok();
    assert_eq!(
        server.seen()[0].header("authorization"),
        ["Bearer dev-token-1"],
        "no process token"
    );
}

#[test]
fn without_a_process_or_a_token_nothing_is_sent() {
    let server = FakeHttp::start(response("200 OK", "application/json", b"[]"));
    let no_process = client_at(&server.url(), |cfg| unsafe {
        hathora_config_set_dev_token(cfg, c"t".as_ptr());
    });
    let (ctx, _keep) = server_context("proc-1", "app-1", Some(&server.url()), None);
    let no_token = build_client(|cfg| unsafe {
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
fn applying_a_context_refuses_what_it_cannot_read_and_keeps_the_base_url_it_does_not_name() {
    let (with_url, _a) = server_context("p", "a", Some("http://127.0.0.1:9"), None);
    let (without_url, _b) = server_context("p", "a", None, None);
    let (bad_token, _c) = server_context("p", "a", None, Some("a\u{1}b"));
    let not_utf8 = cbytes(&invalid_utf8());
    unsafe {
        let cfg = hathora_config_new();
        #[rustfmt::skip]
        let refused: [(&str, *mut HathoraConfig, HathoraServerContext, &str); 4] = [
            ("NULL config", null_mut(), with_url, "config"),
            ("NULL process id", cfg, HathoraServerContext { process_id: null(), ..with_url }, "context.process_id"),
            ("NULL app id", cfg, HathoraServerContext { app_id: null(), ..with_url }, "context.app_id"),
            ("a base URL that is not UTF-8", cfg, HathoraServerContext { base_url: not_utf8.as_ptr().cast(), ..with_url }, "context.base_url"),
        ];
        for (case, config, ctx, says) in refused {
            assert_eq!(
                hathora_config_apply_server_context(config, &ctx),
                Code::InvalidArgument,
                "{case}"
            );
            assert_readable(case, &last_error(), says);
        }
        assert_eq!(
            hathora_config_apply_server_context(cfg, null()),
            Code::InvalidArgument
        );
        assert_readable("NULL context", &last_error(), "context");
        // A base URL set before survives a context without one; a refused apply changed nothing.
        hathora_config_set_base_url(cfg, c("http://127.0.0.1:1").as_ptr());
        assert_eq!(
            hathora_config_apply_server_context(cfg, &without_url),
            Code::Ok
        );
        let mut client = null_mut();
        assert_eq!(
            hathora_client_new(cfg, &mut client),
            Code::Ok,
            "{}",
            last_error()
        );
        let cl = CClient(client);
        let r = my_rooms(&cl);
        assert_eq!(r.code(), Code::InvalidArgument, "no token: {r:?}");
        assert_eq!(
            hathora_config_apply_server_context(cfg, &bad_token),
            Code::Ok
        );
        assert_eq!(hathora_client_new(cfg, &mut client), Code::InvalidArgument);
        assert_readable(
            "a process token with a control character",
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
