//! What a game server finds in its environment, and the inputs refused before a spawn.

use std::collections::BTreeSet;
use std::sync::Arc;

use hathora_rooms_server::fleet::local::{AdditionalPort, BASE_PATH, LocalApp, LocalFleet};
use hathora_rooms_server::fleet::{FleetError, Readiness, Transport};

use crate::Helper;
use crate::support::*;

const CASE: &str = "environment";
const SECRET: &str = "the-server-secret-value";

/// A config with newlines, quotes, shell syntax and non-ASCII text, 10,000 characters long.
fn room_config() -> String {
    let head = "{\"map\": \"dust\",\n \"note\": \"$HOME `id` ; rm -rf / && echo 'x'\"}\n";
    let lines = std::iter::repeat("line of the room config: é ü 漢\n").flat_map(str::chars);
    let config: String = head.chars().chain(lines).take(10_000).collect();
    assert_eq!(config.chars().count(), 10_000);
    config
}

#[test]
fn environment_is_exactly_the_base_the_app_and_the_hathora_variables() {
    let dir = TestDir::new(CASE);
    std::fs::write(dir.file("config.txt"), room_config()).unwrap();
    let dir_text = dir.0.to_string_lossy().into_owned();
    let mut helper = Helper::start(
        "environment",
        &[
            ("FLEET_TEST_DIR", &dir_text),
            ("SECRET_OF_THE_SERVER", SECRET),
        ],
    );
    let placed = helper.line("PLACED ", CASE);
    let status = helper.wait(CASE);
    assert!(status.success(), "{CASE}: the helper failed: {status}");
    let fields: Vec<&str> = placed.split_whitespace().collect();
    let (process_id, default_port, voice_port) = (fields[1], fields[2], fields[3]);

    let env = read_env_dump(&dir.file("env.json"));
    let logs = dir.logs().to_string_lossy().into_owned();
    let config = room_config();
    let token = format!("token-for-{process_id}");
    let expected = [
        ("PATH", BASE_PATH),
        ("HOME", logs.as_str()),
        ("LANG", "C.UTF-8"),
        ("FLEET_TEST_MARKER", "environment"),
        ("APP_SETTING", "two\nlines"),
        ("HATHORA_PROCESS_ID", process_id),
        ("HATHORA_APP_ID", "app-env"),
        ("HATHORA_REGION", "Frankfurt"),
        ("HATHORA_ROOMS_PER_PROCESS", "3"),
        ("HATHORA_INITIAL_ROOM_ID", "room-env"),
        ("HATHORA_INITIAL_ROOM_CONFIG", config.as_str()),
        ("HATHORA_DEFAULT_PORT", default_port),
        ("HATHORA_VOICE_CHAT_PORT", voice_port),
        ("HATHORA_HOSTNAME", PUBLIC_HOST),
        ("HATHORA_DEPLOYMENT_ID", "dep-42"),
        ("HATHORA_BUILD_TAG", "v1.2.3"),
        ("HATHORA_BASE_URL", BASE_URL),
        ("HATHORA_PROCESS_TOKEN", token.as_str()),
    ];
    let names: BTreeSet<&str> = env.keys().map(String::as_str).collect();
    let wanted: BTreeSet<&str> = expected.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, wanted, "{CASE}: the variable names differ");
    for (name, value) in expected {
        assert_eq!(env[name], value, "{CASE}: value of {name}");
    }
    assert!(
        !env.values().any(|v| v.contains(SECRET)),
        "{CASE}: the server's secret reached the game server"
    );
}

