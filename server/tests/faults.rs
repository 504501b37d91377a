//! Fault injection: injected statuses, latency, dropped connections, lost responses, garbage.

mod common;

use common::*;
use hathora_rooms_server::{EmulatorConfig, FaultPlan};
use std::time::{Duration, Instant};

const LONDON: Option<&str> = Some(r#"{"region":"London"}"#);

#[test]
fn injected_503_has_retry_after_and_runs_nothing() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().fail_next_status(503, 2, Some("1".into()));
    for _ in 0..2 {
        let r = api.post(&api.api("/create"), LONDON);
        assert_eq!(r.assert_error(503), "injected fault");
        assert_eq!(r.retry_after.as_deref(), Some("1"));
    }
    assert_eq!(api.emu.stats().rooms, 0, "a faulted create creates nothing");
    let r = api.post(&api.api("/create"), LONDON);
    assert_eq!(r.status, 201);
    assert_eq!(api.emu.stats().rooms, 1);
    assert_eq!(api.emu.stats().count("CreateRoom"), 3);
}

#[test]
fn injected_429_and_500() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().fail_next_status(429, 1, Some("7".into()));
    let r = api.request("GET", &api.api("/connectioninfo/x"), None, None);
    r.assert_error(429);
    assert_eq!(r.retry_after.as_deref(), Some("7"));
    api.emu.faults().fail_next_status(500, 1, None);
    let r = api.get(&api.api("/info/x"));
    r.assert_error(500);
    assert_eq!(r.retry_after, None);
    api.get(&api.api("/info/x")).assert_error(404);
}

#[test]
fn faulted_destroy_does_not_destroy() {
    let api = Api::with_delay(FOREVER);
    api.create_id("d", "London");
    api.emu.faults().fail_next_status(503, 1, None);
    api.post(&api.api("/destroy/d"), None).assert_error(503);
    assert_eq!(api.info("d")["status"], "scheduling");
}

#[test]
fn latency_is_added_to_api_requests() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().set_latency(Duration::from_millis(300));
    let t = Instant::now();
    api.get(&api.api("/info/none")).assert_error(404);
    assert!(t.elapsed() >= Duration::from_millis(300));
    api.emu.faults().set_latency(Duration::ZERO);
    api.get(&api.api("/info/none")).assert_error(404);
}

#[test]
fn dropped_connection_gets_zero_bytes() {
    let api = Api::with_delay(FOREVER);
    api.create_id("r", "London");
    api.emu.faults().drop_next(2);
    let path = api.api("/connectioninfo/r");
    assert!(raw_get(api.emu.port(), &path).is_empty());
    let err = api.try_request("GET", &path, None, None);
    assert!(err.is_err(), "client sees a connection error");
    let ok = raw_get(api.emu.port(), &path);
    assert!(
        ok.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&ok)
    );
}

#[test]
fn dropped_create_creates_nothing() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().drop_next(1);
    assert!(
        api.try_request(
            "POST",
            &api.api("/create?roomId=x"),
            LONDON,
            Some(&api.bearer())
        )
        .is_err()
    );
    assert_eq!(api.emu.stats().rooms, 0);
    api.get(&api.api("/info/x")).assert_error(404);
    assert_eq!(api.emu.stats().count("CreateRoom"), 1);
}

#[test]
fn keep_alive_connection_is_closed_by_a_drop() {
    let api = Api::with_delay(FOREVER);
    let path = api.api("/connectioninfo/none");
    api.emu.faults().drop_next(1);
    // Two pipelined requests: the first is dropped and takes the connection with it.
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\n\r\nGET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    assert!(raw(api.emu.port(), &req).is_empty());
}

#[test]
fn drop_rate_is_roughly_honoured() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().set_drop_rate(0.2);
    let path = api.api("/connectioninfo/none");
    let dropped = (0..200)
        .filter(|_| raw_get(api.emu.port(), &path).is_empty())
        .count();
    assert!((20..=60).contains(&dropped), "{dropped} of 200 dropped");
    assert_eq!(api.emu.stats().count("GetConnectionInfo"), 200);
    api.emu.faults().clear();
    assert!(!raw_get(api.emu.port(), &path).is_empty());
}

