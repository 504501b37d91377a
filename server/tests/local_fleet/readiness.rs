//! Ready means listening: `Pending`, then `Ready` only once the process listens, and a process
//! that never listens stopped at the startup timeout.

use std::net::{TcpStream, UdpSocket};
use std::time::Duration;

use hathora_rooms_server::fleet::{ExitCause, Readiness, Transport};

use crate::support::*;

/// CLOCK_MONOTONIC in seconds, the clock of Python's `time.monotonic()`.
pub fn monotonic() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into `ts`.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// The program sleeps before it listens; no Ready comes before, and Ready comes after.
async fn ready_only_once_listening(
    case: &'static str,
    ports: std::ops::RangeInclusive<u16>,
    listen: &str,
) {
    let dir = TestDir::new(case);
    let will_listen = dir.file("will-listen");
    let mut app = app(
        "app-late",
        case,
        &dir,
        &[
            "--delay",
            "1.5",
            "--listen",
            listen,
            "--will-listen",
            &will_listen,
        ],
    );
    if listen != "tcp" {
        app.transport = Transport::Udp;
    }
    let mut h = Harness::new(case, config(ports, vec![app]));
    let placed = h.place_ok("app-late", "room").await;
    assert!(placed.started, "{case}: a new process");
    assert_eq!(
        placed.readiness,
        Readiness::Pending,
        "{case}: pending at first"
    );
    // The program sleeps 1.5 s before it binds: nothing can be ready during the first second.
    h.expect_no_event(
        Duration::from_secs(1),
        "no Ready before the process listens",
    )
    .await;
    let endpoints = h.expect_ready(&placed.process_id).await;
    let ready_at = monotonic();
    let before_listen: f64 = std::fs::read_to_string(&will_listen)
        .unwrap_or_else(|_| panic!("{case}: Ready came before the program was about to listen"))
        .parse()
        .unwrap();
    assert!(
        ready_at >= before_listen,
        "{case}: Ready before the program listened"
    );
    let port = endpoints.default.port;
    match listen {
        "tcp" => {
            TcpStream::connect(("127.0.0.1", port))
                .unwrap_or_else(|e| panic!("{case}: connect after Ready: {e}"));
        }
        _ => {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.set_read_timeout(Some(WAIT)).unwrap();
            socket.send_to(b"ping", ("127.0.0.1", port)).unwrap();
            let mut buf = [0; 16];
            let (n, _) = socket
                .recv_from(&mut buf)
                .unwrap_or_else(|e| panic!("{case}: no echo: {e}"));
            assert_eq!(&buf[..n], b"ping", "{case}: echo");
        }
    }
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_ready_only_once_the_process_accepts() {
    ready_only_once_listening("ready-tcp", 21200..=21209, "tcp").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_ready_only_once_the_process_binds() {
    ready_only_once_listening("ready-udp", 21210..=21219, "udp").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_bound_by_a_process_of_its_group_is_ready() {
    let case = "ready-udp-group";
    let dir = TestDir::new(case);
    let mut app = app("app-group", case, &dir, &["--listen", "udp-in-child"]);
    app.transport = Transport::Udp;
    let mut h = Harness::new(case, config(21220..=21229, vec![app]));
    let placed = h.place_ok("app-group", "room").await;
    h.expect_ready(&placed.process_id).await;
    h.shutdown().await;
    assert_eq!(
        h.expect_exited(&placed.process_id).await,
        ExitCause::Shutdown,
        "{case}"
    );
    wait_marked_gone(case, case).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_that_never_listens_is_stopped_at_the_startup_timeout() {
    let case = "startup-timeout";
    let dir = TestDir::new(case);
    let pid_file = dir.file("pid");
    let mut app = app(
        "app-mute",
        case,
        &dir,
        &["--listen", "none", "--pid-file", &pid_file],
    );
    app.startup_timeout = Duration::from_secs(1);
    let mut h = Harness::new(case, config(21230..=21239, vec![app]));
    let placed = h.place_ok("app-mute", "room").await;
    assert_eq!(
        h.expect_exited(&placed.process_id).await,
        ExitCause::StartupTimeout,
        "{case}"
    );
    let pid = read_pid(&pid_file, case);
    assert!(!is_our_zombie(pid), "{case}: left a zombie");
    assert!(marked_processes(case).is_empty(), "{case}: still running");
    let warned = logged().into_iter().any(|line| {
        line.starts_with("WARN")
            && line.contains(&placed.process_id)
            && line.contains("app-mute")
            && line.contains("21230")
            && line.contains("Tcp")
    });
    assert!(
        warned,
        "{case}: no warning naming the process, app, port and transport"
    );
    h.shutdown().await;
}
