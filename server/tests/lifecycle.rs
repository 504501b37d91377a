//! Room lifecycle: activation, update, destroy, suspend/resume, process placement.

mod common;

use common::*;
use hathora_rooms_server::EmulatorConfig;
use std::collections::HashSet;
use std::time::Duration;

fn pid(v: &serde_json::Value) -> String {
    v["processId"].as_str().unwrap().to_string()
}

#[test]
fn room_becomes_active_after_the_delay() {
    let api = Api::with_delay(Duration::from_millis(100));
    let v = api.create_id("act", "Frankfurt");
    let ci = api.wait_active("act");
    assert_exposed_port(&ci["exposedPort"]);
    let info = api.info("act");
    assert_eq!(info["status"], "active");
    assert_eq!(info["currentAllocation"]["processId"], v["processId"]);
    let active = api.list(&pid(&v), "active");
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["status"], "active");
}

#[test]
fn update_changes_room_config() {
    let api = Api::with_delay(FOREVER);
    let r = api.post(
        &api.api("/create?roomId=up"),
        Some(r#"{"region":"London","roomConfig":"v1"}"#),
    );
    assert_eq!(r.status, 201);
    assert_eq!(api.info("up")["roomConfig"], "v1");
    let r = api.post(
        &api.api("/update/up"),
        Some(r#"{"roomConfig":"{\"mode\":\"ffa\"}"}"#),
    );
    assert_eq!(r.status, 204);
    assert_eq!(api.info("up")["roomConfig"], r#"{"mode":"ffa"}"#);
    let r = api.post(&api.api("/update/up"), Some(r#"{"roomConfig":""}"#));
    assert_eq!(r.status, 204);
    assert_eq!(api.info("up")["roomConfig"], "");
}

#[test]
fn destroy_moves_room_to_inactive_list() {
    let api = Api::with_delay(Duration::ZERO);
    let v = api.create_id("gone", "London");
    let keep = api.create_id("keep", "London");
    assert_eq!(pid(&v), pid(&keep));
    assert_eq!(api.post(&api.api("/destroy/gone"), None).status, 204);

    let info = api.info("gone");
    assert_eq!(info["status"], "destroyed");
    assert!(info["currentAllocation"].is_null());
    let allocs = info["allocations"].as_array().unwrap();
    assert_eq!(allocs.len(), 1);
    assert_allocation(&allocs[0]);
    let sched = assert_time(&allocs[0]["scheduledAt"]);
    let unsched = assert_time(&allocs[0]["unscheduledAt"]);
    assert!(unsched >= sched);

    let active: Vec<_> = api.list(&pid(&v), "active");
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["roomId"], "keep");
    let inactive = api.list(&pid(&v), "inactive");
    assert_eq!(inactive.len(), 1);
    assert_eq!(inactive[0]["roomId"], "gone");
    assert_eq!(inactive[0]["status"], "destroyed");
    assert!(inactive[0]["currentAllocation"].is_null());

    // Everything but GetRoomInfo treats a destroyed room as unknown.
    api.post(&api.api("/destroy/gone"), None).assert_error(404);
    api.post(&api.api("/suspend/gone"), None).assert_error(404);
    api.post(&api.api("/resume/gone"), None).assert_error(404);
    api.post(&api.api("/update/gone"), Some(r#"{"roomConfig":"x"}"#))
        .assert_error(404);
    api.request("GET", &api.api("/connectioninfo/gone"), None, None)
        .assert_error(404);
    assert_eq!(api.info("gone")["status"], "destroyed");
}

#[test]
fn suspend_and_resume_track_allocations() {
    let api = Api::with_delay(Duration::from_millis(100));
    let v = api.create_id("sr", "Singapore");
    api.wait_active("sr");
    let first_alloc = api.info("sr")["currentAllocation"].clone();

    // Resuming a room that is not suspended is refused.
    let msg = api.post(&api.api("/resume/sr"), None).assert_error(400);
    assert!(msg.contains("not suspended"), "{msg}");

    assert_eq!(api.post(&api.api("/suspend/sr"), None).status, 204);
    let info = api.info("sr");
    assert_eq!(info["status"], "suspended");
    assert!(info["currentAllocation"].is_null());
    let allocs = info["allocations"].as_array().unwrap();
    assert_eq!(allocs.len(), 1);
    assert_eq!(
        allocs[0]["roomAllocationId"],
        first_alloc["roomAllocationId"]
    );
    assert_time(&allocs[0]["unscheduledAt"]);
    let ci = api.connection_info("sr");
    assert_keys(&ci, &["roomId", "status", "additionalExposedPorts"]);
    assert_eq!(ci["status"], "starting");
    assert!(api.list(&pid(&v), "active").is_empty());
    let inactive = api.list(&pid(&v), "inactive");
    assert_eq!(inactive.len(), 1);
    assert_eq!(inactive[0]["status"], "suspended");
    // Suspending again is a no-op.
    assert_eq!(api.post(&api.api("/suspend/sr"), None).status, 204);
    assert_eq!(api.info("sr")["allocations"].as_array().unwrap().len(), 1);

    let r = api.post(&api.api("/resume/sr"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let resumed = r.json();
    assert_eq!(resumed["roomId"], "sr");
    assert!(resumed["processId"].is_string());
    let info = api.info("sr");
    let allocs = info["allocations"].as_array().unwrap();
    assert_eq!(allocs.len(), 2);
    assert_ne!(allocs[1]["roomAllocationId"], allocs[0]["roomAllocationId"]);
    assert!(allocs[1]["unscheduledAt"].is_null());
    assert_eq!(info["currentAllocation"], allocs[1]);
    assert_eq!(info["currentAllocation"]["processId"], resumed["processId"]);
    assert!(assert_time(&allocs[1]["scheduledAt"]) >= assert_time(&allocs[0]["unscheduledAt"]));
    assert!(
        api.list(&pid(&resumed), "active")
            .iter()
            .any(|r| r["roomId"] == "sr")
    );

    let ci = api.wait_active("sr");
    assert_exposed_port(&ci["exposedPort"]);
    assert_eq!(api.info("sr")["status"], "active");
}

#[test]
fn resumed_room_is_starting_until_the_delay() {
    let api = Api::with_delay(FOREVER);
    api.create_id("slow", "Tokyo");
    api.post(&api.api("/suspend/slow"), None);
    let r = api.post(&api.api("/resume/slow"), None);
    assert_eq!(r.json()["status"], "starting");
    assert_eq!(api.info("slow")["status"], "scheduling");
    assert_eq!(api.connection_info("slow")["status"], "starting");
}

#[test]
fn processes_are_reused_up_to_rooms_per_process() {
    let api = Api::start(EmulatorConfig {
        activation_delay: Duration::ZERO,
        rooms_per_process: 2,
        ..EmulatorConfig::default()
    });
    let a = api.create("London");
    let b = api.create("London");
    let c = api.create("London");
    let t = api.create("Tokyo");
    assert_eq!(pid(&a), pid(&b));
    assert_ne!(pid(&a), pid(&c));
    assert_ne!(pid(&t), pid(&a));
    assert_ne!(pid(&t), pid(&c));
    let ports: HashSet<u64> = [&a, &c, &t]
        .iter()
        .map(|v| v["exposedPort"]["port"].as_u64().unwrap())
        .collect();
    assert_eq!(ports.len(), 3, "each process has its own port");
    assert_eq!(a["exposedPort"], b["exposedPort"]);
    assert_eq!(api.list(&pid(&a), "active").len(), 2);

    // A destroyed room frees its slot: the next London room goes back to the first process.
    let a_id = a["roomId"].as_str().unwrap();
    api.post(&api.api(&format!("/destroy/{a_id}")), None);
    let d = api.create("London");
    assert_eq!(pid(&d), pid(&a));
    let e = api.create("London");
    assert_eq!(pid(&e), pid(&c));
    let f = api.create("London");
    assert_ne!(pid(&f), pid(&a));
    assert_ne!(pid(&f), pid(&c));
}

#[test]
fn default_config_values() {
    let c = EmulatorConfig::default();
    assert_eq!(c.app_id, "app-emulator");
    assert_eq!(c.token, "emulator-dev-token");
    assert_eq!(c.host.to_string(), "127.0.0.1");
    assert_eq!(c.port, 0);
    assert_eq!(c.activation_delay, Duration::from_secs(1));
    assert_eq!(c.rooms_per_process, 4);
    assert!(!c.log_requests);
}
