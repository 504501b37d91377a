//! Configuration through the C ABI: every setter with NULL, bad strings, out-of-range values
//! and the values that must pass; `hathora_client_new` refusing a configuration that cannot
//! work, with a readable message naming the setting; and the rule for plain `http://`.

mod common;
use common::*;
use std::ffi::c_char;
use std::ptr::{null, null_mut};

/// A config change: a setter call that returns its code.
type Setter = Box<dyn Fn(*mut HathoraConfig) -> Code>;

#[derive(Debug, PartialEq)]
enum ConfigExpect {
    /// Refused with INVALID_ARGUMENT, by the setter or at the latest by `hathora_client_new`,
    /// with a message containing the keyword.
    Refused(&'static str),
    Accepted,
}

fn setter(f: impl Fn(*mut HathoraConfig) -> Code + 'static) -> Setter {
    Box::new(f)
}

fn str_setter(
    f: unsafe extern "C" fn(*mut HathoraConfig, *const c_char) -> Code,
    bytes: Option<Vec<u8>>,
) -> Setter {
    setter(move |cfg| {
        let owned = bytes.as_ref().map(|b| cbytes(b));
        unsafe {
            f(
                cfg,
                owned
                    .as_ref()
                    .map_or(null(), |o| o.as_ptr() as *const c_char),
            )
        }
    })
}

#[test]
fn configuration_setters_and_client_new() {
    let emu = emulator();
    let live = client(&emu, HathoraDispatchMode::Worker);
    let url = emu.url();
    let big = || vec![b'a'; MB];
    use ConfigExpect::*;
    let rows: Vec<(&str, Setter, ConfigExpect)> = vec![
        (
            "app_id NULL",
            str_setter(hathora_config_set_app_id, None),
            Refused("app_id"),
        ),
        (
            "app_id invalid UTF-8",
            str_setter(hathora_config_set_app_id, Some(invalid_utf8())),
            Refused("app_id"),
        ),
        (
            "app_id empty",
            str_setter(hathora_config_set_app_id, Some(vec![])),
            Refused("app_id"),
        ),
        (
            "app_id 1 MB",
            str_setter(hathora_config_set_app_id, Some(big())),
            Refused("app_id"),
        ),
        (
            "app_id with space",
            str_setter(hathora_config_set_app_id, Some(b"a b".to_vec())),
            Refused("app_id"),
        ),
        (
            "dev_token NULL (clears it)",
            str_setter(hathora_config_set_dev_token, None),
            Accepted,
        ),
        (
            "dev_token invalid UTF-8",
            str_setter(hathora_config_set_dev_token, Some(invalid_utf8())),
            Refused("dev_token"),
        ),
        (
            "dev_token empty",
            str_setter(hathora_config_set_dev_token, Some(vec![])),
            Refused("dev_token"),
        ),
        (
            "dev_token with control char",
            str_setter(hathora_config_set_dev_token, Some(b"tok\x01en".to_vec())),
            Refused("dev_token"),
        ),
        (
            "dev_token 1 MB",
            str_setter(hathora_config_set_dev_token, Some(big())),
            Refused("dev_token"),
        ),
        (
            "base_url NULL (default)",
            str_setter(hathora_config_set_base_url, None),
            Accepted,
        ),
        (
            "base_url invalid UTF-8",
            str_setter(hathora_config_set_base_url, Some(invalid_utf8())),
            Refused("base_url"),
        ),
        (
            "base_url empty",
            str_setter(hathora_config_set_base_url, Some(vec![])),
            Refused("base_url"),
        ),
        (
            "base_url 1 MB",
            str_setter(hathora_config_set_base_url, Some(big())),
            Refused("base_url"),
        ),
        (
            "base_url ftp",
            str_setter(hathora_config_set_base_url, Some(b"ftp://x".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url no host",
            str_setter(hathora_config_set_base_url, Some(b"https://".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url port 0",
            str_setter(hathora_config_set_base_url, Some(b"https://h:0".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url port 99999",
            str_setter(
                hathora_config_set_base_url,
                Some(b"https://h:99999".to_vec()),
            ),
            Refused("base_url"),
        ),
        (
            "base_url user info",
            str_setter(hathora_config_set_base_url, Some(b"https://u:p@h".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url query",
            str_setter(
                hathora_config_set_base_url,
                Some(b"https://h/x?y=1".to_vec()),
            ),
            Refused("base_url"),
        ),
        (
            "base_url unclosed [",
            str_setter(hathora_config_set_base_url, Some(b"https://[::1".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url plain http, not loopback",
            str_setter(
                hathora_config_set_base_url,
                Some(b"http://example.com".to_vec()),
            ),
            Refused("base_url"),
        ),
        (
            "timeout_ms 0",
            setter(|c| unsafe { hathora_config_set_timeout_ms(c, 0) }),
            Refused("timeout"),
        ),
        (
            "connect_timeout_ms 0",
            setter(|c| unsafe { hathora_config_set_connect_timeout_ms(c, 0) }),
            Refused("timeout"),
        ),
        (
            "timeout_ms max, connect_timeout_ms max",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_timeout_ms(c, u32::MAX),
                    hathora_config_set_connect_timeout_ms(c, u32::MAX),
                ])
            }),
            Accepted,
        ),
        (
            "max_retries 21",
            setter(|c| unsafe {
                hathora_config_set_max_retries(c, hathora_rooms::ffi::HATHORA_MAX_RETRIES + 1)
            }),
            Refused("max_retries"),
        ),
        (
            "max_retries u32::MAX",
            setter(|c| unsafe { hathora_config_set_max_retries(c, u32::MAX) }),
            Refused("max_retries"),
        ),
        (
            "initial backoff > max backoff (refused by client_new)",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_initial_backoff_ms(c, 500),
                    hathora_config_set_max_backoff_ms(c, 100),
                ])
            }),
            Refused("backoff"),
        ),
        (
            "initial backoff above the default maximum, then a larger maximum",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_initial_backoff_ms(c, 20_000),
                    hathora_config_set_max_backoff_ms(c, 30_000),
                ])
            }),
            Accepted,
        ),
        (
            "retries and backoffs 0",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_max_retries(c, 0),
                    hathora_config_set_initial_backoff_ms(c, 0),
                    hathora_config_set_max_backoff_ms(c, 0),
                ])
            }),
            Accepted,
        ),
        (
            "max_workers 0",
            setter(|c| unsafe { hathora_config_set_max_workers(c, 0) }),
            Refused("max_workers"),
        ),
        (
            "max_workers 1025",
            setter(|c| unsafe { hathora_config_set_max_workers(c, 1025) }),
            Refused("max_workers"),
        ),
        (
            "max_workers u32::MAX",
            setter(|c| unsafe { hathora_config_set_max_workers(c, u32::MAX) }),
            Refused("max_workers"),
        ),
        (
            "min_workers 1025",
            setter(|c| unsafe { hathora_config_set_min_workers(c, 1025) }),
            Refused("min_workers"),
        ),
        (
            "min_workers 0",
            setter(|c| unsafe { hathora_config_set_min_workers(c, 0) }),
            Accepted,
        ),
        (
            "min_workers 5 above max_workers 4",
            setter(|c| unsafe {
                assert_eq!(hathora_config_set_max_workers(c, 4), Code::Ok);
                hathora_config_set_min_workers(c, 5)
            }),
            Refused("must not exceed"),
        ),
        (
            "worker_idle_ms 0",
            setter(|c| unsafe { hathora_config_set_worker_idle_ms(c, 0) }),
            Refused("worker_idle_ms"),
        ),
        (
            "worker_idle_ms u32::MAX",
            setter(|c| unsafe { hathora_config_set_worker_idle_ms(c, u32::MAX) }),
            Refused("worker_idle_ms"),
        ),
        (
            "dispatch_mode 2",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, 2) }),
            Refused("dispatch_mode"),
        ),
        (
            "dispatch_mode 7",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, 7) }),
            Refused("dispatch_mode"),
        ),
        (
            "dispatch_mode u32::MAX",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, u32::MAX) }),
            Refused("dispatch_mode"),
        ),
        (
            "queue_capacity 0",
            setter(|c| unsafe { hathora_config_set_queue_capacity(c, 0) }),
            Refused("queue_capacity"),
        ),
        (
            "queue_capacity u32::MAX",
            setter(|c| unsafe { hathora_config_set_queue_capacity(c, u32::MAX) }),
            Accepted,
        ),
    ];
    let mut refused_by_setter = Vec::new();
    let mut refused_by_new = Vec::new();
    for (label, apply, expect) in &rows {
        let cfg = hathora_config_new();
        assert!(!cfg.is_null(), "{label:?}");
        unsafe {
            assert_eq!(
                hathora_config_set_app_id(cfg, c(emu.app_id()).as_ptr()),
                Code::Ok,
                "{label:?}"
            );
            assert_eq!(
                hathora_config_set_dev_token(cfg, c(emu.token()).as_ptr()),
                Code::Ok,
                "{label:?}"
            );
            assert_eq!(
                hathora_config_set_base_url(cfg, c(&url).as_ptr()),
                Code::Ok,
                "{label:?}"
            );
        }
        reset_last_error(live.0);
        let set = apply(cfg);
        let mut out = std::ptr::dangling_mut::<HathoraClient>(); // must be overwritten with NULL on refusal
        let new = if set == Code::Ok {
            unsafe { hathora_client_new(cfg, &mut out) }
        } else {
            Code::InvalidArgument
        };
        let msg = last_error();
        unsafe { hathora_config_free(cfg) };
        match expect {
            Refused(k) => {
                if set == Code::Ok {
                    assert_eq!(
                        new,
                        Code::InvalidArgument,
                        "{label}: accepted by setter and client_new"
                    );
                    assert!(
                        out.is_null(),
                        "{label}: out_client must be NULL after a refusal"
                    );
                    refused_by_new.push(*label);
                } else {
                    assert_eq!(set, Code::InvalidArgument, "{label}");
                    refused_by_setter.push(*label);
                }
                assert_readable(label, &msg, k);
            }
            Accepted => {
                assert_eq!((set, new), (Code::Ok, Code::Ok), "{label}: {}", clip(&msg));
                assert!(!out.is_null(), "{label:?}");
                unsafe { hathora_client_free(out) };
            }
        }
    }
    println!("refused by the setter: {refused_by_setter:?}");
    println!("refused by hathora_client_new: {refused_by_new:?}");

    // NULL config to every setter, and to client_new; NULL out_client.
    let null_cfg: Vec<(&str, Setter)> = vec![
        (
            "set_app_id",
            str_setter(hathora_config_set_app_id, Some(b"a".to_vec())),
        ),
        (
            "set_dev_token",
            str_setter(hathora_config_set_dev_token, Some(b"t".to_vec())),
        ),
        (
            "set_base_url",
            str_setter(hathora_config_set_base_url, Some(b"https://h".to_vec())),
        ),
        (
            "set_timeout_ms",
            setter(|c| unsafe { hathora_config_set_timeout_ms(c, 1) }),
        ),
        (
            "set_connect_timeout_ms",
            setter(|c| unsafe { hathora_config_set_connect_timeout_ms(c, 1) }),
        ),
        (
            "set_max_retries",
            setter(|c| unsafe { hathora_config_set_max_retries(c, 1) }),
        ),
        (
            "set_initial_backoff_ms",
            setter(|c| unsafe { hathora_config_set_initial_backoff_ms(c, 1) }),
        ),
        (
            "set_max_backoff_ms",
            setter(|c| unsafe { hathora_config_set_max_backoff_ms(c, 1) }),
        ),
        (
            "set_max_workers",
            setter(|c| unsafe { hathora_config_set_max_workers(c, 1) }),
        ),
        (
            "set_min_workers",
            setter(|c| unsafe { hathora_config_set_min_workers(c, 1) }),
        ),
        (
            "set_worker_idle_ms",
            setter(|c| unsafe { hathora_config_set_worker_idle_ms(c, 1) }),
        ),
        (
            "set_dispatch_mode",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, 0) }),
        ),
        (
            "set_queue_capacity",
            setter(|c| unsafe { hathora_config_set_queue_capacity(c, 1) }),
        ),
        (
            "set_allow_insecure_http",
            setter(|c| unsafe { hathora_config_set_allow_insecure_http(c, true) }),
        ),
    ];
    for (label, apply) in null_cfg {
        reset_last_error(live.0);
        assert_eq!(apply(null_mut()), Code::InvalidArgument, "{label}(NULL)");
        assert_readable(label, &last_error(), "config");
    }
    reset_last_error(live.0);
    let mut out = std::ptr::dangling_mut::<HathoraClient>();
    assert_eq!(
        unsafe { hathora_client_new(null(), &mut out) },
        Code::InvalidArgument
    );
    assert!(out.is_null());
    assert_readable("client_new(NULL)", &last_error(), "config");
    let cfg = hathora_config_new();
    reset_last_error(live.0);
    assert_eq!(
        unsafe { hathora_client_new(cfg, null_mut()) },
        Code::InvalidArgument
    );
    assert_readable("client_new(out NULL)", &last_error(), "out_client");
    // The default config has no app id: accepted (DiscoveryV2 and region pings need none), and
    // a RoomsV2 call on it is refused, naming app_id, with nothing sent.
    let mut out = null_mut();
    assert_eq!(
        unsafe { hathora_client_new(cfg, &mut out) },
        Code::Ok,
        "client_new(default config): {}",
        last_error()
    );
    let appless = CClient(out);
    let r = blocking(|o| unsafe { hathora_get_room_info(appless.0, c"r1".as_ptr(), null(), o) });
    assert_eq!(r.code(), Code::InvalidArgument, "{r:?}");
    assert_readable(
        "RoomsV2 call without an app id",
        &r.message().unwrap_or_default(),
        "app_id",
    );
    assert_eq!(r.attempts(), 0, "nothing was sent");
    unsafe { hathora_config_free(cfg) };
    unsafe { hathora_config_free(null_mut()) };
}

