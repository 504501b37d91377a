//! The `hathora-rooms-server` binary run as a child: its stdout read line by line on a thread,
//! killed (SIGKILL) and reaped when dropped, so that a failing test leaves no server behind.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::TIMEOUT;

pub const BIN: &str = env!("CARGO_BIN_EXE_hathora-rooms-server");

pub struct Bin {
    pub child: Child,
    /// The first stdout line.
    pub url: String,
    /// The second stdout line.
    pub second: String,
    pub lines: mpsc::Receiver<String>,
    /// Every stderr line so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Bin {
    /// Starts the binary and reads its two banner lines (panics naming `args` if it exits
    /// first).
    pub fn spawn(args: &[&str]) -> Bin {
        Bin::spawn_with_env(args, &[])
    }

    /// [`Bin::spawn`] with variables added to the server's environment.
    pub fn spawn_with_env(args: &[&str], env: &[(&str, &str)]) -> Bin {
        let mut child = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the server binary");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Stderr is kept, and echoed for the test log (a server in trouble says why there).
        let kept = Arc::new(Mutex::new(Vec::new()));
        let keep = kept.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[server stderr] {line}");
                keep.lock().unwrap().push(line);
            }
        });
        let mut bin = Bin {
            child,
            url: String::new(),
            second: String::new(),
            lines: rx,
            stderr: kept,
        };
        bin.url = bin.lines.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
            panic!(
                "{args:?}: no first stdout line (status {:?})",
                bin.child.try_wait()
            )
        });
        bin.second = bin.lines.recv_timeout(TIMEOUT).expect("second stdout line");
        bin
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Every stdout line available now, without waiting.
    pub fn drain(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    /// Sends `sig` and waits for the exit.
    pub fn signal_and_wait(&mut self, sig: i32) -> ExitStatus {
        assert_eq!(unsafe { libc::kill(self.pid(), sig) }, 0, "kill({sig})");
        self.wait()
    }

    /// Waits (at most [`TIMEOUT`]) for the exit.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Bin {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the binary to its end (it must not start serving) and returns (exit code, stderr).
pub fn run_to_end(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run the server binary");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
