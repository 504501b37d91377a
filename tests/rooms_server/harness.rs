//! The `hathora-rooms-server` binary run as a user runs it, with the example game server as its
//! command; what the cases see of the processes (/proc); the game server's TCP and UDP answers;
//! and the server's plain HTTP endpoints (`/metrics`, and requests the library would refuse to
//! send).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Every wait of the suite: generous, the machine is shared.
pub const PATIENCE: Duration = Duration::from_secs(60);
pub const APP: &str = "app-proof";
pub const TOKEN: &str = "proof-dev-token";

fn built(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run this suite with bash tests/rooms_server/run.sh")
    })
}

/// The release `hathora-rooms-server` binary.
pub fn rooms_server_bin() -> String {
    built("HATHORA_ROOMS_SERVER_BIN")
}

/// The example game server (examples/game_server), built against the release library.
pub fn game_server_bin() -> String {
    built("HATHORA_GAME_SERVER_BIN")
}

/// Polls `check` every 20 ms until it holds; panics naming the case and `what` after
/// [`PATIENCE`].
#[track_caller]
pub fn eventually(case: &str, what: &str, mut check: impl FnMut() -> bool) {
    let end = Instant::now() + PATIENCE;
    while !check() {
        assert!(
            Instant::now() < end,
            "{case}: {what}: not so after {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A folder of its own for one case (logs, state, certificates), removed on drop.
pub struct Workdir(pub PathBuf);

impl Workdir {
    pub fn new(case: &str) -> Workdir {
        let dir =
            std::env::temp_dir().join(format!("rooms-server-proof-{case}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Workdir(dir)
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `size` ports of their own for each case (`slot`), below Linux's ephemeral range and away
/// from the server crate's tests (20000-29999 is theirs too, by pid; slots keep cases apart).
pub fn port_range(slot: u16, size: u16) -> String {
    let first = 21_000 + (std::process::id() % 80) as u16 * 100 + slot * 10;
    format!("{first}-{}", first + size - 1)
}

/// The arguments every case starts its server with: the app, its token, a log folder and a port
/// range. No dev token for the game servers: each reads its rooms with the process token the
/// server gives it.
pub fn base_args(dir: &Workdir, ports: &str) -> Vec<String> {
    [
        "--port",
        "0",
        "--app-id",
        APP,
        "--token",
        TOKEN,
        "--log-dir",
        &dir.path("game-logs"),
        "--port-range",
        ports,
    ]
    .map(String::from)
    .to_vec()
}

/// A running `hathora-rooms-server`: its URL, its stdout log lines (stderr too, prefixed),
/// killed with SIGKILL and reaped when dropped.
pub struct Server {
    pub case: String,
    child: Child,
    pub url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary with `args` and reads the URL from its first stdout line.
    pub fn start(case: &str, args: &[String]) -> Server {
        let mut child = Command::new(rooms_server_bin())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{case}: cannot start the rooms server: {e}"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (first, got_first) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let log = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = first.send(line.clone());
                log.lock().unwrap().push(line);
            }
        });
        let stderr = child.stderr.take().unwrap();
        let log = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log.lock().unwrap().push(format!("stderr: {line}"));
            }
        });
        let url = got_first.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!(
                "{case}: the rooms server printed no URL ({:?}); its output: {:?}",
                child.try_wait(),
                lines.lock().unwrap()
            )
        });
        assert!(
            url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"),
            "{case}: first line {url:?}"
        );
        Server {
            case: case.to_owned(),
            child,
            url,
            lines,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Every line logged so far.
    pub fn log(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits until a log line holds `needle`, and returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let mut found = None;
        eventually(&self.case, &format!("a log line with {needle:?}"), || {
            found = self.log().into_iter().find(|l| l.contains(needle));
            found.is_some()
        });
        found.unwrap()
    }

    /// Processes whose parent is the server (zombies included: they are its to reap).
    pub fn children(&self) -> Vec<Proc> {
        children_of(self.pid())
    }

    /// The child running the game server of this RoomsV2 process id.
    pub fn game_server_pid(&self, process_id: &str) -> i32 {
        let mut pid = None;
        eventually(
            &self.case,
            &format!("a child of the server for process {process_id}"),
            || {
                pid = self
                    .children()
                    .into_iter()
                    .find(|p| {
                        environ(p.pid).get("HATHORA_PROCESS_ID").map(String::as_str)
                            == Some(process_id)
                    })
                    .map(|p| p.pid);
                pid.is_some()
            },
        );
        pid.unwrap()
    }

    /// Waits until the server has no child left: every game server stopped and reaped.
    pub fn wait_no_children(&self, why: &str) {
        eventually(&self.case, why, || self.children().is_empty());
    }

    /// Zombies among the server's children: processes it failed to reap.
    pub fn zombies(&self) -> Vec<Proc> {
        self.children()
            .into_iter()
            .filter(|p| p.state == 'Z')
            .collect()
    }

    pub fn signal(&self, signal: i32) {
        assert_eq!(
            unsafe { libc::kill(self.pid(), signal) },
            0,
            "{}: kill({signal})",
            self.case
        );
    }

    /// Waits (at most [`PATIENCE`]) for the server to exit.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let end = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < end,
                "{}: the rooms server did not exit",
                self.case
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM: it stops every game server and exits 0.
    pub fn stop(mut self) {
        self.signal(libc::SIGTERM);
        let status = self.wait_exit();
        assert_eq!(
            status.code(),
            Some(0),
            "{}: exit after SIGTERM; log: {:?}",
            self.case,
            self.log()
        );
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// One request over a fresh connection, read to the end: (status, body).
    pub fn http(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        http(self.port(), method, path, body)
    }

    /// The value of one series of `/metrics` (0 when absent).
    pub fn metric(&self, series: &str) -> f64 {
        let (status, text) = self.http("GET", "/metrics", None);
        assert_eq!(status, 200, "{}: /metrics", self.case);
        text.lines()
            .find_map(|l| {
                l.strip_prefix(series)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or(0.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP/1.1 request with the app's token, `Connection: close`: (status, body).
pub fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the rooms server");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Runs the binary to its end (it must refuse to start): (exit code, stdout, stderr).
pub fn run_to_end(args: &[String]) -> (Option<i32>, String, String) {
    let out = Command::new(rooms_server_bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run the rooms server");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One process as /proc shows it.
#[derive(Clone, Debug)]
pub struct Proc {
    pub pid: i32,
    /// R, S, D, Z...
    pub state: char,
}

/// `/proc/PID/stat`: (comm, state, ppid); the name may hold spaces and ')'.
fn stat(pid: i32) -> Option<(String, char, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = text.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_owned();
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((comm, state, ppid))
}

pub fn children_of(parent: i32) -> Vec<Proc> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let (_, state, ppid) = stat(pid)?;
            (ppid == parent).then_some(Proc { pid, state })
        })
        .collect()
}

/// The process's state, `None` once it is gone (reaped).
pub fn state_of(pid: i32) -> Option<char> {
    stat(pid).map(|(_, state, _)| state)
}

pub fn comm_of(pid: i32) -> Option<String> {
    stat(pid).map(|(comm, _, _)| comm)
}

/// Running: neither gone nor a zombie waiting for its parent.
pub fn running(pid: i32) -> bool {
    state_of(pid).is_some_and(|s| s != 'Z')
}

/// The environment a process was started with.
pub fn environ(pid: i32) -> HashMap<String, String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap_or_default()
        .split(|b| *b == 0)
        .filter_map(|kv| {
            let kv = String::from_utf8_lossy(kv);
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// Sends `request` (a room id) as one line over TCP and reads the game server's one-line answer.
pub fn ask_tcp(case: &str, port: u16, request: &str) -> Value {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("{case}: TCP connect to the game server at {port}: {e}"));
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(format!("{request}\n").as_bytes()).unwrap();
    let mut line = String::new();
    BufReader::new(s)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{case}: TCP answer of the game server at {port}: {e}"));
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{case}: TCP answer {line:?}: {e}"))
}

/// Sends `request` as one UDP datagram and reads the answer datagram (asked up to 3 times:
/// UDP may drop, though not on loopback).
pub fn ask_udp(case: &str, port: u16, request: &str) -> Value {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = vec![0u8; 65_536];
    for _ in 0..3 {
        s.send_to(request.as_bytes(), ("127.0.0.1", port)).unwrap();
        if let Ok(n) = s.recv(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]);
            return serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{case}: UDP answer {text:?}: {e}"));
        }
    }
    panic!("{case}: no UDP answer from the game server at {port}");
}

/// The answer of the game server names this room, its config and its process.
#[track_caller]
pub fn assert_answer(
    case: &str,
    how: &str,
    answer: &Value,
    room: &str,
    config: Option<&str>,
    process: &str,
) {
    assert_eq!(answer["roomId"], room, "{case}: {how}: roomId in {answer}");
    let want = config.map_or(Value::Null, |c| Value::String(c.to_owned()));
    assert!(
        answer["roomConfig"] == want,
        "{case}: {how}: roomConfig {} is not {}",
        answer["roomConfig"],
        want
    );
    assert_eq!(
        answer["processId"], process,
        "{case}: {how}: processId in {answer}"
    );
}

/// The game server's log file (its stdout and stderr, kept by the rooms server).
pub fn game_server_log(dir: &Workdir, process_id: &str) -> String {
    std::fs::read_to_string(Path::new(&dir.path("game-logs")).join(format!("{process_id}.log")))
        .unwrap_or_default()
}
