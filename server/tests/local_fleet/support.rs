//! Helpers of the local fleet's tests: a fleet over the Python stand-in game server (with the
//! harness shared with the Docker fleet's tests), and /proc look-ups of the processes a test
//! started.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hathora_rooms_server::fleet::local::{LocalApp, LocalFleet, LocalFleetConfig};
use tokio::sync::mpsc::unbounded_channel;

pub use crate::fleet_harness::{TestDir, log_of, logged};

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

pub type Harness = crate::fleet_harness::Harness<LocalFleet>;

impl Harness {
    pub fn new(case: &'static str, config: LocalFleetConfig) -> Harness {
        let (tx, events) = unbounded_channel();
        let fleet =
            LocalFleet::new(config, tx).unwrap_or_else(|e| panic!("{case}: config refused: {e}"));
        Harness::with_fleet(fleet, events, case, WAIT)
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

/// The environment dumped by `--env-dump`.
pub fn read_env_dump(path: &str) -> HashMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}
