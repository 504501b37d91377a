//! The credentials matrix, through the binary with real game servers (the local fleet's
//! stand-in, tests/local_fleet/game_server.py, which writes the environment it was given): every
//! RoomsV2 operation × every kind of credential answers the status of [`MATRIX`], and a refused
//! call changes nothing (the API's view of every room, list and count is the same before and
//! after). Then: the state file holds each live process token's SHA-256 and never a token, the
//! server's whole log (stdout and stderr) holds no token, dev or process, and after a restart
//! the tokens of the processes that ended with the server are refused.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use common::bin::{Bin, run_to_end};
use common::*;
use serde_json::{Value, json};

const GAME_SERVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/local_fleet/game_server.py"
);
const APP: &str = "matrix";
const DEV: &str = "matrix-dev-token-7f3a";
const OTHER_APP: &str = "other";
const OTHER_DEV: &str = "other-dev-token-91c2";

/// The nine operations, in the order of [`MATRIX`]'s columns.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    CreateRoom,
    GetRoomInfo,
    GetActiveRoomsForProcess,
    GetInactiveRoomsForProcess,
    DestroyRoom,
    SuspendRoomV2Deprecated,
    ResumeRoom,
    GetConnectionInfo,
    UpdateRoomConfig,
}

const OPS: [Op; 9] = [
    Op::CreateRoom,
    Op::GetRoomInfo,
    Op::GetActiveRoomsForProcess,
    Op::GetInactiveRoomsForProcess,
    Op::DestroyRoom,
    Op::SuspendRoomV2Deprecated,
    Op::ResumeRoom,
    Op::GetConnectionInfo,
    Op::UpdateRoomConfig,
];

impl Op {
    fn read_only(self) -> bool {
        matches!(
            self,
            Op::GetRoomInfo
                | Op::GetActiveRoomsForProcess
                | Op::GetInactiveRoomsForProcess
                | Op::GetConnectionInfo
        )
    }
}

/// The credential a call presents.
#[derive(Clone, Copy, Debug)]
enum Cred {
    /// A dev token of the room's app.
    Dev,
    /// A dev token of another app.
    OtherAppDev,
    /// The process token of the process the room is on (the lists are that process's).
    RoomsProcess,
    /// The process token of another live process of the same app.
    OtherProcess,
    /// The process token of a live process of another app.
    OtherAppProcess,
    /// The process token of a process that has ended.
    EndedProcess,
    /// No Authorization header.
    NoHeader,
    /// A malformed header, exactly these bytes.
    Header(&'static str, &'static [u8]),
}

impl Cred {
    /// What failure messages call it.
    fn label(&self) -> String {
        match self {
            Cred::Header(name, _) => format!("malformed header ({name})"),
            other => format!("{other:?}"),
        }
    }
}

// Status of each operation, in the order of OPS:
// CreateRoom, GetRoomInfo, GetActiveRoomsForProcess, GetInactiveRoomsForProcess, DestroyRoom,
// SuspendRoomV2Deprecated, ResumeRoom, GetConnectionInfo, UpdateRoomConfig.
const ALL_401: [u16; 9] = [401, 401, 401, 401, 401, 401, 401, 200, 401];

