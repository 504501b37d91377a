//! Game servers that end without being asked: killed (`kill -9`), exiting by themselves, and one
//! that never listens (stopped at the startup timeout). Each time the process's rooms are
//! destroyed and listed inactive, the server reaps the process, and new rooms still work.

use crate::abi::{self, assert_destroyed, conn};
use crate::common::{CClient, HathoraRegion};
use crate::harness::*;

/// The process ended as the log line `logged` says, was reaped (no zombie), left the server
/// without children, and is counted once under `cause` in `hathora_process_exits_total`.
fn assert_ended(case: &str, server: &Server, process: &str, pid: i32, logged: &str, cause: &str) {
    server.wait_for_log(&format!("process {process} of app {APP} {logged}"));
    eventually(
        case,
        &format!("process {process} (pid {pid}) reaped"),
        || state_of(pid).is_none(),
    );
    assert!(
        server.children().is_empty(),
        "{case}: children left: {:?}",
        server.children()
    );
    let series = format!("hathora_process_exits_total{{cause=\"{cause}\"}}");
    assert_eq!(server.metric(&series), 1.0, "{case}: {series}");
}

/// Creates a room and waits (hathora_wait_until_active) until its game server listens:
/// (process id, its pid, its port).
fn active_room(case: &str, server: &Server, cl: &CClient, room_id: &str) -> (String, i32, u16) {
    let created = conn(
        case,
        &abi::create(cl, HathoraRegion::London, Some(room_id), Some(room_id)).ok(),
    );
    let process = created.process_id.expect("CreateRoom names the process");
    let active = conn(case, &abi::wait_active(cl, room_id, 60_000).ok());
    assert_eq!(
        active.status, "active",
        "{case}: {room_id} after wait_until_active"
    );
    let port = active.exposed.expect("an active room has its port").1;
    assert_answer(
        case,
        room_id,
        &ask_tcp(case, port, room_id),
        room_id,
        Some(room_id),
        &process,
    );
    (process.clone(), server.game_server_pid(&process), port)
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn a_game_server_killed_or_exiting_destroys_its_rooms() {
    const CASE: &str = "crash";
    let dir = Workdir::new(CASE);
    let mut args = base_args(&dir, &port_range(1, 4));
    for a in ["--rooms-per-process", "1", "--", &game_server_bin()] {
        args.push(a.into());
    }
    let server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);

    // kill -9 of the game server.
    let (killed, pid, _) = active_room(CASE, &server, &cl, "killed");
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    assert_destroyed(CASE, &cl, "killed", &killed);
    assert_ended(
        CASE,
        &server,
        &killed,
        pid,
        "was killed by signal 9",
        "signaled",
    );

    // A game server that ends by itself (here on SIGTERM from outside, which it answers by
    // exiting 0): the rooms server did not ask, so its rooms are destroyed as by a crash.
    let (exiting, pid, _) = active_room(CASE, &server, &cl, "exiting");
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    assert_destroyed(CASE, &cl, "exiting", &exiting);
    assert_ended(CASE, &server, &exiting, pid, "exited with code 0", "exited");

    // New rooms still work, on a new process.
    let (after, _, _) = active_room(CASE, &server, &cl, "after");
    assert!(after != killed && after != exiting, "{CASE}: a new process");
    assert!(
        server.zombies().is_empty(),
        "{CASE}: zombies {:?}",
        server.zombies()
    );
    server.stop();
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn a_game_server_that_never_listens_is_stopped_at_the_startup_timeout() {
    const CASE: &str = "never listens";
    let dir = Workdir::new("never-listens");
    let ports = port_range(2, 2);
    let mut args = base_args(&dir, &ports);
    // `sleep` is found in PATH when the server starts; it never opens a socket.
    for a in [
        "--startup-timeout-ms",
        "1500",
        "--stop-grace-ms",
        "1000",
        "--",
        "sleep",
        "3600",
    ] {
        args.push(a.into());
    }
    let server = Server::start(CASE, &args);
    let cl = abi::client(&server.url, 2);
    let created = conn(
        CASE,
        &abi::create(&cl, HathoraRegion::Tokyo, Some("never"), None).ok(),
    );
    assert_eq!(created.status, "starting", "{CASE}: CreateRoom's answer");
    let process = created.process_id.expect("CreateRoom names the process");
    let pid = server.game_server_pid(&process);
    assert_eq!(
        comm_of(pid).as_deref(),
        Some("sleep"),
        "{CASE}: the process"
    );

    assert_destroyed(CASE, &cl, "never", &process);
    let first: u16 = ports.split('-').next().unwrap().parse().unwrap();
    let reason = server.wait_for_log("did not listen on port");
    assert!(
        reason.contains(&process)
            && reason.contains("within 1.5s")
            && (first..first + 2).any(|p| reason.contains(&format!("port {p} "))),
        "{CASE}: the reason in the log: {reason}"
    );
    let stopped = "was stopped: it did not listen within the startup timeout";
    assert_ended(CASE, &server, &process, pid, stopped, "startup_timeout");
    server.stop();
}
