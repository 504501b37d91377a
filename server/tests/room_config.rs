//! Room configs at the edges: newlines and exactly 10,000 characters reach the fleet (which
//! hands them to a new game server as HATHORA_INITIAL_ROOM_CONFIG) and read back unchanged;
//! 10,001 characters or a NUL are refused with 422, in every mode, and change nothing.

mod common;

use common::fleet::{Step, start, test_config};
use common::*;
use serde_json::json;

fn client(server: &hathora_rooms_server::RoomsServer) -> Client {
    Client::new(&server.url(), "app-test", "test-token")
}

fn body(config: &str) -> String {
    json!({"region": "London", "roomConfig": config}).to_string()
}

#[test]
fn configs_that_can_travel_reach_the_game_server_unchanged() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    let cases = [
        ("newlines", "line one\nline two\r\n\tthree\n".to_string()),
        ("10,000 ASCII characters", "x".repeat(10_000)),
        ("10,000 characters of 2 bytes", "é".repeat(10_000)),
        (
            "10,000 characters with newlines",
            "ab\n".repeat(3_333) + "z",
        ),
        ("JSON", r#"{"mode":"ffa","map":"dust"}"#.to_string()),
        ("empty", String::new()),
    ];
    for (i, (case, config)) in cases.iter().enumerate() {
        assert!(config.chars().count() <= 10_000, "{case}");
        fleet.script(Step::ready(&format!("p{i}")));
        let room = format!("room{i}");
        let r = c.post(
            &c.api(&format!("/create?roomId={room}")),
            Some(&body(config)),
        );
        assert_eq!(r.status, 201, "{case}: {}", r.body);
        let placed = fleet.places().pop().unwrap();
        assert_eq!(
            placed.room_config.as_deref(),
            Some(config.as_str()),
            "{case}: what the fleet got"
        );
        assert_eq!(
            c.info(&room)["roomConfig"],
            config.as_str(),
            "{case}: read back"
        );
        // UpdateRoomConfig takes it too.
        let r = c.post(
            &c.api(&format!("/update/{room}")),
            Some(&json!({"roomConfig": config}).to_string()),
        );
        assert_eq!(r.status, 204, "{case}: update: {}", r.body);
    }
}

#[test]
fn a_config_that_cannot_travel_is_422_and_changes_nothing() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::ready("p"));
    let r = c.post(&c.api("/create?roomId=kept"), Some(&body("original")));
    assert_eq!(r.status, 201);
    let cases = [
        (
            "10,001 characters",
            "x".repeat(10_001),
            "10001 characters long",
        ),
        ("a NUL", "before\0after".to_string(), "NUL"),
        ("only a NUL", "\0".to_string(), "NUL"),
    ];
    for (case, config, says) in &cases {
        let r = c.post(&c.api("/create?roomId=refused"), Some(&body(config)));
        let msg = r.assert_error(422);
        assert!(msg.contains(says), "{case}: {msg}");
        c.get(&c.api("/info/refused")).assert_error(404);
        let r = c.post(
            &c.api("/update/kept"),
            Some(&json!({"roomConfig": config}).to_string()),
        );
        let msg = r.assert_error(422);
        assert!(msg.contains(says), "{case}: update: {msg}");
        assert_eq!(c.info("kept")["roomConfig"], "original", "{case}");
    }
    assert_eq!(
        fleet.places().len(),
        1,
        "no refused config reached the fleet"
    );
}

#[test]
fn the_simulated_mode_refuses_a_nul_too() {
    let api = Api::with_delay(FOREVER);
    let r = api.post(&api.api("/create"), Some(&body("a\0b")));
    assert!(r.assert_error(422).contains("HATHORA_INITIAL_ROOM_CONFIG"));
    assert_eq!(api.emu.stats().rooms, 0);
}
