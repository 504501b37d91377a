//! A fleet that goes away without `shutdown` leaves no container: dropped in a running runtime
//! (its supervisors stop and remove them), or with the runtime dropped under it (its last
//! owner removes them).

use std::time::{Duration, Instant};

use crate::support::*;

/// Waits (bounded) until the instance has no container left.
async fn wait_none_left(instance: &str, case: &str) {
    let docker = docker().await;
    let deadline = Instant::now() + WAIT;
    loop {
        let left = containers_of(&docker, instance).await;
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{case}: containers left: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn dropping_the_fleet_stops_and_removes_its_containers() {
    let case = "drop-fleet";
    let dir = TestDir::new(case);
    let mut h = Harness::new(
        case,
        config(case, 32160..=32169, vec![app("app-drop", &dir, &[])]),
    )
    .await;
    let placed = h.place_ok("app-drop", "room").await;
    h.expect_ready(&placed.process_id).await;
    let instance = h.fleet.instance_id().to_owned();
    drop(h);
    wait_none_left(&instance, case).await;
}

#[test]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
fn a_runtime_dropped_under_the_fleet_leaves_no_container() {
    let case = "drop-runtime";
    let dir = TestDir::new(case);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut h = runtime.block_on(Harness::new(
        case,
        config(case, 32170..=32179, vec![app("app-rt", &dir, &[])]),
    ));
    runtime.block_on(async {
        let placed = h.place_ok("app-rt", "room").await;
        h.expect_ready(&placed.process_id).await;
    });
    // The supervisors go with the runtime; the fleet's last owner cleans up.
    drop(runtime);
    let instance = h.fleet.instance_id().to_owned();
    drop(h);
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(wait_none_left(&instance, case));
}
