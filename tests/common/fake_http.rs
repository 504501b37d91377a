//! A scripted HTTP/1.1 server on 127.0.0.1: it records every request
//! head it receives and answers each with the same canned bytes, closing the connection. Used
//! as a hostile server (bodies, oversized responses), as a request counter, and as a proxy.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as received: its request line (e.g. `GET /x HTTP/1.1`, `GET http://h/x HTTP/1.1`
/// through a proxy, `CONNECT h:443 HTTP/1.1`) and its header lines.
#[derive(Clone, Debug)]
pub struct Seen {
    pub line: String,
    pub headers: Vec<String>,
}

impl Seen {
    /// The values of every header `name` (any case), trimmed.
    pub fn header(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter_map(|h| h.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }
}

pub struct FakeHttp {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    response: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
}

impl FakeHttp {
    /// Starts serving `response` (raw bytes: status line, headers, body) to every request.
    pub fn start(response: impl Into<Vec<u8>>) -> FakeHttp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let response = Arc::new(Mutex::new(response.into()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, r, st) = (seen.clone(), response.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (s, r) = (s.clone(), r.clone());
                std::thread::spawn(move || serve(conn, &s, &r));
            }
        });
        FakeHttp {
            port,
            seen,
            response,
            stop,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Replaces the canned response for the requests that follow.
    pub fn respond(&self, response: impl Into<Vec<u8>>) {
        *self.response.lock().unwrap() = response.into();
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

impl Drop for FakeHttp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, seen: &Mutex<Vec<Seen>>, response: &Mutex<Vec<u8>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n").map(str::to_owned);
    let line = lines.next().unwrap_or_default();
    let headers: Vec<String> = lines.collect();
    // Read the body too, so that the client is not cut off mid-send.
    let length = headers
        .iter()
        .find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut have = buf.len() - head_end - 4;
    while have < length {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => have += n,
        }
    }
    seen.lock().unwrap().push(Seen { line, headers });
    let bytes = response.lock().unwrap().clone();
    let _ = conn.write_all(&bytes);
    let _ = conn.flush();
}

/// A complete response with `Content-Length` and `Connection: close`.
pub fn response(status_line: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status_line}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}
