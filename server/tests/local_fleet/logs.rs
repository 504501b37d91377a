//! A process's stdout and stderr in its own size-capped log; the server's own log lines never
//! carry an environment value.

use std::time::Duration;

use hathora_rooms_server::fleet::ExitCause;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_and_stderr_go_to_the_process_log() {
    let case = "log-streams";
    let dir = TestDir::new(case);
    let mut app = app(
        "app-talk",
        case,
        &dir,
        &["--print", "hello from the game", "--exit", "0"],
    );
    app.env
        .push(("GAME_API_KEY".into(), "s3cr3t-api-key".into()));
    let mut h = Harness::new(case, config(21600..=21609, vec![app]));
    let placed = h.place_ok("app-talk", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Exited(0),
        "{case}"
    );
    let log = log_of(&dir.logs(), &placed.process_id);
    assert!(
        log.contains("hello from the game\n"),
        "{case}: stdout missing from {log:?}"
    );
    assert!(
        log.contains("stderr: hello from the game\n"),
        "{case}: stderr missing from {log:?}"
    );
    let ours: Vec<String> = logged()
        .into_iter()
        .filter(|l| l.contains(&placed.process_id))
        .collect();
    assert!(
        ours.iter().any(|l| l.contains("started")),
        "{case}: no start line in {ours:?}"
    );
    assert!(
        ours.iter().any(|l| l.contains("exited with code 0")),
        "{case}: no exit line in {ours:?}"
    );
    assert!(
        !logged().iter().any(|l| l.contains("s3cr3t")),
        "{case}: an environment value reached the server's log"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chatty_process_never_blocks_and_its_log_stays_capped() {
    let case = "log-cap";
    let dir = TestDir::new(case);
    let cap = 64 * 1024;
    // 4 MB through a 64 KiB pipe: it finishes only if the server keeps reading.
    let mut app = app(
        "app-chatty",
        case,
        &dir,
        &["--chatty", "4000000", "--listen", "none", "--exit", "0"],
    );
    app.log_max_bytes = cap;
    let mut h = Harness::new(case, config(21610..=21619, vec![app]));
    let placed = h.place_ok("app-chatty", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Exited(0),
        "{case}"
    );
    let current =
        std::fs::read_to_string(dir.logs().join(format!("{}.log", placed.process_id))).unwrap();
    let rotated = std::fs::metadata(dir.logs().join(format!("{}.log.1", placed.process_id)))
        .unwrap_or_else(|e| panic!("{case}: no rotated log: {e}"));
    assert!(
        current.len() as u64 <= cap,
        "{case}: current log {} > cap",
        current.len()
    );
    assert_eq!(
        rotated.len(),
        cap,
        "{case}: the rotated log is full, not more"
    );
    assert!(
        current.ends_with("chatty done\n"),
        "{case}: the log ends with the last line"
    );
    // Both streams are there, in one file.
    assert!(
        current.contains(" out ") && current.contains(" err "),
        "{case}: a stream is missing"
    );
    h.expect_no_event(Duration::from_millis(100), "nothing after Exited")
        .await;
    h.shutdown().await;
}
