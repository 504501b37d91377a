//! Issue 6, property tests of everything that parses untrusted input.
//!
//! Why not cargo-fuzz: it needs a nightly toolchain (`-Z sanitizer`), and only stable Rust is
//! available here. These proptest targets cover the same two surfaces on stable, with a fixed
//! seed so that every run is the same (change `SEED` to explore further):
//! 1. Response decoding: arbitrary JSON, mutated valid bodies and raw bytes fed through every
//!    `hathora_rooms::model` payload type never panic; a decoded payload also goes through the
//!    C result views (`HathoraResult`) without panicking. Valid shapes with enum strings this
//!    version does not know decode, keeping the raw string.
//! 2. String inputs: arbitrary byte strings as room ids, room configs, region names and process
//!    ids through the C functions never panic and give INVALID_ARGUMENT exactly when the
//!    documented rules say so (roomId 1–100 of [a-zA-Z0-9_-], roomConfig ≤ 10,000 characters,
//!    UTF-8 everywhere); accepted values reach the emulator and round-trip.

mod common;
use common::*;
use hathora_rooms::model::{
    ApiErrorBody, ConnectionInfo, ExposedPort, Region, Room, RoomAllocation, RoomReadyStatus,
    RoomStatus, TransportType,
};
use hathora_rooms::{Outcome, Payload, ResultCode};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use serde_json::{Value, json};
use std::ffi::CString;
use std::ptr::null;
use std::sync::LazyLock;

const SEED: u64 = 0x4A7_4084;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Shrunk failures are printed; no regression files are written into the repository.
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(SEED),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Response decoding
// ---------------------------------------------------------------------------------------------

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
        assert_eq!(cp.port, p.port);
        assert_eq!(
            cp.transport_type,
            HathoraTransportType::of(&p.transport_type)
        );
        assert_eq!(
            s(cp.transport_type_raw).unwrap(),
            p.transport_type.as_str().replace('\0', "\u{FFFD}")
        );
        assert_eq!(s(cp.host).unwrap(), p.host.replace('\0', "\u{FFFD}"));
        assert_eq!(s(cp.name).unwrap(), p.name.replace('\0', "\u{FFFD}"));
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
            a.room_allocation_id.replace('\0', "\u{FFFD}")
        );
        assert_eq!(
            s(ca.unscheduled_at),
            a.unscheduled_at
                .as_ref()
                .map(|u| u.replace('\0', "\u{FFFD}"))
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
        assert_eq!(serde_json::from_slice::<String>(body).unwrap(), raw);
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
    #![proptest_config(config(1024))]

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
    #![proptest_config(config(512))]

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

// ---------------------------------------------------------------------------------------------
// 2. String inputs through the C functions
// ---------------------------------------------------------------------------------------------

/// One emulator and one client for all string cases (retries off: one request per call).
struct Target {
    emu: Emulator,
    cl: CClient,
    room: CString,
}

static TARGET: LazyLock<Target> = LazyLock::new(|| {
    let emu = emulator();
    let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
        assert_eq!(set_retry(cfg, 0, 10, 10), Code::Ok);
    });
    let (room, _) = create_room(&cl, None);
    Target {
        emu,
        cl,
        room: c(&room),
    }
});

// The documented rules, written independently of the library's `validate` module.
fn room_id_ok(b: &[u8]) -> bool {
    (1..=100).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
}
fn room_config_ok(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok_and(|s| s.chars().count() <= 10_000)
}
fn region_name_ok(b: &[u8]) -> bool {
    (1..=64).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}
fn process_id_ok(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok_and(|s| {
        (1..=256).contains(&s.len())
            && !s.chars().any(|c| c.is_control() || c.is_whitespace())
            && s != "."
            && s != ".."
    })
}

/// Bytes for a C string (NUL ends a C string, so it cannot be inside).
fn no_nul(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        any::<u8>().prop_map(|b| if b == 0 { b'0' } else { b }),
        0..max,
    )
}

fn chars_no_nul(range: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        any::<char>().prop_map(|c| if c == '\0' { '\u{1}' } else { c }),
        range,
    )
    .prop_map(|v| v.into_iter().collect::<String>().into_bytes())
}

fn room_id_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => "[a-zA-Z0-9_-]{0,110}".prop_map(String::into_bytes),
        1 => "[a-zA-Z0-9_ /%?#.\u{e9}-]{1,40}".prop_map(String::into_bytes),
        1 => no_nul(130),
        1 => chars_no_nul(0..30),
    ]
}

fn cstr(b: &[u8]) -> CString {
    CString::new(b.to_vec()).expect("no NUL inside")
}

