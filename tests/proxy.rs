//! Proxies from the environment, through the C ABI. A fake proxy on
//! 127.0.0.1 counts what reaches it (CONNECT lines). Loopback requests (the emulator) never go
//! through a proxy; other hosts use the variable of their scheme, then ALL_PROXY, unless
//! NO_PROXY says otherwise. Environment variables are process-wide: one test at a time, in its
//! own binary.

mod common;

use common::fake_http::{FakeHttp, response};
use common::*;
use std::ptr::{null, null_mut};
use std::sync::Mutex;

const VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

static SERIAL: Mutex<()> = Mutex::new(());

/// Sets exactly `vars` among the proxy variables (the others unset) until dropped.
struct Env(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

fn env(vars: &[(&str, &str)]) -> Env {
    let g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    clear();
    for (k, v) in vars {
        // SAFETY: tests of this binary hold SERIAL while they touch the environment.
        unsafe { std::env::set_var(k, v) };
    }
    Env(g)
}

fn clear() {
    for k in VARS {
        unsafe { std::env::remove_var(k) };
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        clear();
    }
}

/// A proxy that refuses every tunnel: what reaches it is recorded, nothing gets through.
fn fake_proxy() -> FakeHttp {
    FakeHttp::start(response("403 Forbidden", "text/plain", b"no"))
}

/// A client of a host that is not loopback (never resolved locally when proxied).
fn remote_client(url: &str) -> CClient {
    client_at(url, |cfg| unsafe {
        assert_eq!(
            hathora_config_set_dev_token(cfg, c"secret-dev-token".as_ptr()),
            Code::Ok
        );
        assert_eq!(hathora_config_set_allow_insecure_http(cfg, true), Code::Ok);
        assert_eq!(set_retry(cfg, 0, 10, 10), Code::Ok);
    })
}

fn get_info(cl: &CClient) -> Res {
    blocking(|out| unsafe { hathora_get_room_info(cl.0, c"r-1".as_ptr(), null(), out) })
}

fn lines(p: &FakeHttp) -> Vec<String> {
    p.seen().into_iter().map(|s| s.line).collect()
}

#[test]
fn loopback_requests_never_go_through_a_proxy() {
    let proxy = fake_proxy();
    let emu = emulator();
    let mut problems = Vec::new();
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        let _e = env(&[(var, &proxy.url())]);
        for host in ["127.0.0.1", "localhost"] {
            let url = emu.url().replace("127.0.0.1", host);
            let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
                assert_eq!(
                    hathora_config_set_base_url(cfg, c(&url).as_ptr()),
                    Code::Ok,
                    "{var} with {host}"
                );
            });
            let r = blocking(|out| unsafe {
                hathora_create_room(
                    cl.0,
                    &HathoraCreateRoomParams {
                        region: HathoraRegion::London as u32,
                        ..hathora_create_room_params_init()
                    },
                    null(),
                    out,
                )
            });
            if r.code() != Code::Ok {
                problems.push(format!(
                    "{var} with {url}: {:?} HTTP {} {:?}",
                    r.code(),
                    r.status(),
                    r.message()
                ));
            }
        }
    }
    let seen = proxy.seen();
    if !seen.is_empty() {
        problems.push(format!(
            "the proxy received loopback requests: {:#?}",
            seen.iter()
                .map(|s| (&s.line, &s.headers))
                .collect::<Vec<_>>()
        ));
    }
    assert_no_problems(&problems);
}

