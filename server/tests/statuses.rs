//! Issue 14, defect 6: every error the emulator answers is one of the operation's declared
//! statuses (so the official SDKs raise `ApiError`, not their generic `SDKError`), a taken roomId
//! is 422 with a message that says so, and resuming a room that is not suspended is 400 and
//! leaves the room as it was (see README "Statuses the contract leaves open").

mod common;
use common::*;
use std::time::Duration;

/// The contract's declared error statuses per operation (shared/api/roomsv2.md).
fn declared(op: &str) -> &'static [u16] {
    match op {
        "CreateRoom" | "ResumeRoom" => &[400, 401, 402, 404, 408, 422, 429, 500],
        "GetRoomInfo" => &[401, 404, 408, 422, 429],
        "GetConnectionInfo" => &[400, 402, 404, 408, 422, 429, 500],
        "UpdateRoomConfig" => &[401, 404, 408, 422, 429, 500],
        "GetActiveRoomsForProcess"
        | "GetInactiveRoomsForProcess"
        | "DestroyRoom"
        | "SuspendRoomV2Deprecated" => &[401, 404, 408, 422, 429, 500],
        other => panic!("unknown operation {other}"),
    }
}

#[test]
fn a_taken_room_id_is_422_saying_it_is_taken() {
    let api = Api::with_delay(FOREVER);
    api.create_id("dup", "London");
    for case in ["live", "destroyed"] {
        if case == "destroyed" {
            assert_eq!(api.post(&api.api("/destroy/dup"), None).status, 204);
        }
        let r = api.post(
            &api.api("/create?roomId=dup"),
            Some(r#"{"region":"Tokyo"}"#),
        );
        let msg = r.assert_error(422);
        assert!(
            declared("CreateRoom").contains(&r.status),
            "{case}: {} not declared",
            r.status
        );
        assert!(
            msg.contains("dup") && msg.contains("taken"),
            "{case}: {msg}"
        );
        // The library's lost-response recovery recognises a taken id by this phrase.
        assert!(msg.contains("already exists"), "{case}: {msg}");
    }
    assert_eq!(api.emu.stats().rooms, 1, "no second room was made");
}

#[test]
fn resuming_a_room_that_is_not_suspended_is_400_and_changes_nothing() {
    let api = Api::with_delay(Duration::from_millis(100));
    // Starting (never became active yet) and active rooms.
    let slow = Api::with_delay(FOREVER);
    slow.create_id("starting", "London");
    api.create_id("active", "London");
    api.wait_active("active");
    for (api, room) in [(&slow, "starting"), (&api, "active")] {
        let before = api.info(room);
        let r = api.post(&api.api(&format!("/resume/{room}")), None);
        let msg = r.assert_error(400);
        assert!(declared("ResumeRoom").contains(&r.status));
        assert!(
            msg.contains(room) && msg.contains("not suspended"),
            "{room}: {msg}"
        );
        let after = api.info(room);
        assert_eq!(before, after, "{room}: the refused resume changed the room");
    }
    // Resumed once, then again: the second is refused, one new allocation only.
    assert_eq!(api.post(&api.api("/suspend/active"), None).status, 204);
    assert_eq!(api.post(&api.api("/resume/active"), None).status, 200);
    api.post(&api.api("/resume/active"), None).assert_error(400);
    let allocations = api.info("active")["allocations"].as_array().unwrap().len();
    assert_eq!(allocations, 2, "first allocation + one resume");
    // Destroyed: 404 like every other operation on a destroyed room.
    assert_eq!(api.post(&api.api("/destroy/active"), None).status, 204);
    api.post(&api.api("/resume/active"), None).assert_error(404);
}

#[test]
fn every_error_the_emulator_answers_is_declared() {
    let api = Api::with_delay(FOREVER);
    let room = api.create_id("r1", "London");
    let process = room["processId"].as_str().unwrap().to_string();
    let bad_app = "/rooms/v2/app-nope";
    // (operation, method, path, body, auth, expected status)
    let bearer = api.bearer();
    let wrong = Some("Bearer wrong");
    let auth = Some(bearer.as_str());
    let london = Some(r#"{"region":"London"}"#);
    type Case<'a> = (
        &'a str,
        &'a str,
        String,
        Option<&'a str>,
        Option<&'a str>,
        u16,
    );
    let cases: Vec<Case> = vec![
        ("CreateRoom", "POST", api.api("/create"), london, wrong, 401),
        (
            "CreateRoom",
            "POST",
            format!("{bad_app}/create"),
            london,
            auth,
            404,
        ),
        (
            "CreateRoom",
            "POST",
            api.api("/create"),
            Some("{"),
            auth,
            400,
        ),
        (
            "CreateRoom",
            "POST",
            api.api("/create"),
            Some(r#"{"region":"Atlantis"}"#),
            auth,
            422,
        ),
        (
            "CreateRoom",
            "POST",
            api.api("/create?roomId=a%20b"),
            london,
            auth,
            422,
        ),
        (
            "CreateRoom",
            "POST",
            api.api("/create?roomId=r1"),
            london,
            auth,
            422,
        ),
        ("GetRoomInfo", "GET", api.api("/info/r1"), None, wrong, 401),
        ("GetRoomInfo", "GET", api.api("/info/none"), None, auth, 404),
        (
            "GetActiveRoomsForProcess",
            "GET",
            api.api("/list/nope/active"),
            None,
            auth,
            404,
        ),
        (
            "GetInactiveRoomsForProcess",
            "GET",
            api.api("/list/nope/inactive"),
            None,
            auth,
            404,
        ),
        (
            "GetActiveRoomsForProcess",
            "GET",
            api.api(&format!("/list/{process}/active")),
            None,
            wrong,
            401,
        ),
        (
            "GetConnectionInfo",
            "GET",
            api.api("/connectioninfo/none"),
            None,
            None,
            404,
        ),
        (
            "GetConnectionInfo",
            "GET",
            format!("{bad_app}/connectioninfo/r1"),
            None,
            None,
            404,
        ),
        (
            "UpdateRoomConfig",
            "POST",
            api.api("/update/none"),
            Some(r#"{"roomConfig":"x"}"#),
            auth,
            404,
        ),
        (
            "UpdateRoomConfig",
            "POST",
            api.api("/update/r1"),
            Some(r#"{"roomConfig":"x"}"#),
            wrong,
            401,
        ),
        (
            "UpdateRoomConfig",
            "POST",
            api.api("/update/r1"),
            Some("{"),
            auth,
            422,
        ),
        (
            "UpdateRoomConfig",
            "POST",
            api.api("/update/r1"),
            Some(r#"{"other":1}"#),
            auth,
            422,
        ),
        (
            "DestroyRoom",
            "POST",
            api.api("/destroy/none"),
            None,
            auth,
            404,
        ),
        (
            "SuspendRoomV2Deprecated",
            "POST",
            api.api("/suspend/none"),
            None,
            auth,
            404,
        ),
        (
            "ResumeRoom",
            "POST",
            api.api("/resume/none"),
            None,
            auth,
            404,
        ),
        ("ResumeRoom", "POST", api.api("/resume/r1"), None, auth, 400),
    ];
    let mut undeclared = Vec::new();
    for (op, method, path, body, auth, want) in &cases {
        let r = api.request(method, path, *body, *auth);
        assert_eq!(r.status, *want, "{op} {method} {path}: {}", r.body);
        r.assert_error(*want);
        if !declared(op).contains(&r.status) {
            undeclared.push(format!("{op} {method} {path} -> {}", r.status));
        }
    }
    assert!(
        undeclared.is_empty(),
        "undeclared statuses: {undeclared:#?}"
    );
}
