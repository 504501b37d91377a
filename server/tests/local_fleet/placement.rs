//! Where rooms go: free slots first (oldest process first), a new process when all are full,
//! and the limits that refuse a new one.

use hathora_rooms_server::fleet::{ExitCause, Fleet, FleetError, Readiness, Transport};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_fill_a_process_before_another_starts() {
    let case = "slots";
    let dir = TestDir::new("slots");
    let mut app = app("app-slots", "slots", &dir, &[]);
    app.rooms_per_process = 2;
    let mut h = Harness::new(case, config(21100..=21119, vec![app]));

    let first = h.place_ok("app-slots", "r1").await;
    assert!(first.started, "{case}: r1 starts a process");
    assert_eq!(
        first.readiness,
        Readiness::Pending,
        "{case}: r1 waits for the process"
    );
    let endpoints = h.expect_ready(&first.process_id).await;
    assert_eq!(endpoints.default.host, PUBLIC_HOST, "{case}: host");
    assert_eq!(
        endpoints.default.transport,
        Transport::Tcp,
        "{case}: transport"
    );
    assert!(
        (21100..=21119).contains(&endpoints.default.port),
        "{case}: port in range"
    );

    let second = h.place_ok("app-slots", "r2").await;
    assert_eq!(
        second.process_id, first.process_id,
        "{case}: r2 takes the free slot"
    );
    assert!(!second.started, "{case}: r2 starts nothing");
    assert_eq!(
        second.readiness,
        Readiness::Ready(endpoints.clone()),
        "{case}: r2 is ready at once"
    );

    let third = h.place_ok("app-slots", "r3").await;
    assert_ne!(
        third.process_id, first.process_id,
        "{case}: r3 needs a new process"
    );
    assert!(third.started, "{case}: r3 starts a process");
    let third_endpoints = h.expect_ready(&third.process_id).await;
    assert_ne!(
        third_endpoints.default.port, endpoints.default.port,
        "{case}: ports differ"
    );

    // A freed slot of the oldest process is used before the newer one's.
    h.fleet.release(&first.process_id, "r1");
    let fourth = h.place_ok("app-slots", "r4").await;
    assert_eq!(
        fourth.process_id, first.process_id,
        "{case}: r4 goes to the oldest process"
    );
    assert_eq!(
        fourth.readiness,
        Readiness::Ready(endpoints),
        "{case}: r4 ready at once"
    );
    let fifth = h.place_ok("app-slots", "r5").await;
    assert_eq!(
        fifth.process_id, third.process_id,
        "{case}: r5 fills the second process"
    );

    h.shutdown().await;
    let ended = h.expect_exits(2).await;
    let mut expected = vec![
        (first.process_id, ExitCause::Shutdown),
        (third.process_id, ExitCause::Shutdown),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        ended, expected,
        "{case}: both processes stopped by the shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_placed_together_join_the_process_being_started() {
    let case = "join";
    let dir = TestDir::new("join");
    let mut app = app("app-join", "join", &dir, &[]);
    app.rooms_per_process = 3;
    let mut h = Harness::new(case, config(21120..=21139, vec![app]));
    let (a, b, c) = tokio::join!(
        h.place("app-join", "r1"),
        h.place("app-join", "r2"),
        h.place("app-join", "r3")
    );
    let placed = [a.unwrap(), b.unwrap(), c.unwrap()];
    let process_id = placed[0].process_id.clone();
    assert!(
        placed.iter().all(|p| p.process_id == process_id),
        "{case}: one process for three rooms: {placed:?}"
    );
    assert_eq!(
        placed.iter().filter(|p| p.started).count(),
        1,
        "{case}: one start"
    );
    h.expect_ready(&process_id).await;
    let fourth = h.place_ok("app-join", "r4").await;
    assert!(
        fourth.started && fourth.process_id != process_id,
        "{case}: the fourth room starts another"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_limits_give_capacity_errors_naming_the_limit() {
    let case = "limits";
    let dir = TestDir::new("limits");
    let mut a = app("app-a", "limits", &dir, &[]);
    a.max_processes = 2;
    let b = app("app-b", "limits", &dir, &[]);
    let mut config = config(21140..=21159, vec![a, b]);
    config.max_processes = 3;
    let h = Harness::new(case, config);
    h.place_ok("app-a", "a1").await;
    h.place_ok("app-a", "a2").await;
    match h.place("app-a", "a3").await {
        Err(FleetError::Capacity(msg)) => assert!(
            msg.contains("app-a") && msg.contains("2 processes"),
            "{case}: per-app message {msg:?}"
        ),
        other => panic!("{case}: a third process of app-a gave {other:?}"),
    }
    h.place_ok("app-b", "b1").await;
    match h.place("app-b", "b2").await {
        Err(FleetError::Capacity(msg)) => {
            assert!(msg.contains("3 processes"), "{case}: total message {msg:?}")
        }
        other => panic!("{case}: a fourth process in all gave {other:?}"),
    }
    h.shutdown().await;
    wait_marked_gone("limits", case).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ports_held_on_the_host_are_skipped_and_an_exhausted_range_gives_capacity() {
    let case = "ports";
    let dir = TestDir::new("ports");
    let mut app = app("app-ports", "ports", &dir, &[]);
    app.additional_ports = vec![hathora_rooms_server::fleet::local::AdditionalPort {
        name: "query".into(),
        transport: Transport::Udp,
    }];
    // Something else on the host holds the first port of the range.
    let held =
        std::net::TcpListener::bind("0.0.0.0:21160").expect("port 21160 is free for the test");
    let mut h = Harness::new(case, config(21160..=21162, vec![app]));
    let placed = h.place_ok("app-ports", "r1").await;
    let endpoints = h.expect_ready(&placed.process_id).await;
    let mut ports = vec![endpoints.default.port, endpoints.additional[0].port];
    ports.sort();
    assert_eq!(
        ports,
        vec![21161, 21162],
        "{case}: the held port is skipped"
    );
    assert_eq!(endpoints.additional[0].name, "query", "{case}");
    assert_eq!(endpoints.additional[0].transport, Transport::Udp, "{case}");
    match h.place("app-ports", "r2").await {
        Err(FleetError::Capacity(msg)) => {
            assert!(msg.contains("21160-21162"), "{case}: message {msg:?}")
        }
        other => panic!("{case}: an exhausted range gave {other:?}"),
    }
    h.shutdown().await;
    drop(held);
}
