//! Process tokens on a scripted fleet: what a token reaches as its rooms come and go, that it
//! stops with its process (even an end that comes before its room is recorded), and that after
//! a restart it works again only when the fleet reports its process alive. The full matrix of
//! operations and credentials, with real game servers, is in tests/token_matrix.rs.

mod common;

use std::sync::Arc;

use common::fleet::{Step, TestFleet, start, test_config};
use common::*;
use hathora_rooms_server::config::AppConfig;
use hathora_rooms_server::fleet::{ExitCause, FleetEvent};
use hathora_rooms_server::{RoomsServer, Token};
use serde_json::json;
use tokio::sync::Notify;

const APP: &str = "app-test";
const DEV: &str = "test-token";

/// A client of `app-test` whose bearer token is the process token of `process`.
fn as_process(server: &RoomsServer, fleet: &TestFleet, process: &str) -> Client {
    Client::new(&server.url(), APP, &fleet.token(process))
}

fn status(c: &Client, method: &str, path: &str, body: Option<&str>) -> u16 {
    c.request(method, &c.api(path), body, Some(&c.bearer()))
        .status
}

#[test]
fn a_process_token_reaches_the_rooms_on_its_process_only() {
    let (server, fleet) = start(test_config(), &[]);
    let dev = Client::new(&server.url(), APP, DEV);
    fleet.script(Step::ready("p-1"));
    fleet.script(Step::ready("p-2"));
    dev.create_id("mine", "London");
    dev.create_id("theirs", "London");
    let t1 = as_process(&server, &fleet, "p-1");
    assert!(fleet.token("p-1").starts_with("hpt1.p-1."));

    assert_eq!(status(&t1, "GET", "/info/mine", None), 200);
    assert_eq!(t1.list("p-1", "active").len(), 1);
    assert_eq!(t1.list("p-1", "inactive").len(), 0);
    // Another process's room answers exactly as a room that does not exist.
    let theirs = t1.get(&t1.api("/info/theirs"));
    let nowhere = t1.get(&t1.api("/info/nowhere"));
    assert_eq!(theirs.assert_error(404), "Room theirs not found");
    assert_eq!(nowhere.assert_error(404), "Room nowhere not found");
    // Another process's lists: 401 whether it exists or not.
    let other = t1.get(&t1.api("/list/p-2/active"));
    let unknown = t1.get(&t1.api("/list/p-unknown/active"));
    assert_eq!(other.assert_error(401), unknown.assert_error(401));

    let update = json!({"roomConfig": "set by the game server"}).to_string();
    assert_eq!(status(&t1, "POST", "/update/mine", Some(&update)), 204);
    assert_eq!(dev.info("mine")["roomConfig"], "set by the game server");
    assert_eq!(status(&t1, "POST", "/update/theirs", Some(&update)), 404);
    assert_eq!(status(&t1, "POST", "/destroy/mine", None), 204);
    assert_eq!(dev.info("mine")["status"], "destroyed");
    // Destroyed: no longer on the process, so out of reach (its inactive list still shows it).
    assert_eq!(status(&t1, "GET", "/info/mine", None), 404);
    assert_eq!(t1.list("p-1", "inactive").len(), 1);
    assert_eq!(status(&t1, "POST", "/destroy/theirs", None), 404);
    assert_eq!(dev.info("theirs")["status"], "active");
}

#[test]
fn a_room_that_moves_to_another_process_moves_out_of_reach() {
    let (server, fleet) = start(test_config(), &[]);
    let dev = Client::new(&server.url(), APP, DEV);
    fleet.script(Step::ready("p-1"));
    dev.create_id("wanderer", "Tokyo");
    let t1 = as_process(&server, &fleet, "p-1");
    assert_eq!(status(&t1, "GET", "/info/wanderer", None), 200);
    assert_eq!(dev.post(&dev.api("/suspend/wanderer"), None).status, 204);
    assert_eq!(status(&t1, "GET", "/info/wanderer", None), 404, "suspended");
    fleet.script(Step::ready("p-2"));
    assert_eq!(dev.post(&dev.api("/resume/wanderer"), None).status, 200);
    let t2 = as_process(&server, &fleet, "p-2");
    assert_eq!(
        status(&t1, "GET", "/info/wanderer", None),
        404,
        "on p-2 now"
    );
    assert_eq!(status(&t2, "GET", "/info/wanderer", None), 200);
}

