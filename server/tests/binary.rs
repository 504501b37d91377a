//! The `hathora-rooms-server` binary: first stdout line is the URL, exits 0 on SIGINT/SIGTERM.

mod common;

use common::bin::{Bin, run_to_end};
use common::*;

#[test]
fn prints_url_first_serves_and_exits_0_on_sigint() {
    let mut bin = Bin::spawn(&["--port", "0"]);
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

    let status = bin.signal_and_wait(libc::SIGINT);
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn exits_0_on_sigterm() {
    let mut bin = Bin::spawn(&["--quiet"]);
    let status = bin.signal_and_wait(libc::SIGTERM);
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn flags_configure_the_emulator() {
    let mut bin = Bin::spawn(&[
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
    let status = bin.signal_and_wait(libc::SIGINT);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_arguments_exit_non_zero() {
    let (code, _, stderr) = run_to_end(&["--port", "notaport"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--port"), "{stderr}");
    let (code, stdout, _) = run_to_end(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("--fail-next"), "{stdout}");
}

#[test]
fn version_prints_the_crate_version_and_exits_0() {
    for flag in ["--version", "-V"] {
        let (code, stdout, _) = run_to_end(&[flag]);
        assert_eq!(code, Some(0), "{flag}");
        assert_eq!(
            stdout,
            format!("hathora-rooms-server {}\n", env!("CARGO_PKG_VERSION")),
            "{flag}"
        );
    }
}
