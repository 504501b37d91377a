//! Decoding untrusted responses, as property tests: arbitrary JSON, mutated valid bodies and
//! raw bytes fed through every `hathora_rooms::model` payload type never panic; a decoded
//! payload also goes through the C result views (`HathoraResult`) without panicking, every field
//! read back as decoded. Valid shapes with enum strings this version does not know decode,
//! keeping the raw string; deeply nested JSON is an error, not a stack overflow.
//!
//! Why not cargo-fuzz: it needs a nightly toolchain (`-Z sanitizer`). These proptest targets
//! cover the same surface on stable, with a fixed seed so that every run is the same (change
//! `PROPTEST_SEED` in tests/common to explore further). String inputs are in input_rules.rs.

mod common;
use common::*;
use hathora_rooms::model::{
    ApiErrorBody, ConnectionInfo, ExposedPort, Region, Room, RoomAllocation, RoomReadyStatus,
    RoomStatus, TransportType,
};
use hathora_rooms::{Outcome, Payload, ResultCode};
use proptest::prelude::*;

use serde_json::{Value, json};

/// Field names of every payload, so generated objects often have the right keys.
const KEYS: &[&str] = &[
    "roomId",
    "processId",
    "status",
    "exposedPort",
    "additionalExposedPorts",
    "transportType",
    "port",
    "host",
    "name",
    "appId",
    "roomConfig",
    "currentAllocation",
    "allocations",
    "roomAllocationId",
    "scheduledAt",
    "unscheduledAt",
    "message",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => any::<String>()]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(
            &[
                "starting",
                "active",
                "destroyed",
                "suspended",
                "scheduling",
                "udp",
                "tcp",
                "tls",
                ""
            ][..]
        )
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..10)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Valid bodies of every payload kind, as the API (and the emulator) sends them.
fn valid_bodies() -> Vec<String> {
    let port = json!({"transportType": "udp", "port": 7777, "host": "1.proxy.hathora.dev", "name": "default"});
    let alloc = json!({"roomAllocationId": "a1", "processId": "p1", "scheduledAt": "2026-01-01T00:00:00.000Z", "unscheduledAt": null});
    let room = json!({"appId": "app", "roomId": "r1", "status": "active", "roomConfig": "{\"a\":1}", "currentAllocation": alloc, "allocations": [alloc]});
    vec![
        json!({"roomId": "r1", "processId": "p1", "status": "starting", "additionalExposedPorts": []}),
        json!({"roomId": "r1", "status": "active", "exposedPort": port, "additionalExposedPorts": [port, port]}),
        room.clone(),
        json!([room, {"appId": "app", "roomId": "r2", "status": "destroyed", "currentAllocation": null}]),
        json!({"message": "Room r1 not found"}),
        port,
        alloc,
    ]
    .into_iter()
    .map(|v| v.to_string())
    .collect()
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![any::<u8>(), prop::sample::select(&b"{}[]\":,\\0e-"[..])],
                1..8
            )
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..32).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(body: &mut Vec<u8>, m: &Mutation) {
    let len = body.len().max(1);
    match m {
        Mutation::Flip(i, b) if !body.is_empty() => body[i % len] ^= b | 1,
        Mutation::Delete(i, n) if !body.is_empty() => {
            let at = i % len;
            body.drain(at..(at + n).min(body.len()));
        }
        Mutation::Insert(i, bytes) => {
            let at = i % (body.len() + 1);
            body.splice(at..at, bytes.iter().copied());
        }
        Mutation::Truncate(i) => body.truncate(i % len),
        Mutation::Duplicate(i, n) if !body.is_empty() => {
            let at = i % len;
            let chunk: Vec<u8> = body[at..(at + n).min(body.len())].to_vec();
            body.splice(at..at, chunk);
        }
        _ => {}
    }
}

