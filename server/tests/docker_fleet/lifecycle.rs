//! A container's life: `Pending`, `Ready` only once the game server listens inside it (TCP,
//! UDP), answers through the published ports carrying its identity and the Hathora variables
//! as Hathora mapped them, a second room on its free slot, then the idle reaper or shutdown
//! removes it.

use std::sync::Arc;
use std::time::Duration;

use hathora_rooms_server::fleet::docker::ContainerPort;
use hathora_rooms_server::fleet::{ExitCause, Fleet, Readiness, Transport};

use crate::support::*;

const ROOM_CONFIG: &str = "{\"map\":\"dust\"}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn tcp_ready_only_once_listening_inside_then_idle_and_removed() {
    let case = "tcp-life";
    let dir = TestDir::new(case);
    let mut app = app(
        "app-tcp",
        &dir,
        &[
            ("GAME_DELAY_MS", "3000"),
            ("GAME_MODE_NOTE", "from the app"),
        ],
    );
    app.rooms_per_process = 2;
    app.idle_timeout = Duration::from_secs(1);
    let mut config = config(case, 32000..=32009, vec![app]);
    config.process_env = Some(Arc::new(|p| {
        vec![(
            "HATHORA_PROCESS_TOKEN".into(),
            format!("token-for-{}", p.process_id),
        )]
    }));
    let mut h = Harness::new(case, config).await;

    let placed = h
        .place_with("app-tcp", "room-1", Some(ROOM_CONFIG))
        .await
        .unwrap_or_else(|e| panic!("{case}: {e:?}"));
    assert!(placed.started, "{case}: a new container");
    assert_eq!(
        placed.readiness,
        Readiness::Pending,
        "{case}: pending first"
    );
    assert_eq!(h.containers().await.len(), 1, "{case}: one container");
    // The game server waits 3 s (after its container started) before it listens.
    h.expect_no_event(Duration::from_secs(2), "no Ready before it listens")
        .await;
    let endpoints = h.expect_ready(&placed.process_id).await;
    assert_eq!(endpoints.default.host, PUBLIC_HOST, "{case}");
    assert_eq!(endpoints.default.transport, Transport::Tcp, "{case}");
    let port = endpoints.default.port;
    assert!((32000..=32009).contains(&port), "{case}: port {port}");

    let answer = ask_tcp(port, "hello\n", case);
    assert_eq!(
        answer,
        format!(
            "process={} room=room-1 config={ROOM_CONFIG}\n",
            placed.process_id
        ),
        "{case}: the answer through the published port"
    );
    let env = parse_env(&ask_tcp(port, "env\n", case));
    let expected = [
        ("HATHORA_PROCESS_ID", placed.process_id.as_str()),
        ("HATHORA_APP_ID", "app-tcp"),
        ("HATHORA_REGION", "Frankfurt"),
        ("HATHORA_ROOMS_PER_PROCESS", "2"),
        ("HATHORA_INITIAL_ROOM_ID", "room-1"),
        ("HATHORA_INITIAL_ROOM_CONFIG", ROOM_CONFIG),
        // As on Hathora: the port inside the container, not the published one.
        ("HATHORA_DEFAULT_PORT", "7777"),
        ("HATHORA_HOSTNAME", PUBLIC_HOST),
        ("HATHORA_BASE_URL", BASE_URL),
        ("HATHORA_DEPLOYMENT_ID", "docker"),
        ("HATHORA_BUILD_TAG", "docker"),
        ("GAME_MODE_NOTE", "from the app"),
    ];
    for (name, value) in expected {
        assert_eq!(
            env.get(name).map(String::as_str),
            Some(value),
            "{case}: {name}"
        );
    }
    assert_eq!(
        env.get("HATHORA_PROCESS_TOKEN"),
        Some(&format!("token-for-{}", placed.process_id)),
        "{case}: the per-process hook"
    );
    assert!(
        !env.contains_key("CARGO_MANIFEST_DIR"),
        "{case}: the server's own environment leaked in"
    );

    let second = h.place_ok("app-tcp", "room-2").await;
    assert_eq!(
        second.process_id, placed.process_id,
        "{case}: the free slot"
    );
    assert!(!second.started, "{case}: no new container");
    assert_eq!(
        second.readiness,
        Readiness::Ready(endpoints.clone()),
        "{case}: ready at once on a ready container"
    );

    h.fleet.release(&placed.process_id, "room-1");
    h.expect_no_event(Duration::from_secs(2), "one room is left: no idle stop")
        .await;
    h.fleet.release(&placed.process_id, "room-2");
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Idle,
        "{case}"
    );
    h.assert_none_left().await;
    let log = log_of(&dir.logs(), &placed.process_id);
    assert!(
        log.contains("game server: SIGTERM, exiting"),
        "{case}: stopped with SIGTERM first; its log: {log:?}"
    );
    std::net::TcpListener::bind(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("{case}: port {port} still held: {e}"));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn udp_ready_only_once_bound_inside_with_an_additional_port() {
    let case = "udp-life";
    let dir = TestDir::new(case);
    let mut app = app(
        "app-udp",
        &dir,
        &[
            ("GAME_DELAY_MS", "3000"),
            ("GAME_LISTEN", "udp"),
            ("GAME_EXTRA_UDP", "HATHORA_QUERY_PORT"),
        ],
    );
    app.transport = Transport::Udp;
    app.additional_ports = vec![ContainerPort {
        name: "query".into(),
        container_port: 7778,
        transport: Transport::Udp,
    }];
    let mut h = Harness::new(case, config(case, 32010..=32019, vec![app])).await;
    let placed = h.place_ok("app-udp", "room-u").await;
    assert_eq!(placed.readiness, Readiness::Pending, "{case}");
    h.expect_no_event(Duration::from_secs(2), "no Ready before it binds")
        .await;
    let endpoints = h.expect_ready(&placed.process_id).await;
    assert_eq!(endpoints.default.transport, Transport::Udp, "{case}");
    assert_eq!(endpoints.additional.len(), 1, "{case}: the query port");
    let query = &endpoints.additional[0];
    assert_eq!(
        (query.name.as_str(), query.transport, query.host.as_str()),
        ("query", Transport::Udp, PUBLIC_HOST),
        "{case}"
    );
    assert_ne!(query.port, endpoints.default.port, "{case}: two host ports");
    let identity = format!("process={} room=room-u config=\n", placed.process_id);
    assert_eq!(
        ask_udp(endpoints.default.port, "hi", case),
        identity,
        "{case}"
    );
    assert_eq!(
        ask_udp(query.port, "hi", case),
        identity,
        "{case}: query port"
    );
    let env = parse_env(&ask_udp(endpoints.default.port, "env", case));
    assert_eq!(env["HATHORA_DEFAULT_PORT"], "7777", "{case}");
    assert_eq!(env["HATHORA_QUERY_PORT"], "7778", "{case}");

    h.shutdown().await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Shutdown,
        "{case}"
    );
    h.assert_none_left().await;
}
