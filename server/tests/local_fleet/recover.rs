//! After a restart: nothing of the previous run serves, and what it left is killed.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hathora_rooms_server::fleet::{Fleet, KnownProcess};

use crate::support::*;

fn sleeper(process_id: &str) -> std::process::Child {
    Command::new(python())
        .args(["-c", "import time; time.sleep(600)"])
        .env_clear()
        .env("HATHORA_PROCESS_ID", process_id)
        .stdin(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_kills_what_the_previous_run_left_and_reports_none_alive() {
    let case = "recover";
    let dir = TestDir::new(case);
    let h = Harness::new(
        case,
        config(21700..=21709, vec![app("app-rec", case, &dir, &[])]),
    );
    let previous_id = "5f0c3a52-0d8e-4a51-9d8c-recover00001";
    let mut survivor = sleeper(previous_id);
    let mut unrelated = sleeper("5f0c3a52-0d8e-4a51-9d8c-unrelated0001");
    let previous = vec![
        KnownProcess {
            process_id: previous_id.into(),
            app_id: "app-rec".into(),
            handle: Some("12345".into()),
        },
        KnownProcess {
            process_id: "never-ran".into(),
            app_id: "app-rec".into(),
            handle: None,
        },
    ];
    let alive = tokio::time::timeout(WAIT, h.fleet.recover(previous))
        .await
        .expect("recover returns");
    assert!(
        alive.is_empty(),
        "{case}: no process of a previous run serves: {alive:?}"
    );
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = survivor.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "{case}: the survivor was not killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{case}: killed");
    assert!(
        unrelated.try_wait().unwrap().is_none(),
        "{case}: an unrelated process was killed"
    );
    unrelated.kill().unwrap();
    unrelated.wait().unwrap();
    h.shutdown().await;
}
