//! String inputs through the C functions, as property tests: arbitrary byte strings as room
//! ids, room configs, region names and process ids never panic and give INVALID_ARGUMENT
//! exactly when the documented rules say so (roomId 1–100 of [a-zA-Z0-9_-], roomConfig ≤ 10,000
//! characters, UTF-8 everywhere); accepted values reach the emulator and round-trip. The rules
//! are written here independently of the library's own checks; a fixed seed makes every run
//! the same.

mod common;
use common::*;
use hathora_rooms::model::Region;
use proptest::prelude::*;
use std::ffi::CString;
use std::ptr::null;
use std::sync::LazyLock;

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
    #![proptest_config(proptest_config(256))]

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
    let mut runner = proptest::test_runner::TestRunner::new(proptest_config(256));
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
