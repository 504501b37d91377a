//! Process tokens end to end, through the C ABI: each game server gets `HATHORA_PROCESS_TOKEN`
//! and no dev token; a client configured from a real game server's context (its environment
//! read from /proc, handed to `hathora_config_apply_server_context`) lists its own process's
//! rooms, gets 404 for a room of another process, 401 for another process's list and for
//! CreateRoom, and 401 once its process has ended. No token shows in the server's log or the
//! game servers' logs.

use crate::abi::{self, conn, listed};
use crate::common::{Code, HathoraRegion, Res, server_context};
use crate::harness::*;

const CASE: &str = "process tokens";

#[track_caller]
fn assert_refused(r: &Res, status: u16, what: &str) {
    assert_eq!(
        (r.code(), r.status()),
        (Code::ApiError, status),
        "{CASE}: {what}: {r:?}"
    );
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn a_client_from_a_game_servers_context_reaches_its_own_rooms_only_while_it_runs() {
    let dir = Workdir::new("process-tokens");
    let mut args = base_args(&dir, &port_range(7, 4));
    for a in [
        "--rooms-per-process",
        "2",
        "--idle-timeout-ms",
        "1000",
        "--",
    ] {
        args.push(a.into());
    }
    args.push(game_server_bin());
    let server = Server::start(CASE, &args);
    let admin = abi::client(&server.url, 2);

    // Process A holds "mine-1" and "mine-2"; "theirs" fills process B.
    let process_of = |room: &str| {
        let created = abi::create(&admin, HathoraRegion::Frankfurt, Some(room), None).ok();
        abi::wait_active(&admin, room, 60_000).ok();
        conn(CASE, &created)
            .process_id
            .expect("CreateRoom names the process")
    };
    let (a, a2, b) = (
        process_of("mine-1"),
        process_of("mine-2"),
        process_of("theirs"),
    );
    assert_eq!(a, a2, "{CASE}: two rooms per process");
    assert_ne!(a, b, "{CASE}: the third room on a second process");

    // What the host gave each game server: its own token, no dev token.
    let (pid_a, pid_b) = (server.game_server_pid(&a), server.game_server_pid(&b));
    let (env_a, env_b) = (environ(pid_a), environ(pid_b));
    let mut tokens = Vec::new();
    for (process, env) in [(&a, &env_a), (&b, &env_b)] {
        assert_eq!(
            env.get("HATHORA_DEV_TOKEN"),
            None,
            "{CASE}: no dev token reaches the game server of {process}"
        );
        let token = env
            .get("HATHORA_PROCESS_TOKEN")
            .cloned()
            .unwrap_or_default();
        assert!(
            token.starts_with(&format!("hpt1.{process}.")),
            "{CASE}: HATHORA_PROCESS_TOKEN of {process}"
        );
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "{CASE}: a token per process");

    // A client configured from A's context, as the game server's own environment gives it.
    let var = |name: &str| env_a.get(name).cloned().unwrap_or_default();
    let (ctx, _strings) = server_context(
        &var("HATHORA_PROCESS_ID"),
        &var("HATHORA_APP_ID"),
        Some(&var("HATHORA_BASE_URL")),
        Some(&var("HATHORA_PROCESS_TOKEN")),
    );
    let game = abi::client_of_context(&ctx);

    let mut mine = listed(CASE, &abi::rooms_of_this_process(&game).ok());
    mine.sort();
    assert_eq!(
        mine,
        [
            ("mine-1".into(), "active".into()),
            ("mine-2".into(), "active".into())
        ],
        "{CASE}: the rooms of its own process"
    );
    abi::room_info(&game, "mine-1").ok();
    abi::update_config(&game, "mine-2", "set by the game server").ok();
    assert_refused(
        &abi::room_info(&game, "theirs"),
        404,
        "GetRoomInfo of another process's room",
    );
    assert_refused(
        &abi::destroy(&game, "theirs"),
        404,
        "DestroyRoom of another process's room",
    );
    assert_refused(
        &abi::active_rooms(&game, &b),
        401,
        "GetActiveRoomsForProcess of another process",
    );
    assert_refused(
        &abi::create(
            &game,
            HathoraRegion::Frankfurt,
            Some("by-a-game-server"),
            None,
        ),
        401,
        "CreateRoom",
    );
    // Nothing the refused calls asked for happened.
    let (status, config, _) = abi::room(CASE, &abi::room_info(&admin, "theirs").ok());
    assert_eq!(
        (status.as_str(), config),
        ("active", None),
        "{CASE}: the other process's room, untouched"
    );
    assert_refused(
        &abi::room_info(&admin, "by-a-game-server"),
        404,
        "no room created",
    );

    // A's rooms gone, A stops when idle: its token stops working.
    abi::destroy(&admin, "mine-1").ok();
    abi::destroy(&admin, "mine-2").ok();
    server.wait_for_log(&format!("process {a} of app {APP} was stopped: idle"));
    eventually(CASE, "the game server of A reaped", || {
        state_of(pid_a).is_none()
    });
    assert_refused(
        &abi::rooms_of_this_process(&game),
        401,
        "its own list after its process ended",
    );
    assert_refused(
        &abi::room_info(&game, "mine-1"),
        401,
        "its own room after its process ended",
    );
    // B's token still works for B.
    let b_rooms = server_context(&b, APP, Some(&server.url), Some(&tokens[1]));
    let theirs = listed(
        CASE,
        &abi::rooms_of_this_process(&abi::client_of_context(&b_rooms.0)).ok(),
    );
    assert_eq!(
        theirs,
        [("theirs".into(), "active".into())],
        "{CASE}: B's own list with B's token"
    );

    // No token in the server's log, nor in the game servers' logs.
    let log = server.log().join("\n");
    for (process, token) in [(&a, &tokens[0]), (&b, &tokens[1])] {
        assert!(
            !log.contains(token.as_str()),
            "{CASE}: the server's log holds the token of {process}"
        );
        for p in [&a, &b] {
            assert!(
                !game_server_log(&dir, p).contains(token.as_str()),
                "{CASE}: the game server log of {p} holds the token of {process}"
            );
        }
    }
    server.stop();
}
