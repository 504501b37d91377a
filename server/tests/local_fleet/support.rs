//! Helpers of the local fleet's tests: a fleet over the Python stand-in game server, bounded
//! waits for its events, and /proc look-ups of the processes a test started.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use hathora_rooms_server::fleet::local::{LocalApp, LocalFleet, LocalFleetConfig};
use hathora_rooms_server::fleet::{Fleet, FleetError, FleetEvent, PlaceRoom, Placement};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Every wait for something that must happen is bounded by this (generous on a loaded machine).
pub const WAIT: Duration = Duration::from_secs(30);
pub const BASE_URL: &str = "http://127.0.0.1:9/";
pub const PUBLIC_HOST: &str = "rooms.example.test";

/// The Python interpreter itself (not a pyenv shim, which needs the test's environment).
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let out = std::process::Command::new("python3")
                .args(["-c", "import sys; print(sys.executable)"])
                .output()
                .expect("python3 runs");
            PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
        })
        .clone()
}

pub fn game_server() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/local_fleet/game_server.py"
    )
    .to_owned()
}

/// A directory of its own per test, removed afterwards.
pub struct TestDir(pub PathBuf);

impl TestDir {
    pub fn new(case: &str) -> TestDir {
        let dir = std::env::temp_dir().join(format!("local-fleet-{case}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TestDir(dir)
    }

    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    pub fn logs(&self) -> PathBuf {
        self.0.join("logs")
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An app running the stand-in game server with these arguments. Its processes carry
/// `FLEET_TEST_MARKER=<marker>` so that a test can find them (and only them) in /proc.
pub fn app(app_id: &str, marker: &str, dir: &TestDir, args: &[&str]) -> LocalApp {
    let mut app = LocalApp::new(app_id, python(), dir.logs());
    app.args = std::iter::once(game_server())
        .chain(args.iter().map(|a| a.to_string()))
        .collect();
    app.env = vec![("FLEET_TEST_MARKER".into(), marker.into())];
    app.startup_timeout = WAIT;
    app.stop_grace = Duration::from_secs(5);
    app
}

pub fn config(ports: RangeInclusive<u16>, apps: Vec<LocalApp>) -> LocalFleetConfig {
    let mut config = LocalFleetConfig::new(BASE_URL);
    config.port_range = ports;
    config.public_host = PUBLIC_HOST.into();
    config.apps = apps;
    config
}

pub struct Harness {
    pub fleet: LocalFleet,
    pub events: UnboundedReceiver<FleetEvent>,
    /// Names the test in assertion messages.
    pub case: &'static str,
}

impl Harness {
    pub fn new(case: &'static str, config: LocalFleetConfig) -> Harness {
        capture_logs();
        let (tx, events) = unbounded_channel();
        let fleet =
            LocalFleet::new(config, tx).unwrap_or_else(|e| panic!("{case}: config refused: {e}"));
        Harness {
            fleet,
            events,
            case,
        }
    }

    pub async fn place(&self, app_id: &str, room_id: &str) -> Result<Placement, FleetError> {
        self.place_with(app_id, room_id, None).await
    }

    pub async fn place_with(
        &self,
        app_id: &str,
        room_id: &str,
        config: Option<&str>,
    ) -> Result<Placement, FleetError> {
        let room = PlaceRoom {
            app_id: app_id.into(),
            region: "Frankfurt".into(),
            room_id: room_id.into(),
            room_config: config.map(str::to_owned),
        };
        tokio::time::timeout(WAIT, self.fleet.place(room))
            .await
            .unwrap_or_else(|_| panic!("{}: place({room_id}) did not return", self.case))
    }

    pub async fn place_ok(&self, app_id: &str, room_id: &str) -> Placement {
        self.place(app_id, room_id)
            .await
            .unwrap_or_else(|e| panic!("{}: place({room_id}) failed: {e:?}", self.case))
    }

    pub async fn next_event(&mut self, what: &str) -> FleetEvent {
        match tokio::time::timeout(WAIT, self.events.recv()).await {
            Ok(Some(event)) => event,
            Ok(None) => panic!(
                "{}: event channel closed while waiting for {what}",
                self.case
            ),
            Err(_) => panic!(
                "{}: no event within {WAIT:?} while waiting for {what}",
                self.case
            ),
        }
    }

    /// The next event must be this process's `Ready`.
    pub async fn expect_ready(
        &mut self,
        process_id: &str,
    ) -> hathora_rooms_server::fleet::Endpoints {
        match self.next_event("Ready").await {
            FleetEvent::Ready {
                process_id: id,
                endpoints,
            } if id == process_id => endpoints,
            other => panic!(
                "{}: expected Ready of {process_id}, got {other:?}",
                self.case
            ),
        }
    }

    /// The next event must be this process's `Exited`; returns its cause.
    pub async fn expect_exited(
        &mut self,
        process_id: &str,
    ) -> hathora_rooms_server::fleet::ExitCause {
        match self.next_event("Exited").await {
            FleetEvent::Exited {
                process_id: id,
                cause,
            } if id == process_id => cause,
            other => panic!(
                "{}: expected Exited of {process_id}, got {other:?}",
                self.case
            ),
        }
    }

    /// Events of `process_id` until its `Exited` (a `Ready` of it may come first); its cause.
    pub async fn exit_cause(&mut self, process_id: &str) -> hathora_rooms_server::fleet::ExitCause {
        loop {
            match self.next_event("Exited").await {
                FleetEvent::Ready { process_id: id, .. } if id == process_id => {}
                FleetEvent::Exited {
                    process_id: id,
                    cause,
                } if id == process_id => return cause,
                other => panic!("{}: unexpected {other:?}", self.case),
            }
        }
    }

    /// The next `n` events must be `Exited`; returns them sorted by process id.
    pub async fn expect_exits(
        &mut self,
        n: usize,
    ) -> Vec<(String, hathora_rooms_server::fleet::ExitCause)> {
        let mut ended = Vec::new();
        for _ in 0..n {
            match self.next_event("Exited").await {
                FleetEvent::Exited { process_id, cause } => ended.push((process_id, cause)),
                other => panic!("{}: expected Exited, got {other:?}", self.case),
            }
        }
        ended.sort_by(|a, b| a.0.cmp(&b.0));
        ended
    }

    /// No event arrives during `quiet` (a bound on "not before", never a speed goal).
    pub async fn expect_no_event(&mut self, quiet: Duration, why: &str) {
        if let Ok(event) = tokio::time::timeout(quiet, self.events.recv()).await {
            panic!("{}: {why}: unexpected event {event:?}", self.case);
        }
    }

    pub async fn shutdown(&self) {
        tokio::time::timeout(WAIT * 2, self.fleet.shutdown())
            .await
            .unwrap_or_else(|_| panic!("{}: shutdown did not return", self.case));
    }
}

/// Live (non-zombie) processes whose environment holds `FLEET_TEST_MARKER=<marker>`.
pub fn marked_processes(marker: &str) -> Vec<i32> {
    let wanted = format!("FLEET_TEST_MARKER={marker}");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|&b| b == 0).any(|v| v == wanted.as_bytes()))
                .unwrap_or(false)
                && proc_state(*pid).is_some_and(|(state, _)| state != "Z")
        })
        .collect()
}

