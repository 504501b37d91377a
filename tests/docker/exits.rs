//! Containers that end without the server asking: one whose game server exits (SIGTERM from
//! outside: the example exits 0), one killed (SIGKILL), one over its memory limit (the kernel
//! kills it: exit cause `oom` in the log and the metrics). Each time the process's rooms are
//! destroyed and listed inactive, the container is removed, and new rooms still work.

use crate::abi::{self, assert_destroyed, conn};
use crate::common::{CClient, HathoraRegion};
use crate::containers::*;
use crate::harness::*;

/// Creates a room and waits until its game server listens: (process id, its container).
fn active_room(case: &str, cl: &CClient, room_id: &str) -> (String, String) {
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
    (process.clone(), container_of(case, &process))
}

/// The process ended as the log line `logged` says, its container was removed, and it is
/// counted once under `cause` in `hathora_process_exits_total`.
fn assert_ended(case: &str, server: &Server, process: &str, logged: &str, cause: &str) {
    server.wait_for_log(&format!("process {process} of app {APP} {logged}"));
    wait_removed(
        case,
        process,
        &format!("the container of {process} removed"),
    );
    let series = format!("hathora_process_exits_total{{cause=\"{cause}\"}}");
    assert_eq!(server.metric(&series), 1.0, "{case}: {series}");
}

#[test]
#[ignore = "needs a Docker Engine and the built images: bash tests/docker/run.sh"]
fn a_container_that_exits_or_is_killed_destroys_its_rooms() {
    let case = "docker exits";
    let dir = Workdir::new("docker-exits");
    let server = Server::start(
        case,
        &args(&dir, 1, &example_image(), &["--rooms-per-process", "2"]),
    );
    let instance = instance_of(&server);
    let cl = abi::client(&server.url, 2);

    // Its game server exits by itself (it ends on SIGTERM with status 0): both rooms go.
    let (process, container) = active_room(case, &cl, "a1");
    let second = conn(
        case,
        &abi::create(&cl, HathoraRegion::London, Some("a2"), None).ok(),
    );
    assert_eq!(
        second.process_id.as_deref(),
        Some(process.as_str()),
        "{case}: a2's process"
    );
    signal(case, &container, "TERM");
    assert_ended(case, &server, &process, "exited with code 0", "exited");
    for id in ["a1", "a2"] {
        assert_destroyed(case, &cl, id, &process);
    }
    server.wait_for_log("rooms destroyed: a1, a2");

    // Killed: the same, counted as a signal.
    let (killed, container) = active_room(case, &cl, "b1");
    assert_ne!(killed, process, "{case}: a new process");
    signal(case, &container, "KILL");
    assert_ended(case, &server, &killed, "was killed by signal 9", "signaled");
    assert_destroyed(case, &cl, "b1", &killed);

    // New rooms still work.
    let (fresh, _) = active_room(case, &cl, "c1");
    let port = conn(case, &abi::connection_info(&cl, "c1").ok())
        .exposed
        .unwrap()
        .1;
    assert_answer(
        case,
        "TCP after the crashes",
        &ask_tcp(case, port, "c1"),
        "c1",
        Some("c1"),
        &fresh,
    );
    server.stop();
    assert_none_left(case, &instance);
}

#[test]
#[ignore = "needs a Docker Engine and the built images: bash tests/docker/run.sh"]
fn a_container_over_its_memory_limit_ends_oom_and_destroys_its_rooms() {
    let case = "docker oom";
    let dir = Workdir::new("docker-oom");
    // The fleet tests' game server: listening after 2 s (GAME_DELAY_MS), it then allocates
    // until it is killed (GAME_OOM).
    let extra = [
        "--memory",
        "16m",
        "--env",
        "GAME_OOM=1",
        "--env",
        "GAME_DELAY_MS=2000",
    ];
    let server = Server::start(case, &args(&dir, 2, &test_image(), &extra));
    let instance = instance_of(&server);
    let cl = abi::client(&server.url, 2);
    let created = conn(
        case,
        &abi::create(&cl, HathoraRegion::Tokyo, Some("big"), None).ok(),
    );
    let process = created.process_id.expect("CreateRoom names the process");
    let container = container_of(case, &process);
    assert_eq!(
        inspect(
            case,
            &container,
            "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"
        ),
        format!("{0} {0}", 16 << 20),
        "{case}: the memory limit, swap included"
    );

    let ended = server.wait_for_log(&format!("process {process} of app {APP} was killed"));
    assert_eq!(
        ended,
        format!(
            "warning: process {process} of app {APP} was killed for exceeding its memory limit (exit cause: oom)"
        ),
        "{case}: its end, logged as a warning"
    );
    assert_ended(case, &server, &process, "was killed", "oom");
    assert_destroyed(case, &cl, "big", &process);
    server.stop();
    assert_none_left(case, &instance);
}
