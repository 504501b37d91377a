//! Not a test: how long from `place` to the `Ready` event, beyond the game server's own start.
//! Run: cargo test -p hathora-rooms-server --test local_fleet -- --ignored --nocapture measure

use std::time::{Duration, Instant};

use hathora_rooms_server::fleet::{Fleet, Readiness};

use crate::fleet_harness::summary;
use crate::readiness::monotonic;
use crate::support::*;

const ROUNDS: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run on demand"]
async fn measure_place_to_ready() {
    let dir = TestDir::new("measure");
    let (started, listened) = (dir.file("started"), dir.file("listened"));
    for (label, extra) in [
        ("silent game server", None),
        (
            "game server printing once it listens",
            Some("--print-listening"),
        ),
    ] {
        let mut args = vec!["--started", &started, "--listened", &listened];
        args.extend(extra);
        let mut app = app("app-measure", "measure", &dir, &args);
        app.idle_timeout = Duration::ZERO;
        app.rooms_per_process = 2;
        let mut h = Harness::new("measure", config(21800..=21819, vec![app]));
        let (mut total, mut to_start, mut detect, mut join) = (vec![], vec![], vec![], vec![]);
        let mut spawn = vec![];
        for round in 0..ROUNDS {
            let _ = std::fs::remove_file(&started);
            let _ = std::fs::remove_file(&listened);
            let t0 = monotonic();
            let placed = h.place_ok("app-measure", &format!("r{round}")).await;
            spawn.push((monotonic() - t0) * 1e3);
            h.expect_ready(&placed.process_id).await;
            let t1 = monotonic();
            let ts: f64 = wait_file(&started, "measure").await.parse().unwrap();
            let tl: f64 = wait_file(&listened, "measure").await.parse().unwrap();
            total.push((t1 - t0) * 1e3);
            to_start.push((ts - t0) * 1e3);
            detect.push((t1 - tl) * 1e3);
            let joined_at = Instant::now();
            let second = h.place_ok("app-measure", &format!("s{round}")).await;
            join.push(joined_at.elapsed().as_secs_f64() * 1e3);
            assert!(matches!(second.readiness, Readiness::Ready(_)));
            h.fleet.release(&placed.process_id, &format!("r{round}"));
            h.fleet.release(&placed.process_id, &format!("s{round}"));
            h.expect_exited(&placed.process_id).await;
        }
        println!("{label} ({ROUNDS} rounds):");
        summary("  place -> Ready event", total);
        summary("  place of a new process returns (exec done)", spawn);
        summary("  place -> game server's first line of Python", to_start);
        summary("  game server listening -> Ready event", detect);
        summary("  place on a process with a free slot (Ready)", join);
        h.shutdown().await;
    }
}
