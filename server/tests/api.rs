//! Every operation's success status and exact JSON shape, and every error status.

mod common;

use common::*;
use hathora_rooms_server::EmulatorConfig;
use std::time::Duration;

#[test]
fn create_returns_201_room_connection_data() {
    let api = Api::with_delay(FOREVER);
    let r = api.post(
        &api.api("/create"),
        Some(r#"{"region":"Seattle","roomConfig":"{\"a\":1}"}"#),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    let v = r.json();
    assert_keys(
        &v,
        &["roomId", "processId", "status", "additionalExposedPorts"],
    );
    assert_eq!(v["status"], "starting");
    assert_eq!(v["additionalExposedPorts"], serde_json::json!([]));
    let id = v["roomId"].as_str().unwrap();
    assert_eq!(id.len(), 13, "{id}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert!(!v["processId"].as_str().unwrap().is_empty());
    // Optional fields of CreateRoomParams are accepted.
    let r = api.post(
        &api.api("/create"),
        Some(r#"{"region":"Dubai","deploymentId":"dep-1","clientIPs":["1.2.3.4"],"extra":true}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn create_with_room_id_uses_it() {
    let api = Api::with_delay(FOREVER);
    let v = api.create_id("my_Room-1", "London");
    assert_eq!(v["roomId"], "my_Room-1");
    let max = "x".repeat(100);
    assert_eq!(api.create_id(&max, "London")["roomId"], max.as_str());
}

#[test]
fn active_room_has_exposed_port() {
    let api = Api::with_delay(Duration::ZERO);
    let v = api.create("Tokyo");
    assert_keys(
        &v,
        &[
            "roomId",
            "processId",
            "status",
            "exposedPort",
            "additionalExposedPorts",
        ],
    );
    assert_eq!(v["status"], "active");
    assert_exposed_port(&v["exposedPort"]);
    let ci = api.connection_info(v["roomId"].as_str().unwrap());
    assert_keys(
        &ci,
        &["roomId", "status", "exposedPort", "additionalExposedPorts"],
    );
    assert_eq!(ci["status"], "active");
    assert_eq!(ci["exposedPort"], v["exposedPort"]);
    assert_eq!(ci["additionalExposedPorts"], serde_json::json!([]));
}

#[test]
fn get_room_info_shape() {
    let api = Api::with_delay(FOREVER);
    let created = api.create_id("info-room", "Chicago");
    let v = api.info("info-room");
    assert_keys(
        &v,
        &[
            "appId",
            "roomId",
            "status",
            "roomConfig",
            "currentAllocation",
            "allocations",
        ],
    );
    assert_eq!(v["appId"], api.emu.app_id());
    assert_eq!(v["roomId"], "info-room");
    assert_eq!(v["status"], "scheduling");
    assert!(v["roomConfig"].is_null());
    assert_allocation(&v["currentAllocation"]);
    assert!(v["currentAllocation"]["unscheduledAt"].is_null());
    assert_eq!(v["currentAllocation"]["processId"], created["processId"]);
    let allocs = v["allocations"].as_array().unwrap();
    assert_eq!(allocs.len(), 1);
    assert_eq!(allocs[0], v["currentAllocation"]);
    let at = assert_time(&v["currentAllocation"]["scheduledAt"]);
    let now = time::OffsetDateTime::now_utc();
    assert!((now - at).whole_seconds().abs() < 600, "{at} vs {now}");
}

#[test]
fn connection_info_while_starting_has_no_exposed_port() {
    let api = Api::with_delay(FOREVER);
    api.create_id("ci", "Mumbai");
    let v = api.connection_info("ci");
    assert_keys(&v, &["roomId", "status", "additionalExposedPorts"]);
    assert_eq!(v["roomId"], "ci");
    assert_eq!(v["status"], "starting");
}

#[test]
fn list_shapes() {
    let api = Api::with_delay(FOREVER);
    let pid = api.create_id("l1", "Sydney")["processId"]
        .as_str()
        .unwrap()
        .to_string();
    let active = api.list(&pid, "active");
    assert_eq!(active.len(), 1);
    assert_keys(
        &active[0],
        &[
            "appId",
            "roomId",
            "status",
            "roomConfig",
            "currentAllocation",
        ],
    );
    assert_eq!(active[0]["roomId"], "l1");
    assert_allocation(&active[0]["currentAllocation"]);
    assert!(api.list(&pid, "inactive").is_empty());
}

#[test]
fn no_body_operations_answer_empty_bodies() {
    let api = Api::with_delay(FOREVER);
    api.create_id("nb", "Dallas");
    let r = api.post(&api.api("/update/nb"), Some(r#"{"roomConfig":"cfg"}"#));
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    let r = api.post(&api.api("/suspend/nb"), None);
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    let r = api.post(&api.api("/resume/nb"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_keys(
        &v,
        &["roomId", "processId", "status", "additionalExposedPorts"],
    );
    assert_eq!(v["status"], "starting");
    let r = api.post(&api.api("/destroy/nb"), None);
    assert_eq!((r.status, r.body.as_str()), (204, ""));
}

fn authed_ops(api: &Api) -> Vec<(&'static str, String, Option<&'static str>)> {
    vec![
        ("POST", api.api("/create"), Some(r#"{"region":"London"}"#)),
        ("GET", api.api("/info/r"), None),
        ("GET", api.api("/list/p/active"), None),
        ("GET", api.api("/list/p/inactive"), None),
        ("POST", api.api("/destroy/r"), None),
        ("POST", api.api("/suspend/r"), None),
        ("POST", api.api("/resume/r"), None),
        ("POST", api.api("/update/r"), Some(r#"{"roomConfig":"x"}"#)),
    ]
}

#[test]
fn missing_or_wrong_token_is_401() {
    let api = Api::with_delay(FOREVER);
    api.create_id("r", "London");
    for (method, path, body) in authed_ops(&api) {
        for auth in [
            None,
            Some("Bearer wrong"),
            Some("emulator-dev-token"),
            Some("Basic x"),
        ] {
            let r = api.request(method, &path, body, auth);
            r.assert_error(401);
        }
    }
    // Auth is checked before the app id.
    let r = api.request("GET", "/rooms/v2/other-app/info/r", None, None);
    r.assert_error(401);
    assert_eq!(api.emu.stats().rooms, 1);
}

#[test]
fn connection_info_needs_no_token() {
    let api = Api::with_delay(FOREVER);
    api.create_id("open", "London");
    let path = api.api("/connectioninfo/open");
    assert_eq!(api.request("GET", &path, None, None).status, 200);
    assert_eq!(
        api.request("GET", &path, None, Some("Bearer wrong")).status,
        200
    );
    assert_eq!(api.emu.stats().connection_info_with_auth, 1);
}

#[test]
fn unknown_app_is_404() {
    let api = Api::with_delay(FOREVER);
    api.create_id("r", "London");
    for (method, path, body) in authed_ops(&api) {
        let path = path.replace(api.emu.app_id(), "app-unknown");
        let msg = api
            .request(method, &path, body, Some(&api.bearer()))
            .assert_error(404);
        assert!(msg.contains("app-unknown"), "{msg}");
    }
    api.request("GET", "/rooms/v2/app-unknown/connectioninfo/r", None, None)
        .assert_error(404);
}

#[test]
fn unknown_room_or_process_is_404() {
    let api = Api::with_delay(FOREVER);
    for op in ["info", "connectioninfo"] {
        api.get(&api.api(&format!("/{op}/nope"))).assert_error(404);
    }
    for op in ["destroy", "suspend", "resume"] {
        api.post(&api.api(&format!("/{op}/nope")), None)
            .assert_error(404);
    }
    api.post(&api.api("/update/nope"), Some(r#"{"roomConfig":"x"}"#))
        .assert_error(404);
    api.get(&api.api("/list/nope/active")).assert_error(404);
    api.get(&api.api("/list/nope/inactive")).assert_error(404);
}

#[test]
fn unknown_route_and_method_are_json_errors() {
    let api = Api::with_delay(FOREVER);
    api.get("/nope").assert_error(404);
    api.get("/").assert_error(404);
    api.get(&api.api("/bogus/r")).assert_error(404);
    api.get(&api.api("/info/")).assert_error(404);
    api.get(&api.api("/create")).assert_error(405);
    api.request("DELETE", &api.api("/info/r"), None, Some(&api.bearer()))
        .assert_error(405);
    api.request("PUT", "/_emulator/stats", None, None)
        .assert_error(405);
}

#[test]
fn malformed_bodies_are_400_or_422() {
    let api = Api::with_delay(FOREVER);
    let create = api.api("/create");
    for body in [
        Some("{not json"),
        Some(r#"{"roomConfig":"x"}"#),
        Some(r#"{"region":5}"#),
        Some(r#"{"region":"London","roomConfig":7}"#),
        Some("[]"),
        Some(""),
        None,
    ] {
        api.post(&create, body).assert_error(400);
    }
    api.create_id("u", "London");
    for body in [
        Some("{}"),
        Some("nope"),
        Some(r#"{"roomConfig":null}"#),
        None,
    ] {
        // UpdateRoomConfig declares no 400: its malformed bodies are 422.
        api.post(&api.api("/update/u"), body).assert_error(422);
    }
    assert_eq!(api.emu.stats().rooms, 1);
}

#[test]
fn invalid_fields_are_422() {
    let api = Api::with_delay(FOREVER);
    let create = api.api("/create");
    api.post(&create, Some(r#"{"region":"Atlantis"}"#))
        .assert_error(422);
    api.post(&create, Some(r#"{"region":"london"}"#))
        .assert_error(422);
    let long = "a".repeat(10_001);
    api.post(
        &create,
        Some(&format!(r#"{{"region":"London","roomConfig":"{long}"}}"#)),
    )
    .assert_error(422);
    for bad in ["", "has%20space", "semi;colon", "dot.ted", &"x".repeat(101)] {
        let path = api.api(&format!("/create?roomId={bad}"));
        api.post(&path, Some(r#"{"region":"London"}"#))
            .assert_error(422);
    }
    assert_eq!(api.emu.stats().rooms, 0);
    // Characters, not bytes: 10,000 two-byte characters are fine, 10,001 are not.
    let wide = "é".repeat(10_000);
    let r = api.post(
        &create,
        Some(&format!(r#"{{"region":"London","roomConfig":"{wide}"}}"#)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["roomId"].as_str().unwrap().to_string();
    assert_eq!(api.info(&id)["roomConfig"], wide.as_str());
    let path = api.api(&format!("/update/{id}"));
    api.post(&path, Some(&format!(r#"{{"roomConfig":"{wide}é"}}"#)))
        .assert_error(422);
    assert_eq!(api.info(&id)["roomConfig"], wide.as_str());
}

#[test]
fn every_region_is_accepted() {
    let api = Api::with_delay(FOREVER);
    // The list is the library's: tests/binding_drift.rs checks REGIONS against it.
    for region in hathora_rooms_server::REGIONS {
        api.create(region);
    }
    assert_eq!(api.emu.stats().rooms, 14);
}

#[test]
fn taken_room_id_is_422() {
    let api = Api::with_delay(FOREVER);
    api.create_id("dup", "London");
    let r = api.post(
        &api.api("/create?roomId=dup"),
        Some(r#"{"region":"Tokyo"}"#),
    );
    let msg = r.assert_error(422);
    assert!(msg.contains("already exists"), "{msg}");
    // Still taken after destroy: room ids are globally unique.
    api.post(&api.api("/destroy/dup"), None);
    let r = api.post(
        &api.api("/create?roomId=dup"),
        Some(r#"{"region":"Tokyo"}"#),
    );
    r.assert_error(422);
}

#[test]
fn custom_app_id_and_token() {
    let api = Api::start(EmulatorConfig {
        app_id: "app-custom".into(),
        token: "s3cret".into(),
        ..EmulatorConfig::default()
    });
    assert_eq!(api.emu.app_id(), "app-custom");
    assert_eq!(api.emu.token(), "s3cret");
    assert!(api.emu.url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        api.emu.url(),
        format!("http://127.0.0.1:{}", api.emu.port())
    );
    api.create("London");
    let r = api.request(
        "POST",
        "/rooms/v2/app-custom/create",
        Some(r#"{"region":"London"}"#),
        Some("Bearer emulator-dev-token"),
    );
    r.assert_error(401);
}
