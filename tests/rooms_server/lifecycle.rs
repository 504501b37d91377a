//! A room's whole life on a real process: created `starting`; active only once its game server
//! listens (the game server is held back until the case lets it start: while held, no poll may
//! say active); answered over TCP and UDP with its id and config; joined by a second room on the
//! same process; its config updated; destroyed; the idle process stopped and reaped, no zombie.

use std::time::{Duration, Instant};

use crate::abi::{self, conn, listed, room};
use crate::common::{Code, HathoraRegion};
use crate::harness::*;

const CASE: &str = "lifecycle";

/// `sh` waits for the file named by $1, then becomes the game server ($0): until the case
/// creates that file, nothing of the process can listen.
const HELD_BACK: &str = "while [ ! -e \"$1\" ]; do sleep 0.05; done; exec \"$0\"";

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn active_only_once_listening_then_answered_destroyed_and_reaped() {
    let dir = Workdir::new(CASE);
    let go = dir.path("go");
    let ports = port_range(0, 4);
    let mut args = base_args(&dir, &ports);
    for a in ["--rooms-per-process", "2", "--idle-timeout-ms", "1000"] {
        args.push(a.into());
    }
    for a in ["--", "/bin/sh", "-c", HELD_BACK, &game_server_bin(), &go] {
        args.push(a.into());
    }
    let server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);

    // Created: starting, no port, one process (still sh) under the server.
    let config = "{\"mode\":\"duel\"}\nsecond line \"quoted\" é";
    let created = abi::create(&cl, HathoraRegion::Frankfurt, Some("first"), Some(config)).ok();
    let first = conn(CASE, &created);
    assert_eq!(first.room_id, "first", "{CASE}: CreateRoom's room id");
    assert_eq!(first.status, "starting", "{CASE}: CreateRoom's answer");
    assert!(
        first.exposed.is_none(),
        "{CASE}: a starting room has no port"
    );
    let process = first
        .process_id
        .clone()
        .expect("CreateRoom names the process");
    let pid = server.game_server_pid(&process);

    // Held back: however long and often it is asked, the room stays starting.
    let held = Instant::now();
    let mut polls = 0;
    while held.elapsed() < Duration::from_secs(2) || polls < 20 {
        let info = conn(CASE, &abi::connection_info(&cl, "first").ok());
        assert_eq!(
            info.status, "starting",
            "{CASE}: poll {polls}, the game server not started yet"
        );
        assert!(info.exposed.is_none(), "{CASE}: poll {polls} has a port");
        assert_eq!(
            comm_of(pid).as_deref(),
            Some("sh"),
            "{CASE}: still held back at poll {polls}"
        );
        polls += 1;
        std::thread::sleep(Duration::from_millis(50));
    }

    // Let go: active once it listens, and then it does listen.
    std::fs::write(&go, "").unwrap();
    let mut active = None;
    eventually(CASE, "the room active once the game server listens", || {
        let info = conn(CASE, &abi::connection_info(&cl, "first").ok());
        let done = info.status == "active";
        active = Some(info);
        done
    });
    let active = active.unwrap();
    let (host, port) = active.exposed.clone().expect("an active room has its port");
    std::net::TcpStream::connect((host.as_str(), port))
        .unwrap_or_else(|e| panic!("{CASE}: active, but {host}:{port} does not accept: {e}"));
    assert_eq!(
        comm_of(pid).as_deref(),
        Some("game_server"),
        "{CASE}: the process is the game server"
    );
    assert_eq!(host, "127.0.0.1", "{CASE}: exposed host");
    let first_port: u16 = ports.split('-').next().unwrap().parse().unwrap();
    assert!(
        (first_port..first_port + 4).contains(&port),
        "{CASE}: port {port} in {ports}"
    );

    // Its answers over TCP and UDP, and the environment it got.
    assert_answer(
        CASE,
        "TCP",
        &ask_tcp(CASE, port, "first"),
        "first",
        Some(config),
        &process,
    );
    assert_answer(
        CASE,
        "UDP",
        &ask_udp(CASE, port, "first"),
        "first",
        Some(config),
        &process,
    );
    let env = environ(pid);
    for (name, want) in [
        ("HATHORA_PROCESS_ID", process.as_str()),
        ("HATHORA_APP_ID", APP),
        ("HATHORA_REGION", "Frankfurt"),
        ("HATHORA_ROOMS_PER_PROCESS", "2"),
        ("HATHORA_INITIAL_ROOM_ID", "first"),
        ("HATHORA_INITIAL_ROOM_CONFIG", config),
        ("HATHORA_DEFAULT_PORT", &port.to_string()),
        ("HATHORA_BASE_URL", &server.url),
    ] {
        assert_eq!(
            env.get(name).map(String::as_str),
            Some(want),
            "{CASE}: {name} of the game server"
        );
    }
    // Its own token, no dev token: it answered with the room's config read with that token.
    assert!(
        env.get("HATHORA_PROCESS_TOKEN")
            .is_some_and(|t| t.starts_with(&format!("hpt1.{process}."))),
        "{CASE}: HATHORA_PROCESS_TOKEN of the game server"
    );
    assert_eq!(
        env.get("HATHORA_DEV_TOKEN"),
        None,
        "{CASE}: no dev token reaches the game server"
    );

    // A second room: the same process, which listens already, so active in CreateRoom's answer.
    let second = conn(
        CASE,
        &abi::create(&cl, HathoraRegion::Frankfurt, Some("second"), None).ok(),
    );
    assert_eq!(
        second.process_id.as_deref(),
        Some(process.as_str()),
        "{CASE}: second room's process"
    );
    assert_eq!(
        second.status, "active",
        "{CASE}: second room on a listening process"
    );
    assert_eq!(
        second.exposed,
        Some((host.clone(), port)),
        "{CASE}: second room's port"
    );
    assert_answer(
        CASE,
        "TCP, second room",
        &ask_tcp(CASE, port, "second"),
        "second",
        None,
        &process,
    );
    let mut rooms = listed(CASE, &abi::active_rooms(&cl, &process).ok());
    rooms.sort();
    assert_eq!(
        rooms,
        [
            ("first".into(), "active".into()),
            ("second".into(), "active".into())
        ],
        "{CASE}: GetActiveRoomsForProcess"
    );

    // UpdateRoomConfig: the game server sees it at its next refresh of the room list, which a
    // room it does not know triggers.
    abi::update_config(&cl, "first", "changed").ok();
    let unknown = ask_tcp(CASE, port, "not-here");
    assert!(
        unknown["error"]
            .as_str()
            .is_some_and(|e| e.contains("not in this process")),
        "{CASE}: unknown room: {unknown}"
    );
    assert_answer(
        CASE,
        "TCP after UpdateRoomConfig",
        &ask_tcp(CASE, port, "first"),
        "first",
        Some("changed"),
        &process,
    );

    // Destroyed: readable, inactive, no connection info; the process goes after the idle timeout.
    abi::destroy(&cl, "first").ok();
    abi::destroy(&cl, "second").ok();
    let (status, _, current) = room(CASE, &abi::room_info(&cl, "first").ok());
    assert_eq!(
        (status.as_str(), current),
        ("destroyed", None),
        "{CASE}: GetRoomInfo after destroy"
    );
    let gone = abi::connection_info(&cl, "first");
    assert_eq!(
        (gone.code(), gone.status()),
        (Code::ApiError, 404),
        "{CASE}: GetConnectionInfo of a destroyed room"
    );
    let mut inactive = listed(CASE, &abi::inactive_rooms(&cl, &process).ok());
    inactive.sort();
    assert_eq!(
        inactive,
        [
            ("first".into(), "destroyed".into()),
            ("second".into(), "destroyed".into())
        ],
        "{CASE}: GetInactiveRoomsForProcess"
    );
    assert!(
        listed(CASE, &abi::active_rooms(&cl, &process).ok()).is_empty(),
        "{CASE}: active list"
    );
    server.wait_for_log(&format!("process {process} of app {APP} was stopped: idle"));
    server.wait_no_children("the idle game server stopped and reaped");
    assert_eq!(
        state_of(pid),
        None,
        "{CASE}: pid {pid} reaped (not a zombie)"
    );
    assert!(
        server.zombies().is_empty(),
        "{CASE}: zombies {:?}",
        server.zombies()
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "{CASE}: port {port} still accepts"
    );
    assert_eq!(
        server.metric(r#"hathora_process_exits_total{cause="idle"}"#),
        1.0,
        "{CASE}: idle exits"
    );
    // Its output, kept in its log: it listened, and the reaper's SIGTERM let it stop cleanly.
    let log = game_server_log(&dir, &process);
    assert!(
        log.contains(&format!("listening on port {port}")) && log.contains("game_server: stopped"),
        "{CASE}: the game server's log: {log}"
    );
    assert_eq!(
        server.metric("hathora_process_spawns_total"),
        1.0,
        "{CASE}: one process for both rooms"
    );
    server.stop();
}
