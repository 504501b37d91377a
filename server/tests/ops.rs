//! For operators: `/healthz` and `/metrics` (their shapes and what they count), and capacity
//! limits answered 429 with Retry-After and a message naming the limit.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use hathora_rooms_server::config::AppConfig;
use hathora_rooms_server::{RoomsServer, ServerConfig, Token};

/// Two simulated apps: `app-a` (2 rooms per process, at most 1 process) and `app-b`; at most
/// `total` processes in all.
fn limited(total: Option<usize>) -> RoomsServer {
    let mut a = AppConfig::new("app-a", vec![Token::new("ta")]);
    a.rooms_per_process = 2;
    a.max_processes = Some(1);
    let b = AppConfig::new("app-b", vec![Token::new("tb")]);
    let mut config = ServerConfig {
        apps: vec![a, b],
        max_processes: total,
        ..ServerConfig::default()
    };
    config.simulated.activation_delay = Duration::ZERO;
    RoomsServer::start(config).expect("starts")
}

/// Parses the exposition: `series -> value`, checking every line's shape and that every
/// sample's metric has a `# TYPE` line before it.
fn parse_metrics(text: &str) -> BTreeMap<String, f64> {
    let mut typed = Vec::new();
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.push(name.to_string());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("no value: {line:?}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value: {line:?}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "bad metric name: {line:?}"
        );
        let labels = &series[name.len()..];
        if !labels.is_empty() {
            assert!(labels.starts_with('{') && labels.ends_with('}'), "{line:?}");
            for pair in labels[1..labels.len() - 1].split(',') {
                let (k, v) = pair.split_once('=').unwrap_or_else(|| panic!("{line:?}"));
                assert!(
                    !k.is_empty() && v.starts_with('"') && v.ends_with('"'),
                    "{line:?}"
                );
            }
        }
        let base = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|b| typed.iter().any(|t| t == b))
            })
            .unwrap_or(name);
        assert!(
            typed.iter().any(|t| t == base),
            "{name} has no # TYPE before it"
        );
        assert!(
            samples.insert(series.to_string(), value).is_none(),
            "duplicate {series}"
        );
    }
    samples
}