/// The expected status of every cell, and why. GetConnectionInfo needs no credential and
/// does not look at the Authorization header, whatever it holds: game clients call it, and a
/// client that sends a stale or odd header must still find its room.
const MATRIX: &[(Cred, [u16; 9], &str)] = &[
    (
        Cred::Dev,
        [201, 200, 200, 200, 204, 204, 200, 200, 204],
        "a dev token allows every operation of its app",
    ),
    (
        Cred::OtherAppDev,
        ALL_401,
        "a dev token works on its own app only",
    ),
    (
        Cred::RoomsProcess,
        [401, 200, 200, 200, 204, 401, 401, 200, 204],
        "a process token allows its own process's lists and GetRoomInfo, DestroyRoom and UpdateRoomConfig of its rooms, nothing else",
    ),
    (
        Cred::OtherProcess,
        [401, 404, 401, 401, 404, 401, 401, 200, 404],
        "a room on another process is not found (as one that does not exist: the caller learns nothing of it); another process's lists are 401 whether that process exists or not",
    ),
    (
        Cred::OtherAppProcess,
        ALL_401,
        "a process token works on its own app only",
    ),
    (
        Cred::EndedProcess,
        ALL_401,
        "a process token stops working when its process ends",
    ),
    (Cred::NoHeader, ALL_401, "no credential"),
    (
        Cred::Header("Bearer without a token", b"Bearer"),
        ALL_401,
        "no token after the scheme",
    ),
    (
        Cred::Header("Bearer and a space", b"Bearer "),
        ALL_401,
        "an empty token",
    ),
    (
        Cred::Header(
            "Basic credentials",
            b"Basic bWF0cml4Om1hdHJpeC1kZXYtdG9rZW4tN2YzYQ==",
        ),
        ALL_401,
        "only the Bearer scheme (this is matrix:DEV in Basic)",
    ),
    (
        Cred::Header(
            "two spaces before the dev token",
            b"Bearer  matrix-dev-token-7f3a",
        ),
        ALL_401,
        "exactly one space after Bearer, as every SDK sends: one spelling per token",
    ),
    (
        Cred::Header(
            "the dev token with a space inside",
            b"Bearer matrix-dev token-7f3a",
        ),
        ALL_401,
        "a token is visible ASCII without spaces",
    ),
    (
        Cred::Header(
            "non-ASCII in the dev token",
            "Bearer matrix-dév-token-7f3a".as_bytes(),
        ),
        ALL_401,
        "a token is visible ASCII",
    ),
    (
        Cred::Header("a 64 KiB value", LONG_HEADER),
        ALL_401,
        "a credential longer than 1024 characters is refused before any comparison",
    ),
];

/// `Bearer ` and the dev token, then `x` up to 64 KiB.
const LONG_HEADER: &[u8] = &{
    let mut v = [b'x'; 64 * 1024];
    let head = b"Bearer matrix-dev-token-7f3a";
    let mut i = 0;
    while i < head.len() {
        v[i] = head[i];
        i += 1;
    }
    v
};

/// One HTTP/1.1 request on a new connection, its Authorization header exactly `auth`:
/// (status, body).
fn call(base: &str, method: &str, path: &str, auth: Option<&[u8]>, body: &str) -> (u16, String) {
    let addr = base.strip_prefix("http://").expect("plain HTTP");
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    )
    .into_bytes();
    if let Some(auth) = auth {
        req.extend_from_slice(b"Authorization: ");
        req.extend_from_slice(auth);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(body.as_bytes());
    s.write_all(&req).expect("send");
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp).into_owned();
    let status = text
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: no HTTP status in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The server's processes and their tokens, read from what each game server was given.
struct Processes {
    /// The rooms' process (London), another process (Tokyo), one that has ended (Sydney), and
    /// a process of the other app.
    home: String,
    away: String,
    ended: String,
    other_app: String,
    tokens: Vec<(String, String)>,
}

impl Processes {
    fn token(&self, process: &str) -> &str {
        &self.tokens.iter().find(|(p, _)| p == process).unwrap().1
    }
}