/// Reads every field of a connection view back through the C accessors.
fn check_connection_view(c: &ConnectionInfo, body: &str) {
    let res = Res(Box::into_raw(
        hathora_rooms::ffi::result::HathoraResult::new(
            7,
            Outcome {
                code: ResultCode::Ok,
                http_status: 200,
                message: None,
                body: body.as_bytes().to_vec(),
                payload: Payload::Connection(Box::new(c.clone())),
                attempts: 1,
            },
        ),
    ));
    assert_eq!(res.request_id(), 7);
    // The body is kept byte for byte (NUL bytes included), read with its length.
    let raw = unsafe {
        std::slice::from_raw_parts(
            hathora_result_body(res.0).cast::<u8>(),
            hathora_result_body_len(res.0),
        )
    };
    assert_eq!(raw, body.as_bytes());
    let v = res.conn().expect("connection view");
    assert_eq!(s(v.room_id).unwrap(), c.room_id.replace('\0', "\u{FFFD}"));
    assert_eq!(
        s(v.process_id),
        c.process_id.as_ref().map(|p| p.replace('\0', "\u{FFFD}"))
    );
    assert_eq!(
        s(v.status_raw).unwrap(),
        c.status.as_str().replace('\0', "\u{FFFD}")
    );
    assert_eq!(v.status, HathoraRoomReadyStatus::of(&c.status));
    assert_eq!(v.exposed_port.is_null(), c.exposed_port.is_none());
    assert_eq!(
        v.additional_exposed_ports_count,
        c.additional_exposed_ports.len()
    );
    let ports = c.exposed_port.iter().map(|p| (p, v.exposed_port)).chain(
        c.additional_exposed_ports
            .iter()
            .enumerate()
            .map(|(i, p)| (p, unsafe { v.additional_exposed_ports.add(i) })),
    );
    for (p, cp) in ports {
        let cp = unsafe { &*cp };
        assert_eq!(cp.port, p.port, "port {p:?}");
        assert_eq!(
            cp.transport_type,
            HathoraTransportType::of(&p.transport_type),
            "port {p:?}"
        );
        assert_eq!(
            s(cp.transport_type_raw).unwrap(),
            p.transport_type.as_str().replace('\0', "\u{FFFD}"),
            "port {p:?}"
        );
        assert_eq!(
            s(cp.host).unwrap(),
            p.host.replace('\0', "\u{FFFD}"),
            "port {p:?}"
        );
        assert_eq!(
            s(cp.name).unwrap(),
            p.name.replace('\0', "\u{FFFD}"),
            "port {p:?}"
        );
    }
}

fn check_room_view(r: &hathora_rooms::ffi::view::HathoraRoom, room: &Room) {
    assert_eq!(
        s(r.room_id).unwrap(),
        room.room_id.replace('\0', "\u{FFFD}")
    );
    assert_eq!(s(r.app_id).unwrap(), room.app_id.replace('\0', "\u{FFFD}"));
    assert_eq!(
        s(r.status_raw).unwrap(),
        room.status.as_str().replace('\0', "\u{FFFD}")
    );
    assert_eq!(r.status, HathoraRoomStatus::of(&room.status));
    assert_eq!(
        s(r.room_config),
        room.room_config
            .as_ref()
            .map(|c| c.replace('\0', "\u{FFFD}"))
    );
    assert_eq!(
        r.current_allocation.is_null(),
        room.current_allocation.is_none()
    );
    assert_eq!(r.allocations_count, room.allocations.len());
    for (i, a) in room.allocations.iter().enumerate() {
        let ca = unsafe { &*r.allocations.add(i) };
        assert_eq!(
            s(ca.room_allocation_id).unwrap(),
            a.room_allocation_id.replace('\0', "\u{FFFD}"),
            "allocation {i}"
        );
        assert_eq!(
            s(ca.unscheduled_at),
            a.unscheduled_at
                .as_ref()
                .map(|u| u.replace('\0', "\u{FFFD}")),
            "allocation {i}"
        );
    }
}

fn check_rooms_view(rooms: Vec<Room>, body: &str) {
    let single = rooms.first().cloned();
    let res = Res(Box::into_raw(
        hathora_rooms::ffi::result::HathoraResult::new(
            0,
            Outcome {
                code: ResultCode::Ok,
                http_status: 200,
                message: None,
                body: body.as_bytes().to_vec(),
                payload: Payload::Rooms(rooms.clone()),
                attempts: 1,
            },
        ),
    ));
    let list = res.rooms().expect("room list view");
    assert_eq!(list.len(), rooms.len());
    for (v, r) in list.iter().zip(&rooms) {
        check_room_view(v, r);
    }
    if let Some(room) = single {
        let res = Res(Box::into_raw(
            hathora_rooms::ffi::result::HathoraResult::new(
                0,
                Outcome {
                    code: ResultCode::Ok,
                    http_status: 200,
                    message: None,
                    body: body.as_bytes().to_vec(),
                    payload: Payload::Room(Box::new(room.clone())),
                    attempts: 1,
                },
            ),
        ));
        check_room_view(res.room().expect("room view"), &room);
    }
}

