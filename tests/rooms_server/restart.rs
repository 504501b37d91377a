//! `kill -9` of the server: its game servers go with it; a server restarted on the same state
//! file destroys their rooms as a crash would, keeps every id taken and the suspended room
//! suspended, and runs new rooms (and the resumed one) on new processes.

use std::collections::HashSet;

use crate::abi::{self, conn, listed, room};
use crate::common::{Code, HathoraRegion};
use crate::harness::*;

const CASE: &str = "restart";

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn kill_9_of_the_server_takes_its_game_servers_and_a_restart_destroys_their_rooms() {
    let dir = Workdir::new(CASE);
    let state = dir.path("rooms.db");
    let mut args = base_args(&dir, &port_range(3, 8));
    for a in [
        "--state",
        &state,
        "--rooms-per-process",
        "2",
        "--",
        &game_server_bin(),
    ] {
        args.push(a.into());
    }
    let mut server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);

    // Two rooms on one Frankfurt process, one on a London process, one suspended (Tokyo).
    let rooms = [
        ("x", HathoraRegion::Frankfurt),
        ("y", HathoraRegion::Frankfurt),
        ("z", HathoraRegion::London),
        ("s", HathoraRegion::Tokyo),
    ];
    let mut processes = HashSet::new();
    for (id, region) in rooms {
        let created = conn(
            CASE,
            &abi::create(&cl, region, Some(id), Some(&format!("config of {id}"))).ok(),
        );
        processes.insert(created.process_id.expect("CreateRoom names the process"));
        assert_eq!(
            conn(CASE, &abi::wait_active(&cl, id, 60_000).ok()).status,
            "active",
            "{CASE}: {id}"
        );
    }
    assert_eq!(processes.len(), 3, "{CASE}: processes before the kill");
    abi::suspend(&cl, "s").ok();
    let pids: Vec<i32> = processes
        .iter()
        .map(|p| server.game_server_pid(p))
        .collect();
    let x_process = room(CASE, &abi::room_info(&cl, "x").ok()).2.unwrap();
    drop(cl);

    server.signal(libc::SIGKILL);
    server.wait_exit();
    for pid in &pids {
        eventually(
            CASE,
            &format!("game server {pid} gone with the server"),
            || !running(*pid),
        );
    }

    let server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);
    for id in ["x", "y", "z"] {
        let (status, config, current) = room(CASE, &abi::room_info(&cl, id).ok());
        assert_eq!(status, "destroyed", "{CASE}: {id} after the restart");
        assert_eq!(current, None, "{CASE}: {id}'s allocation closed");
        assert_eq!(
            config.as_deref(),
            Some(format!("config of {id}").as_str()),
            "{CASE}: {id}'s config kept"
        );
    }
    let mut inactive = listed(CASE, &abi::inactive_rooms(&cl, &x_process).ok());
    inactive.sort();
    assert_eq!(
        inactive,
        [
            ("x".into(), "destroyed".into()),
            ("y".into(), "destroyed".into())
        ],
        "{CASE}: the inactive list of x's process"
    );
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains(&x_process) && l.contains("ended with the server's previous run")),
        "{CASE}: the restart says what it found: {:?}",
        server.log()
    );
    let (status, _, _) = room(CASE, &abi::room_info(&cl, "s").ok());
    assert_eq!(
        status, "suspended",
        "{CASE}: the suspended room stays suspended"
    );

    // Every id stays taken.
    for id in ["x", "y", "z", "s"] {
        let again = abi::create_once(&cl, id);
        assert_eq!(
            (again.code(), again.status()),
            (Code::ApiError, 422),
            "{CASE}: CreateRoom {id} again"
        );
        assert!(
            again.message().is_some_and(|m| m.contains("taken")),
            "{CASE}: CreateRoom {id} again: {:?}",
            again.message()
        );
    }

    // New rooms, and the resumed one, run on new processes.
    let new = conn(
        CASE,
        &abi::create(&cl, HathoraRegion::Frankfurt, Some("new"), Some("fresh")).ok(),
    );
    let new_process = new.process_id.expect("CreateRoom names the process");
    assert!(
        !processes.contains(&new_process),
        "{CASE}: a new process for a new room"
    );
    let port = conn(CASE, &abi::wait_active(&cl, "new", 60_000).ok())
        .exposed
        .unwrap()
        .1;
    assert_answer(
        CASE,
        "new room",
        &ask_tcp(CASE, port, "new"),
        "new",
        Some("fresh"),
        &new_process,
    );
    let resumed = conn(CASE, &abi::resume(&cl, "s").ok());
    let resumed_process = resumed.process_id.expect("ResumeRoom names the process");
    assert!(
        !processes.contains(&resumed_process),
        "{CASE}: the resumed room on a new process"
    );
    let port = conn(CASE, &abi::wait_active(&cl, "s", 60_000).ok())
        .exposed
        .unwrap()
        .1;
    assert_answer(
        CASE,
        "resumed room",
        &ask_udp(CASE, port, "s"),
        "s",
        Some("config of s"),
        &resumed_process,
    );
    let env = environ(server.game_server_pid(&resumed_process));
    assert_eq!(
        env.get("HATHORA_INITIAL_ROOM_CONFIG").map(String::as_str),
        Some("config of s"),
        "{CASE}: the resumed room's config reaches its new process"
    );
    assert!(
        server.zombies().is_empty(),
        "{CASE}: zombies {:?}",
        server.zombies()
    );
    server.stop();
}
