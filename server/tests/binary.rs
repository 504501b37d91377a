//! The `hathora-rooms-server` binary: first stdout line is the URL, exits 0 on SIGINT/SIGTERM.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Bin {
    child: Child,
    url: String,
    second: String,
    lines: mpsc::Receiver<String>,
}

fn spawn(args: &[&str]) -> Bin {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hathora-rooms-server"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn emulator binary");
    let stdout: ChildStdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let url = rx.recv_timeout(TIMEOUT).expect("first stdout line");
    let second = rx.recv_timeout(TIMEOUT).expect("second stdout line");
    Bin {
        child,
        url,
        second,
        lines: rx,
    }
}

fn signal_and_wait(mut bin: Bin, sig: i32) -> std::process::ExitStatus {
    let pid = bin.child.id() as i32;
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = bin.child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = bin.child.kill();
            panic!("emulator did not exit after signal {sig}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn prints_url_first_serves_and_exits_0_on_sigint() {
    let bin = spawn(&["--port", "0"]);
    assert!(bin.url.starts_with("http://127.0.0.1:"), "{}", bin.url);
    let port: u16 = bin.url.rsplit(':').next().unwrap().parse().unwrap();
    assert!(port > 0);
    assert!(bin.second.contains("app-emulator"), "{}", bin.second);
    assert!(bin.second.contains("emulator-dev-token"), "{}", bin.second);

    let agent = agent();
    let r = send(
        &agent,
        "POST",
        &format!("{}/rooms/v2/app-emulator/create?roomId=bin", bin.url),
        Some(r#"{"region":"London"}"#),
        Some("Bearer emulator-dev-token"),
    )
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    // One log line per request: method, path, status, latency.
    let line = bin.lines.recv_timeout(TIMEOUT).expect("log line");
    assert!(
        line.starts_with("POST /rooms/v2/app-emulator/create?roomId=bin 201 "),
        "{line}"
    );
    assert!(line.ends_with("ms"), "{line}");

    let status = signal_and_wait(bin, libc::SIGINT);
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn exits_0_on_sigterm() {
    let bin = spawn(&["--quiet"]);
    let status = signal_and_wait(bin, libc::SIGTERM);
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn flags_configure_the_emulator() {
    let bin = spawn(&[
        "--app-id",
        "app-bin",
        "--token=tok",
        "--host",
        "127.0.0.1",
        "--activation-delay-ms",
        "0",
        "--rooms-per-process",
        "1",
        "--fail-next",
        "503:1",
        "--retry-after",
        "4",
        "--latency-ms",
        "1",
        "--drop-rate",
        "0",
        "--quiet",
    ]);
    assert!(
        bin.second.contains("app-bin") && bin.second.contains("tok"),
        "{}",
        bin.second
    );
    let agent = agent();
    let create = format!("{}/rooms/v2/app-bin/create", bin.url);
    let body = Some(r#"{"region":"Tokyo"}"#);
    let r = send(&agent, "POST", &create, body, Some("Bearer tok")).unwrap();
    r.assert_error(503);
    assert_eq!(r.retry_after.as_deref(), Some("4"));
    let a = send(&agent, "POST", &create, body, Some("Bearer tok"))
        .unwrap()
        .json();
    let b = send(&agent, "POST", &create, body, Some("Bearer tok"))
        .unwrap()
        .json();
    assert_eq!(a["status"], "active");
    assert_ne!(a["processId"], b["processId"]);
    // --quiet: nothing more on stdout.
    assert!(bin.lines.try_recv().is_err());
    let status = signal_and_wait(bin, libc::SIGINT);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_arguments_exit_non_zero() {
    let out = Command::new(env!("CARGO_BIN_EXE_hathora-rooms-server"))
        .args(["--port", "notaport"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
    let out = Command::new(env!("CARGO_BIN_EXE_hathora-rooms-server"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--fail-next"));
}

#[test]
fn version_prints_the_crate_version_and_exits_0() {
    for flag in ["--version", "-V"] {
        let out = Command::new(env!("CARGO_BIN_EXE_hathora-rooms-server"))
            .arg(flag)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{flag}: {:?}", out.status);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("hathora-rooms-server {}\n", env!("CARGO_PKG_VERSION")),
            "{flag}"
        );
    }
}
