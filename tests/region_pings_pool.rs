//! How many of the client's workers an asynchronous region-ping call holds: one, however many
//! regions. Alone in its test binary, so no other test starts or ends threads while the
//! process's threads are counted.
#![cfg(target_os = "linux")]

mod common;

use common::pings::{Targets, measured};
use common::threads::peak_threads_during;
use common::udp_beacon::{Beacon, Faults};
use common::*;
use std::ptr::null;
use std::time::Duration;

#[test]
fn twelve_regions_one_worker() {
    // 8 answering beacons and 4 silent ones, so the call waits its full 3 × 500 ms.
    let mut beacons = Vec::new();
    for i in 0..12u64 {
        beacons.push(Beacon::v4(Faults {
            delay: Duration::from_millis(5 * i),
            drop_first: if i < 8 { 0 } else { usize::MAX },
            ..Faults::default()
        }));
    }
    let names: Vec<String> = (0..12).map(|i| format!("region-{i}")).collect();
    let pairs: Vec<(&str, &Beacon)> = names.iter().map(String::as_str).zip(&beacons).collect();
    let targets = Targets::of(&pairs);
    // No worker kept while idle: the one the call holds is the only one.
    let cl = client_at("http://127.0.0.1:9", |cfg| unsafe {
        assert_eq!(hathora_config_set_min_workers(cfg, 0), Code::Ok);
    });

    let opts = targets.options(3, 500);
    let peak = peak_threads_during(|| {
        let col = Collector::new();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_ping_regions_async(cl.0, &opts, null(), cb, ud, id)
        });
        col.one(&cl, id).ok()
    });
    let r = peak.value;
    let got = measured(&r).expect("measurements");
    for (i, p) in got.iter().enumerate() {
        let expected = if i < 8 { 3 } else { 0 };
        assert_eq!((p.sent, p.answered), (3, expected), "region {i}: {p:?}");
    }
    assert!(peak.samples > 10, "the watcher sampled during the call");
    assert_eq!(
        peak.most,
        peak.before + 1,
        "threads during the call vs before: the call holds exactly one worker"
    );
}
