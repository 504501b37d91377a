//! Stops by the fleet: the idle reaper (SIGTERM, then SIGKILL after the grace period), a room
//! that cancels it, and shutdown.

use std::time::Duration;

use hathora_rooms_server::fleet::{ExitCause, Fleet, FleetEvent, Readiness};

use crate::support::*;

/// Placed, ready, released: the idle reaper stops it, and its log shows what it saw.
async fn idle_stop(
    case: &'static str,
    ports: std::ops::RangeInclusive<u16>,
    on_term: &str,
    grace: Duration,
    seen: &str,
) {
    let dir = TestDir::new(case);
    let mut app = app("app-idle", case, &dir, &["--on-term", on_term]);
    app.idle_timeout = Duration::from_millis(300);
    app.stop_grace = grace;
    let mut h = Harness::new(case, config(ports, vec![app]));
    let placed = h.place_ok("app-idle", "room").await;
    h.expect_ready(&placed.process_id).await;
    h.fleet.release(&placed.process_id, "room");
    assert_eq!(
        h.expect_exited(&placed.process_id).await,
        ExitCause::Idle,
        "{case}"
    );
    let log = log_of(&dir.logs(), &placed.process_id);
    assert!(
        log.contains(seen),
        "{case}: {seen:?} not in its log {log:?}"
    );
    assert!(marked_processes(case).is_empty(), "{case}: still running");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_process_is_stopped_with_sigterm() {
    // A grace period far beyond WAIT: the stop is only in time if SIGTERM worked.
    idle_stop(
        "idle-sigterm",
        21400..=21409,
        "exit",
        Duration::from_secs(600),
        "got SIGTERM",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_that_ignores_sigterm_is_killed_after_the_grace_period() {
    idle_stop(
        "idle-sigkill",
        21410..=21419,
        "ignore",
        Duration::from_secs(1),
        "ignored SIGTERM",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_placed_before_the_idle_timeout_keeps_the_process() {
    let case = "idle-cancel";
    let dir = TestDir::new(case);
    let mut app = app("app-busy", case, &dir, &[]);
    app.idle_timeout = Duration::from_millis(1500);
    let mut h = Harness::new(case, config(21420..=21429, vec![app]));
    let first = h.place_ok("app-busy", "r1").await;
    let endpoints = h.expect_ready(&first.process_id).await;
    h.fleet.release(&first.process_id, "r1");
    let second = h.place_ok("app-busy", "r2").await;
    assert_eq!(
        second.process_id, first.process_id,
        "{case}: the idle process takes the room"
    );
    assert_eq!(
        second.readiness,
        Readiness::Ready(endpoints),
        "{case}: ready at once"
    );
    // Twice the idle timeout: the cancelled timer must not stop it.
    h.expect_no_event(Duration::from_secs(3), "the idle timer was cancelled")
        .await;
    assert_eq!(marked_processes(case).len(), 1, "{case}: the process runs");
    // Released again, the timer is armed anew.
    h.fleet.release(&first.process_id, "r2");
    assert_eq!(
        h.expect_exited(&first.process_id).await,
        ExitCause::Idle,
        "{case}"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_every_process_and_refuses_new_rooms() {
    let case = "shutdown";
    let dir = TestDir::new(case);
    let mut stubborn = app("app-stubborn", case, &dir, &["--on-term", "ignore"]);
    stubborn.stop_grace = Duration::from_secs(1);
    let apps = vec![
        app("app-plain", case, &dir, &[]),
        stubborn,
        app("app-starting", case, &dir, &["--delay", "600"]),
    ];
    let mut h = Harness::new(case, config(21430..=21439, apps));
    let plain = h.place_ok("app-plain", "r1").await;
    h.expect_ready(&plain.process_id).await;
    let stubborn = h.place_ok("app-stubborn", "r2").await;
    h.expect_ready(&stubborn.process_id).await;
    let starting = h.place_ok("app-starting", "r3").await;
    h.shutdown().await;
    assert!(
        marked_processes(case).is_empty(),
        "{case}: processes left after shutdown"
    );
    let ended = h.expect_exits(3).await;
    let mut expected: Vec<_> = [plain, stubborn, starting]
        .into_iter()
        .map(|p| (p.process_id, ExitCause::Shutdown))
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        ended, expected,
        "{case}: every process stopped by the shutdown"
    );
    assert!(
        matches!(
            h.place("app-plain", "r4").await,
            Err(hathora_rooms_server::fleet::FleetError::Spawn(_))
        ),
        "{case}: a room after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_fleet_stops_its_processes() {
    let case = "drop-fleet";
    let dir = TestDir::new(case);
    let mut h = Harness::new(
        case,
        config(21440..=21449, vec![app("app-drop", case, &dir, &[])]),
    );
    let placed = h.place_ok("app-drop", "room").await;
    h.expect_ready(&placed.process_id).await;
    let Harness {
        fleet, mut events, ..
    } = h;
    drop(fleet);
    let ended = tokio::time::timeout(WAIT, events.recv()).await;
    let expected = FleetEvent::Exited {
        process_id: placed.process_id,
        cause: ExitCause::Shutdown,
    };
    assert_eq!(ended, Ok(Some(expected)), "{case}");
    wait_marked_gone(case, case).await;
}

/// The runtime goes away under the fleet (its tasks dropped, shutdown never called): the last
/// owner of the fleet's state kills and reaps what is left.
#[test]
fn a_runtime_dropped_under_the_fleet_leaves_no_process_or_zombie() {
    let case = "drop-runtime";
    let dir = TestDir::new(case);
    let pid_file = dir.file("pid");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fleet = runtime.block_on(async {
        let app = app("app-rt", case, &dir, &["--pid-file", &pid_file]);
        let mut h = Harness::new(case, config(21450..=21459, vec![app]));
        let placed = h.place_ok("app-rt", "room").await;
        h.expect_ready(&placed.process_id).await;
        h.fleet
    });
    let pid = read_pid(&pid_file, case);
    drop(runtime);
    assert_eq!(
        marked_processes(case).len(),
        1,
        "{case}: the process runs while the fleet exists"
    );
    drop(fleet);
    assert!(
        marked_processes(case).is_empty(),
        "{case}: the process survived"
    );
    assert!(!is_our_zombie(pid), "{case}: the process is a zombie");
}