#[test]
fn each_scheme_uses_its_own_variable_then_all_proxy() {
    let (a, b) = (fake_proxy(), fake_proxy());
    let mut problems = Vec::new();
    // (case, variables, base URL, which proxy must see a CONNECT to which target)
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, String)>,
        &'a str,
        Option<(&'a FakeHttp, &'a str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "https + HTTPS_PROXY",
            vec![("HTTPS_PROXY", a.url())],
            "https://rooms.example.test",
            Some((&a, "rooms.example.test:443")),
        ),
        (
            "https + lowercase https_proxy",
            vec![("https_proxy", a.url())],
            "https://rooms.example.test",
            Some((&a, "rooms.example.test:443")),
        ),
        (
            "https + ALL_PROXY only",
            vec![("ALL_PROXY", b.url())],
            "https://rooms.example.test",
            Some((&b, "rooms.example.test:443")),
        ),
        (
            "https: HTTPS_PROXY wins over ALL_PROXY",
            vec![("HTTPS_PROXY", a.url()), ("ALL_PROXY", b.url())],
            "https://rooms.example.test",
            Some((&a, "rooms.example.test:443")),
        ),
        (
            "http + HTTP_PROXY",
            vec![("HTTP_PROXY", a.url()), ("HTTPS_PROXY", b.url())],
            "http://rooms.example.test",
            Some((&a, "rooms.example.test:80")),
        ),
        (
            "https ignores HTTP_PROXY",
            vec![("HTTP_PROXY", a.url())],
            "https://rooms.example.test",
            None,
        ),
        (
            "http ignores HTTPS_PROXY",
            vec![("HTTPS_PROXY", a.url())],
            "http://rooms.example.test:8080",
            None,
        ),
        (
            "NO_PROXY with spaces and a leading dot",
            vec![
                ("HTTPS_PROXY", a.url()),
                ("NO_PROXY", "other.test, .example.test".into()),
            ],
            "https://rooms.example.test",
            None,
        ),
        (
            "NO_PROXY parent domain",
            vec![("ALL_PROXY", b.url()), ("no_proxy", "example.test".into())],
            "https://rooms.example.test",
            None,
        ),
        (
            "NO_PROXY that does not match",
            vec![("HTTPS_PROXY", a.url()), ("NO_PROXY", "other.test".into())],
            "https://rooms.example.test",
            Some((&a, "rooms.example.test:443")),
        ),
    ];
    for (case, vars, url, want) in cases {
        a.clear();
        b.clear();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _e = env(&vars);
        let cl = remote_client(url);
        let r = get_info(&cl);
        // Nothing gets through: the fake proxy refuses, and the host does not resolve directly.
        if r.code() != Code::TransportError {
            problems.push(format!(
                "{case}: {:?} HTTP {} {:?}",
                r.code(),
                r.status(),
                r.message()
            ));
        }
        let (la, lb) = (lines(&a), lines(&b));
        match want {
            Some((p, target)) => {
                let (hit, other) = if std::ptr::eq(p, &a) {
                    (&la, &lb)
                } else {
                    (&lb, &la)
                };
                let connect = format!("CONNECT {target} HTTP/1.1");
                if hit.is_empty() || hit.iter().any(|l| *l != connect) || !other.is_empty() {
                    problems.push(format!(
                        "{case}: want {connect:?} at one proxy; got {la:?} / {lb:?}"
                    ));
                }
            }
            None if !la.is_empty() || !lb.is_empty() => {
                problems.push(format!(
                    "{case}: should be direct; proxies got {la:?} / {lb:?}"
                ));
            }
            None => {}
        }
        // The tunnel request carries no credentials of the API.
        for s in a.seen().iter().chain(b.seen().iter()) {
            if s.headers.iter().any(|h| {
                h.contains("secret-dev-token")
                    || h.to_ascii_lowercase().starts_with("authorization")
            }) {
                problems.push(format!(
                    "{case}: the CONNECT request carried the token: {:?}",
                    s.headers
                ));
            }
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn an_unusable_proxy_is_refused_without_echoing_it() {
    let mut problems = Vec::new();
    for (var, value) in [
        ("ALL_PROXY", "socks5h://user:pw-secret@127.0.0.1:1080"),
        ("HTTPS_PROXY", "http://user:pw-secret@[broken"),
    ] {
        let _e = env(&[(var, value)]);
        unsafe {
            let cfg = hathora_config_new();
            hathora_config_set_app_id(cfg, c"app-x".as_ptr());
            hathora_config_set_base_url(cfg, c"https://rooms.example.test".as_ptr());
            let mut cl = null_mut();
            let code = hathora_client_new(cfg, &mut cl);
            hathora_config_free(cfg);
            let m = last_error();
            if code != Code::InvalidArgument || !m.contains(var) || m.contains("pw-secret") {
                problems.push(format!("{var}={value}: client_new {code:?}, message {m:?}"));
            }
            if !cl.is_null() {
                hathora_client_free(cl);
            }
        }
    }
    assert_no_problems(&problems);
}
