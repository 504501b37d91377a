//! The state file across restarts of the binary (simulated fleet): after `kill -9`, the rooms
//! whose process died with the server are destroyed as a crash would destroy them, suspended
//! rooms stay suspended, every id stays taken, and new rooms work. A graceful stop ends the
//! processes first. A state file that cannot be used exits 2 naming it.

mod common;

use common::bin::{Bin, run_to_end};
use common::*;
use serde_json::Value;

const TOKEN: &str = "state-token";

fn serve(state: &str) -> (Bin, Client) {
    let bin = Bin::spawn(&[
        "--state",
        state,
        "--token",
        TOKEN,
        "--activation-delay-ms",
        "0",
        "--rooms-per-process",
        "2",
        "--quiet",
    ]);
    let client = Client::new(&bin.url, "app-emulator", TOKEN);
    (bin, client)
}

#[test]
fn kill_9_then_restart_destroys_rooms_of_dead_processes_and_keeps_ids_taken() {
    let dir = TempDir::new("kill");
    let (mut bin, c) = serve(&dir.path("rooms.db"));
    let live1 = c.create_id("live1", "London");
    let live2 = c.create_id("live2", "London");
    assert_eq!(live1["processId"], live2["processId"]);
    c.create_id("gone", "London");
    let napping = c.create_id("napping", "London");
    assert_eq!(c.post(&c.api("/destroy/gone"), None).status, 204);
    assert_eq!(c.post(&c.api("/suspend/napping"), None).status, 204);
    assert_eq!(
        c.post(
            &c.api("/update/live1"),
            Some(r#"{"roomConfig":"{\"map\":\"dust\"}\nline 2"}"#)
        )
        .status,
        204
    );
    let before: Vec<Value> = ["live1", "live2", "gone", "napping"]
        .iter()
        .map(|r| c.info(r))
        .collect();
    assert_eq!(before[0]["status"], "active");

    let status = bin.signal_and_wait(libc::SIGKILL);
    assert_eq!(status.code(), None, "killed");
    let (_bin, c) = serve(&dir.path("rooms.db"));

    for (room, was) in ["live1", "live2"].iter().zip(&before) {
        let info = c.info(room);
        assert_eq!(info["status"], "destroyed", "{room}: {info}");
        assert!(info["currentAllocation"].is_null(), "{room}: {info}");
        let allocation = &info["allocations"][0];
        assert_eq!(
            allocation["roomAllocationId"], was["currentAllocation"]["roomAllocationId"],
            "{room}"
        );
        assert_eq!(
            allocation["scheduledAt"], was["currentAllocation"]["scheduledAt"],
            "{room}"
        );
        assert_time(&allocation["unscheduledAt"]);
        c.request(
            "GET",
            &c.api(&format!("/connectioninfo/{room}")),
            None,
            None,
        )
        .assert_error(404);
    }
    assert_eq!(c.info("live1")["roomConfig"], "{\"map\":\"dust\"}\nline 2");
    let p1 = live1["processId"].as_str().unwrap();
    let inactive: Vec<Value> = c
        .list(p1, "inactive")
        .iter()
        .map(|r| r["roomId"].clone())
        .collect();
    assert_eq!(inactive, [Value::from("live1"), Value::from("live2")]);
    assert!(c.list(p1, "active").is_empty());
    // Unchanged: the destroyed room, and the suspended one (it had no process to lose).
    assert_eq!(c.info("gone"), before[2], "gone");
    assert_eq!(c.info("napping"), before[3], "napping");
    // Both processes of the previous run (one held live1 and live2, one held nothing) ended
    // with it.
    assert_eq!(
        c.metric(r#"hathora_process_exits_total{cause="server_restart"}"#),
        2.0
    );
    assert_eq!(c.metric(r#"hathora_rooms{status="destroyed"}"#), 3.0);

    // Every id stays taken; new rooms work; the suspended room resumes on a new process.
    for room in ["live1", "live2", "gone", "napping"] {
        c.post(
            &c.api(&format!("/create?roomId={room}")),
            Some(r#"{"region":"London"}"#),
        )
        .assert_error(422);
    }
    let fresh = c.create_id("fresh", "London");
    assert_eq!(fresh["status"], "active");
    assert_ne!(fresh["processId"], live1["processId"]);
    assert_ne!(fresh["processId"], napping["processId"]);
    let r = c.post(&c.api("/resume/napping"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(c.info("napping")["status"], "active");
    assert_eq!(
        c.info("napping")["allocations"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn a_graceful_stop_ends_the_processes_and_the_restart_finds_nothing_running() {
    let dir = TempDir::new("graceful");
    let (mut bin, c) = serve(&dir.path("rooms.db"));
    c.create_id("r", "Tokyo");
    assert_eq!(bin.signal_and_wait(libc::SIGTERM).code(), Some(0));
    let (_bin, c) = serve(&dir.path("rooms.db"));
    let info = c.info("r");
    assert_eq!(info["status"], "destroyed", "{info}");
    assert_eq!(
        c.metric(r#"hathora_process_exits_total{cause="server_restart"}"#),
        0.0
    );
    c.post(&c.api("/create?roomId=r"), Some(r#"{"region":"Tokyo"}"#))
        .assert_error(422);
}

#[test]
fn a_state_file_in_use_by_another_server_is_refused() {
    let dir = TempDir::new("locked");
    let (_bin, c) = serve(&dir.path("rooms.db"));
    c.create_id("kept", "London");
    let file = dir.path("rooms.db");
    let (code, _, stderr) = run_to_end(&["--state", &file, "--quiet"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("in use") && stderr.contains("rooms.db"),
        "{stderr}"
    );
    assert_eq!(
        c.info("kept")["status"],
        "active",
        "the first server is unaffected"
    );
}

#[test]
fn a_state_file_that_cannot_be_used_exits_2_naming_the_problem() {
    let dir = TempDir::new("bad");
    // A real state file to damage in different ways.
    let good = dir.0.join("good.db");
    {
        let (mut bin, c) = serve(good.to_str().unwrap());
        for i in 0..50 {
            c.create_id(&format!("room{i}"), "London");
        }
        assert_eq!(bin.signal_and_wait(libc::SIGTERM).code(), Some(0));
    }
    let bytes = std::fs::read(&good).unwrap();
    assert!(bytes.len() > 4096, "{} bytes", bytes.len());
    let newer = dir.0.join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let foreign = dir.0.join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE scores (player TEXT, points INTEGER)")
        .unwrap();
    drop(conn);
    let garbage = dir.0.join("garbage.db");
    std::fs::write(&garbage, b"this is not a database, just text\n".repeat(200)).unwrap();
    let truncated = dir.0.join("truncated.db");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let mut damaged_bytes = bytes.clone();
    // Page 2 onwards (the tables' pages): overwrite with noise, keep the header valid.
    for (i, b) in damaged_bytes[4096..].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    let damaged = dir.0.join("damaged.db");
    std::fs::write(&damaged, &damaged_bytes).unwrap();

    // (case, file, words the message must hold)
    let cases = [
        ("newer schema", &newer, "schema version 99"),
        ("another program's database", &foreign, "something else"),
        ("not a database", &garbage, "not a readable SQLite database"),
        ("truncated", &truncated, "state file"),
        ("damaged pages", &damaged, "state file"),
    ];
    for (case, file, says) in cases {
        let before = std::fs::read(file).unwrap();
        let (code, stdout, stderr) = run_to_end(&["--state", file.to_str().unwrap(), "--quiet"]);
        assert_eq!(code, Some(2), "{case}: {stderr}");
        assert!(stderr.contains(says), "{case}: {stderr}");
        assert!(
            stderr.contains(file.file_name().unwrap().to_str().unwrap()),
            "{case}: names the file: {stderr}"
        );
        assert!(stdout.is_empty(), "{case}: nothing served: {stdout}");
        assert_eq!(
            std::fs::read(file).unwrap(),
            before,
            "{case}: the file is left as it was"
        );
    }
}
