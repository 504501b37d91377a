//! HTTPS through the C ABI. A client trusts CA certificates given from memory or from a file,
//! with or without the bundled web roots; it refuses bad PEM when it is created, naming the
//! problem; and it names each certificate failure (another host's certificate, an expired one,
//! one not valid yet, one from a CA it does not trust) without retrying it, and sends nothing to
//! such a server: its `/metrics` count one failed TLS handshake per call and no request. The
//! servers are the rooms server's own HTTPS (`common::https_server`, in-process) with
//! certificates made at run time (`common::pki`).

mod common;
use common::https_server::{HttpsServer, Metrics};
use common::ops::{Param, every_operation};
use common::pki::{ServerCert, TestCa, Validity};
use common::*;
use hathora_rooms_server::{DEFAULT_APP_ID, DEFAULT_TOKEN};
use std::ffi::{CString, c_char};
use std::path::{Path, PathBuf};
use std::ptr::{null, null_mut};
use std::time::Duration;

/// How a test hands the client a CA certificate.
#[derive(Clone, Copy)]
enum Ca<'a> {
    Pem(&'a [u8]),
    File(&'a Path),
}

/// A client for `url` with the server's app and token, `cas` added, the web roots on or off,
/// and 3 quick retries (so that a retry would show); or the code and message of its refusal.
fn https_client(
    url: &str,
    cas: &[Ca],
    builtin_roots: bool,
    mode: HathoraDispatchMode,
) -> Result<CClient, (Code, String)> {
    unsafe {
        let cfg = hathora_config_new();
        let setters = [
            hathora_config_set_app_id(cfg, c(DEFAULT_APP_ID).as_ptr()),
            hathora_config_set_dev_token(cfg, c(DEFAULT_TOKEN).as_ptr()),
            hathora_config_set_base_url(cfg, c(url).as_ptr()),
            hathora_config_set_dispatch_mode(cfg, mode as u32),
            hathora_config_set_builtin_roots(cfg, builtin_roots),
            set_retry(cfg, 3, 20, 100),
        ];
        assert_eq!(first_refusal(setters), Code::Ok, "{}", last_error());
        for ca in cas {
            let code = match ca {
                Ca::Pem(pem) => hathora_config_add_ca_pem(cfg, pem.as_ptr(), pem.len()),
                Ca::File(path) => {
                    hathora_config_add_ca_file(cfg, c(path.to_str().unwrap()).as_ptr())
                }
            };
            assert_eq!(code, Code::Ok, "adding a CA: {}", last_error());
        }
        new_client(cfg)
    }
}

/// A client from `cfg`, which is freed; or the code and message of the refusal.
///
/// # Safety
/// `cfg` is a live configuration.
unsafe fn new_client(cfg: *mut HathoraConfig) -> Result<CClient, (Code, String)> {
    let mut client = null_mut();
    let code = unsafe { hathora_client_new(cfg, &mut client) };
    unsafe { hathora_config_free(cfg) };
    match code {
        Code::Ok => Ok(CClient(client)),
        refused => {
            assert!(client.is_null(), "a refused client is NULL");
            Err((refused, last_error()))
        }
    }
}

/// The rooms server over HTTPS with a certificate (for 127.0.0.1) that a new CA signed.
fn https_server(ca_name: &str) -> (TestCa, HttpsServer) {
    let ca = TestCa::new(ca_name);
    let server = HttpsServer::start(&ca.issue(&["127.0.0.1"], Validity::Current));
    (ca, server)
}

/// The server answers a client's call through TLS: its 404 for an unknown room.
#[track_caller]
fn assert_answered_over_tls(cl: &CClient, case: &str) {
    let r = run(cl, "GetConnectionInfo", Form::Blocking, "no-such-room", "");
    assert_eq!(
        (r.code(), r.status()),
        (Code::ApiError, 404),
        "{case}: {r:?}"
    );
}

/// A scratch directory of this test binary, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hathora-tls-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs one operation of `every_operation` by name, in `form`, on `room` or `process`.
fn run(cl: &CClient, name: &str, form: Form, room: &str, process: &str) -> Res {
    let op = every_operation()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap();
    let param: CString = c(if op.param == Param::Process {
        process
    } else {
        room
    });
    match form {
        Form::Blocking => {
            blocking(|out| unsafe { (op.blocking)(cl.0, param.as_ptr(), null(), out) })
        }
        Form::Async => {
            let col = Collector::new();
            let id = submit(&col, |cb, ud, id| unsafe {
                (op.queued)(cl.0, param.as_ptr(), null(), cb, ud, id)
            });
            col.one(cl, id)
        }
    }
}

/// A room's whole life over HTTPS: every operation and wait-until-active, each answered OK.
fn lifecycle(cl: &CClient, form: Form, case: &str) {
    let created = run(cl, "CreateRoom", form, "", "");
    assert_eq!(
        created.code(),
        Code::Ok,
        "{case} {form:?} CreateRoom: {created:?}"
    );
    let conn = created.conn().expect("connection data");
    let (room, process) = (s(conn.room_id).unwrap(), s(conn.process_id).unwrap());
    #[rustfmt::skip]
    let rest = [
        "WaitUntilActive", "GetRoomInfo", "GetActiveRoomsForProcess", "GetInactiveRoomsForProcess",
        "GetConnectionInfo", "UpdateRoomConfig", "SuspendRoomV2Deprecated", "ResumeRoom", "DestroyRoom",
    ];
    for name in rest {
        let r = run(cl, name, form, &room, &process);
        assert_eq!(r.code(), Code::Ok, "{case} {form:?} {name}: {r:?}");
        // Wait-until-active counts its polls.
        if name != "WaitUntilActive" {
            assert_eq!(r.attempts(), 1, "{case} {form:?} {name}: {r:?}");
        }
    }
    let every: Vec<_> = every_operation().iter().map(|o| o.name).collect();
    assert_eq!(
        every.len(),
        rest.len() + 1,
        "{case}: the lifecycle runs every operation"
    );
    assert!(
        every.iter().all(|n| *n == "CreateRoom" || rest.contains(n)),
        "{case}: {every:?}"
    );
}

#[test]
fn every_operation_runs_over_https_with_the_ca_from_memory_or_from_a_file() {
    let (ca, server) = https_server("rooms test CA");
    let dir = scratch("lifecycle");
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    let cases: [(&str, Ca, bool); 3] = [
        (
            "CA from memory, web roots kept",
            Ca::Pem(ca.pem.as_bytes()),
            true,
        ),
        ("CA from a file, web roots off", Ca::File(&ca_file), false),
        ("CA from a file, web roots kept", Ca::File(&ca_file), true),
    ];
    for (case, trust, builtin) in cases {
        for mode in BOTH_MODES {
            let cl = https_client(&server.url(), &[trust], builtin, mode)
                .unwrap_or_else(|e| panic!("{case}: {e:?}"));
            for form in BOTH_FORMS {
                lifecycle(&cl, form, &format!("{case} ({mode:?})"));
            }
        }
    }
    let m = server.metrics();
    assert_eq!(m.failed, 0, "no handshake failed: {m:?}");
    // 3 trusts x 2 modes x 2 forms x 10 operations, wait-until-active's polls on top.
    assert!(m.requests >= 120, "every call reached the server: {m:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_host_name_certificate_serves_localhost_and_several_cas_may_be_added() {
    let (ours, other) = (TestCa::new("ours"), TestCa::new("another"));
    let server = HttpsServer::start(&ours.issue(&["localhost"], Validity::Current));
    // Both CAs in one PEM, and the server's CA second among the sources: each is trusted.
    let both = format!("{}{}", other.pem, ours.pem);
    let sources: [(&str, Vec<Ca>); 2] = [
        ("two CAs in one PEM", vec![Ca::Pem(both.as_bytes())]),
        (
            "the CA added second",
            vec![Ca::Pem(other.pem.as_bytes()), Ca::Pem(ours.pem.as_bytes())],
        ),
    ];
    for (case, cas) in sources {
        let cl = https_client(
            &server.url_for("localhost"),
            &cas,
            false,
            HathoraDispatchMode::Worker,
        )
        .unwrap_or_else(|e| panic!("{case}: {e:?}"));
        assert_answered_over_tls(&cl, case);
    }
}

#[test]
fn the_pem_is_copied_when_it_is_added() {
    let (ca, server) = https_server("copied");
    let mut pem = ca.pem.clone().into_bytes();
    unsafe {
        let cfg = hathora_config_new();
        assert_eq!(
            hathora_config_add_ca_pem(cfg, pem.as_ptr(), pem.len()),
            Code::Ok
        );
        pem.fill(b'x'); // the caller's buffer changes (or is freed): the config kept its copy
        drop(pem);
        let setters = [
            hathora_config_set_app_id(cfg, c(DEFAULT_APP_ID).as_ptr()),
            hathora_config_set_base_url(cfg, c(&server.url()).as_ptr()),
            hathora_config_set_builtin_roots(cfg, false),
        ];
        assert_eq!(first_refusal(setters), Code::Ok);
        let client = new_client(cfg).expect("a client");
        assert_answered_over_tls(&client, "a PEM changed after it was added");
    }
}

/// (case, the server's certificate, the host in the URL, whether the client adds the CA that
/// signed it, the start of the message)
#[test]
fn each_certificate_failure_is_named_and_never_retried() {
    let (trusted, unknown) = (TestCa::new("trusted"), TestCa::new("unknown"));
    let untrusted_ca = "is signed by a CA this client does not trust (add that CA's certificate: hathora_config_add_ca_pem";
    #[rustfmt::skip]
    let cases: [(&str, ServerCert, &str, bool, String); 6] = [
        ("another host's certificate", trusted.issue(&["other.test", "10.9.8.7"], Validity::Current), "127.0.0.1", true,
         "TLS: the certificate of 127.0.0.1 is not valid for that host: it is for other.test, 10.9.8.7".into()),
        ("an IP certificate asked by name", trusted.issue(&["127.0.0.1"], Validity::Current), "localhost", true,
         "TLS: the certificate of localhost is not valid for that host: it is for 127.0.0.1".into()),
        ("an expired certificate", trusted.issue(&["127.0.0.1"], Validity::Expired), "127.0.0.1", true,
         "TLS: the certificate of 127.0.0.1 expired on 2020-01-01 00:00:00 UTC".into()),
        ("a certificate not valid yet", trusted.issue(&["127.0.0.1"], Validity::NotYet), "127.0.0.1", true,
         "TLS: the certificate of 127.0.0.1 is not valid before 4000-01-01 00:00:00 UTC".into()),
        ("a CA the client was not given", unknown.issue(&["127.0.0.1"], Validity::Current), "127.0.0.1", true,
         format!("TLS: the certificate of 127.0.0.1 {untrusted_ca}")),
        ("the web roots only", trusted.issue(&["127.0.0.1"], Validity::Current), "127.0.0.1", false,
         format!("TLS: the certificate of 127.0.0.1 {untrusted_ca}")),
    ];
    for (case, cert, host, adds_ca, message) in cases {
        let server = HttpsServer::start(&cert);
        let cas = if adds_ca {
            vec![Ca::Pem(trusted.pem.as_bytes())]
        } else {
            vec![]
        };
        for mode in BOTH_MODES {
            let cl = https_client(&server.url_for(host), &cas, true, mode)
                .unwrap_or_else(|e| panic!("{case}: {e:?}"));
            for (op, form) in [
                ("GetConnectionInfo", Form::Blocking),
                ("CreateRoom", Form::Async),
            ] {
                let label = format!("{case}, {op} {form:?} {mode:?}");
                let before = server.metrics();
                let r = run(&cl, op, form, "some-room", "");
                assert_eq!(
                    (r.code(), r.status()),
                    (Code::TransportError, 0),
                    "{label}: {r:?}"
                );
                let m = r.message().unwrap();
                assert!(m.starts_with(&message), "{label}: {m}");
                // Not transient: one attempt although 3 retries are allowed, and a CreateRoom
                // refused before its request was sent made no room.
                assert_eq!(r.attempts(), 1, "{label}: {r:?}");
                assert!(!m.contains("may exist"), "{label}: {m}");
                // The server saw one handshake, which failed, and nothing after it.
                let after = metrics_once_failed(&server, before.failed, &label);
                let want = Metrics {
                    failed: before.failed + 1,
                    ..before
                };
                assert_eq!(after, want, "{label}: one failed handshake, nothing more");
            }
        }
        let m = server.metrics();
        assert_eq!(
            (m.completed, m.requests),
            (0, 0),
            "{case}: no connection got past its handshake, no request was answered"
        );
    }
}

/// The server's metrics once more than `failed` handshakes failed (the server counts a
/// handshake the client abandoned a moment after the client's call returned).
fn metrics_once_failed(server: &HttpsServer, failed: u64, label: &str) -> Metrics {
    let end = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let m = server.metrics();
        if m.failed > failed {
            return m;
        }
        assert!(
            std::time::Instant::now() < end,
            "{label}: no failed handshake counted: {m:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// (case, a CA source that cannot be used, the start of the refusal, after the scratch
/// directory's path for files)
#[test]
fn bad_pem_is_refused_when_the_client_is_created_naming_the_problem() {
    let ca = TestCa::new("good");
    let server = ca.issue(&["127.0.0.1"], Validity::Current);
    let key = server.key_pem.clone();
    let key_body = key.lines().nth(1).unwrap().to_owned();
    let garbage = "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n";
    let dir = scratch("bad-pem");
    let file = |name: &str, content: &str| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let (empty_file, key_file) = (file("empty.pem", ""), file("key.pem", &key));
    let (missing, directory) = (dir.join("missing.pem"), dir.clone());
    let with_key = format!("{}{key}", ca.pem);
    let text = |p: &Path| p.display().to_string();
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<Ca>, String)> = vec![
        ("empty PEM", vec![Ca::Pem(b"")], "CA certificate PEM #1 (from memory) is empty".into()),
        ("not PEM", vec![Ca::Pem(b"just some text")], "CA certificate PEM #1 (from memory) is not PEM".into()),
        ("DER instead of PEM", vec![Ca::Pem(server.cert_der.as_ref())], "CA certificate PEM #1 (from memory) is not PEM (it looks like binary DER".into()),
        ("a private key", vec![Ca::Pem(key.as_bytes())],
         "CA certificate PEM #1 (from memory) is not only certificates: PEM block 1 is a PRIVATE KEY, not a CERTIFICATE".into()),
        ("a certificate and its key, second", vec![Ca::Pem(ca.pem.as_bytes()), Ca::Pem(with_key.as_bytes())],
         "CA certificate PEM #2 (from memory) is not only certificates: PEM block 2 is a PRIVATE KEY".into()),
        ("a certificate that does not parse", vec![Ca::Pem(garbage.as_bytes())],
         "CA certificate PEM #1 (from memory): certificate 1 does not parse as an X.509 certificate".into()),
        ("malformed PEM", vec![Ca::Pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n")],
         "CA certificate PEM #1 (from memory) is malformed PEM: block 1 has no -----END line".into()),
        ("an empty file", vec![Ca::File(&empty_file)], format!("CA file {} is empty", text(&empty_file))),
        ("a missing file", vec![Ca::File(&missing)], format!("CA file {} cannot be read: ", text(&missing))),
        ("a directory", vec![Ca::File(&directory)], format!("CA file {} cannot be read: ", text(&directory))),
        ("a key file", vec![Ca::File(&key_file)], format!("CA file {} is not only certificates: PEM block 1 is a PRIVATE KEY", text(&key_file))),
        ("web roots off and no CA", vec![], "the built-in roots are off and no CA certificate was added".into()),
    ];
    for (case, cas, message) in cases {
        for url in ["https://127.0.0.1:1", "http://127.0.0.1:1"] {
            if cas.is_empty() && url.starts_with("http:") {
                continue; // plain http needs no root at all
            }
            let label = format!("{case} ({url})");
            let refused = https_client(url, &cas, false, HathoraDispatchMode::Worker).err();
            let (code, m) = refused.unwrap_or_else(|| panic!("{label}: the client was created"));
            assert_eq!(code, Code::InvalidArgument, "{label}: {m}");
            assert!(m.starts_with(&message), "{label}: {m}");
            assert!(
                !m.contains("KEY-----") && !m.contains(&key_body),
                "{label}: the input is not echoed: {m}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_setters_refuse_what_they_cannot_copy() {
    let bad_utf8 = cbytes(&invalid_utf8());
    let over = vec![b'a'; HATHORA_MAX_CA_PEM_BYTES as usize + 1];
    let path = c("ca.pem");
    unsafe {
        let cfg = hathora_config_new();
        type Setter<'a> = Box<dyn Fn(*mut HathoraConfig) -> Code + 'a>;
        #[rustfmt::skip]
        let cases: Vec<(&str, Setter, &str)> = vec![
            ("NULL pem", Box::new(|cfg| hathora_config_add_ca_pem(cfg, null(), 5)), "pem must not be NULL"),
            ("pem over the limit", Box::new(|cfg| hathora_config_add_ca_pem(cfg, over.as_ptr(), over.len())), "at most 4194304 bytes"),
            ("NULL path", Box::new(|cfg| hathora_config_add_ca_file(cfg, null())), "path must not be NULL"),
            ("empty path", Box::new(|cfg| hathora_config_add_ca_file(cfg, c"".as_ptr())), "path must not be empty"),
            ("path not UTF-8", Box::new(|cfg| hathora_config_add_ca_file(cfg, bad_utf8.as_ptr() as *const c_char)), "path is not valid UTF-8"),
            ("NULL config, pem", Box::new(|_| hathora_config_add_ca_pem(null_mut(), b"x".as_ptr(), 1)), "config must not be NULL"),
            ("NULL config, file", Box::new(|_| hathora_config_add_ca_file(null_mut(), path.as_ptr())), "config must not be NULL"),
            ("NULL config, roots", Box::new(|_| hathora_config_set_builtin_roots(null_mut(), false)), "config must not be NULL"),
        ];
        for (case, setter, message) in cases {
            assert_eq!(setter(cfg), Code::InvalidArgument, "{case}");
            assert_readable(case, &last_error(), message);
        }
        // Nothing refused was added: this configuration still makes a client (web roots only).
        assert_eq!(hathora_config_set_app_id(cfg, c"app-1".as_ptr()), Code::Ok);
        new_client(cfg).expect("a client with the web roots only");
    }
}

/// A server that accepts the connection and never answers the handshake: the handshake counts
/// against the connect deadline (then the attempt is retried like a connect that timed out),
/// not the call's, so the call ends long before its own deadline.
#[test]
fn a_handshake_that_never_ends_is_bounded_by_the_connect_deadline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn); // open, silent
        }
    });
    let cl = client_at(&format!("https://127.0.0.1:{port}"), |cfg| unsafe {
        assert_eq!(set_timeouts(cfg, 60_000, 300), Code::Ok);
        assert_eq!(set_retry(cfg, 1, 20, 20), Code::Ok);
    });
    let started = std::time::Instant::now();
    let r = run(&cl, "GetConnectionInfo", Form::Blocking, "r", "");
    let took = started.elapsed();
    assert_eq!((r.code(), r.attempts()), (Code::TransportError, 2), "{r:?}");
    assert!(r.message().unwrap().contains("timed out"), "{r:?}");
    assert!(
        took < Duration::from_secs(30),
        "two 300 ms handshakes took {took:?}"
    );
}
