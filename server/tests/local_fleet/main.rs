//! The local fleet through its Rust API, against a Python stand-in game server
//! (`game_server.py`). Each test has its own port range, directory and process marker, so the
//! tests run in parallel without seeing each other's processes.

mod environment;
mod exits;
mod logs;
mod measure;
mod pdeathsig;
mod placement;
mod readiness;
mod recover;
mod stop;
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Entry point of the helper processes that some tests start (this binary, re-executed with
/// `FLEET_TEST_HELPER` set). In an ordinary run it does nothing.
#[test]
fn helper_process() {
    let Ok(role) = std::env::var("FLEET_TEST_HELPER") else {
        return;
    };
    match role.as_str() {
        "environment" => environment::helper(),
        "orphans" => pdeathsig::helper(),
        other => panic!("unknown helper role {other}"),
    }
}

/// A helper process running `role`, and its stdout lines.
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
    /// `test helper_process ... ` before it on the same line). Bounded wait.
    pub fn line(&self, prefix: &str, case: &str) -> String {
        let deadline = std::time::Instant::now() + support::WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
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
    pub fn wait(&mut self, case: &str) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + support::WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{case}: the helper did not end"
            );
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
