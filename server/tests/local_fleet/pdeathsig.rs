//! Children die with the server, even on `kill -9`; and only then: a placement made from a
//! thread that ends does not take the process with it.

use std::time::Duration;

use hathora_rooms_server::fleet::{Fleet, PlaceRoom};

use crate::Helper;
use crate::support::*;

#[test]
fn game_servers_die_with_a_server_killed_by_sigkill() {
    let case = "pdeathsig";
    let dir = TestDir::new(case);
    let mut helper = Helper::start("orphans", &[("FLEET_TEST_DIR", &dir.0.to_string_lossy())]);
    let line = helper.line("READY ", case);
    let count: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(count, 2, "{case}: the helper runs two game servers");
    assert_eq!(
        marked_processes(case).len(),
        2,
        "{case}: two marked processes before the kill"
    );
    helper.child.kill().unwrap(); // SIGKILL: no chance to clean up
    helper.wait(case);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(wait_marked_gone(case, case));
}

/// Runs in the helper process: a fleet with two ready processes, until it is killed.
pub fn helper() {
    let dir = TestDir(std::env::var("FLEET_TEST_DIR").unwrap().into());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut h = Harness::new(
            "pdeathsig",
            config(
                21500..=21509,
                vec![app("app-orphan", "pdeathsig", &dir, &[])],
            ),
        );
        for room in ["r1", "r2"] {
            let placed = h.place_ok("app-orphan", room).await;
            h.expect_ready(&placed.process_id).await;
        }
        println!("READY 2");
        std::future::pending::<()>().await;
    });
}

/// The runtime's idle blocking threads end after 50 ms, and the room is placed from a thread
/// that ends: a fork on either (not on a thread that lives as long as the fleet) would take the
/// game server down with it when that thread exits.
#[test]
fn a_process_placed_from_a_thread_that_ends_keeps_running() {
    let case = "thread-exit";
    let keep_alive = Duration::from_millis(50);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_keep_alive(keep_alive)
        .enable_all()
        .build()
        .unwrap();
    let dir = TestDir::new(case);
    let mut h = runtime.block_on(async {
        Harness::new(
            case,
            config(21510..=21519, vec![app("app-thread", case, &dir, &[])]),
        )
    });
    let placed = std::thread::scope(|s| {
        s.spawn(|| {
            runtime.block_on(h.fleet.place(PlaceRoom {
                app_id: "app-thread".into(),
                region: "Frankfurt".into(),
                room_id: "room".into(),
                room_config: None,
            }))
        })
        .join()
        .unwrap()
    })
    .unwrap_or_else(|e| panic!("{case}: place failed: {e:?}"));
    runtime.block_on(async {
        h.expect_ready(&placed.process_id).await;
        // Well past the blocking threads' keep-alive, and the placing thread has ended.
        h.expect_no_event(keep_alive * 20, "the process outlives the placing threads")
            .await;
        assert_eq!(marked_processes(case).len(), 1, "{case}: the process runs");
        h.shutdown().await;
    });
}