#[test]
fn metrics_and_healthz_count_rooms_processes_and_requests() {
    let server = limited(None);
    let a = Client::new(&server.url(), "app-a", "ta");
    a.create_id("r1", "London");
    a.create_id("r2", "London");
    a.post(&a.api("/create?roomId=r3"), Some(r#"{"region":"London"}"#))
        .assert_error(429);
    assert_eq!(a.post(&a.api("/destroy/r1"), None).status, 204);
    a.create_id("r3", "London");
    a.get(&a.api("/info/nope")).assert_error(404);
    a.get(&a.api("/bogus"));

    let r = a.request("GET", "/metrics", None, None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.content_type.as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let m = parse_metrics(&r.body);
    let expected = [
        (r#"hathora_rooms{status="scheduling"}"#, 0.0),
        (r#"hathora_rooms{status="active"}"#, 2.0),
        (r#"hathora_rooms{status="suspended"}"#, 0.0),
        (r#"hathora_rooms{status="destroyed"}"#, 1.0),
        (r#"hathora_processes{state="starting"}"#, 0.0),
        (r#"hathora_processes{state="ready"}"#, 1.0),
        ("hathora_process_spawns_total", 1.0),
        ("hathora_process_spawn_failures_total", 0.0),
        (r#"hathora_process_exits_total{cause="exited"}"#, 0.0),
        (
            r#"hathora_requests_total{operation="CreateRoom",status="201"}"#,
            3.0,
        ),
        (
            r#"hathora_requests_total{operation="CreateRoom",status="429"}"#,
            1.0,
        ),
        (
            r#"hathora_requests_total{operation="DestroyRoom",status="204"}"#,
            1.0,
        ),
        (
            r#"hathora_requests_total{operation="GetRoomInfo",status="404"}"#,
            1.0,
        ),
        (
            r#"hathora_requests_total{operation="unknown",status="404"}"#,
            1.0,
        ),
        (
            r#"hathora_request_duration_seconds_count{operation="CreateRoom"}"#,
            4.0,
        ),
        (
            r#"hathora_request_duration_seconds_bucket{operation="CreateRoom",le="+Inf"}"#,
            4.0,
        ),
        (
            r#"hathora_request_duration_seconds_count{operation="ResumeRoom"}"#,
            0.0,
        ),
    ];
    for (series, value) in expected {
        assert_eq!(m.get(series), Some(&value), "{series}");
    }
    assert!(m["hathora_uptime_seconds"] >= 0.0);
    // Buckets are cumulative.
    let buckets: Vec<f64> = m
        .iter()
        .filter(|(k, _)| {
            k.starts_with(r#"hathora_request_duration_seconds_bucket{operation="CreateRoom""#)
        })
        .map(|(_, v)| *v)
        .collect();
    assert_eq!(buckets.len(), 15);

    let h = a.request("GET", "/healthz", None, None);
    assert_eq!(h.status, 200);
    let v = h.json();
    assert_keys(&v, &["ok", "uptimeSeconds", "rooms", "processes"]);
    assert_eq!(v["ok"], true);
    assert!(v["uptimeSeconds"].is_u64());
    assert_eq!(
        (v["rooms"].as_u64(), v["processes"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn a_full_app_or_server_answers_429_with_retry_after_naming_the_limit() {
    let server = limited(Some(2));
    let a = Client::new(&server.url(), "app-a", "ta");
    let b = Client::new(&server.url(), "app-b", "tb");
    a.create_id("a1", "London");
    a.create_id("a2", "London");
    b.create_id("b1", "Tokyo");
    // (case, client, request path, body, words the message must hold)
    let london = Some(r#"{"region":"London"}"#);
    let cases = [
        (
            "app limit",
            &a,
            a.api("/create?roomId=a3"),
            london,
            "app app-a runs its maximum of 1 processes",
        ),
        (
            "server limit",
            &b,
            b.api("/create?roomId=b2"),
            Some(r#"{"region":"Dubai"}"#),
            "maximum of 2 processes in all apps",
        ),
    ];
    for (case, c, path, body, says) in cases {
        let r = c.post(&path, body);
        let msg = r.assert_error(429);
        assert!(msg.contains(says), "{case}: {msg}");
        assert_eq!(r.retry_after.as_deref(), Some("5"), "{case}");
    }
    a.get(&a.api("/info/a3")).assert_error(404);
    // ResumeRoom of a suspended room whose slot was taken meanwhile: 429, still suspended.
    assert_eq!(a.post(&a.api("/suspend/a1"), None).status, 204);
    a.create_id("a4", "London");
    let r = a.post(&a.api("/resume/a1"), None);
    assert!(r.assert_error(429).contains("max_processes"));
    assert_eq!(r.retry_after.as_deref(), Some("5"));
    assert_eq!(a.info("a1")["status"], "suspended");
    // Room freed: the resume goes through.
    assert_eq!(a.post(&a.api("/destroy/a4"), None).status, 204);
    let r = a.post(&a.api("/resume/a1"), None);
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn the_admin_endpoints_exist_in_the_simulated_mode_only_and_ops_need_no_token() {
    let api = Api::with_delay(FOREVER);
    assert_eq!(
        api.request("GET", "/_emulator/stats", None, None).status,
        200
    );
    assert_eq!(api.request("GET", "/healthz", None, None).status, 200);
    assert_eq!(api.request("GET", "/metrics", None, None).status, 200);
    api.request("POST", "/healthz", None, None)
        .assert_error(405);
    // Operations endpoints are not API requests: not counted, never faulted.
    api.emu.faults().fail_next_status(503, 1, None);
    assert_eq!(api.request("GET", "/metrics", None, None).status, 200);
    assert_eq!(api.emu.stats().requests, 0);
}
