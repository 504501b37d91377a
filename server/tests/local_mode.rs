//! The binary with real game servers (`-- COMMAND` and `command` in the config file), run with
//! the local fleet's stand-in game server (tests/local_fleet/game_server.py): a room is active
//! only once its process listens, the process gets the room's config and the server's URL in
//! its environment and nothing of the server's own, a crash destroys its rooms, limits answer
//! 429, and no process outlives the server, even after `kill -9`.

mod common;

use std::path::Path;
use std::time::Duration;

use common::bin::Bin;
use common::*;
use serde_json::{Value, json};

const GAME_SERVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/local_fleet/game_server.py"
);
const TOKEN: &str = "local-token";

/// 20 ports of their own for each test (`slot`), below Linux's ephemeral range.
fn port_range(slot: u32) -> String {
    let first = 20_000 + (std::process::id() % 200) * 50 + slot * 20;
    format!("{first}-{}", first + 19)
}

fn pid_alive(pid: i32) -> bool {
    // Not a zombie either: a reaped process is gone from /proc.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat[stat.rfind(')').unwrap() + 2..].starts_with('Z'),
        Err(_) => false,
    }
}

fn read_pid(path: &str) -> i32 {
    eventually(&format!("{path} written"), || Path::new(path).exists());
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_room_runs_on_a_real_process_that_gets_its_config_and_the_server_url() {
    let dir = TempDir::new("env");
    let env_dump = dir.path("env.json");
    let range = port_range(0);
    let mut bin = Bin::spawn_with_env(
        &[
            "--token",
            TOKEN,
            "--quiet",
            "--port-range",
            &range,
            "--rooms-per-process",
            "2",
            "--",
            "python3",
            GAME_SERVER,
            "--env-dump",
            &env_dump,
            "--delay",
            "1.0",
        ],
        &[("SERVER_ONLY_SECRET", "must-not-reach-game-servers")],
    );
    assert_eq!(bin.second, format!("app id: app-emulator  token: {TOKEN}"));
    let c = Client::new(&bin.url, "app-emulator", TOKEN);
    let config = "{\"map\":\"dust\"}\nsecond line\n".to_string() + &"x".repeat(10_000 - 27);
    assert_eq!(config.chars().count(), 10_000);
    let r = c.post(
        &c.api("/create?roomId=real"),
        Some(&json!({"region": "Frankfurt", "roomConfig": config}).to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    // The game server sleeps 1 s before it listens: not active in the answer.
    assert_eq!(created["status"], "starting", "{created}");
    let ci = c.wait_active("real");
    let port = ci["exposedPort"]["port"].as_u64().unwrap() as u16;
    let first: u16 = range.split('-').next().unwrap().parse().unwrap();
    assert!((first..first + 20).contains(&port), "{port} in {range}");
    assert_eq!(ci["exposedPort"]["host"], "127.0.0.1");
    assert_eq!(ci["exposedPort"]["transportType"], "tcp");
    std::net::TcpStream::connect(("127.0.0.1", port)).expect("the game server accepts");

    let env: Value = serde_json::from_str(&std::fs::read_to_string(&env_dump).unwrap()).unwrap();
    let expected = [
        ("HATHORA_INITIAL_ROOM_CONFIG", config.as_str()),
        ("HATHORA_INITIAL_ROOM_ID", "real"),
        ("HATHORA_APP_ID", "app-emulator"),
        ("HATHORA_REGION", "Frankfurt"),
        ("HATHORA_ROOMS_PER_PROCESS", "2"),
        ("HATHORA_HOSTNAME", "127.0.0.1"),
        ("HATHORA_BASE_URL", bin.url.as_str()),
        ("HATHORA_PROCESS_ID", created["processId"].as_str().unwrap()),
        ("HATHORA_DEFAULT_PORT", &port.to_string()),
    ];
    for (name, value) in expected {
        assert_eq!(env[name], value, "{name}");
    }
    assert!(
        env.get("SERVER_ONLY_SECRET").is_none(),
        "the server's environment leaked: {env}"
    );

    // A second room shares the process and is active at once.
    let second = c.create_id("second", "Frankfurt");
    assert_eq!(second["processId"], created["processId"]);
    assert_eq!(second["status"], "active");
    assert_eq!(c.post(&c.api("/destroy/real"), None).status, 204);
    assert_eq!(c.info("real")["status"], "destroyed");
    assert_eq!(bin.signal_and_wait(libc::SIGTERM).code(), Some(0));
}

/// A config file with a serving app and a crashing one, limits, and pid files.
fn two_app_config(dir: &TempDir, range: &str, pid_file: &str) -> String {
    let text = format!(
        r#"
[server]
quiet = true
port_range = "{range}"

[[apps]]
app_id = "stable"
tokens = ["{TOKEN}"]
command = ["python3", "{GAME_SERVER}", "--pid-file", "{pid_file}"]
rooms_per_process = 1
max_processes = 1

[[apps]]
app_id = "crashy"
tokens = ["crashy-token"]
command = ["python3", "{GAME_SERVER}", "--exit", "3"]
"#
    );
    let path = dir.path("rooms.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn crashes_limits_and_kill_9_with_real_processes() {
    let dir = TempDir::new("crash");
    let pid_file = dir.path("stable.pid");
    let config = two_app_config(&dir, &port_range(1), &pid_file);
    let state = dir.path("state.db");
    let mut bin = Bin::spawn(&["--config", &config, "--state", &state]);
    let stable = Client::new(&bin.url, "stable", TOKEN);
    let crashy = Client::new(&bin.url, "crashy", "crashy-token");

    // A game server that exits by itself destroys its rooms.
    crashy.create_id("doomed", "London");
    eventually("the crashed room destroyed", || {
        crashy.info("doomed")["status"] == "destroyed"
    });
    assert!(crashy.metric(r#"hathora_process_exits_total{cause="exited"}"#) >= 1.0);

    // One process of one room at most for "stable": the second room is refused with 429.
    stable.create_id("kept", "Tokyo");
    stable.wait_active("kept");
    let r = stable.post(
        &stable.api("/create?roomId=over"),
        Some(r#"{"region":"Tokyo"}"#),
    );
    assert!(r.assert_error(429).contains("stable"), "{}", r.body);
    assert!(r.retry_after.is_some());
    let game_pid = read_pid(&pid_file);
    assert!(pid_alive(game_pid));

    // kill -9 of the server: its game server goes with it.
    bin.signal_and_wait(libc::SIGKILL);
    eventually("the game server gone after kill -9 of the server", || {
        !pid_alive(game_pid)
    });
    let _ = std::fs::remove_file(&pid_file);

    let bin = Bin::spawn(&["--config", &config, "--state", &state]);
    let stable = Client::new(&bin.url, "stable", TOKEN);
    let info = stable.info("kept");
    assert_eq!(info["status"], "destroyed", "{info}");
    assert!(info["currentAllocation"].is_null());
    stable
        .post(
            &stable.api("/create?roomId=kept"),
            Some(r#"{"region":"Tokyo"}"#),
        )
        .assert_error(422);
    // The limit counts live processes only: a new room gets a new process.
    stable.create_id("after", "Tokyo");
    stable.wait_active("after");
    let new_pid = read_pid(&pid_file);
    assert_ne!(new_pid, game_pid);
    drop(bin);
    eventually("the game server gone with the server", || {
        !pid_alive(new_pid)
    });
    std::thread::sleep(Duration::from_millis(100));
}

#[test]
fn the_app_flags_reach_the_game_server_its_log_and_its_stop() {
    let dir = TempDir::new("app-flags");
    let env_dump = dir.path("env.json");
    let logs = dir.path("game-logs");
    let env_file = dir.write(
        "game.env",
        "# handed to every game server\nHATHORA_DEV_TOKEN=from-the-file\nMODE=replaced-by-the-flag\n",
    );
    let range = port_range(2);
    let bin = Bin::spawn(&[
        "--token",
        TOKEN,
        "--port-range",
        &range,
        "--rooms-per-process",
        "1",
        "--env-file",
        &env_file,
        "--env",
        "MODE=ranked",
        "--log-dir",
        &logs,
        "--log-max-bytes",
        "4096",
        "--startup-timeout-ms",
        "20000",
        "--idle-timeout-ms",
        "300",
        "--stop-grace-ms",
        "200",
        "--",
        "python3",
        GAME_SERVER,
        "--env-dump",
        &env_dump,
        "--print",
        "hello from the game server",
        "--on-term",
        "ignore",
    ]);
    let c = Client::new(&bin.url, "app-emulator", TOKEN);
    let process_id = c.create_id("flags", "London")["processId"]
        .as_str()
        .unwrap()
        .to_string();
    c.wait_active("flags");
    eventually("the environment dumped", || Path::new(&env_dump).exists());
    let env: Value = serde_json::from_str(&std::fs::read_to_string(&env_dump).unwrap()).unwrap();
    assert_eq!(
        env["HATHORA_DEV_TOKEN"], "from-the-file",
        "--env-file: {env}"
    );
    assert_eq!(env["MODE"], "ranked", "--env after --env-file wins: {env}");
    let log = format!("{logs}/{process_id}.log");
    eventually("the game server's output in --log-dir", || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.contains("hello from the game server"))
    });

    // It ignores SIGTERM: the idle reaper's stop ends with SIGKILL after the 200 ms grace.
    assert_eq!(c.post(&c.api("/destroy/flags"), None).status, 204);
    eventually("the idle process stopped", || {
        c.metric(r#"hathora_process_exits_total{cause="idle"}"#) == 1.0
    });
    let lines = std::cell::RefCell::new(Vec::new());
    eventually("SIGKILL after the 200 ms grace, in the log", || {
        lines.borrow_mut().extend(bin.drain());
        lines
            .borrow()
            .iter()
            .any(|l| l.contains("did not exit within 200ms of SIGTERM: SIGKILL"))
    });
}