fn env_of(dir: &TempDir, process: &str) -> Value {
    let path = dir.path(&format!("env-{process}.json"));
    eventually(&format!("{path} written"), || Path::new(&path).exists());
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The API's view of everything a call could change: the target room, the room a CreateRoom
/// would make, every process's lists, and the counts.
fn snapshot(dev: &Client, other: &Client, p: &Processes, target: &str, new_id: &str) -> Value {
    let info = |c: &Client, room: &str| {
        let r = c.get(&c.api(&format!("/info/{room}")));
        json!([r.status, r.body])
    };
    let mut lists = Vec::new();
    for (c, process) in [
        (dev, &p.home),
        (dev, &p.away),
        (dev, &p.ended),
        (other, &p.other_app),
    ] {
        for which in ["active", "inactive"] {
            lists.push(json!(c.list(process, which)));
        }
    }
    let health = dev.request("GET", "/healthz", None, None).json();
    json!({
        "target": info(dev, target),
        "new": info(dev, new_id),
        "lists": lists,
        "rooms": health["rooms"],
        "processes": health["processes"],
    })
}

fn config(dir: &TempDir) -> String {
    let first = 20_000 + (std::process::id() % 200) * 50;
    let command = format!(
        r#"["python3", "{GAME_SERVER}", "--env-dump", "{}", "--pid-file", "{}"]"#,
        dir.path("env-{process_id}.json"),
        dir.path("pid-{process_id}"),
    );
    dir.write(
        "rooms.toml",
        &format!(
            r#"
[server]
state = "state.db"
port_range = "{first}-{}"

[[apps]]
app_id = "{APP}"
tokens = ["{DEV}"]
command = {command}
rooms_per_process = 500

[[apps]]
app_id = "{OTHER_APP}"
tokens = ["{OTHER_DEV}"]
command = {command}
"#,
            first + 19
        ),
    )
}

#[test]
fn every_operation_with_every_credential() {
    let dir = TempDir::new("token-matrix");
    let config = config(&dir);
    let mut bin = Bin::spawn(&["--config", &config]);
    let dev = Client::new(&bin.url, APP, DEV);
    let other = Client::new(&bin.url, OTHER_APP, OTHER_DEV);
    let mut started = Vec::new();
    for (c, room, region) in [
        (&dev, "home", "London"),
        (&dev, "away", "Tokyo"),
        (&dev, "gone", "Sydney"),
        (&other, "elsewhere", "London"),
    ] {
        let created = c.create_id(room, region);
        c.wait_active(room);
        started.push(created["processId"].as_str().unwrap().to_string());
    }
    let tokens: Vec<(String, String)> = started
        .iter()
        .map(|p| {
            let env = env_of(&dir, p);
            let token = env["HATHORA_PROCESS_TOKEN"]
                .as_str()
                .expect("a process token");
            assert!(token.starts_with(&format!("hpt1.{p}.")), "{token}");
            (p.clone(), token.to_string())
        })
        .collect();
    let p = Processes {
        home: started[0].clone(),
        away: started[1].clone(),
        ended: started[2].clone(),
        other_app: started[3].clone(),
        tokens,
    };

    // The state file holds each live token's SHA-256, never a token.
    let state: Vec<u8> = ["state.db", "state.db-wal"]
        .iter()
        .flat_map(|f| std::fs::read(dir.path(f)).unwrap_or_default())
        .collect();
    for (process, token) in &p.tokens {
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        assert!(
            state.windows(32).any(|w| w == digest.as_ref()),
            "the digest of {process}'s token is stored"
        );
        let secret = token.rsplit('.').next().unwrap();
        assert!(
            !state.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{process}'s token is not stored"
        );
    }

    // End the Sydney process (as a crash would): its room goes, and so does its token.
    let pid: i32 = std::fs::read_to_string(dir.path(&format!("pid-{}", p.ended)))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    eventually("the crashed process's room destroyed", || {
        dev.info("gone")["status"] == "destroyed"
    });

    let mut failures = Vec::new();
    for (ci, (cred, statuses, why)) in MATRIX.iter().enumerate() {
        let header: Option<Vec<u8>> = match cred {
            Cred::Dev => Some(format!("Bearer {DEV}").into_bytes()),
            Cred::OtherAppDev => Some(format!("Bearer {OTHER_DEV}").into_bytes()),
            Cred::RoomsProcess => Some(format!("Bearer {}", p.token(&p.home)).into_bytes()),
            Cred::OtherProcess => Some(format!("Bearer {}", p.token(&p.away)).into_bytes()),
            Cred::OtherAppProcess => Some(format!("Bearer {}", p.token(&p.other_app)).into_bytes()),
            Cred::EndedProcess => Some(format!("Bearer {}", p.token(&p.ended)).into_bytes()),
            Cred::NoHeader => None,
            Cred::Header(_, bytes) => Some(bytes.to_vec()),
        };
        for (op, want) in OPS.iter().zip(statuses) {
            // A room of its own for every cell, on the London process, active.
            let target = format!("m{ci}-{op:?}");
            let new_id = format!("n{ci}-{op:?}");
            let placed = dev.create_id(&target, "London");
            assert_eq!(placed["processId"], p.home.as_str(), "{target}");
            if *op == Op::ResumeRoom {
                assert_eq!(
                    dev.post(&dev.api(&format!("/suspend/{target}")), None)
                        .status,
                    204
                );
            }
            let api = |rest: String| format!("/rooms/v2/{APP}{rest}");
            let (method, path, body) = match op {
                Op::CreateRoom => (
                    "POST",
                    api(format!("/create?roomId={new_id}")),
                    r#"{"region":"London"}"#.to_string(),
                ),
                Op::GetRoomInfo => ("GET", api(format!("/info/{target}")), String::new()),
                Op::GetActiveRoomsForProcess => (
                    "GET",
                    api(format!("/list/{}/active", p.home)),
                    String::new(),
                ),
                Op::GetInactiveRoomsForProcess => (
                    "GET",
                    api(format!("/list/{}/inactive", p.home)),
                    String::new(),
                ),
                Op::DestroyRoom => ("POST", api(format!("/destroy/{target}")), String::new()),
                Op::SuspendRoomV2Deprecated => {
                    ("POST", api(format!("/suspend/{target}")), String::new())
                }
                Op::ResumeRoom => ("POST", api(format!("/resume/{target}")), String::new()),
                Op::GetConnectionInfo => (
                    "GET",
                    api(format!("/connectioninfo/{target}")),
                    String::new(),
                ),
                Op::UpdateRoomConfig => (
                    "POST",
                    api(format!("/update/{target}")),
                    json!({"roomConfig": format!("set in cell {ci}")}).to_string(),
                ),
            };
            let before = snapshot(&dev, &other, &p, &target, &new_id);
            let (status, answer) = call(&bin.url, method, &path, header.as_deref(), &body);
            let after = snapshot(&dev, &other, &p, &target, &new_id);
            let cell = format!("{} × {op:?}", cred.label());
            if status != *want {
                failures.push(format!("{cell}: {status}, want {want} ({why}): {answer}"));
                continue;
            }
            if *want >= 400 || op.read_only() {
                if before != after {
                    failures.push(format!(
                        "{cell}: answered {status}, and the state changed:\n  before {before}\n  after  {after}"
                    ));
                }
                continue;
            }
            // Allowed and not read-only: it did what it says.
            let info = dev.info(if *op == Op::CreateRoom {
                &new_id
            } else {
                &target
            });
            let done = match op {
                Op::CreateRoom => info["status"] == "active",
                Op::DestroyRoom => info["status"] == "destroyed",
                Op::SuspendRoomV2Deprecated => info["status"] == "suspended",
                Op::ResumeRoom => info["currentAllocation"]["processId"] == p.home.as_str(),
                Op::UpdateRoomConfig => info["roomConfig"] == format!("set in cell {ci}"),
                _ => unreachable!(),
            };
            if !done {
                failures.push(format!("{cell}: answered {status} but the room is {info}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells failed:\n{}",
        failures.len(),
        MATRIX.len() * OPS.len(),
        failures.join("\n")
    );

    // The whole log, stdout and stderr: no token in it, dev or process.
    drop((dev, other));
    assert_eq!(bin.signal_and_wait(libc::SIGTERM).code(), Some(0));
    let log: Vec<String> = bin
        .lines
        .iter()
        .chain(bin.stderr.lock().unwrap().iter().cloned())
        .collect();
    let requests = log
        .iter()
        .filter(|l| l.starts_with(&format!("GET /rooms/v2/{APP}/info/")))
        .count();
    assert!(requests > 100, "the log has the request lines: {requests}");
    let mut secrets = vec![DEV.to_string(), OTHER_DEV.to_string()];
    for (_, token) in &p.tokens {
        secrets.push(token.clone());
        secrets.push(token.rsplit('.').next().unwrap().to_string());
    }
    for line in &log {
        for secret in &secrets {
            assert!(
                !line.contains(secret.as_str()),
                "a token in the log: {line}"
            );
        }
    }

    // Restarted on the same state: the processes ended with the server, their tokens with them.
    let bin = Bin::spawn(&["--config", &config]);
    let dev = Client::new(&bin.url, APP, DEV);
    assert_eq!(dev.info("home")["status"], "destroyed");
    let (status, _) = call(
        &bin.url,
        "GET",
        &format!("/rooms/v2/{APP}/list/{}/inactive", p.home),
        Some(format!("Bearer {}", p.token(&p.home)).as_bytes()),
        "",
    );
    assert_eq!(status, 401, "a token of the previous run");
}

#[test]
fn the_config_cannot_set_the_process_token() {
    let dir = TempDir::new("token-reserved");
    let config = dir.write(
        "rooms.toml",
        &format!(
            "[[apps]]\napp_id = \"a\"\ntokens = [\"t\"]\ncommand = [\"python3\", \"{GAME_SERVER}\"]\nenv = {{ HATHORA_PROCESS_TOKEN = \"chosen\" }}\n"
        ),
    );
    let (code, _, stderr) = run_to_end(&["--config", &config]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("env key HATHORA_PROCESS_TOKEN is set by the server"),
        "{stderr}"
    );
}