#[test]
fn drop_rate_is_deterministic_for_a_seed() {
    let run = || {
        let api = Api::start(EmulatorConfig {
            drop_seed: 42,
            faults: FaultPlan {
                drop_rate: 0.5,
                ..FaultPlan::default()
            },
            ..EmulatorConfig::default()
        });
        let path = api.api("/connectioninfo/none");
        (0..40)
            .map(|_| raw_get(api.emu.port(), &path).is_empty())
            .collect::<Vec<bool>>()
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.contains(&true) && a.contains(&false));
}

#[test]
fn drop_after_commit_runs_the_operation_but_loses_the_response() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().drop_after_commit(1);
    let body = r#"{"region":"London"}"#;
    let req = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        api.api("/create?roomId=committed"),
        api.bearer(),
        body.len()
    );
    assert!(raw(api.emu.port(), &req).is_empty());
    assert_eq!(api.emu.stats().rooms, 1);
    assert_eq!(api.info("committed")["roomId"], "committed");
    // A retry of the same create now conflicts.
    api.post(&api.api("/create?roomId=committed"), LONDON)
        .assert_error(422);
}

#[test]
fn drop_after_commit_with_ureq_client() {
    let api = Api::with_delay(FOREVER);
    api.create_id("dac", "London");
    api.emu.faults().drop_after_commit(1);
    assert!(
        api.try_request("POST", &api.api("/destroy/dac"), None, Some(&api.bearer()))
            .is_err()
    );
    assert_eq!(api.info("dac")["status"], "destroyed");
}

#[test]
fn garbage_body_is_not_json() {
    let api = Api::with_delay(FOREVER);
    api.create_id("g", "London");
    api.emu.faults().garbage_next(2);
    let r = api.get(&api.api("/info/g"));
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type.as_deref(), Some("text/html"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.body).is_err(),
        "{}",
        r.body
    );
    let r = api.post(&api.api("/create"), LONDON);
    assert_eq!(
        r.status, 201,
        "garbage keeps the real status (and runs the operation)"
    );
    assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_err());
    assert_eq!(api.emu.stats().rooms, 2);
    assert_eq!(api.get(&api.api("/info/g")).json()["roomId"], "g");
}

#[test]
fn faults_apply_only_to_api_requests() {
    let api = Api::with_delay(FOREVER);
    api.emu.faults().drop_next(1);
    api.emu.faults().fail_next_status(503, 1, None);
    let stats = api.request("GET", "/_emulator/stats", None, None);
    assert_eq!(stats.status, 200);
    assert_eq!(api.request("GET", "/nope", None, None).status, 404);
    assert!(raw_get(api.emu.port(), &api.api("/connectioninfo/x")).is_empty());
    api.get(&api.api("/info/x")).assert_error(503);
    api.get(&api.api("/info/x")).assert_error(404);
}

#[test]
fn clear_removes_every_fault() {
    let api = Api::with_delay(FOREVER);
    let f = api.emu.faults();
    f.fail_next_status(503, 10, None);
    f.drop_next(10);
    f.drop_after_commit(10);
    f.garbage_next(10);
    f.set_drop_rate(1.0);
    f.set_latency(Duration::from_secs(60));
    f.clear();
    api.get(&api.api("/info/x")).assert_error(404);
}

#[test]
fn initial_faults_from_config() {
    let api = Api::start(EmulatorConfig {
        faults: FaultPlan {
            fail_status: 429,
            fail_count: 1,
            retry_after: Some("3".into()),
            ..FaultPlan::default()
        },
        ..EmulatorConfig::default()
    });
    let r = api.get(&api.api("/info/x"));
    r.assert_error(429);
    assert_eq!(r.retry_after.as_deref(), Some("3"));
    api.get(&api.api("/info/x")).assert_error(404);
}
