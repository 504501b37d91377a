//! An HTTPS front for a plain-HTTP server on 127.0.0.1 (the emulator): it terminates TLS with a
//! given certificate and passes the bytes through both ways, one thread per direction. It counts
//! the connections it accepts and the handshakes that failed, so that a test can tell whether a
//! client retried.

use super::pki::ServerCert;
use rustls::{ServerConfig, ServerConnection};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct TlsFront {
    port: u16,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    accepted: AtomicUsize,
    failed_handshakes: AtomicUsize,
}

impl TlsFront {
    /// Serves TLS with `cert` on an ephemeral port of 127.0.0.1, in front of `backend`.
    pub fn start(cert: &ServerCert, backend: SocketAddr) -> TlsFront {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert_der.clone()], cert.key_der())
            .expect("server certificate and key");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Counts::default());
        let (st, co) = (stop.clone(), counts.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                co.accepted.fetch_add(1, Ordering::SeqCst);
                let (config, co) = (config.clone(), co.clone());
                std::thread::spawn(move || {
                    if serve(conn, config, backend).is_err() {
                        co.failed_handshakes.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        TlsFront { port, stop, counts }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The front's URL with `host` (an address or name its certificate may or may not hold).
    pub fn url_for(&self, host: &str) -> String {
        format!("https://{host}:{}", self.port)
    }

    pub fn url(&self) -> String {
        self.url_for("127.0.0.1")
    }

    /// TCP connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.counts.accepted.load(Ordering::SeqCst)
    }

    /// Handshakes that failed so far (the client refused the certificate, or hung up).
    pub fn failed_handshakes(&self) -> usize {
        self.counts.failed_handshakes.load(Ordering::SeqCst)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One connection: the handshake (an error when it fails), then the bytes both ways until
/// either side closes.
fn serve(
    mut client: TcpStream,
    config: Arc<ServerConfig>,
    backend: SocketAddr,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut tls = ServerConnection::new(config).map_err(std::io::Error::other)?;
    while tls.is_handshaking() {
        tls.complete_io(&mut client)?;
    }
    client.set_read_timeout(None)?;
    let backend = TcpStream::connect(backend)?;
    let tls = Arc::new(Mutex::new(tls));
    let (tls_up, mut client_up, mut backend_up) =
        (tls.clone(), client.try_clone()?, backend.try_clone()?);
    std::thread::spawn(move || {
        let _ = upstream(&tls_up, &mut client_up, &mut backend_up);
        let _ = backend_up.shutdown(Shutdown::Write);
    });
    let _ = downstream(&tls, &mut client, backend);
    Ok(())
}

/// Client to backend: TLS records in, plaintext out. What rustls holds already is passed on
/// before the next read: the handshake's last read may have brought the first request too.
fn upstream(
    tls: &Mutex<ServerConnection>,
    client: &mut TcpStream,
    backend: &mut TcpStream,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let mut plain = Vec::new();
        let closed = {
            let mut tls = tls.lock().unwrap();
            let closed = match tls.reader().read_to_end(&mut plain) {
                Ok(_) => true, // close_notify
                Err(e) if e.kind() == ErrorKind::WouldBlock => false,
                Err(e) => return Err(e),
            };
            while tls.wants_write() {
                tls.write_tls(client)?;
            }
            closed
        };
        backend.write_all(&plain)?;
        if closed {
            return Ok(());
        }
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        let mut tls = tls.lock().unwrap();
        tls.read_tls(&mut &buf[..n])?;
        tls.process_new_packets().map_err(std::io::Error::other)?;
    }
}

/// Backend to client: plaintext in, TLS records out; the backend's close ends the TLS session.
fn downstream(
    tls: &Mutex<ServerConnection>,
    client: &mut TcpStream,
    mut backend: TcpStream,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match backend.read(&mut buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => other?,
        };
        let mut tls = tls.lock().unwrap();
        if n == 0 {
            tls.send_close_notify();
        } else {
            tls.writer().write_all(&buf[..n])?;
        }
        while tls.wants_write() {
            tls.write_tls(client)?;
        }
        if n == 0 {
            return client.shutdown(Shutdown::Both);
        }
    }
}