/// Runs in the helper process, whose environment holds SECRET_OF_THE_SERVER.
pub fn helper() {
    assert_eq!(std::env::var("SECRET_OF_THE_SERVER").as_deref(), Ok(SECRET));
    let dir = std::path::PathBuf::from(std::env::var("FLEET_TEST_DIR").unwrap());
    let dump = dir.join("env.json").to_string_lossy().into_owned();
    let config_text = std::fs::read_to_string(dir.join("config.txt")).unwrap();
    let mut app = LocalApp::new("app-env", python(), dir.join("logs"));
    app.args = vec![game_server(), "--env-dump".into(), dump];
    app.env = vec![
        ("FLEET_TEST_MARKER".into(), "environment".into()),
        ("APP_SETTING".into(), "two\nlines".into()),
        // The Hathora variables win over the app's.
        ("HATHORA_APP_ID".into(), "spoofed".into()),
    ];
    app.rooms_per_process = 3;
    app.additional_ports = vec![AdditionalPort {
        name: "voice-chat".into(),
        transport: Transport::Udp,
    }];
    app.deployment_id = "dep-42".into();
    app.build_tag = "v1.2.3".into();
    let mut config = config(21000..=21019, vec![app]);
    config.process_env = Some(Arc::new(|p| {
        vec![(
            "HATHORA_PROCESS_TOKEN".into(),
            format!("token-for-{}", p.process_id),
        )]
    }));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut h = Harness::new(CASE, config);
        let placed = h
            .place_with("app-env", "room-env", Some(&config_text))
            .await
            .unwrap();
        let endpoints = h.expect_ready(&placed.process_id).await;
        assert_eq!(endpoints.additional.len(), 1);
        println!(
            "PLACED {} {} {}",
            placed.process_id, endpoints.default.port, endpoints.additional[0].port
        );
        h.shutdown().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inputs_an_environment_cannot_carry_are_refused_before_a_spawn() {
    let case = "refused inputs";
    let dir = TestDir::new("refused");
    let marker = "refused-inputs";
    let mut h = Harness::new(
        case,
        config(21020..=21029, vec![app("app-ok", marker, &dir, &[])]),
    );
    match h.place_with("app-ok", "room-nul", Some("a\0b")).await {
        Err(FleetError::Spawn(msg)) => assert!(msg.contains("NUL"), "{case}: message {msg:?}"),
        other => panic!("{case}: a NUL in the room config gave {other:?}"),
    }
    match h.place("app-unknown", "room-x").await {
        Err(FleetError::Spawn(msg)) => {
            assert!(msg.contains("app-unknown"), "{case}: message {msg:?}")
        }
        other => panic!("{case}: an unknown app gave {other:?}"),
    }
    h.expect_no_event(std::time::Duration::from_millis(300), "nothing started")
        .await;
    assert!(
        marked_processes(marker).is_empty(),
        "{case}: a process was started"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_that_is_not_an_executable_file_is_refused_at_construction() {
    let case = "bad command";
    let dir = TestDir::new("bad-command");
    let (tx, _events) = tokio::sync::mpsc::unbounded_channel();
    let not_executable = dir.file("game.txt");
    std::fs::write(&not_executable, "not a program").unwrap();
    for (command, needle) in [
        ("/nonexistent/game-server".to_owned(), "No such file"),
        (not_executable, "not an executable file"),
    ] {
        let mut app = app("app-bad", case, &dir, &[]);
        app.command = command.clone().into();
        let refused = LocalFleet::new(config(21031..=21031, vec![app]), tx.clone()).err();
        assert!(
            refused
                .as_deref()
                .is_some_and(|e| e.contains(&command) && e.contains(needle)),
            "{case}: {command}: {refused:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_gone_since_startup_fails_to_spawn_and_leaves_its_port_free() {
    let case = "missing command";
    let dir = TestDir::new("missing-command");
    let marker = "missing-command";
    let command = dir.file("game-server");
    std::fs::write(&command, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(
        &command,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut ghost = app("app-ghost", marker, &dir, &[]);
    ghost.command = command.clone().into();
    // One port in the range: the good app can only start if the failed spawn gave it back.
    let mut h = Harness::new(
        case,
        config(
            21030..=21030,
            vec![ghost, app("app-good", marker, &dir, &[])],
        ),
    );
    std::fs::remove_file(&command).unwrap();
    match h.place("app-ghost", "room-ghost").await {
        Err(FleetError::Spawn(msg)) => assert!(
            msg.contains(&command) && msg.contains("No such file"),
            "{case}: message {msg:?}"
        ),
        other => panic!("{case}: a missing command gave {other:?}"),
    }
    assert!(
        logged().iter().any(|l| l.starts_with("WARN")
            && l.contains("app-ghost")
            && l.contains("No such file")),
        "{case}: no warning logged"
    );
    let placed = h.place_ok("app-good", "room-good").await;
    assert_eq!(placed.readiness, Readiness::Pending, "{case}");
    let endpoints = h.expect_ready(&placed.process_id).await;
    assert_eq!(endpoints.default.port, 21030, "{case}: the freed port");
    h.shutdown().await;
    assert_eq!(
        h.expect_exited(&placed.process_id).await,
        hathora_rooms_server::fleet::ExitCause::Shutdown,
        "{case}"
    );
}
