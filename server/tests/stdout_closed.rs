//! The binary when nobody reads its stdout any more: `--help` and `--version` into a closed pipe
//! exit 0 without a word (`hathora-rooms-server --help | head -3`); a server whose reader went
//! away after the banner (`... | head -2`), or before it, keeps serving, says once on stderr
//! that its log is discarded, and exits 0 on SIGTERM.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::bin::BIN;
use common::*;

const NOTE: &str = "stdout was closed by its reader: the log is discarded from now on";

/// A pipe whose read end is closed already: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    assert_eq!(
        unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) },
        0,
        "pipe2"
    );
    unsafe { libc::close(fds[0]) };
    Stdio::from(unsafe { OwnedFd::from_raw_fd(fds[1]) })
}

#[test]
fn help_and_version_into_a_closed_pipe_exit_0_quietly() {
    for flag in ["--help", "--version"] {
        let out = Command::new(BIN)
            .arg(flag)
            .stdin(Stdio::null())
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .expect("run the server binary");
        assert_eq!(out.status.code(), Some(0), "{flag}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{flag}: nothing on stderr"
        );
    }
}

/// The server child, its stderr lines collected, killed and reaped if a test fails.
struct Server {
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(args: &[&str], stdout: Stdio) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the server binary");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let keep = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                keep.lock().unwrap().push(line);
            }
        });
        Server { child, stderr }
    }

    /// How many stderr lines hold the note that the log is discarded.
    fn notes(&self) -> usize {
        let lines = self.stderr.lock().unwrap();
        lines.iter().filter(|l| l.contains(NOTE)).count()
    }

    /// SIGTERM: every case ends with a clean exit 0.
    fn stop(mut self, case: &str) {
        assert_eq!(
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) },
            0,
            "{case}: kill"
        );
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "{case}: no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(
            status.code(),
            Some(0),
            "{case}: exit status; stderr {:?}",
            self.stderr.lock().unwrap()
        );
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

/// Creates 50 more rooms (each a log line) and reads `/healthz`: all answered.
fn serve_requests(case: &str, url: &str, round: usize) {
    let agent = agent();
    for i in 0..50 {
        let r = send(
            &agent,
            "POST",
            &format!("{url}/rooms/v2/app-emulator/create?roomId=closed-{round}-{i}"),
            Some(r#"{"region":"London"}"#),
            Some("Bearer emulator-dev-token"),
        )
        .unwrap_or_else(|e| panic!("{case}: CreateRoom {i}: {e}"));
        assert_eq!(r.status, 201, "{case}: CreateRoom {i}: {}", r.body);
    }
    let health = send(&agent, "GET", &format!("{url}/healthz"), None, None).unwrap();
    assert_eq!(health.status, 200, "{case}: /healthz");
    let rooms = 50 * (round + 1);
    assert_eq!(
        health.json()["rooms"],
        rooms,
        "{case}: /healthz {}",
        health.body
    );
}

#[test]
fn a_server_whose_stdout_reader_went_away_after_the_banner_keeps_serving() {
    let case = "reader gone after the banner";
    let mut server = Server::start(&["--port", "0"], Stdio::piped());
    let mut stdout = BufReader::new(server.child.stdout.take().unwrap());
    let (mut url, mut second) = (String::new(), String::new());
    stdout.read_line(&mut url).unwrap();
    stdout.read_line(&mut second).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{case}: {url:?}");
    drop(stdout); // as `head -2` exits

    serve_requests(case, url.trim(), 0);
    eventually("the note on stderr", || server.notes() > 0);
    serve_requests(case, url.trim(), 1);
    assert_eq!(server.notes(), 1, "{case}: the note is given once");
    server.stop(case);
}

#[test]
fn a_server_whose_stdout_was_closed_before_the_banner_serves_all_the_same() {
    let case = "reader gone before the banner";
    let server = Server::start(&["--port", "0"], closed_pipe());
    let pid = server.child.id();
    eventually("the server listening", || listening_port(pid).is_some());
    let port = listening_port(pid).unwrap();
    serve_requests(case, &format!("http://127.0.0.1:{port}"), 0);
    eventually("the note on stderr", || server.notes() > 0);
    assert_eq!(server.notes(), 1, "{case}: the note is given once");
    server.stop(case);
}

/// The TCP port process `pid` listens on (its socket inodes under /proc/PID/fd, looked up in
/// /proc/PID/net/tcp), once it listens.
fn listening_port(pid: u32) -> Option<u16> {
    let inodes: HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()?
        .flatten()
        .filter_map(|fd| {
            let link = std::fs::read_link(fd.path()).ok()?;
            let link = link.to_str()?;
            Some(link.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let mut table = String::new();
    std::fs::File::open(format!("/proc/{pid}/net/tcp"))
        .ok()?
        .read_to_string(&mut table)
        .ok()?;
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let listening = f.get(3) == Some(&"0A") && inodes.contains(*f.get(9)?);
        let port = f.get(1)?.rsplit(':').next()?;
        listening.then(|| u16::from_str_radix(port, 16).ok())?
    })
}
