//! What the transport promises: connections are kept alive and reused, https verifies the
//! server's certificate, and a refused connection is retried, then reported. (Plain http is
//! refused for hosts that are not loopback: config.rs; proxies: proxy.rs.)

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr::null;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A TCP relay in front of `upstream` that counts the connections clients open.
fn counting_relay(upstream: u16) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            let server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    (url, accepted)
}

#[test]
fn sequential_calls_reuse_one_connection() {
    let emu = emulator();
    let (relay, connections) = counting_relay(emu.port());
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        hathora_config_set_base_url(cfg, c(&relay).as_ptr());
    });
    let (room, _) = create_room(&cl, None);
    for _ in 0..20 {
        blocking(|out| unsafe {
            hathora_get_connection_info(cl.0, c(&room).as_ptr(), null(), out)
        })
        .ok();
        blocking(|out| unsafe { hathora_get_room_info(cl.0, c(&room).as_ptr(), null(), out) }).ok();
    }
    assert_eq!(emu.stats().requests, 41);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "41 requests over one kept-alive connection"
    );
}

/// A TLS server with a self-signed certificate (openssl s_server), or None without openssl.
fn self_signed_tls_server() -> Option<(u16, std::process::Child, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("hathora-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    assert!(made.success());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept", &port.to_string()])
        .arg("-cert")
        .arg(dir.join("cert.pem"))
        .arg("-key")
        .arg(dir.join("key.pem"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((port, child, dir));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    None
}

#[test]
fn https_rejects_a_certificate_no_authority_signed() {
    let Some((port, mut server, dir)) = self_signed_tls_server() else {
        eprintln!("skipped: openssl is not installed");
        return;
    };
    let emu = emulator();
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        hathora_config_set_base_url(cfg, c(&format!("https://localhost:{port}")).as_ptr());
        set_retry(cfg, 0, 10, 10);
    });
    let r = blocking(|out| unsafe {
        hathora_get_connection_info(cl.0, c("room").as_ptr(), null(), out)
    });
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(dir).ok();
    assert_eq!((r.code(), r.status()), (Code::TransportError, 0));
    let m = r.message().unwrap().to_lowercase();
    assert!(m.contains("certificate") || m.contains("issuer"), "{m}");
}

#[test]
fn transport_error_to_a_closed_port() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: connects are refused
    for mode in BOTH_MODES {
        for form in [Form::Blocking, Form::Async] {
            let cl = client_at(&format!("http://127.0.0.1:{port}"), |cfg| unsafe {
                assert_eq!(
                    hathora_config_set_dev_token(cfg, c("tok").as_ptr()),
                    Code::Ok,
                    "{mode:?} {form:?}"
                );
                assert_eq!(set_retry(cfg, 3, 10, 50), Code::Ok, "{mode:?} {form:?}");
                assert_eq!(
                    hathora_config_set_dispatch_mode(cfg, mode as u32),
                    Code::Ok,
                    "{mode:?} {form:?}"
                );
            });
            // Connection refused is a connection failure: retried 3 times, then reported.
            let r = create_room_in(&cl, form, None);
            assert_eq!(
                (r.code(), r.status(), r.attempts()),
                (Code::TransportError, 0, 4),
                "{mode:?} {form:?}: {:?}",
                r.message()
            );
            assert!(!r.message().unwrap().is_empty(), "{mode:?} {form:?}");
            assert_eq!(r.body(), "", "{mode:?} {form:?}");
            let r = create_room_in(&cl, form, Some(&call_options(0, 0)));
            assert_eq!(
                (r.code(), r.attempts()),
                (Code::TransportError, 1),
                "{mode:?} {form:?}"
            );
        }
    }
}
