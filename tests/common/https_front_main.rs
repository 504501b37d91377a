//! The HTTPS server of the binding tests (Python, C#, C++): a TLS front for the emulator with a
//! CA made at start. Writes the CA's certificate to DIR/ca.pem, serves TLS on an ephemeral port
//! of 127.0.0.1 with a certificate for 127.0.0.1 and localhost, passes the bytes on to BACKEND,
//! prints its URL (`https://127.0.0.1:PORT`) as its first line, and runs until it is killed.
//!
//! Usage: cargo run --example https_front -- BACKEND_URL DIR   (BACKEND_URL: http://127.0.0.1:PORT)

#[allow(dead_code)]
#[path = "pki.rs"]
mod pki;
#[allow(dead_code)]
#[path = "tls_front.rs"]
mod tls_front;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [backend, dir] = args.as_slice() else {
        eprintln!("usage: https_front BACKEND_URL DIR");
        std::process::exit(2);
    };
    let backend: SocketAddr = backend
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|e| panic!("BACKEND_URL {backend}: {e}"));
    let ca = pki::TestCa::new("hathora-rooms test CA");
    let cert = ca.issue(&["127.0.0.1", "localhost"], pki::Validity::Current);
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("DIR");
    std::fs::write(dir.join("ca.pem"), &ca.pem).expect("DIR/ca.pem");
    let front = tls_front::TlsFront::start(&cert, backend);
    let mut out = std::io::stdout();
    writeln!(out, "{}", front.url())
        .and_then(|_| out.flush())
        .expect("stdout");
    loop {
        std::thread::park();
    }
}
