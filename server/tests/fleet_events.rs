//! Rooms over a fleet with real readiness, driven by a scripted fleet: starting until the
//! process is ready, destroyed when it ends, the races of events with a placement, slots
//! released, resume as a new placement, fleet errors, and no lock held while placing.

mod common;

use std::sync::Arc;

use common::fleet::{Step, endpoints, start, test_config};
use common::*;
use hathora_rooms_server::fleet::{ExitCause, FleetError, FleetEvent};
use serde_json::{Value, json};
use tokio::sync::Notify;

fn client(server: &hathora_rooms_server::RoomsServer) -> Client {
    Client::new(&server.url(), "app-test", "test-token")
}

fn port_json(process: &str) -> (Value, Value) {
    let e = endpoints(process);
    (
        json!({"transportType": "tcp", "port": e.default.port, "host": "game.test", "name": "default"}),
        json!([{"transportType": "udp", "port": e.additional[0].port, "host": "game.test", "name": "voice"}]),
    )
}

#[test]
fn a_room_is_starting_until_its_process_is_ready_then_active_at_its_endpoints() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::pending("p1"));
    let created = c.create_id("r1", "London");
    assert_eq!(created["status"], "starting");
    assert_eq!(created["processId"], "p1");
    assert!(created.get("exposedPort").is_none(), "{created}");
    assert_eq!(c.connection_info("r1")["status"], "starting");
    assert_eq!(c.info("r1")["status"], "scheduling");

    fleet.ready("p1");
    let ci = c.wait_active("r1");
    let (default, additional) = port_json("p1");
    assert_eq!(ci["exposedPort"], default);
    assert_eq!(ci["additionalExposedPorts"], additional);
    assert_eq!(c.info("r1")["status"], "active");

    // A second room on the ready process is active in the CreateRoom answer.
    fleet.script(Step::ready("p1"));
    let second = c.create_id("r2", "London");
    assert_eq!(second["status"], "active", "{second}");
    assert_eq!(second["exposedPort"], default);
    // The fleet saw both placements with their regions.
    let places: Vec<(String, String)> = fleet
        .places()
        .into_iter()
        .map(|p| (p.room_id, p.region))
        .collect();
    assert_eq!(
        places,
        [
            ("r1".into(), "London".into()),
            ("r2".into(), "London".into())
        ]
    );
}

