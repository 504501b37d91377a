//! Bad input, each answered with a clear error and nothing lost: starts that must fail (a
//! malformed config file, an unknown flag, a command that does not exist) leave the state file
//! as it was; a port range that is used up answers 429 until a process ends; room configs with
//! newlines and 10,000 characters reach the game server intact, while a NUL or 10,001
//! characters are refused (by the library before sending, by the server with 422) and change
//! nothing.

use std::collections::BTreeMap;

use crate::abi::{self, conn, room};
use crate::common::{Code, HathoraRegion};
use crate::harness::*;

/// The state file and its SQLite companions (-wal, -shm), byte for byte.
fn state_files(dir: &Workdir) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("rooms.db"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn starts_that_must_fail_exit_2_naming_the_problem_and_leave_the_state_as_it_was() {
    const CASE: &str = "bad starts";
    let dir = Workdir::new("bad-starts");
    let state = dir.path("rooms.db");
    let base = base_args(&dir, &port_range(4, 2));
    let with = |extra: &[&str]| {
        let mut args = base.clone();
        args.extend(["--state", &state].map(String::from));
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let good = with(&["--", &game_server_bin()]);
    let server = Server::start(CASE, &good);
    let cl = abi::client(&server.url, 2);
    abi::create(
        &cl,
        HathoraRegion::Dubai,
        Some("kept"),
        Some("kept's config"),
    )
    .ok();
    abi::wait_active(&cl, "kept", 60_000).ok();
    drop(cl);
    server.stop();
    let before = state_files(&dir);
    assert!(
        before.contains_key("rooms.db"),
        "{CASE}: the state file exists"
    );

    let bad_toml = dir.path("bad.toml");
    std::fs::write(&bad_toml, "[server]\nport = \"eighty\"\n").unwrap();
    let cases: [(&str, Vec<String>, Vec<&str>); 4] = [
        (
            "malformed config file",
            with(&["--config", &bad_toml, "--", &game_server_bin()]),
            vec![&bad_toml, "line 2", "port"],
        ),
        (
            "unknown flag",
            with(&["--bogus-flag", "--", &game_server_bin()]),
            vec!["unknown argument \"--bogus-flag\""],
        ),
        (
            "a command that does not exist",
            with(&["--", "/nonexistent/game_server"]),
            vec!["/nonexistent/game_server"],
        ),
        (
            "a command not in PATH",
            with(&["--", "no-such-game-server-xyz"]),
            vec!["no-such-game-server-xyz", "PATH"],
        ),
    ];
    for (case, args, says) in cases {
        let (code, stdout, stderr) = run_to_end(&args);
        assert_eq!(
            code,
            Some(2),
            "{CASE}: {case}: exit status; stderr {stderr:?}"
        );
        for word in says {
            assert!(
                stderr.contains(word),
                "{CASE}: {case}: stderr lacks {word:?}: {stderr:?}"
            );
        }
        assert!(
            stdout.is_empty(),
            "{CASE}: {case}: printed {stdout:?} (no URL for a server that does not run)"
        );
        assert!(
            !stderr.contains(TOKEN),
            "{CASE}: {case}: the token in stderr"
        );
        assert!(
            state_files(&dir) == before,
            "{CASE}: {case}: the state file changed"
        );
    }

    // The next good start finds everything: the room (destroyed by the clean stop), its id taken.
    let server = Server::start(CASE, &good);
    let cl = abi::client(&server.url, 2);
    let (status, config, _) = room(CASE, &abi::room_info(&cl, "kept").ok());
    assert_eq!(
        (status.as_str(), config.as_deref()),
        ("destroyed", Some("kept's config")),
        "{CASE}: kept"
    );
    assert_eq!(
        abi::create_once(&cl, "kept").status(),
        422,
        "{CASE}: kept's id still taken"
    );
    abi::create(&cl, HathoraRegion::Dubai, Some("next"), None).ok();
    abi::wait_active(&cl, "next", 60_000).ok();
    server.stop();
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn a_used_up_port_range_answers_429_until_a_process_ends() {
    const CASE: &str = "port range used up";
    let dir = Workdir::new("ports");
    let ports = port_range(5, 1);
    let mut args = base_args(&dir, &ports);
    for a in [
        "--rooms-per-process",
        "1",
        "--idle-timeout-ms",
        "500",
        "--",
        &game_server_bin(),
    ] {
        args.push(a.into());
    }
    let server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);
    let one = conn(
        CASE,
        &abi::create(&cl, HathoraRegion::Chicago, Some("one"), Some("1")).ok(),
    );
    let port = conn(CASE, &abi::wait_active(&cl, "one", 60_000).ok())
        .exposed
        .unwrap()
        .1;

    let refused = abi::create_once(&cl, "two");
    assert_eq!(
        (refused.code(), refused.status()),
        (Code::ApiError, 429),
        "{CASE}: CreateRoom two"
    );
    let message = refused.message().unwrap_or_default();
    assert!(
        message.contains("no free port") && message.contains(&ports),
        "{CASE}: the message names the range: {message:?}"
    );
    let unknown = abi::room_info(&cl, "two");
    assert_eq!(unknown.status(), 404, "{CASE}: nothing was created for two");
    let one_process = one.process_id.unwrap();
    assert_answer(
        CASE,
        "one, still served",
        &ask_tcp(CASE, port, "one"),
        "one",
        Some("1"),
        &one_process,
    );

    // Once one's process has ended, the port is free again.
    abi::destroy(&cl, "one").ok();
    let mut two_process = None;
    eventually(
        CASE,
        "CreateRoom two accepted once one's process ended",
        || {
            let r = abi::create_once(&cl, "two");
            match r.status() {
                429 => false,
                201 => {
                    two_process = conn(CASE, &r).process_id;
                    true
                }
                other => panic!("{CASE}: CreateRoom two: {other}: {:?}", r.message()),
            }
        },
    );
    let two = conn(CASE, &abi::wait_active(&cl, "two", 60_000).ok());
    assert_eq!(
        two.exposed.as_ref().map(|e| e.1),
        Some(port),
        "{CASE}: two on the freed port"
    );
    let two_process = two_process.expect("CreateRoom names the process");
    assert_ne!(two_process, one_process, "{CASE}: two on a new process");
    assert_answer(
        CASE,
        "two",
        &ask_tcp(CASE, port, "two"),
        "two",
        None,
        &two_process,
    );
    server.stop();
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn room_configs_arrive_intact_and_bad_ones_are_refused_without_a_trace() {
    const CASE: &str = "room configs";
    let dir = Workdir::new("configs");
    let mut args = base_args(&dir, &port_range(6, 4));
    for a in ["--rooms-per-process", "1", "--", &game_server_bin()] {
        args.push(a.into());
    }
    let server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);

    let newlines = "first line\nsecond line\r\n\ttab \"quotes\" back\\slash é 東 🎮\n";
    let big: String = "é\n\"東🎮{x}\\".chars().cycle().take(10_000).collect();
    for (id, config) in [("newlines", newlines), ("ten-thousand", big.as_str())] {
        let created = conn(
            CASE,
            &abi::create(&cl, HathoraRegion::Sydney, Some(id), Some(config)).ok(),
        );
        let process = created.process_id.unwrap();
        let port = conn(CASE, &abi::wait_active(&cl, id, 60_000).ok())
            .exposed
            .unwrap()
            .1;
        assert_answer(
            CASE,
            &format!("{id} over TCP"),
            &ask_tcp(CASE, port, id),
            id,
            Some(config),
            &process,
        );
        assert_answer(
            CASE,
            &format!("{id} over UDP"),
            &ask_udp(CASE, port, id),
            id,
            Some(config),
            &process,
        );
        let env = environ(server.game_server_pid(&process));
        assert!(
            env.get("HATHORA_INITIAL_ROOM_CONFIG").map(String::as_str) == Some(config),
            "{CASE}: {id}: HATHORA_INITIAL_ROOM_CONFIG is not the config"
        );
        assert_eq!(
            room(CASE, &abi::room_info(&cl, id).ok()).1.as_deref(),
            Some(config),
            "{CASE}: {id}: GetRoomInfo"
        );
    }
    let spawned = server.metric("hathora_process_spawns_total");
    assert_eq!(spawned, 2.0, "{CASE}: processes of the two rooms");

    // 10,001 characters: the library refuses before sending.
    let too_long: String = big.chars().chain(['x']).collect();
    let refused = abi::create(
        &cl,
        HathoraRegion::Sydney,
        Some("too-long"),
        Some(&too_long),
    );
    assert_eq!(
        (refused.code(), refused.status()),
        (Code::InvalidArgument, 0),
        "{CASE}: 10,001 characters through the C ABI"
    );
    assert!(
        refused.message().is_some_and(|m| m.contains("10000")),
        "{CASE}: 10,001 characters: {:?}",
        refused.message()
    );

    // The server refuses what the library would not send (another client might): 10,001
    // characters and a NUL (which no C string can hold), with 422 and a message.
    let create = |id: &str, config: &str| {
        let body = serde_json::json!({"region": "Sydney", "roomConfig": config}).to_string();
        server.http(
            "POST",
            &format!("/rooms/v2/{APP}/create?roomId={id}"),
            Some(&body),
        )
    };
    let (status, body) = create("too-long", &too_long);
    assert_eq!(status, 422, "{CASE}: 10,001 characters over HTTP: {body}");
    assert!(
        body.contains("10001 characters long, at most 10000"),
        "{CASE}: 10,001 characters: {body}"
    );
    let (status, body) = create("nul", "before\0after");
    assert_eq!(status, 422, "{CASE}: NUL over HTTP: {body}");
    assert!(body.contains("NUL"), "{CASE}: NUL: {body}");
    let (status, body) = server.http(
        "POST",
        &format!("/rooms/v2/{APP}/update/newlines"),
        Some(r#"{"roomConfig":"x\u0000y"}"#),
    );
    assert_eq!(status, 422, "{CASE}: UpdateRoomConfig with a NUL: {body}");

    // Nothing of them is left: no process, no room, the ids free, the config unchanged.
    assert_eq!(
        server.metric("hathora_process_spawns_total"),
        spawned,
        "{CASE}: a refused room started a process"
    );
    assert_eq!(
        room(CASE, &abi::room_info(&cl, "newlines").ok())
            .1
            .as_deref(),
        Some(newlines),
        "{CASE}: config after a refused update"
    );
    for id in ["too-long", "nul"] {
        assert_eq!(
            abi::room_info(&cl, id).status(),
            404,
            "{CASE}: {id} unknown"
        );
        abi::create(&cl, HathoraRegion::Sydney, Some(id), Some("fine")).ok();
    }
    server.stop();
}
