//! Admin endpoints (`/_emulator/...`) and statistics.

mod common;

use common::*;
use std::time::{Duration, Instant};

fn admin(api: &Api, method: &str, path: &str, body: Option<&str>) -> Resp {
    api.request(method, path, body, None)
}

#[test]
fn admin_fault_endpoint_arms_faults() {
    let api = Api::with_delay(FOREVER);
    let r = admin(
        &api,
        "POST",
        "/_emulator/faults",
        Some(r#"{"status":503,"count":2,"retryAfter":"1"}"#),
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    for _ in 0..2 {
        let r = api.get(&api.api("/info/x"));
        r.assert_error(503);
        assert_eq!(r.retry_after.as_deref(), Some("1"));
    }
    api.get(&api.api("/info/x")).assert_error(404);

    assert_eq!(
        admin(
            &api,
            "POST",
            "/_emulator/faults",
            Some(r#"{"status":429,"retryAfter":2}"#)
        )
        .status,
        204
    );
    let r = api.get(&api.api("/info/x"));
    r.assert_error(429);
    assert_eq!(r.retry_after.as_deref(), Some("2"));

    assert_eq!(
        admin(
            &api,
            "POST",
            "/_emulator/faults",
            Some(r#"{"drop":1,"garbage":1}"#)
        )
        .status,
        204
    );
    assert!(raw_get(api.emu.port(), &api.api("/info/x")).is_empty());
    let r = api.get(&api.api("/info/x"));
    assert_eq!(
        (r.status, r.content_type.as_deref()),
        (404, Some("text/html"))
    );

    assert_eq!(
        admin(
            &api,
            "POST",
            "/_emulator/faults",
            Some(r#"{"dropAfterCommit":1}"#)
        )
        .status,
        204
    );
    assert!(
        api.try_request(
            "POST",
            &api.api("/create?roomId=c"),
            Some(r#"{"region":"London"}"#),
            Some(&api.bearer())
        )
        .is_err()
    );
    assert_eq!(api.info("c")["roomId"], "c");

    assert_eq!(
        admin(
            &api,
            "POST",
            "/_emulator/faults",
            Some(r#"{"latencyMs":200}"#)
        )
        .status,
        204
    );
    let t = Instant::now();
    api.get(&api.api("/info/c"));
    assert!(t.elapsed() >= Duration::from_millis(200));

    assert_eq!(
        admin(
            &api,
            "POST",
            "/_emulator/faults",
            Some(r#"{"dropRate":1.0}"#)
        )
        .status,
        204
    );
    assert!(raw_get(api.emu.port(), &api.api("/info/c")).is_empty());
    let plan = admin(&api, "GET", "/_emulator/faults", None).json();
    assert_eq!(plan["dropRate"], 1.0);
    assert_eq!(plan["latencyMs"], 200);

    let r = admin(&api, "DELETE", "/_emulator/faults", None);
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    assert_eq!(api.get(&api.api("/info/c")).status, 200);
}

#[test]
fn admin_fault_endpoint_rejects_bad_bodies() {
    let api = Api::with_delay(FOREVER);
    admin(&api, "POST", "/_emulator/faults", Some("nope")).assert_error(400);
    admin(&api, "POST", "/_emulator/faults", Some(r#"{"stauts":503}"#)).assert_error(400);
    admin(&api, "POST", "/_emulator/faults", Some(r#"{"status":42}"#)).assert_error(422);
    admin(&api, "POST", "/_emulator/faults", Some(r#"{"dropRate":2}"#)).assert_error(422);
    api.get(&api.api("/info/x")).assert_error(404);
}

#[test]
fn stats_count_every_attempt() {
    let api = Api::with_delay(FOREVER);
    api.create_id("s", "London");
    api.get(&api.api("/info/s"));
    api.emu.faults().fail_next_status(503, 1, None);
    api.get(&api.api("/info/s"));
    api.emu.faults().drop_next(1);
    raw_get(api.emu.port(), &api.api("/info/s"));
    api.request("GET", &api.api("/connectioninfo/s"), None, None);
    api.request("GET", &api.api("/connectioninfo/s"), None, Some("Bearer x"));
    api.get(&api.api("/list/p/active"));
    api.get(&api.api("/list/p/inactive"));
    api.post(&api.api("/update/s"), Some(r#"{"roomConfig":"c"}"#));
    api.post(&api.api("/suspend/s"), None);
    api.post(&api.api("/resume/s"), None);
    api.post(&api.api("/destroy/s"), None);
    api.get("/nope"); // not an API request
    api.get(&api.api("/bogus")); // an API request, but no operation
    admin(&api, "GET", "/_emulator/stats", None); // admin requests are not counted

    let s = api.emu.stats();
    assert_eq!(s.requests, 13);
    assert_eq!(s.count("CreateRoom"), 1);
    assert_eq!(s.count("GetRoomInfo"), 3);
    assert_eq!(s.count("GetConnectionInfo"), 2);
    assert_eq!(s.count("GetActiveRoomsForProcess"), 1);
    assert_eq!(s.count("GetInactiveRoomsForProcess"), 1);
    assert_eq!(s.count("UpdateRoomConfig"), 1);
    assert_eq!(s.count("SuspendRoomV2Deprecated"), 1);
    assert_eq!(s.count("ResumeRoom"), 1);
    assert_eq!(s.count("DestroyRoom"), 1);
    assert_eq!(s.count("NoSuchOperation"), 0);
    assert_eq!(s.by_operation.len(), 9);
    assert_eq!(s.rooms, 1);
    assert_eq!(s.connection_info_with_auth, 1);

    let v = admin(&api, "GET", "/_emulator/stats", None).json();
    assert_keys(
        &v,
        &["requests", "byOperation", "rooms", "connectionInfoWithAuth"],
    );
    assert_eq!(v["requests"], 13);
    assert_eq!(v["rooms"], 1);
    assert_eq!(v["connectionInfoWithAuth"], 1);
    assert_eq!(v["byOperation"]["GetRoomInfo"], 3);
    assert_eq!(v["byOperation"].as_object().unwrap().len(), 9);
}

#[test]
fn reset_clears_everything() {
    let api = Api::with_delay(FOREVER);
    let p = api.create_id("x", "London")["processId"]
        .as_str()
        .unwrap()
        .to_string();
    api.emu.faults().fail_next_status(503, 5, None);
    let r = admin(&api, "POST", "/_emulator/reset", None);
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    assert_eq!(
        api.emu.stats(),
        hathora_rooms_server::Stats {
            by_operation: api
                .emu
                .stats()
                .by_operation
                .keys()
                .map(|k| (k.clone(), 0))
                .collect(),
            ..Default::default()
        }
    );
    api.get(&api.api("/info/x")).assert_error(404);
    api.get(&api.api(&format!("/list/{p}/active")))
        .assert_error(404);
    api.create_id("x", "London");

    api.emu.faults().drop_next(1);
    api.emu.reset();
    assert_eq!(api.emu.stats().rooms, 0);
    assert_eq!(api.emu.stats().requests, 0);
    api.get(&api.api("/info/x")).assert_error(404);
}

#[test]
fn shutdown_closes_open_connections() {
    use std::io::{Read, Write};
    let api = Api::with_delay(FOREVER);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", api.emu.port())).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    let path = api.api("/connectioninfo/x");
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buf = [0u8; 4096];
    assert!(s.read(&mut buf).unwrap() > 0, "keep-alive response");
    let Api { emu, .. } = api;
    emu.shutdown();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest); // EOF or reset, but no hang
    assert!(rest.is_empty());
}

#[test]
fn handles_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<hathora_rooms_server::Emulator>();
    check::<hathora_rooms_server::FaultController>();
    check::<hathora_rooms_server::Stats>();
}

#[test]
fn can_start_and_drop_inside_an_async_runtime() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = hathora_rooms_server::Emulator::start(Default::default()).unwrap();
        assert!(emu.port() > 0);
        drop(emu);
    });
}