#[test]
fn an_exited_process_destroys_every_room_on_it_and_no_other() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    for (room, process) in [("a1", "pa"), ("a2", "pa"), ("b1", "pb")] {
        fleet.script(Step::ready(process));
        c.create_id(room, "Tokyo");
    }
    // a3 was on pa but is suspended: it has no allocation there to lose.
    fleet.script(Step::ready("pa"));
    c.create_id("a3", "Tokyo");
    assert_eq!(c.post(&c.api("/suspend/a3"), None).status, 204);

    fleet.exited("pa", ExitCause::Exited(3));
    eventually("a1 and a2 destroyed", || {
        c.info("a1")["status"] == "destroyed" && c.info("a2")["status"] == "destroyed"
    });
    for room in ["a1", "a2"] {
        let info = c.info(room);
        assert!(info["currentAllocation"].is_null(), "{room}: {info}");
        assert_time(&info["allocations"][0]["unscheduledAt"]);
        c.request(
            "GET",
            &c.api(&format!("/connectioninfo/{room}")),
            None,
            None,
        )
        .assert_error(404);
    }
    let inactive: Vec<String> = c
        .list("pa", "inactive")
        .iter()
        .map(|r| r["roomId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        inactive,
        ["a1", "a2", "a3"],
        "creation order, destroyed and suspended"
    );
    assert!(c.list("pa", "active").is_empty());
    assert_eq!(c.info("a3")["status"], "suspended");
    assert_eq!(
        c.info("b1")["status"],
        "active",
        "another process's room is untouched"
    );
    assert_eq!(
        c.metric(r#"hathora_process_exits_total{cause="exited"}"#),
        1.0
    );
    // Only the suspend released a slot: nothing is released on a process that is gone.
    assert_eq!(fleet.releases(), [("pa".to_string(), "a3".to_string())]);
}

#[test]
fn an_exited_event_before_the_placement_is_recorded_leaves_the_room_destroyed() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    // place() reports the process's end, waits until the server applied it, then returns the
    // placement on that process: the race of an Exited event with a CreateRoom.
    let gate = Arc::new(Notify::new());
    fleet.script(
        Step::pending("doomed")
            .sending_first(FleetEvent::Exited {
                process_id: "doomed".into(),
                cause: ExitCause::Signaled(9),
            })
            .gated(gate.clone()),
    );
    let creating = {
        let c = Client::new(&c.base, &c.app_id, &c.token);
        std::thread::spawn(move || {
            c.post(&c.api("/create?roomId=late"), Some(r#"{"region":"Dubai"}"#))
        })
    };
    eventually("the exit applied", || {
        c.metric(r#"hathora_process_exits_total{cause="signaled"}"#) == 1.0
    });
    gate.notify_one();
    let r = creating.join().unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "starting", "{v}");
    let info = c.info("late");
    assert_eq!(info["status"], "destroyed", "{info}");
    assert!(info["currentAllocation"].is_null(), "{info}");
    assert_eq!(info["allocations"][0]["processId"], "doomed");
    assert_time(&info["allocations"][0]["unscheduledAt"]);
    assert_eq!(c.list("doomed", "inactive")[0]["roomId"], "late");
    c.request("GET", &c.api("/connectioninfo/late"), None, None)
        .assert_error(404);
    // A Ready event for the ended process changes nothing; the id stays taken.
    fleet.ready("doomed");
    c.post(&c.api("/create?roomId=late"), Some(r#"{"region":"Dubai"}"#))
        .assert_error(422);
    assert_eq!(c.info("late")["status"], "destroyed");
}

#[test]
fn a_ready_event_before_the_placement_is_recorded_makes_the_room_active() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::pending("quick").sending_first(FleetEvent::Ready {
        process_id: "quick".into(),
        endpoints: endpoints("quick"),
    }));
    let v = c.create_id("q", "Chicago");
    // The Ready event may be applied before or after the placement is recorded: the room is
    // active either way, at the process's endpoints.
    let ci = c.wait_active("q");
    assert_eq!(ci["exposedPort"], port_json("quick").0);
    assert_eq!(v["processId"], "quick");
}

#[test]
fn destroy_and_suspend_release_the_slot_and_resume_places_again() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::ready("p1"));
    c.post(
        &c.api("/create?roomId=s"),
        Some(r#"{"region":"London","roomConfig":"v1"}"#),
    );
    fleet.script(Step::ready("p1"));
    c.create_id("d", "London");
    assert_eq!(c.post(&c.api("/destroy/d"), None).status, 204);
    assert_eq!(c.post(&c.api("/suspend/s"), None).status, 204);
    assert_eq!(
        c.post(&c.api("/suspend/s"), None).status,
        204,
        "again: no-op"
    );
    assert_eq!(
        fleet.releases(),
        [
            ("p1".to_string(), "d".to_string()),
            ("p1".to_string(), "s".to_string())
        ],
        "one release per closed allocation"
    );
    assert_eq!(
        c.post(&c.api("/update/s"), Some(r#"{"roomConfig":"v2"}"#))
            .status,
        204
    );
    fleet.script(Step::pending("p2"));
    let r = c.post(&c.api("/resume/s"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["processId"], "p2");
    assert_eq!(r.json()["status"], "starting");
    let last = fleet.places().pop().unwrap();
    assert_eq!(
        (
            last.room_id.as_str(),
            last.region.as_str(),
            last.room_config.as_deref()
        ),
        ("s", "London", Some("v2")),
        "resume places the room again with its current config"
    );
    fleet.ready("p2");
    c.wait_active("s");
    let allocations = c.info("s")["allocations"].as_array().unwrap().clone();
    let processes: Vec<&str> = allocations
        .iter()
        .map(|a| a["processId"].as_str().unwrap())
        .collect();
    assert_eq!(processes, ["p1", "p2"]);
}

#[test]
fn fleet_errors_answer_429_or_500_and_change_nothing() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    let cases = [
        (
            FleetError::Capacity("app app-test runs its maximum of 1 processes".into()),
            429,
            "maximum of 1 processes",
        ),
        (
            FleetError::Spawn("exec /opt/game: permission denied".into()),
            500,
            "could not be started: exec /opt/game: permission denied",
        ),
    ];
    for (error, status, says) in cases {
        fleet.script(Step::fails(error));
        let r = c.post(&c.api("/create?roomId=x"), Some(r#"{"region":"London"}"#));
        let msg = r.assert_error(status);
        assert!(msg.contains(says), "{status}: {msg}");
        assert_eq!(
            r.retry_after.is_some(),
            status == 429,
            "{status}: Retry-After"
        );
        c.get(&c.api("/info/x")).assert_error(404);
    }
    // The id was never taken; a room can be created with it now.
    fleet.script(Step::ready("p"));
    c.create_id("x", "London");
    // ResumeRoom too.
    c.post(&c.api("/suspend/x"), None);
    fleet.script(Step::fails(FleetError::Capacity(
        "the server runs its maximum".into(),
    )));
    let r = c.post(&c.api("/resume/x"), None);
    r.assert_error(429);
    assert!(r.retry_after.is_some());
    assert_eq!(c.info("x")["status"], "suspended");
    assert_eq!(c.info("x")["allocations"].as_array().unwrap().len(), 1);
    assert_eq!(c.metric("hathora_process_spawn_failures_total"), 1.0);
    assert_eq!(c.metric("hathora_process_spawns_total"), 1.0);
}

#[test]
fn no_lock_is_held_while_the_fleet_places_a_room() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::ready("p1"));
    c.create_id("before", "London");
    let gate = Arc::new(Notify::new());
    fleet.script(Step::pending("slow").gated(gate.clone()));
    let creating = {
        let c = Client::new(&c.base, &c.app_id, &c.token);
        std::thread::spawn(move || {
            c.post(&c.api("/create?roomId=slow"), Some(r#"{"region":"Tokyo"}"#))
        })
    };
    eventually("the slow placement began", || fleet.places().len() == 2);
    // While it waits: reads, writes and another placement all answer.
    assert_eq!(c.connection_info("before")["status"], "active");
    assert_eq!(
        c.post(&c.api("/update/before"), Some(r#"{"roomConfig":"x"}"#))
            .status,
        204
    );
    fleet.script(Step::ready("p1"));
    c.create_id("meanwhile", "London");
    // The room being placed is not readable yet, but its id is taken.
    c.get(&c.api("/info/slow")).assert_error(404);
    c.post(&c.api("/create?roomId=slow"), Some(r#"{"region":"Tokyo"}"#))
        .assert_error(422);
    assert!(
        !creating.is_finished(),
        "the slow CreateRoom still waits for its placement"
    );
    gate.notify_one();
    let r = creating.join().unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(c.info("slow")["status"], "scheduling");
}

#[test]
fn a_resume_racing_a_destroy_releases_its_new_slot() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::ready("p1"));
    c.create_id("r", "London");
    c.post(&c.api("/suspend/r"), None);
    let gate = Arc::new(Notify::new());
    fleet.script(Step::ready("p2").gated(gate.clone()));
    let resuming = {
        let c = Client::new(&c.base, &c.app_id, &c.token);
        std::thread::spawn(move || c.post(&c.api("/resume/r"), None))
    };
    eventually("the resume's placement began", || fleet.places().len() == 2);
    // A second resume while the first places: refused, nothing changes.
    c.post(&c.api("/resume/r"), None).assert_error(400);
    assert_eq!(c.post(&c.api("/destroy/r"), None).status, 204);
    gate.notify_one();
    resuming.join().unwrap().assert_error(404);
    let info = c.info("r");
    assert_eq!(info["status"], "destroyed");
    assert_eq!(info["allocations"].as_array().unwrap().len(), 1, "{info}");
    assert!(
        fleet
            .releases()
            .contains(&("p2".to_string(), "r".to_string())),
        "the placement that lost the race is released: {:?}",
        fleet.releases()
    );
}

#[test]
fn stopping_the_server_shuts_the_fleet_down() {
    let (server, fleet) = start(test_config(), &[]);
    let c = client(&server);
    fleet.script(Step::ready("p1"));
    c.create_id("r", "London");
    server.shutdown();
    assert_eq!(fleet.shutdowns(), 1);
}
