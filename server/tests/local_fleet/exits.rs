//! A process that ends by itself: its cause reported, its ports freed, nothing left behind.

use hathora_rooms_server::fleet::ExitCause;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exits_report_their_cause_and_free_their_port() {
    let dir = TestDir::new("exits");
    let marker = "exits";
    let pid_file = dir.file("pid");
    let apps = vec![
        app(
            "exit-0",
            marker,
            &dir,
            &["--pid-file", &pid_file, "--exit", "0"],
        ),
        app(
            "exit-3",
            marker,
            &dir,
            &["--pid-file", &pid_file, "--exit", "3"],
        ),
        app("killed", marker, &dir, &["--pid-file", &pid_file]),
    ];
    // One port: each case can only start once the previous process gave it back.
    let mut h = Harness::new("exits", config(21300..=21300, apps));
    for (app_id, expected) in [
        ("exit-0", ExitCause::Exited(0)),
        ("exit-3", ExitCause::Exited(3)),
        ("killed", ExitCause::Signaled(libc::SIGKILL)),
    ] {
        let _ = std::fs::remove_file(&pid_file);
        let placed = h
            .place(app_id, &format!("room-{app_id}"))
            .await
            .unwrap_or_else(|e| panic!("{app_id}: place failed (port not freed?): {e:?}"));
        let pid: i32 = wait_file(&pid_file, app_id).await.trim().parse().unwrap();
        if app_id == "killed" {
            h.expect_ready(&placed.process_id).await;
            // SAFETY: plain syscall on the process the test just started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        assert_eq!(
            h.exit_cause(&placed.process_id).await,
            expected,
            "{app_id}: cause"
        );
        assert!(!is_our_zombie(pid), "{app_id}: left a zombie");
    }
    assert!(
        marked_processes(marker).is_empty(),
        "exits: a process is left"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_game_server_started_in_its_group_goes_with_it() {
    let case = "grandchild";
    let dir = TestDir::new(case);
    let app = app("app-parent", case, &dir, &["--grandchild", "--exit", "0"]);
    let mut h = Harness::new(case, config(21310..=21319, vec![app]));
    let placed = h.place_ok("app-parent", "room").await;
    assert_eq!(
        h.exit_cause(&placed.process_id).await,
        ExitCause::Exited(0),
        "{case}"
    );
    wait_marked_gone(case, case).await;
    h.shutdown().await;
}
