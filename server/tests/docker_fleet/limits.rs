//! Limits: processes per app and in all, ports of the range (`Capacity`), the CPU and memory
//! limits as the engine holds them, and an image that is missing while pulling is off.

use hathora_rooms_server::fleet::docker::{ContainerPort, DockerFleet, PullPolicy};
use hathora_rooms_server::fleet::{FleetError, Transport};

use crate::support::*;

fn capacity(
    result: Result<hathora_rooms_server::fleet::Placement, FleetError>,
    case: &str,
) -> String {
    match result {
        Err(FleetError::Capacity(msg)) => msg,
        other => panic!("{case}: expected Capacity, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn app_and_server_limits_and_port_exhaustion_are_capacity() {
    let case = "capacity";
    let dir = TestDir::new(case);
    let mut one = app("app-one", &dir, &[]);
    one.max_processes = 1;
    let many = app("app-many", &dir, &[]);
    let mut config = config(case, 32060..=32069, vec![one, many]);
    config.max_processes = 2;
    let h = Harness::new(case, config).await;
    h.place_ok("app-one", "a1").await;
    let msg = capacity(h.place("app-one", "a2").await, case);
    assert!(
        msg.contains("app app-one") && msg.contains("maximum of 1"),
        "{case}: {msg}"
    );
    h.place_ok("app-many", "b1").await;
    let msg = capacity(h.place("app-many", "b2").await, case);
    assert!(
        msg.contains("server runs its maximum of 2"),
        "{case}: {msg}"
    );
    assert_eq!(
        h.containers().await.len(),
        2,
        "{case}: nothing more started"
    );
    h.shutdown().await;
    h.assert_none_left().await;

    // Three ports, two per process: the second process finds one.
    let case = "ports";
    let mut two_ports = app("app-two-ports", &dir, &[]);
    two_ports.additional_ports = vec![ContainerPort {
        name: "query".into(),
        container_port: 7778,
        transport: Transport::Udp,
    }];
    let h = Harness::new(
        case,
        crate::support::config(case, 32070..=32072, vec![two_ports]),
    )
    .await;
    h.place_ok("app-two-ports", "p1").await;
    let msg = capacity(h.place("app-two-ports", "p2").await, case);
    assert!(
        msg.contains("no free port") && msg.contains("32070-32072"),
        "{case}: {msg}"
    );
    assert_eq!(
        h.containers().await.len(),
        1,
        "{case}: nothing more started"
    );
    h.shutdown().await;
    h.assert_none_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn cpu_memory_and_published_address_reach_the_engine() {
    let case = "engine-limits";
    let dir = TestDir::new(case);
    let mut limited = app("app-limited", &dir, &[]);
    limited.cpus = Some(0.5);
    limited.memory_bytes = Some(64 * 1024 * 1024);
    let h = Harness::new(case, config(case, 32080..=32089, vec![limited])).await;
    let placed = h.place_ok("app-limited", "room").await;
    let summary = h.container_of(&placed.process_id).await;
    let inspected = docker()
        .await
        .inspect_container(
            summary.id.as_deref().unwrap(),
            None::<bollard::query_parameters::InspectContainerOptions>,
        )
        .await
        .unwrap();
    let host = inspected.host_config.unwrap();
    assert_eq!(host.nano_cpus, Some(500_000_000), "{case}: half a CPU");
    assert_eq!(host.memory, Some(64 << 20), "{case}: memory");
    assert_eq!(
        host.memory_swap,
        Some(64 << 20),
        "{case}: no swap beyond it"
    );
    let binding = &host.port_bindings.unwrap()["7777/tcp"].clone().unwrap()[0];
    assert_eq!(
        binding.host_ip.as_deref(),
        Some("127.0.0.1"),
        "{case}: loopback"
    );
    h.shutdown().await;
    h.assert_none_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn a_missing_image_is_refused_when_pulling_is_off() {
    let case = "no-pull";
    let dir = TestDir::new(case);
    let mut missing = app("app-missing", &dir, &[]);
    missing.image = "hathora-rooms-test-absent:never-built".into();
    missing.pull = PullPolicy::Never;
    let (tx, _events) = tokio::sync::mpsc::unbounded_channel();
    match DockerFleet::connect(config(case, 32090..=32099, vec![missing]), tx).await {
        Err(msg) => assert!(
            msg.contains("hathora-rooms-test-absent:never-built")
                && msg.contains("pulling is off")
                && msg.contains("app-missing"),
            "{case}: {msg}"
        ),
        Ok(_) => panic!("{case}: a missing image was accepted"),
    }
    assert!(
        containers_of(&docker().await, &instance(case))
            .await
            .is_empty(),
        "{case}: a container was created"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn a_container_the_engine_refuses_is_a_spawn_error_that_leaves_nothing() {
    let case = "engine-refusal";
    let dir = TestDir::new(case);
    // More CPUs than this host has: the engine refuses to create the container.
    let mut greedy = app("app-greedy", &dir, &[]);
    greedy.cpus = Some(1000.0);
    let h = Harness::new(
        case,
        config(
            case,
            32180..=32180,
            vec![greedy, app("app-fine", &dir, &[])],
        ),
    )
    .await;
    match h.place("app-greedy", "room").await {
        Err(FleetError::Spawn(msg)) => assert!(
            msg.contains("cannot create a container") && msg.contains("CPU"),
            "{case}: {msg}"
        ),
        other => panic!("{case}: got {other:?}"),
    }
    assert!(
        logged()
            .iter()
            .any(|l| l.starts_with("WARN") && l.contains("app-greedy")),
        "{case}: no warning logged"
    );
    // Its one port came back: the other app's process gets it.
    let placed = h.place_ok("app-fine", "room").await;
    let summary = h.container_of(&placed.process_id).await;
    let mut public: Vec<u16> = summary
        .ports
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.public_port)
        .collect();
    // Published over TCP and UDP: the same host port twice.
    public.dedup();
    assert_eq!(public, [32180], "{case}: the freed port");
    h.shutdown().await;
    h.assert_none_left().await;
}