#[test]
fn a_token_stops_working_when_its_process_ends() {
    let (server, fleet) = start(test_config(), &[]);
    let dev = Client::new(&server.url(), APP, DEV);
    fleet.script(Step::ready("p-1"));
    dev.create_id("r", "London");
    let t1 = as_process(&server, &fleet, "p-1");
    assert_eq!(status(&t1, "GET", "/list/p-1/inactive", None), 200);
    fleet.exited("p-1", ExitCause::Signaled(9));
    eventually("the room destroyed with its process", || {
        dev.info("r")["status"] == "destroyed"
    });
    for (method, path) in [("GET", "/list/p-1/inactive"), ("GET", "/info/r")] {
        assert_eq!(status(&t1, method, path, None), 401, "{path}");
    }

    // A process whose end is applied before its token is minted and its first room recorded.
    let gate = Arc::new(Notify::new());
    fleet.script(
        Step::pending("p-2")
            .sending_first(FleetEvent::Exited {
                process_id: "p-2".into(),
                cause: ExitCause::Exited(1),
            })
            .gated(gate.clone()),
    );
    let creating = {
        let dev = Client::new(&server.url(), APP, DEV);
        std::thread::spawn(move || dev.create_id("doomed", "London"))
    };
    eventually("the end of p-2 applied", || {
        dev.metric(r#"hathora_process_exits_total{cause="exited"}"#) == 1.0
    });
    gate.notify_one();
    assert_eq!(creating.join().unwrap()["roomId"], "doomed");
    assert_eq!(dev.info("doomed")["status"], "destroyed");
    let t2 = as_process(&server, &fleet, "p-2");
    assert_eq!(status(&t2, "GET", "/list/p-2/inactive", None), 401);
}

#[test]
fn after_a_restart_only_the_processes_that_survived_keep_their_tokens() {
    let dir = TempDir::new("token-restart");
    let mut config = test_config();
    config.state = Some(dir.0.join("state.db"));
    let (server, fleet) = start(config.clone(), &[]);
    let dev = Client::new(&server.url(), APP, DEV);
    fleet.script(Step::ready("survivor"));
    fleet.script(Step::ready("casualty"));
    dev.create_id("kept", "London");
    dev.create_id("lost", "London");
    let survivor = fleet.token("survivor");
    let casualty = fleet.token("casualty");
    fleet.processes_outlive_the_server();
    drop(server);

    // The fleet finds "survivor" still serving, "casualty" gone with the previous run.
    let (server, fleet) = start(config.clone(), &["survivor"]);
    assert_eq!(fleet.recovered(), ["casualty", "survivor"]);
    let dev = Client::new(&server.url(), APP, DEV);
    assert_eq!(dev.info("lost")["status"], "destroyed");
    assert_eq!(dev.info("kept")["status"], "active");
    let kept = Client::new(&server.url(), APP, &survivor);
    assert_eq!(status(&kept, "GET", "/info/kept", None), 200);
    assert_eq!(kept.list("survivor", "active").len(), 1);
    let lost = Client::new(&server.url(), APP, &casualty);
    assert_eq!(status(&lost, "GET", "/list/casualty/inactive", None), 401);
    fleet.processes_outlive_the_server();
    drop(server);

    // A fleet whose processes never outlive the server (child processes): no token survives.
    let (server, _fleet) = start(config, &[]);
    let kept = Client::new(&server.url(), APP, &survivor);
    assert_eq!(status(&kept, "GET", "/list/survivor/inactive", None), 401);
}

#[test]
fn a_process_token_works_on_its_own_app_only() {
    let mut config = test_config();
    config
        .apps
        .push(AppConfig::new("app-other", vec![Token::new("other-token")]));
    let (server, fleet) = start(config, &[]);
    let dev = Client::new(&server.url(), APP, DEV);
    fleet.script(Step::ready("p-1"));
    dev.create_id("r", "London");
    let token = fleet.token("p-1");
    let on = |app: &str| {
        Client::new(&server.url(), app, &token)
            .get(&format!("/rooms/v2/{app}/list/p-1/active"))
            .status
    };
    assert_eq!(on(APP), 200);
    assert_eq!(on("app-other"), 401, "another app");
    assert_eq!(
        on("app-nowhere"),
        404,
        "a valid credential on an unknown app"
    );
}
