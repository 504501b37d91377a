//! How many threads and how much CPU a measurement holds while it waits. Alone in its test
//! binary, so no other test starts or ends threads while the process's threads are counted.
#![cfg(target_os = "linux")]

mod common;

use common::threads::peak_threads_during;
use common::udp_beacon::{Beacon, Faults};
use hathora_rooms::model::Region;
use hathora_rooms::ping::{CancelToken, PingOptions, measure};
use std::time::Duration;

/// CPU time (user + system) of the calling thread, in clock ticks.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

#[test]
fn many_regions_one_thread_and_no_busy_wait() {
    // 8 answering beacons (v4 and v6, various delays) and 4 silent ones, so the call waits
    // its full 3 × 500 ms.
    let mut beacons = Vec::new();
    for i in 0..8u64 {
        let faults = Faults {
            delay: Duration::from_millis(10 * i),
            ..Faults::default()
        };
        beacons.push(if i % 2 == 0 {
            Beacon::v4(faults)
        } else {
            Beacon::v6(faults)
        });
    }
    for _ in 0..4 {
        beacons.push(Beacon::v4(Faults {
            drop_first: usize::MAX,
            ..Faults::default()
        }));
    }
    let endpoints: Vec<_> = beacons
        .iter()
        .map(|b| b.endpoint(Region::Chicago))
        .collect();

    let opts = PingOptions {
        rounds: 3,
        timeout: Duration::from_millis(500),
        ..PingOptions::default()
    };
    let peak = peak_threads_during(|| {
        let cpu_before = cpu_ticks();
        let r = measure(&endpoints, &opts, &CancelToken::default()).expect("the measurement runs");
        (r, cpu_ticks() - cpu_before)
    });
    let (r, cpu) = peak.value;

    for (i, p) in r.iter().enumerate() {
        let expected = if i < 8 { 3 } else { 0 };
        assert_eq!((p.sent, p.answered), (3, expected), "beacon {i}: {p:?}");
    }
    assert!(peak.samples > 10, "the watcher sampled during the call");
    assert_eq!(
        peak.most, peak.before,
        "threads during the call vs before: measure must add none"
    );
    // A busy loop would burn about 1.5 s (150 ticks at 100 Hz); waiting in poll burns ~0.
    assert!(
        cpu < 30,
        "the calling thread used {cpu} ticks of CPU in a 1.5 s wait"
    );
}
