//! A room's whole life on a container of the example game server: created `starting`; active
//! only once the game server listens inside its container (it is held back until the case lets
//! it start: while held, the container runs and no poll may say active); answered over TCP and
//! UDP through the published port with the room's id and config, which the game server got from
//! the API with its own process token, from inside the container; joined by a second room;
//! destroyed; the idle container stopped and removed.

use std::time::{Duration, Instant};

use crate::abi::{self, conn, listed};
use crate::common::HathoraRegion;
use crate::containers::*;
use crate::harness::*;

const CASE: &str = "docker lifecycle";

#[test]
#[ignore = "needs a Docker Engine and the built images: bash tests/docker/run.sh"]
fn a_container_is_active_once_listening_answers_with_its_room_and_goes_when_idle() {
    let dir = Workdir::new("docker-lifecycle");
    let extra = [
        "--rooms-per-process",
        "2",
        "--idle-timeout-ms",
        "1000",
        "--stop-grace-ms",
        "5000",
        "--cpus",
        "0.5",
        "--memory",
        "128m",
    ];
    let server = Server::start(CASE, &args(&dir, 0, &held_image(), &extra));
    let instance = instance_of(&server);
    let cl = abi::client(&server.url, 2);

    // Created: starting, no port; its container runs, held back.
    let config = "{\"mode\":\"duel\"}\nsecond line \"quoted\" é";
    let created = abi::create(&cl, HathoraRegion::Frankfurt, Some("first"), Some(config)).ok();
    let first = conn(CASE, &created);
    assert_eq!(first.status, "starting", "{CASE}: CreateRoom's answer");
    assert!(
        first.exposed.is_none(),
        "{CASE}: a starting room has no port"
    );
    let process = first.process_id.expect("CreateRoom names the process");
    let container = container_of(CASE, &process);
    let pid = main_pid(CASE, &container);
    assert_eq!(comm_of(pid).as_deref(), Some("held"), "{CASE}: held back");

    // However long and often it is asked, the room stays starting while nothing listens.
    let held = Instant::now();
    let mut polls = 0;
    while held.elapsed() < Duration::from_secs(2) || polls < 20 {
        let info = conn(CASE, &abi::connection_info(&cl, "first").ok());
        assert_eq!(info.status, "starting", "{CASE}: poll {polls}, held back");
        assert!(info.exposed.is_none(), "{CASE}: poll {polls} has a port");
        polls += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        comm_of(pid).as_deref(),
        Some("held"),
        "{CASE}: still held after {polls} polls"
    );

    // Let go: active once it listens (hathora_wait_until_active), and then it does answer.
    signal(CASE, &container, "USR1");
    let active = conn(CASE, &abi::wait_active(&cl, "first", 60_000).ok());
    assert_eq!(
        active.status, "active",
        "{CASE}: after the game server started"
    );
    assert_eq!(
        comm_of(pid).as_deref(),
        Some("game_server"),
        "{CASE}: the container's process is the game server"
    );
    let (host, port) = active.exposed.clone().expect("an active room has its port");
    assert_eq!(host, "127.0.0.1", "{CASE}: exposed host");
    let published = inspect(
        CASE,
        &container,
        "{{range $p, $b := .NetworkSettings.Ports}}{{$p}}={{(index $b 0).HostIp}}:{{(index $b 0).HostPort}} {{end}}",
    );
    for proto in ["tcp", "udp"] {
        assert!(
            published.contains(&format!("{CONTAINER_PORT}/{proto}=127.0.0.1:{port}")),
            "{CASE}: container port {CONTAINER_PORT}/{proto} published on 127.0.0.1:{port}: {published}"
        );
    }

    // Its answers through the published port: the room's id and config, which it can only have
    // from the API (it reads no config from its environment), asked with its process token.
    for (how, answer) in [
        ("TCP", ask_tcp(CASE, port, "first")),
        ("UDP", ask_udp(CASE, port, "first")),
    ] {
        assert_answer(CASE, how, &answer, "first", Some(config), &process);
    }
    let env = env_of(CASE, &container);
    let token = env
        .get("HATHORA_PROCESS_TOKEN")
        .unwrap_or_else(|| panic!("{CASE}: no process token in {:?}", env.keys()));
    assert!(
        token.starts_with(&format!("hpt1.{process}.")),
        "{CASE}: the token names its process"
    );
    for (name, want) in [
        ("HATHORA_PROCESS_ID", process.as_str()),
        ("HATHORA_APP_ID", APP),
        ("HATHORA_REGION", "Frankfurt"),
        ("HATHORA_ROOMS_PER_PROCESS", "2"),
        ("HATHORA_INITIAL_ROOM_ID", "first"),
        ("HATHORA_INITIAL_ROOM_CONFIG", config),
        ("HATHORA_DEFAULT_PORT", CONTAINER_PORT),
        ("HATHORA_HOSTNAME", "127.0.0.1"),
        ("HATHORA_BASE_URL", "http://127.0.0.1:9188"),
    ] {
        assert_eq!(
            env.get(name).map(String::as_str),
            Some(want),
            "{CASE}: {name}"
        );
    }
    assert!(
        !env.contains_key("HATHORA_DEV_TOKEN"),
        "{CASE}: no dev token reaches the container"
    );
    server.wait_for_log(&format!("GET /rooms/v2/{APP}/list/{process}/active 200"));

    // The limits, as the engine holds them.
    assert_eq!(
        inspect(
            CASE,
            &container,
            "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}"
        ),
        format!("500000000 {}", 128 << 20),
        "{CASE}: CPU and memory limits"
    );

    // A second room: the same container, which listens already, so active in CreateRoom's
    // answer; the game server learns it (and a changed config) from the API.
    let second = conn(
        CASE,
        &abi::create(&cl, HathoraRegion::Frankfurt, Some("second"), Some("two")).ok(),
    );
    assert_eq!(
        (second.process_id.as_deref(), second.status.as_str()),
        (Some(process.as_str()), "active"),
        "{CASE}: second room"
    );
    assert_answer(
        CASE,
        "TCP, second room",
        &ask_tcp(CASE, port, "second"),
        "second",
        Some("two"),
        &process,
    );
    abi::update_config(&cl, "first", "changed").ok();
    ask_tcp(CASE, port, "not-here");
    assert_answer(
        CASE,
        "UDP after UpdateRoomConfig",
        &ask_udp(CASE, port, "first"),
        "first",
        Some("changed"),
        &process,
    );

    // Destroyed: readable, inactive, no connection info; the container goes after the idle
    // timeout, removed.
    abi::destroy(&cl, "first").ok();
    abi::destroy(&cl, "second").ok();
    for id in ["first", "second"] {
        abi::assert_destroyed(CASE, &cl, id, &process);
    }
    assert!(
        listed(CASE, &abi::active_rooms(&cl, &process).ok()).is_empty(),
        "{CASE}: GetActiveRoomsForProcess after destroy"
    );
    server.wait_for_log(&format!("process {process} of app {APP} was stopped: idle"));
    wait_removed(CASE, &process, "the idle container removed");
    assert!(!running(pid), "{CASE}: its game server is gone");
    assert_eq!(
        server.metric(r#"hathora_process_exits_total{cause="idle"}"#),
        1.0,
        "{CASE}: idle exits"
    );
    assert_eq!(
        server.metric("hathora_process_spawns_total"),
        1.0,
        "{CASE}: one container"
    );

    // Its output, kept by the server: held, then the game server, stopped by SIGTERM.
    let log = game_server_log(&dir, &process);
    assert!(
        log.contains("held: waiting for SIGUSR1")
            && log.contains("listening on port 7777")
            && log.contains("game_server: stopped"),
        "{CASE}: the container's log: {log}"
    );
    // No token, dev or process, in the server's log (after the banner, which prints the token
    // given with --token, as it always has).
    for line in server.log().iter().skip(2) {
        assert!(
            !line.contains(token.as_str()) && !line.contains(TOKEN),
            "{CASE}: a token in {line:?}"
        );
    }
    server.stop();
    assert_none_left(CASE, &instance);
}
