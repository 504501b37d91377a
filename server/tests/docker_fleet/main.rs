//! The Docker fleet through its Rust API, against a static test game server (`game_server.c`)
//! in a `FROM scratch` image that the tests build once (cached by content in its tag). Each
//! test has its own instance id (its containers' label), port range and directory, so the
//! tests run in parallel without seeing each other's containers, and each ends by counting its
//! containers: none may be left.
//!
//! They need a Docker Engine, so they are ignored by a plain `cargo test`; `tests/docker/run.sh`
//! runs them (`-- --ignored`). Measurements: `-- --ignored --nocapture measure`.

mod api;
mod drops;
mod exits;
mod lifecycle;
mod limits;
mod logs;
mod measure;
mod recover;
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

/// Entry point of the helper processes that some tests start (this binary, re-executed with
/// `FLEET_TEST_HELPER` set). In an ordinary run it does nothing.
#[test]
fn helper_process() {
    let Ok(role) = std::env::var("FLEET_TEST_HELPER") else {
        return;
    };
    match role.as_str() {
        "fleet" => recover::helper(),
        "hundred" => measure::helper(),
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
            .args(["helper_process", "--exact", "--nocapture"])
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

    /// The first stdout line holding `prefix`, from `prefix` on. Bounded wait.
    pub fn line(&self, prefix: &str, case: &str, wait: std::time::Duration) -> String {
        let deadline = std::time::Instant::now() + wait;
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
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
