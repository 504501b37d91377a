//! After `kill -9` of the server: its containers keep running; the next run's `recover`
//! removes them (and only them), and reports none alive.

use std::time::Duration;

use bollard::models::ContainerSummaryStateEnum;
use hathora_rooms_server::fleet::{Fleet, FleetEvent, KnownProcess};

use crate::Helper;
use crate::support::*;

/// The helper process: a fleet of instance `FLEET_TEST_INSTANCE` with two ready containers;
/// prints `PLACED <process id> <process id>`, then waits to be killed.
pub fn helper() {
    let instance = std::env::var("FLEET_TEST_INSTANCE").unwrap();
    let logs = std::env::var("FLEET_TEST_LOGS").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut app = hathora_rooms_server::fleet::docker::DockerApp::new(
            "app-crash",
            image(),
            CONTAINER_PORT,
            logs,
        );
        app.pull = hathora_rooms_server::fleet::docker::PullPolicy::Never;
        let mut config = config("helper", 32100..=32109, vec![app]);
        config.instance_id = instance;
        let mut h = Harness::new("helper", config).await;
        let mut ids = Vec::new();
        for room in ["r1", "r2"] {
            let placed = h.place_ok("app-crash", room).await;
            h.expect_ready(&placed.process_id).await;
            ids.push(placed.process_id);
        }
        println!("PLACED {} {}", ids[0], ids[1]);
        std::future::pending::<()>().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn kill_9_leaves_containers_that_the_next_recover_removes() {
    let case = "recover";
    let dir = TestDir::new(case);
    // A bystander: another server instance on the same engine, whose container must stay.
    let bystander_case = "recover-bystander";
    let other = Harness::new(
        bystander_case,
        config(
            bystander_case,
            32110..=32119,
            vec![app("app-other", &dir, &[])],
        ),
    )
    .await;
    let theirs = other.place_ok("app-other", "theirs").await;

    let crashed_instance = instance(case);
    let logs = dir.logs().to_string_lossy().into_owned();
    let mut helper = Helper::start(
        "fleet",
        &[
            ("FLEET_TEST_INSTANCE", &crashed_instance),
            ("FLEET_TEST_LOGS", &logs),
        ],
    );
    let placed = helper.line_within("PLACED ", case, WAIT * 2);
    let ids: Vec<String> = placed
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 2, "{case}: {placed}");
    helper.child.kill().unwrap(); // SIGKILL
    helper.child.wait().unwrap();

    let docker = docker().await;
    // Nothing stops them: they outlive the server that started them.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let left = containers_of(&docker, &crashed_instance).await;
    assert_eq!(left.len(), 2, "{case}: the crashed run's containers");
    assert!(
        left.iter()
            .all(|c| c.state == Some(ContainerSummaryStateEnum::RUNNING)),
        "{case}: still running after kill -9: {:?}",
        left.iter().map(|c| &c.state).collect::<Vec<_>>()
    );

    // The next run of the same server instance.
    let h = Harness::new(
        case,
        config(case, 32100..=32109, vec![app("app-crash", &dir, &[])]),
    )
    .await;
    let previous = ids
        .iter()
        .map(|id| KnownProcess {
            process_id: id.clone(),
            app_id: "app-crash".into(),
            handle: None,
        })
        .collect();
    let alive = tokio::time::timeout(WAIT, h.fleet.recover(previous))
        .await
        .expect("recover returns");
    assert!(alive.is_empty(), "{case}: none adopted: {alive:?}");
    h.assert_none_left().await;
    assert!(
        logged()
            .iter()
            .any(|l| l.starts_with("WARN") && l.contains(&ids[0]) && l.contains("previous run")),
        "{case}: the removal is not in the server log"
    );
    // The bystander's container is untouched, and the new run serves.
    let still = other.container_of(&theirs.process_id).await;
    assert!(
        still.state == Some(ContainerSummaryStateEnum::RUNNING),
        "{case}: another instance's container was touched"
    );
    let mut h = h;
    let fresh = h.place_ok("app-crash", "after").await;
    h.expect_ready(&fresh.process_id).await;
    h.shutdown().await;
    assert!(
        matches!(h.next_event("Exited").await, FleetEvent::Exited { .. }),
        "{case}"
    );
    h.assert_none_left().await;
    other.shutdown().await;
    other.assert_none_left().await;
}
