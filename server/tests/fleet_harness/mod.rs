//! What the fleets' test binaries (`local_fleet`, `docker_fleet`) share: a harness over any
//! fleet with bounded waits for its events, the capture of the server's log records, a
//! directory per test, process logs, helper processes (the test binary re-executed), and the
//! summary line of a measurement.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use hathora_rooms_server::fleet::{
    Endpoints, ExitCause, Fleet, FleetError, FleetEvent, PlaceRoom, Placement,
};
use tokio::sync::mpsc::UnboundedReceiver;

/// A fleet under test and the receiver of its events. Every wait is bounded by `wait`.
pub struct Harness<F> {
    pub fleet: F,
    pub events: UnboundedReceiver<FleetEvent>,
    /// Names the test in assertion messages.
    pub case: &'static str,
    pub wait: Duration,
}

impl<F: Fleet> Harness<F> {
    pub fn with_fleet(
        fleet: F,
        events: UnboundedReceiver<FleetEvent>,
        case: &'static str,
        wait: Duration,
    ) -> Self {
        capture_logs();
        Harness {
            fleet,
            events,
            case,
            wait,
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
        tokio::time::timeout(self.wait, self.fleet.place(room))
            .await
            .unwrap_or_else(|_| panic!("{}: place({room_id}) did not return", self.case))
    }

    pub async fn place_ok(&self, app_id: &str, room_id: &str) -> Placement {
        self.place(app_id, room_id)
            .await
            .unwrap_or_else(|e| panic!("{}: place({room_id}) failed: {e:?}", self.case))
    }

    pub async fn next_event(&mut self, what: &str) -> FleetEvent {
        match tokio::time::timeout(self.wait, self.events.recv()).await {
            Ok(Some(event)) => event,
            Ok(None) => panic!(
                "{}: event channel closed while waiting for {what}",
                self.case
            ),
            Err(_) => panic!(
                "{}: no event within {:?} while waiting for {what}",
                self.case, self.wait
            ),
        }
    }

    /// The next event must be this process's `Ready`.
    pub async fn expect_ready(&mut self, process_id: &str) -> Endpoints {
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
    pub async fn expect_exited(&mut self, process_id: &str) -> ExitCause {
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
    pub async fn exit_cause(&mut self, process_id: &str) -> ExitCause {
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
    pub async fn expect_exits(&mut self, n: usize) -> Vec<(String, ExitCause)> {
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
        tokio::time::timeout(self.wait * 2, self.fleet.shutdown())
            .await
            .unwrap_or_else(|_| panic!("{}: shutdown did not return", self.case));
    }
}

/// A directory of its own per test (named after the test binary, the case and this process),
/// removed afterwards.
pub struct TestDir(pub PathBuf);

impl TestDir {
    pub fn new(case: &str) -> TestDir {
        let name = format!(
            "{}-{case}-{}",
            env!("CARGO_CRATE_NAME").replace('_', "-"),
            std::process::id()
        );
        let dir = std::env::temp_dir().join(name);
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

/// The text of a process's log (and its rotated part, first).
pub fn log_of(dir: &Path, process_id: &str) -> String {
    let old = std::fs::read_to_string(dir.join(format!("{process_id}.log.1"))).unwrap_or_default();
    let new = std::fs::read_to_string(dir.join(format!("{process_id}.log"))).unwrap_or_default();
    old + &new
}

/// Every `log` record of the server crate in this test binary, as "LEVEL message".
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
        // Client libraries' records (the Docker client's) are not the server's lines.
        if record.target().starts_with("hathora_rooms_server") {
            let line = format!("{} {}", record.level(), record.args());
            self.lines.lock().unwrap().push(line);
        }
    }

    fn flush(&self) {}
}

pub fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        log::set_logger(&LOGGER).unwrap();
        log::set_max_level(log::LevelFilter::Info);
    });
}

/// How long a helper may take to print an awaited line, or to end.
pub const HELPER_WAIT: Duration = Duration::from_secs(90);

/// A helper process running `role` (this test binary re-executed, its `helper_process` test
/// dispatching on `FLEET_TEST_HELPER`), and its stdout lines. Killed when dropped.
pub struct Helper {
    pub child: Child,
    lines: mpsc::Receiver<String>,
}

impl Helper {
    pub fn start(role: &str, envs: &[(&str, &str)]) -> Helper {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "helper_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("FLEET_TEST_HELPER", role)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test binary re-executes");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Helper { child, lines }
    }

    /// The first stdout line holding `prefix`, from `prefix` on (libtest prints its own
    /// `test helper_process ... ` before it on the same line), within `HELPER_WAIT`.
    pub fn line(&self, prefix: &str, case: &str) -> String {
        self.line_within(prefix, case, HELPER_WAIT)
    }

    pub fn line_within(&self, prefix: &str, case: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(at) = line.find(prefix) {
                        return line[at..].to_owned();
                    }
                }
                Err(e) => panic!("{case}: the helper printed no {prefix:?} line: {e}"),
            }
        }
    }

    /// Waits (bounded) for it to end.
    pub fn wait(&mut self, case: &str) -> ExitStatus {
        let deadline = Instant::now() + HELPER_WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{case}: the helper did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One line of a measurement: median, p90 and max of `ms`.
pub fn summary(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label:<52} median {:8.2} ms  p90 {:8.2} ms  max {:8.2} ms",
        at(0.5),
        at(0.9),
        at(1.0)
    );
}