/// The C call's result checked against the rule: refused with a message naming `arg`, or sent.
fn check(
    label: &str,
    arg: &str,
    valid: bool,
    r: &Res,
    sent_before: u64,
) -> Result<(), TestCaseError> {
    let sent = TARGET.emu.stats().requests - sent_before;
    if valid {
        prop_assert_ne!(
            r.code(),
            Code::InvalidArgument,
            "{}: refused a valid value: {:?}",
            label,
            r.message()
        );
        prop_assert_eq!(r.attempts(), 1, "{}", label);
        prop_assert!(sent >= 1, "{}: nothing reached the server", label);
    } else {
        prop_assert_eq!(
            r.code(),
            Code::InvalidArgument,
            "{}: accepted an invalid value (HTTP {})",
            label,
            r.status()
        );
        let m = r.message().unwrap_or_default();
        prop_assert!(
            m.contains(arg),
            "{}: message {:?} does not name {}",
            label,
            m,
            arg
        );
        prop_assert_eq!(r.attempts(), 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn room_ids_through_the_c_functions(id in room_id_input()) {
        let t = &*TARGET;
        let valid = room_id_ok(&id);
        let cid = cstr(&id);
        let before = t.emu.stats().requests;
        let r = blocking(|out| unsafe { hathora_get_connection_info(t.cl.0, cid.as_ptr(), null(), out) });
        check("GetConnectionInfo", "room_id", valid, &r, before)?;
        if valid {
            // Unknown room: the server's 404, not a refusal.
            prop_assert!(matches!(r.code(), Code::ApiError | Code::Ok), "{:?}", r.message());
        }
        // CreateRoom with the id: created (or taken by an earlier case), and findable by it.
        let before = t.emu.stats().requests;
        let r = blocking(|out| unsafe {
            hathora_create_room(t.cl.0, &HathoraCreateRoomParams { region: HathoraRegion::Tokyo as u32, room_id: cid.as_ptr(), ..hathora_create_room_params_init() }, null(), out)
        });
        check("CreateRoom", "room_id", valid, &r, before)?;
        if valid {
            prop_assert!(r.code() == Code::Ok || r.status() == 422, "{:?} {:?}", r.code(), r.message());
            if r.code() == Code::Ok {
                prop_assert_eq!(s(r.conn().unwrap().room_id).unwrap().into_bytes(), id.clone());
            }
            let info = blocking(|out| unsafe { hathora_get_room_info(t.cl.0, cid.as_ptr(), null(), out) });
            prop_assert_eq!(info.code(), Code::Ok, "{:?}", info.message());
            prop_assert_eq!(s(info.room().unwrap().room_id).unwrap().into_bytes(), id);
        }
    }

    #[test]
    fn room_configs_through_the_c_functions(
        cfg in prop_oneof![
            2 => chars_no_nul(0..200),
            1 => no_nul(300),
            2 => chars_no_nul(9_990..10_011),
            1 => (9_995usize..10_006).prop_map(|n| vec![b'x'; n]),
        ]
    ) {
        let t = &*TARGET;
        let valid = room_config_ok(&cfg);
        let ccfg = cstr(&cfg);
        let before = t.emu.stats().requests;
        let r = blocking(|out| unsafe { hathora_update_room_config(t.cl.0, t.room.as_ptr(), ccfg.as_ptr(), null(), out) });
        check("UpdateRoomConfig", "room_config", valid, &r, before)?;
        if valid {
            prop_assert_eq!(r.code(), Code::Ok, "{:?}", r.message());
            // The config round-trips exactly, whatever characters it holds.
            let info = blocking(|out| unsafe { hathora_get_room_info(t.cl.0, t.room.as_ptr(), null(), out) }).ok();
            let got = s(info.room().unwrap().room_config).unwrap();
            prop_assert_eq!(got.as_bytes(), &cfg[..]);
        }
        // The same rule holds for CreateRoom's room_config.
        let before = t.emu.stats().requests;
        let r = blocking(|out| unsafe {
            hathora_create_room(t.cl.0, &HathoraCreateRoomParams { region: HathoraRegion::Dubai as u32, room_config: ccfg.as_ptr(), ..hathora_create_room_params_init() }, null(), out)
        });
        check("CreateRoom", "room_config", valid, &r, before)?;
    }

    #[test]
    fn region_names_through_the_c_functions(
        name in prop_oneof![
            2 => "[A-Za-z][A-Za-z0-9_]{0,70}".prop_map(String::into_bytes),
            1 => prop::sample::select(&["Sao_Paulo", "Tokyo", "Los_Angeles", "Washington_DC", "sao_paulo", "Mars"][..]).prop_map(|s| s.as_bytes().to_vec()),
            1 => no_nul(80),
            1 => chars_no_nul(0..20),
        ]
    ) {
        let t = &*TARGET;
        let valid = region_name_ok(&name);
        let cname = cstr(&name);
        let before = t.emu.stats().requests;
        // region 999 is ignored when a name is given.
        let r = blocking(|out| unsafe {
            hathora_create_room(t.cl.0, &HathoraCreateRoomParams { region: 999, region_name: cname.as_ptr(), ..hathora_create_room_params_init() }, null(), out)
        });
        check("CreateRoom", "region", valid, &r, before)?;
        if valid {
            let known = !matches!(Region::parse(std::str::from_utf8(&name).unwrap()), Region::Unknown(_));
            // Known regions are created; well-formed unknown ones are the server's 422.
            prop_assert_eq!(r.code() == Code::Ok, known, "{:?} HTTP {} {:?}", r.code(), r.status(), r.message());
        }
    }

    #[test]
    fn process_ids_through_the_c_functions(pid in prop_oneof![
        2 => "[a-zA-Z0-9_ /%?#.-]{0,40}".prop_map(String::into_bytes),
        1 => no_nul(300),
        1 => chars_no_nul(0..40),
    ]) {
        let t = &*TARGET;
        let valid = process_id_ok(&pid);
        let cpid = cstr(&pid);
        for (label, active) in [("GetActiveRoomsForProcess", true), ("GetInactiveRoomsForProcess", false)] {
            let before = t.emu.stats().requests;
            let r = blocking(|out| unsafe {
                if active {
                    hathora_get_active_rooms_for_process(t.cl.0, cpid.as_ptr(), null(), out)
                } else {
                    hathora_get_inactive_rooms_for_process(t.cl.0, cpid.as_ptr(), null(), out)
                }
            });
            check(label, "process_id", valid, &r, before)?;
            if valid {
                // An unknown process: the server's 404 (the id is percent-encoded into the path).
                prop_assert_eq!((r.code(), r.status()), (Code::ApiError, 404), "{:?}", r.message());
            }
        }
    }

    #[test]
    fn async_string_arguments_follow_the_same_rules(id in room_id_input()) {
        let t = &*TARGET;
        let valid = room_id_ok(&id);
        let cid = cstr(&id);
        let col = Collector::new();
        let mut rid = 0;
        let code = unsafe { hathora_get_room_info_async(t.cl.0, cid.as_ptr(), null(), Some(collect), col.user_data(), &mut rid) };
        if valid {
            prop_assert_eq!(code, Code::Ok);
            let r = col.one(&t.cl, rid);
            prop_assert_ne!(r.code(), Code::InvalidArgument);
        } else {
            prop_assert_eq!(code, Code::InvalidArgument);
            prop_assert!(last_error().contains("room_id"), "{}", last_error());
            std::thread::sleep(std::time::Duration::from_millis(1));
            prop_assert_eq!(col.count(), 0, "a refused call never calls back");
        }
    }
}

#[test]
fn string_rules_agree_at_the_boundaries() {
    // Spot checks of the oracle itself, so a wrong oracle cannot make the properties vacuous.
    assert!(room_id_ok(&[b'a'; 100]) && !room_id_ok(&[b'a'; 101]) && !room_id_ok(b""));
    assert!(!room_id_ok("\u{e9}".as_bytes()) && !room_id_ok(b"a b"));
    assert!(room_config_ok("\u{e9}".repeat(10_000).as_bytes()) && !room_config_ok(&[b'x'; 10_001]));
    assert!(!room_config_ok(b"\xff"));
    assert!(region_name_ok(b"Sao_Paulo") && !region_name_ok(b"1x") && !region_name_ok(&[b'A'; 65]));
    assert!(process_id_ok(b"p-1") && !process_id_ok(b"a b") && !process_id_ok(&[b'p'; 257]));
}

/// Samples `strategy` and counts the values `rule` accepts.
fn split<S: Strategy<Value = Vec<u8>>>(strategy: S, rule: fn(&[u8]) -> bool) -> (usize, usize) {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::new(config(256));
    let valid = (0..256)
        .filter(|_| rule(&strategy.new_tree(&mut runner).unwrap().current()))
        .count();
    (valid, 256 - valid)
}

#[test]
fn strategies_cover_both_sides_of_each_rule() {
    // Each generator must produce plenty of accepted and of refused values, or its property
    // would only ever test one branch.
    let configs = prop_oneof![
        2 => chars_no_nul(0..200),
        1 => no_nul(300),
        2 => chars_no_nul(9_990..10_011),
        1 => (9_995usize..10_006).prop_map(|n| vec![b'x'; n]),
    ];
    for (what, (ok, bad)) in [
        ("room ids", split(room_id_input(), room_id_ok)),
        ("room configs", split(configs, room_config_ok)),
        (
            "region names",
            split(
                prop_oneof![2 => "[A-Za-z][A-Za-z0-9_]{0,70}".prop_map(String::into_bytes), 1 => no_nul(80)],
                region_name_ok,
            ),
        ),
        (
            "process ids",
            split(
                prop_oneof![2 => "[a-zA-Z0-9_ /%?#.-]{0,40}".prop_map(String::into_bytes), 1 => no_nul(300)],
                process_id_ok,
            ),
        ),
    ] {
        println!("{what}: {ok} accepted, {bad} refused of 256");
        assert!(
            ok >= 25 && bad >= 25,
            "{what}: {ok} accepted, {bad} refused"
        );
    }
}
