//! A container's stdout and stderr go to its own size-capped log; the server's own log lines
//! never carry an environment value.

use hathora_rooms_server::fleet::ExitCause;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn output_goes_to_a_capped_log_and_env_values_never_to_the_server_log() {
    let case = "logs";
    let dir = TestDir::new(case);
    let cap = 64 * 1024;
    // About 1.5 caps of lines, alternately on stdout and stderr, after a first line on each:
    // all of it fits in the log and its rotated part.
    let mut app = app(
        "app-talk",
        &dir,
        &[
            ("GAME_PRINT", "hello from the game"),
            ("GAME_CHATTY", "100000"),
            ("GAME_EXIT_AFTER_MS", "0"),
            ("GAME_API_KEY", "s3cr3t-api-key"),
        ],
    );
    app.log_max_bytes = cap;
    let mut h = Harness::new(case, config(case, 32130..=32139, vec![app])).await;
    let placed = h.place_ok("app-talk", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Exited(0),
        "{case}"
    );
    h.assert_none_left().await;
    let logs = dir.logs();
    let rotated = std::fs::read_to_string(logs.join(format!("{}.log.1", placed.process_id)))
        .unwrap_or_else(|e| panic!("{case}: no rotated log: {e}"));
    let current = std::fs::read_to_string(logs.join(format!("{}.log", placed.process_id))).unwrap();
    assert_eq!(
        rotated.len() as u64,
        cap,
        "{case}: the rotated log is full, not more"
    );
    assert!(
        current.len() as u64 <= cap,
        "{case}: current log {} > cap",
        current.len()
    );
    // stdout and stderr are two streams: each keeps its order, not their interleaving. So the
    // checks are on the whole text: every byte the game server wrote is there, once.
    let all = rotated + &current;
    assert_eq!(
        all.len(),
        bytes_written(100_000),
        "{case}: bytes lost or doubled"
    );
    for line in [
        "hello from the game\n",
        "stderr: hello from the game\n",
        "chatty done\n",
        "game server: exiting with code 0\n",
    ] {
        assert!(all.contains(line), "{case}: {line:?} is missing");
    }
    assert!(
        all.contains(" out the quick") && all.contains(" err the quick"),
        "{case}: a stream is missing"
    );
    assert!(
        !logged().iter().any(|l| l.contains("s3cr3t")),
        "{case}: an environment value reached the server's log"
    );
    h.shutdown().await;
}

/// What the test game server writes with GAME_PRINT (as above), GAME_CHATTY=`chatty`, TCP,
/// and GAME_EXIT_AFTER_MS=0: the same lines as `game_server.c` prints.
fn bytes_written(chatty: usize) -> usize {
    let mut written = 0;
    let mut i = 0;
    while written < chatty {
        let stream = if i % 2 == 1 { "err" } else { "out" };
        written += format!("{i:08} {stream} the quick brown fox jumps over the lazy dog\n").len();
        i += 1;
    }
    let fixed = [
        "hello from the game\n",
        "stderr: hello from the game\n",
        "chatty done\n",
        "game server: listening (tcp) on port 7777\n",
        "game server: exiting with code 0\n",
    ];
    written + fixed.iter().map(|l| l.len()).sum::<usize>()
}
