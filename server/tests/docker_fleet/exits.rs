//! Ends a container comes to: its own exit, the kernel's OOM kill at its memory limit, the
//! startup timeout, shutdown. Each is reported with its cause, and the container is removed.

use std::time::Duration;

use hathora_rooms_server::fleet::{ExitCause, FleetError};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn a_container_that_exits_is_reported_with_its_code_and_removed() {
    let case = "exit-code";
    let dir = TestDir::new(case);
    let app = app(
        "app-exit",
        &dir,
        &[("GAME_EXIT_AFTER_MS", "1000"), ("GAME_EXIT_CODE", "3")],
    );
    let mut h = Harness::new(case, config(case, 32020..=32029, vec![app])).await;
    let placed = h.place_ok("app-exit", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Exited(3),
        "{case}"
    );
    h.assert_none_left().await;
    assert!(
        logged()
            .iter()
            .any(|l| l.contains(&placed.process_id) && l.contains("exited with code 3")),
        "{case}: no exit line in the server log"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn a_container_over_its_memory_limit_ends_out_of_memory() {
    let case = "oom";
    let dir = TestDir::new(case);
    let mut app = app("app-oom", &dir, &[("GAME_OOM", "1")]);
    app.memory_bytes = Some(32 * 1024 * 1024);
    let mut h = Harness::new(case, config(case, 32030..=32039, vec![app])).await;
    let placed = h.place_ok("app-oom", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::OutOfMemory,
        "{case}"
    );
    h.assert_none_left().await;
    assert!(
        logged()
            .iter()
            .any(|l| l.starts_with("WARN") && l.contains(&placed.process_id) && l.contains("oom")),
        "{case}: no oom warning in the server log"
    );
    let log = log_of(&dir.logs(), &placed.process_id);
    assert!(
        log.contains("allocating until the memory limit"),
        "{case}: its log: {log:?}"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn a_container_that_never_listens_is_stopped_at_the_startup_timeout() {
    let case = "startup-timeout";
    let dir = TestDir::new(case);
    // It also ignores SIGTERM: the engine's SIGKILL after the grace ends it.
    let mut app = app(
        "app-mute",
        &dir,
        &[("GAME_LISTEN", "none"), ("GAME_IGNORE_TERM", "1")],
    );
    app.startup_timeout = Duration::from_secs(3);
    app.stop_grace = Duration::from_secs(1);
    let mut h = Harness::new(case, config(case, 32040..=32049, vec![app])).await;
    let placed = h.place_ok("app-mute", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::StartupTimeout,
        "{case}: no Ready, then the timeout"
    );
    h.assert_none_left().await;
    assert!(
        logged().iter().any(|l| l.starts_with("WARN")
            && l.contains(&placed.process_id)
            && l.contains("app-mute")
            && l.contains("7777")),
        "{case}: no warning naming the process, app and port"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn shutdown_stops_and_removes_every_container_and_refuses_new_rooms() {
    let case = "shutdown";
    let dir = TestDir::new(case);
    let polite = app("app-polite", &dir, &[]);
    let mut stubborn = app("app-stubborn", &dir, &[("GAME_IGNORE_TERM", "1")]);
    stubborn.stop_grace = Duration::from_secs(1);
    let mut h = Harness::new(case, config(case, 32050..=32059, vec![polite, stubborn])).await;
    let mut ids = Vec::new();
    for (app, room) in [
        ("app-polite", "r1"),
        ("app-polite", "r2"),
        ("app-stubborn", "r3"),
    ] {
        let placed = h.place_ok(app, room).await;
        h.expect_ready(&placed.process_id).await;
        ids.push(placed.process_id);
    }
    assert_eq!(h.containers().await.len(), 3, "{case}: three containers");
    h.shutdown().await;
    let mut ended = Vec::new();
    for _ in 0..3 {
        match h.next_event("Exited").await {
            hathora_rooms_server::fleet::FleetEvent::Exited { process_id, cause } => {
                assert_eq!(cause, ExitCause::Shutdown, "{case}: {process_id}");
                ended.push(process_id);
            }
            other => panic!("{case}: expected Exited, got {other:?}"),
        }
    }
    ended.sort();
    ids.sort();
    assert_eq!(ended, ids, "{case}: every container ended");
    h.assert_none_left().await;
    match h.place("app-polite", "late").await {
        Err(FleetError::Spawn(msg)) => assert!(msg.contains("shut down"), "{case}: {msg}"),
        other => panic!("{case}: a room after shutdown got {other:?}"),
    }
}
