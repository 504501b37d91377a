//! Shared helpers of the server's integration tests: a blocking ureq client that never turns
//! statuses into errors, a raw-socket request helper, JSON shape assertions, the binary as a
//! child (`bin`), a scripted fleet (`fleet`) and test certificates (`tls`).
#![allow(dead_code)]

pub mod bin;
pub mod fleet;
pub mod tls;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use hathora_rooms_server::{Emulator, EmulatorConfig};
use serde_json::Value;

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A long activation delay: rooms stay `starting` for the whole test.
pub const FOREVER: Duration = Duration::from_secs(3600);

pub struct Resp {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    /// Asserts `{"message": string}` as application/json with the given status.
    pub fn assert_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/json"),
            "body: {}",
            self.body
        );
        let v = self.json();
        assert_keys(&v, &["message"]);
        v["message"]
            .as_str()
            .expect("message is a string")
            .to_string()
    }
}

/// A started emulator and a client of its app (the client's methods through `Deref`).
pub struct Api {
    pub emu: Emulator,
    client: Client,
}

impl Api {
    pub fn start(config: EmulatorConfig) -> Api {
        let emu = Emulator::start(config).expect("emulator starts");
        let client = Client::new(&emu.url(), emu.app_id(), emu.token());
        Api { emu, client }
    }

    /// Default config with the given activation delay.
    pub fn with_delay(delay: Duration) -> Api {
        Api::start(EmulatorConfig {
            activation_delay: delay,
            ..EmulatorConfig::default()
        })
    }
}

impl std::ops::Deref for Api {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// A client of one app of a server at `base`.
pub struct Client {
    pub base: String,
    pub app_id: String,
    pub token: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base: &str, app_id: &str, token: &str) -> Client {
        Client::with_agent(base, app_id, token, agent())
    }

    /// A client whose requests go through `agent` (e.g. one that trusts a test CA).
    pub fn with_agent(base: &str, app_id: &str, token: &str, agent: ureq::Agent) -> Client {
        Client {
            base: base.to_string(),
            app_id: app_id.to_string(),
            token: token.to_string(),
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// `/rooms/v2/{appId}{rest}`
    pub fn api(&self, rest: &str) -> String {
        format!("/rooms/v2/{}{}", self.app_id, rest)
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn try_request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        auth: Option<&str>,
    ) -> Result<Resp, ureq::Error> {
        send(&self.agent, method, &self.url(path), body, auth)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        auth: Option<&str>,
    ) -> Resp {
        self.try_request(method, path, body, auth)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}"))
    }

    /// Authorized GET.
    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, None, Some(&self.bearer()))
    }

    /// Authorized POST.
    pub fn post(&self, path: &str, body: Option<&str>) -> Resp {
        self.request("POST", path, body, Some(&self.bearer()))
    }

    /// Creates a room in `region` and returns the 201 body.
    pub fn create(&self, region: &str) -> Value {
        let r = self.post(
            &self.api("/create"),
            Some(&format!(r#"{{"region":"{region}"}}"#)),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()
    }

    pub fn create_id(&self, room_id: &str, region: &str) -> Value {
        let r = self.post(
            &self.api(&format!("/create?roomId={room_id}")),
            Some(&format!(r#"{{"region":"{region}"}}"#)),
        );
        assert_eq!(r.status, 201, "{room_id}: {}", r.body);
        r.json()
    }

    pub fn info(&self, room_id: &str) -> Value {
        let r = self.get(&self.api(&format!("/info/{room_id}")));
        assert_eq!(r.status, 200, "{room_id}: {}", r.body);
        r.json()
    }

    /// Unauthenticated GetConnectionInfo.
    pub fn connection_info(&self, room_id: &str) -> Value {
        let r = self.request(
            "GET",
            &self.api(&format!("/connectioninfo/{room_id}")),
            None,
            None,
        );
        assert_eq!(r.status, 200, "{room_id}: {}", r.body);
        r.json()
    }

    pub fn list(&self, process_id: &str, which: &str) -> Vec<Value> {
        let r = self.get(&self.api(&format!("/list/{process_id}/{which}")));
        assert_eq!(r.status, 200, "{process_id} {which}: {}", r.body);
        r.json().as_array().expect("list is an array").clone()
    }

    /// Polls GetConnectionInfo until the room is active (generous timeout).
    pub fn wait_active(&self, room_id: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let v = self.connection_info(room_id);
            if v["status"] == "active" {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "room {room_id} never became active"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The value of one `/metrics` series (its exact text, labels included).
    pub fn metric(&self, series: &str) -> f64 {
        let text = self.request("GET", "/metrics", None, None).body;
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    }
}

/// A folder of its own under the temporary directory, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("hathora-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The path of `name` in the folder.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }

    /// Writes `name` with `text` and returns its path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Polls `check` every 20 ms until it is true; panics naming `what` after [`TIMEOUT`].
pub fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !check() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into()
}

pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<&str>,
    auth: Option<&str>,
) -> Result<Resp, ureq::Error> {
    let mut resp = match method {
        "GET" | "DELETE" => {
            let mut req = if method == "GET" {
                agent.get(url)
            } else {
                agent.delete(url)
            };
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.call()?
        }
        "POST" | "PUT" => {
            let mut req = if method == "POST" {
                agent.post(url)
            } else {
                agent.put(url)
            };
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            match body {
                Some(b) => req.header("Content-Type", "application/json").send(b)?,
                None => req.send_empty()?,
            }
        }
        other => panic!("unsupported method {other}"),
    };
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type");
    let retry_after = header("retry-after");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string()?;
    Ok(Resp {
        status,
        content_type,
        retry_after,
        body,
    })
}

/// Sends `request` verbatim on a fresh connection and returns every byte the server sent
/// before closing. An empty result means the connection was dropped without any response.
pub fn raw(port: u16, request: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(request.as_bytes()).expect("write request");
    let mut buf = Vec::new();
    // A reset (instead of a clean close) also counts as "no bytes": keep what was read.
    let _ = s.read_to_end(&mut buf);
    buf
}

/// A `Connection: close` GET as raw bytes.
pub fn raw_get(port: u16, path: &str) -> Vec<u8> {
    raw(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

/// Asserts the object has exactly these keys.
pub fn assert_keys(v: &Value, keys: &[&str]) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    let got: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(got, want, "keys of {v}");
}

/// Asserts an RFC 3339 timestamp with an explicit offset.
pub fn assert_time(v: &Value) -> time::OffsetDateTime {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("time is not a string: {v}"));
    assert!(
        s.ends_with('Z') || s[s.len().saturating_sub(6)..].starts_with(['+', '-']),
        "no offset in {s}"
    );
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{s} is not RFC 3339: {e}"))
}

pub fn assert_exposed_port(v: &Value) {
    assert_keys(v, &["transportType", "port", "host", "name"]);
    assert_eq!(v["transportType"], "tcp");
    assert_eq!(v["host"], "localhost");
    assert_eq!(v["name"], "default");
    assert!(v["port"].as_u64().is_some_and(|p| p > 0 && p < 65536));
}

pub fn assert_allocation(v: &Value) {
    assert_keys(
        v,
        &[
            "roomAllocationId",
            "processId",
            "scheduledAt",
            "unscheduledAt",
        ],
    );
    assert!(v["roomAllocationId"].is_string());
    assert!(v["processId"].is_string());
    assert_time(&v["scheduledAt"]);
    if !v["unscheduledAt"].is_null() {
        assert_time(&v["unscheduledAt"]);
    }
}
