//! On demand, no assertion on speed: how far the measured RTT is from a beacon's known injected
//! delay, p50 and p99 over 200 pings, for comparison with a plain C program using
//! clock_gettime against the same kind of beacon.
//! Run: cargo test --release --test region_pings_accuracy -- --ignored --nocapture
#![cfg(unix)]

mod common;

use common::udp_beacon::{Beacon, Faults};
use hathora_rooms::model::Region;
use hathora_rooms::ping::{CancelToken, PingOptions, measure};
use std::time::Duration;

const PINGS: usize = 200;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn summary(name: &str, mut us: Vec<f64>) {
    us.sort_by(f64::total_cmp);
    println!(
        "  {name:<44} p50 {:>8.1} us   p99 {:>8.1} us   max {:>8.1} us",
        percentile(&us, 0.5),
        percentile(&us, 0.99),
        us[us.len() - 1]
    );
}

#[test]
#[ignore = "a measurement, run on demand"]
fn rtt_error_against_a_known_delay() {
    for delay_ms in [0u64, 20] {
        let delay = Duration::from_millis(delay_ms);
        let b = Beacon::v4(Faults {
            delay,
            ..Faults::default()
        });
        let endpoint = [b.endpoint(Region::Chicago)];
        let opts = PingOptions {
            rounds: 1,
            ..PingOptions::default()
        };
        // One round per call, so each call's minimum is one sample.
        let rtts: Vec<Duration> = (0..PINGS)
            .filter_map(|_| measure(&endpoint, &opts, &CancelToken::default()).unwrap()[0].min_rtt)
            .collect();
        let holds = b.settled(|l| l.holds.len(), PINGS);
        println!(
            "beacon delay {delay_ms} ms, {} of {PINGS} pings answered:",
            rtts.len()
        );
        summary(
            "measured - injected delay",
            rtts.iter()
                .map(|r| (r.as_secs_f64() - delay.as_secs_f64()) * 1e6)
                .collect(),
        );
        if rtts.len() == PINGS && holds == PINGS {
            // The beacon's own sleep overshoots; what it really held each datagram is known.
            let held: Vec<Duration> = b.log(|l| l.holds.iter().map(|(a, s)| *s - *a).collect());
            summary(
                "measured - time the beacon really held it",
                rtts.iter()
                    .zip(&held)
                    .map(|(r, h)| (r.as_secs_f64() - h.as_secs_f64()) * 1e6)
                    .collect(),
            );
            summary(
                "beacon's overshoot of its delay",
                held.iter()
                    .map(|h| (h.as_secs_f64() - delay.as_secs_f64()) * 1e6)
                    .collect(),
            );
        }
    }
}