/// (state, ppid) of a process, from /proc/PID/stat.
pub fn proc_state(pid: i32) -> Option<(String, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.to_owned();
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// A zombie child of this test process.
pub fn is_our_zombie(pid: i32) -> bool {
    proc_state(pid).is_some_and(|(state, ppid)| state == "Z" && ppid == std::process::id() as i32)
}

/// Waits (bounded) until no live process carries the marker.
pub async fn wait_marked_gone(marker: &str, case: &str) {
    let deadline = Instant::now() + WAIT;
    while !marked_processes(marker).is_empty() {
        assert!(
            Instant::now() < deadline,
            "{case}: processes still running: {:?}",
            marked_processes(marker)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (bounded) until the file exists, and returns its content.
pub async fn wait_file(path: &str, case: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        assert!(Instant::now() < deadline, "{case}: {path} never appeared");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn read_pid(path: &str, case: &str) -> i32 {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{case}: no pid file {path}: {e}"))
        .trim()
        .parse()
        .unwrap()
}

/// The text of a process's log (and its rotated part, first).
pub fn log_of(dir: &Path, process_id: &str) -> String {
    let old = std::fs::read_to_string(dir.join(format!("{process_id}.log.1"))).unwrap_or_default();
    let new = std::fs::read_to_string(dir.join(format!("{process_id}.log"))).unwrap_or_default();
    old + &new
}

/// Every `log` record of this test binary, as "LEVEL message".
pub fn logged() -> Vec<String> {
    LOGGER.lines.lock().unwrap().clone()
}

struct Capture {
    lines: Mutex<Vec<String>>,
}

static LOGGER: Capture = Capture {
    lines: Mutex::new(Vec::new()),
};

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}", record.level(), record.args());
        self.lines.lock().unwrap().push(line);
    }

    fn flush(&self) {}
}

fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        log::set_logger(&LOGGER).unwrap();
        log::set_max_level(log::LevelFilter::Info);
    });
}

/// The environment dumped by `--env-dump`.
pub fn read_env_dump(path: &str) -> HashMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}
