//! DiscoveryV2 GetPingServiceEndpoints through the C ABI, against a scripted server (any answer,
//! unknown regions and malformed ones included; tests/rooms_server runs it against the rooms
//! server's own beacons): the path, no token ever sent, no app id needed, the structured view
//! and the body, and the failures.

mod common;

use common::fake_http::{FakeHttp, response};
use common::*;
use std::ptr::{null, null_mut};

const ENDPOINTS: &str = r#"[{"region":"Seattle","host":"ping.example","port":2000},{"region":"Sao_Paulo","host":"10.0.0.9","port":65535},{"region":"Europa","host":"::1","port":7,"extra":true}]"#;

fn ok_server() -> FakeHttp {
    FakeHttp::start(response("200 OK", "application/json", ENDPOINTS.as_bytes()))
}

/// (region, region_raw, host, port) of each endpoint of a result.
fn endpoints(r: &Res) -> Option<Vec<(HathoraRegion, String, String, u16)>> {
    let list = r.list(
        hathora_result_ping_endpoint_count,
        hathora_result_ping_endpoint_at,
    )?;
    Some(
        list.into_iter()
            .map(|e| {
                (
                    e.region,
                    s(e.region_raw).unwrap(),
                    s(e.host).unwrap(),
                    e.port,
                )
            })
            .collect(),
    )
}

fn discover(cl: &CClient, form: Form) -> Res {
    match form {
        Form::Blocking => {
            blocking(|o| unsafe { hathora_get_ping_service_endpoints(cl.0, null(), o) })
        }
        Form::Async => {
            let col = Collector::new();
            let id = submit(&col, |cb, ud, id| unsafe {
                hathora_get_ping_service_endpoints_async(cl.0, null(), cb, ud, id)
            });
            col.one(cl, id)
        }
    }
}

#[test]
fn endpoints_are_listed_without_a_token_in_every_form_and_mode() {
    let server = ok_server();
    let want = vec![
        (
            HathoraRegion::Seattle,
            "Seattle".into(),
            "ping.example".into(),
            2000,
        ),
        (
            HathoraRegion::SaoPaulo,
            "Sao_Paulo".into(),
            "10.0.0.9".into(),
            65535,
        ),
        (HathoraRegion::Unknown, "Europa".into(), "::1".into(), 7),
    ];
    for mode in BOTH_MODES {
        // Both tokens set: neither may be sent.
        let url = format!("{}/api", server.url());
        let (ctx, _keep) = server_context("p-1", "app-1", Some(&url), Some("process-secret"));
        let cl = client_at(&url, |cfg| unsafe {
            hathora_config_set_dev_token(cfg, c"dev-secret".as_ptr());
            hathora_config_apply_server_context(cfg, &ctx);
            hathora_config_set_dispatch_mode(cfg, mode as u32);
        });
        for form in BOTH_FORMS {
            server.clear();
            let r = discover(&cl, form).ok();
            let case = format!("{mode:?}, {form:?}");
            assert_eq!(r.status(), 200, "{case}");
            assert_eq!(endpoints(&r), Some(want.clone()), "{case}");
            assert_eq!(r.body(), ENDPOINTS, "{case}: the body as received");
            let seen = server.seen();
            assert_eq!(seen.len(), 1, "{case}");
            assert_eq!(
                seen[0].line, "GET /api/discovery/v2/ping HTTP/1.1",
                "{case}"
            );
            assert_eq!(
                seen[0].header("authorization"),
                Vec::<String>::new(),
                "{case}: a token was sent"
            );
        }
    }
}

#[test]
fn a_client_without_app_id_or_token_discovers() {
    let server = ok_server();
    let cl = build_client(|cfg| unsafe {
        hathora_config_set_base_url(cfg, c(&server.url()).as_ptr());
    });
    let r = discover(&cl, Form::Blocking).ok();
    assert_eq!(endpoints(&r).map(|e| e.len()), Some(3));
}

#[test]
fn failures_and_undecodable_answers() {
    #[rustfmt::skip]
    let cases: [(&str, Vec<u8>, Code, u16, &str); 5] = [
        ("not JSON", response("200 OK", "application/json", b"<html>"), Code::DecodeError, 200, "not the expected JSON"),
        ("a port out of range", response("200 OK", "application/json", br#"[{"region":"Seattle","host":"h","port":70000}]"#), Code::DecodeError, 200, "not the expected JSON"),
        ("no host", response("200 OK", "application/json", br#"[{"region":"Seattle","port":1}]"#), Code::DecodeError, 200, "host"),
        ("an object, not a list", response("200 OK", "application/json", br#"{"region":"Seattle"}"#), Code::DecodeError, 200, "not the expected JSON"),
        ("an API error", response("404 Not Found", "application/json", br#"{"message":"no discovery here"}"#), Code::ApiError, 404, "no discovery here"),
    ];
    for (case, answer, code, status, says) in cases {
        let server = FakeHttp::start(answer);
        let cl = fake_server_client(&server.url());
        let r = discover(&cl, Form::Blocking);
        assert_eq!((r.code(), r.status()), (code, status), "{case}: {r:?}");
        assert_readable(case, &r.message().unwrap_or_default(), says);
        assert_eq!(endpoints(&r), None, "{case}: no endpoints on a failure");
    }
}

#[test]
fn the_endpoint_accessors_refuse_what_they_cannot_read() {
    let server = ok_server();
    let cl = fake_server_client(&server.url());
    let r = discover(&cl, Form::Blocking).ok();
    let mut p = null();
    let mut n = 0usize;
    unsafe {
        assert_eq!(
            hathora_result_ping_endpoint_at(r.0, 3, &mut p),
            Code::InvalidArgument
        );
        assert_readable("index 3 of 3", &last_error(), "out of range");
        assert_eq!(
            hathora_result_ping_endpoint_at(r.0, 0, null_mut()),
            Code::InvalidArgument
        );
        assert_eq!(
            hathora_result_ping_endpoint_count(null(), &mut n),
            Code::InvalidArgument
        );
        assert_eq!(
            hathora_result_room_count(r.0, &mut n),
            Code::InvalidArgument,
            "not a room list"
        );
        assert_eq!(
            hathora_result_region_ping_count(r.0, &mut n),
            Code::InvalidArgument,
            "not pings"
        );
    }
    let rooms = FakeHttp::start(response("200 OK", "application/json", b"[]"));
    let cl = fake_server_client(&rooms.url());
    let list = blocking(|o| unsafe {
        hathora_get_active_rooms_for_process(cl.0, c"p1".as_ptr(), null(), o)
    })
    .ok();
    assert_eq!(
        unsafe { hathora_result_ping_endpoint_count(list.0, &mut n) },
        Code::InvalidArgument,
        "a room list is not an endpoint list"
    );
}
