//! Not tests: measurements, run on demand (no timed assertion).
//! `cargo test -p hathora-rooms-server --test docker_fleet -- --ignored --nocapture measure`

use std::time::{Duration, Instant};

use hathora_rooms_server::fleet::{Fleet, FleetEvent, Readiness};

use crate::Helper;
use crate::fleet_harness::summary;
use crate::support::*;

const ROUNDS: usize = 10;
const HUNDRED: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run on demand"]
async fn measure_place_to_ready() {
    let case = "measure";
    let dir = TestDir::new(case);
    let mut app = app("app-measure", &dir, &[]);
    app.rooms_per_process = 2;
    app.idle_timeout = Duration::ZERO;
    let mut h = Harness::new(case, config(case, 32140..=32159, vec![app])).await;
    let (mut new, mut placed_at, mut slot) = (vec![], vec![], vec![]);
    for round in 0..ROUNDS {
        let t0 = Instant::now();
        let placed = h.place_ok("app-measure", &format!("r{round}")).await;
        placed_at.push(t0.elapsed().as_secs_f64() * 1e3);
        h.expect_ready(&placed.process_id).await;
        new.push(t0.elapsed().as_secs_f64() * 1e3);
        let t1 = Instant::now();
        let second = h.place_ok("app-measure", &format!("s{round}")).await;
        slot.push(t1.elapsed().as_secs_f64() * 1e3);
        assert!(matches!(second.readiness, Readiness::Ready(_)), "{case}");
        h.fleet.release(&placed.process_id, &format!("r{round}"));
        h.fleet.release(&placed.process_id, &format!("s{round}"));
        h.exit_cause(&placed.process_id).await;
    }
    println!("Docker fleet, test image (static C server, FROM scratch), {ROUNDS} rounds:");
    summary("  place -> Ready event, new container", new);
    summary("  place returns (container created and started)", placed_at);
    summary("  place on a container with a free slot (Ready)", slot);
    h.shutdown().await;
    h.assert_none_left().await;
}

/// VmRSS of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// The helper process: 100 containers of a fleet; prints its RSS and the times.
pub fn helper() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let case = "measure-hundred";
        let dir = TestDir::new(case);
        let mut config = config(case, 32200..=32399, vec![app("app-many", &dir, &[])]);
        config.instance_id = std::env::var("FLEET_TEST_INSTANCE").unwrap();
        let mut h = Harness::new(case, config).await;
        let before = rss_kib();
        let t0 = Instant::now();
        let places = (0..HUNDRED).map(|i| {
            let h = &h;
            async move { h.place_ok("app-many", &format!("room-{i}")).await }
        });
        futures_util::future::join_all(places).await;
        let placed = t0.elapsed();
        let mut ready = 0;
        while ready < HUNDRED {
            match h.next_event("Ready").await {
                FleetEvent::Ready { .. } => ready += 1,
                other => panic!("{case}: {other:?}"),
            }
        }
        let all_ready = t0.elapsed();
        tokio::time::sleep(Duration::from_secs(2)).await;
        println!(
            "HUNDRED placed_s={:.1} ready_s={:.1} rss_before_kib={before} rss_after_kib={}",
            placed.as_secs_f64(),
            all_ready.as_secs_f64(),
            rss_kib()
        );
        let t1 = Instant::now();
        h.shutdown().await;
        println!("SHUTDOWN s={:.1}", t1.elapsed().as_secs_f64());
        h.assert_none_left().await;
    });
}

#[test]
#[ignore = "a measurement, run on demand"]
fn measure_hundred_containers() {
    let case = "measure-hundred";
    image();
    let mut helper = Helper::start("hundred", &[("FLEET_TEST_INSTANCE", &instance(case))]);
    let wait = Duration::from_secs(900);
    println!("100 containers of one fleet, in a helper process:");
    println!("  {}", helper.line_within("HUNDRED ", case, wait));
    println!("  {}", helper.line_within("SHUTDOWN ", case, wait));
    assert!(
        helper.child.wait().unwrap().success(),
        "{case}: the helper failed"
    );
}