/// Plain `http://` is accepted for loopback hosts only, unless `allow_insecure_http` is on;
/// https anywhere. A refusal says why, and never shows the dev token.
#[test]
fn plain_http_only_to_loopback_unless_allowed() {
    const TOKEN: &str = "hdt-S3CRET-7Qx9ZpL2vW";
    let try_new = |url: &str, allow: Option<bool>| -> (Code, String) {
        let cfg = hathora_config_new();
        unsafe {
            assert_eq!(hathora_config_set_app_id(cfg, c("app").as_ptr()), Code::Ok);
            assert_eq!(
                hathora_config_set_dev_token(cfg, c(TOKEN).as_ptr()),
                Code::Ok
            );
            assert_eq!(hathora_config_set_base_url(cfg, c(url).as_ptr()), Code::Ok);
            if let Some(a) = allow {
                assert_eq!(hathora_config_set_allow_insecure_http(cfg, a), Code::Ok);
            }
        }
        let mut raw = null_mut();
        let code = unsafe { hathora_client_new(cfg, &mut raw) };
        let msg = last_error();
        unsafe {
            hathora_config_free(cfg);
            hathora_client_free(raw);
        }
        (code, msg)
    };
    const PLAIN_HTTP: &[&str] = &["plain http", "loopback", "allow_insecure_http"];
    /// The words of a refusal, or None when the client is created.
    type Refused = Option<&'static [&'static str]>;
    // (base URL, allow_insecure_http if set, the refusal)
    let mut rows: Vec<(&str, Option<bool>, Refused)> = Vec::new();
    for url in [
        "http://example.com",
        "http://api.example.com",
        "http://api.hathora.dev",
        "http://10.0.0.1:8080",
        "http://192.168.1.20:7777/prefix",
        "http://[2001:db8::1]:80",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://0.0.0.0:8080",
    ] {
        rows.push((url, None, Some(PLAIN_HTTP)));
        rows.push((url, Some(false), Some(PLAIN_HTTP)));
        rows.push((url, Some(true), None));
    }
    for url in [
        "http://127.0.0.1:1",
        "http://127.8.9.10:1",
        "http://localhost:1",
        "http://LOCALHOST:1",
        "http://[::1]:1",
        "https://example.com",
        "https://10.0.0.1:8443/x",
    ] {
        rows.push((url, None, None));
    }
    rows.push(("http://127.0.0.1:9", Some(false), None));
    rows.push(("https://api.example.com", Some(false), None));
    rows.push((
        "api.example.com",
        Some(false),
        Some(&["base_url", "https://"]),
    ));
    for (url, allow, refused) in rows {
        let case = format!("{url} (allow_insecure_http {allow:?})");
        let (code, msg) = try_new(url, allow);
        match refused {
            None => assert_eq!(code, Code::Ok, "{case}: {msg}"),
            Some(words) => {
                assert_eq!(code, Code::InvalidArgument, "{case}");
                for w in words {
                    assert!(msg.contains(w), "{case}: {msg:?} does not say {w:?}");
                }
                assert!(!msg.contains(TOKEN), "{case}: the message shows the token");
            }
        }
    }
}