/// Decodes `body` as every payload kind; nothing may panic, and what decodes builds a C view.
fn decode_everything(body: &[u8]) {
    let text = String::from_utf8_lossy(body).into_owned();
    let _ = serde_json::from_slice::<ApiErrorBody>(body);
    let _ = serde_json::from_slice::<ExposedPort>(body);
    let _ = serde_json::from_slice::<RoomAllocation>(body);
    for raw in [
        serde_json::from_slice::<RoomStatus>(body)
            .ok()
            .map(|v| v.as_str().to_owned()),
        serde_json::from_slice::<RoomReadyStatus>(body)
            .ok()
            .map(|v| v.as_str().to_owned()),
        serde_json::from_slice::<TransportType>(body)
            .ok()
            .map(|v| v.as_str().to_owned()),
        serde_json::from_slice::<Region>(body)
            .ok()
            .map(|v| v.as_str().to_owned()),
    ]
    .into_iter()
    .flatten()
    {
        // An enum decodes only from a JSON string, and keeps it.
        assert_eq!(
            serde_json::from_slice::<String>(body).unwrap(),
            raw,
            "enum value {raw:?}"
        );
    }
    if let Ok(c) = serde_json::from_slice::<ConnectionInfo>(body) {
        check_connection_view(&c, &text);
    }
    if let Ok(r) = serde_json::from_slice::<Room>(body) {
        check_rooms_view(vec![r], &text);
    }
    if let Ok(rs) = serde_json::from_slice::<Vec<Room>>(body) {
        check_rooms_view(rs, &text);
    }
}

proptest! {
    #![proptest_config(proptest_config(1024))]

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        decode_everything(v.to_string().as_bytes());
        // Wrapped the way list and single payloads nest.
        decode_everything(Value::Array(vec![v.clone(), v]).to_string().as_bytes());
    }

    #[test]
    fn mutated_valid_bodies_never_panic(which in 0usize..7, muts in prop::collection::vec(mutation(), 1..6)) {
        let mut body = valid_bodies()[which].clone().into_bytes();
        for m in &muts {
            apply(&mut body, m);
        }
        decode_everything(&body);
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&body);
    }
}

/// Any JSON string, including empty, control characters, NUL and non-ASCII.
fn wire_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_]{0,12}",
        Just(String::new()),
        Just("active\0".to_owned()),
        Just("ACTIVE".to_owned())
    ]
}

proptest! {
    #![proptest_config(proptest_config(512))]

    #[test]
    fn unknown_enum_strings_keep_the_raw_string(status in wire_string(), transport in wire_string(), room_status in wire_string()) {
        let port = json!({"transportType": transport, "port": 1, "host": "h", "name": "n"});
        let body = json!({"roomId": "r", "status": status, "exposedPort": port, "additionalExposedPorts": [port]}).to_string();
        let c: ConnectionInfo = serde_json::from_str(&body).expect("a valid shape decodes whatever its enum strings");
        prop_assert_eq!(c.status.as_str(), status.as_str());
        prop_assert_eq!(matches!(c.status, RoomReadyStatus::Unknown(_)), !["starting", "active"].contains(&status.as_str()));
        let p = c.exposed_port.as_ref().unwrap();
        prop_assert_eq!(p.transport_type.as_str(), transport.as_str());
        prop_assert_eq!(matches!(p.transport_type, TransportType::Unknown(_)), !["tcp", "udp", "tls"].contains(&transport.as_str()));
        // Re-encoding keeps the raw strings (what the library puts in a resolved CreateRoom body).
        let again: ConnectionInfo = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        prop_assert_eq!(&again, &c);
        check_connection_view(&c, &body);

        let room_body = json!([{"appId": "a", "roomId": "r", "status": room_status, "currentAllocation": null}]).to_string();
        let rooms: Vec<Room> = serde_json::from_str(&room_body).expect("a valid room list decodes");
        prop_assert_eq!(rooms[0].status.as_str(), room_status.as_str());
        prop_assert_eq!(
            matches!(rooms[0].status, RoomStatus::Unknown(_)),
            !["scheduling", "active", "suspended", "destroyed"].contains(&room_status.as_str())
        );
        check_rooms_view(rooms, &room_body);

        let region: Region = serde_json::from_value(Value::String(status.clone())).unwrap();
        prop_assert_eq!(region.as_str(), status.as_str());
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    for depth in [200, 10_000, 100_000] {
        let body = format!("{{\"roomId\":{}1{}}}", "[".repeat(depth), "]".repeat(depth));
        decode_everything(body.as_bytes());
        let list = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        decode_everything(list.as_bytes());
    }
}
