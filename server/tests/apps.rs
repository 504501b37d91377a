//! Several apps on one server: each with its own tokens (several per app), regions and limits;
//! a token works on its own app only, and no app sees another's rooms or processes.

mod common;

use std::time::Duration;

use common::*;
use hathora_rooms_server::config::{AppConfig, PortSpec};
use hathora_rooms_server::fleet::Transport;
use hathora_rooms_server::{RoomsServer, ServerConfig, Token};
use serde_json::json;

fn two_apps() -> RoomsServer {
    let mut a = AppConfig::new("app-a", vec![Token::new("a-one"), Token::new("a-two")]);
    a.regions = vec!["London".into(), "Tokyo".into()];
    a.rooms_per_process = 1;
    let mut b = AppConfig::new("app-b", vec![Token::new("b-one")]);
    b.transport = Transport::Udp;
    b.additional_ports = vec![PortSpec {
        name: "voice".into(),
        transport: Transport::Tcp,
    }];
    let mut config = ServerConfig {
        apps: vec![a, b],
        public_host: Some("play.example".into()),
        ..ServerConfig::default()
    };
    config.simulated.activation_delay = Duration::ZERO;
    RoomsServer::start(config).expect("starts")
}

#[test]
fn a_token_works_on_its_own_app_only() {
    let server = two_apps();
    let a = Client::new(&server.url(), "app-a", "a-one");
    a.create_id("shared-id", "London");
    let b = Client::new(&server.url(), "app-b", "b-one");
    b.create_id("shared-id", "London");
    // (app of the path, bearer token, status of GetRoomInfo on shared-id)
    let cases: [(&str, Option<&str>, u16); 9] = [
        ("app-a", Some("a-one"), 200),
        ("app-a", Some("a-two"), 200),
        ("app-b", Some("b-one"), 200),
        ("app-a", Some("b-one"), 401),
        ("app-b", Some("a-one"), 401),
        ("app-b", Some("a-two"), 401),
        ("app-a", None, 401),
        ("app-nope", Some("a-one"), 404),
        ("app-nope", Some("wrong"), 401),
    ];
    for (app, token, want) in cases {
        let auth = token.map(|t| format!("Bearer {t}"));
        let r = a.request(
            "GET",
            &format!("/rooms/v2/{app}/info/shared-id"),
            None,
            auth.as_deref(),
        );
        assert_eq!(r.status, want, "{app} with {token:?}: {}", r.body);
        if want == 200 {
            assert_eq!(r.json()["appId"], app, "{app} with {token:?}");
        } else {
            let msg = r.assert_error(want);
            if let Some(t) = token {
                assert!(
                    !msg.contains(t),
                    "{app}: the message repeats the token: {msg}"
                );
            }
        }
    }
    // Every authenticated operation refuses another app's token.
    for (method, rest, body) in [
        ("POST", "/create", Some(r#"{"region":"London"}"#)),
        ("GET", "/list/p/active", None),
        ("GET", "/list/p/inactive", None),
        ("POST", "/destroy/shared-id", None),
        ("POST", "/suspend/shared-id", None),
        ("POST", "/resume/shared-id", None),
        ("POST", "/update/shared-id", Some(r#"{"roomConfig":"x"}"#)),
    ] {
        a.request(
            method,
            &format!("/rooms/v2/app-b{rest}"),
            body,
            Some("Bearer a-one"),
        )
        .assert_error(401);
    }
    assert_eq!(
        b.info("shared-id")["status"],
        "active",
        "app-b's room untouched"
    );
}

#[test]
fn apps_see_only_their_own_rooms_and_processes() {
    let server = two_apps();
    let a = Client::new(&server.url(), "app-a", "a-one");
    let b = Client::new(&server.url(), "app-b", "b-one");
    let room = a.create_id("only-a", "Tokyo");
    let process = room["processId"].as_str().unwrap();
    b.get(&b.api("/info/only-a")).assert_error(404);
    b.request("GET", &b.api("/connectioninfo/only-a"), None, None)
        .assert_error(404);
    b.get(&b.api(&format!("/list/{process}/active")))
        .assert_error(404);
    b.post(&b.api("/destroy/only-a"), None).assert_error(404);
    assert_eq!(a.list(process, "active").len(), 1);
    assert_eq!(a.info("only-a")["status"], "active");
}

#[test]
fn each_app_has_its_own_regions_limits_and_ports() {
    let server = two_apps();
    let a = Client::new(&server.url(), "app-a", "a-one");
    let b = Client::new(&server.url(), "app-b", "b-one");
    let msg = a
        .post(&a.api("/create"), Some(r#"{"region":"Sydney"}"#))
        .assert_error(422);
    assert!(msg.contains("does not serve region Sydney"), "{msg}");
    b.create("Sydney");
    // app-a: one room per process; app-b: four.
    let (a1, a2) = (a.create("London"), a.create("London"));
    assert_ne!(a1["processId"], a2["processId"]);
    let (b1, b2) = (b.create("London"), b.create("London"));
    assert_eq!(b1["processId"], b2["processId"]);
    // app-b's processes expose a UDP default port and a TCP "voice" port on the public host.
    let ci = b.connection_info(b1["roomId"].as_str().unwrap());
    assert_eq!(ci["exposedPort"]["transportType"], "udp");
    assert_eq!(ci["exposedPort"]["host"], "play.example");
    assert_eq!(ci["additionalExposedPorts"][0]["name"], "voice");
    assert_eq!(ci["additionalExposedPorts"][0]["transportType"], "tcp");
    assert_eq!(ci["additionalExposedPorts"][0]["host"], "play.example");
    assert_eq!(
        a1["exposedPort"],
        json!({"transportType": "tcp", "host": "play.example", "name": "default", "port": a1["exposedPort"]["port"]})
    );
}
