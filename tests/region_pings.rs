//! Region pings against loopback beacons that drop, delay, duplicate, corrupt, replay and answer
//! from the wrong port. Waits are generous; the only time asserted from below is a beacon's
//! injected delay, which a correct measurement can never beat.
#![cfg(unix)]

mod common;

use common::udp_beacon::{Beacon, Faults};
use hathora_rooms::ResultCode;
use hathora_rooms::model::Region;
use hathora_rooms::ping::{CancelToken, PingEndpoint, PingError, PingOptions, RegionPing, measure};
use std::time::{Duration, Instant};

/// Long enough that an echo the beacon sends on time is never late, even on a loaded machine.
const PATIENT: Duration = Duration::from_secs(3);

fn options(rounds: u32, timeout: Duration) -> PingOptions {
    PingOptions {
        rounds,
        timeout,
        ..PingOptions::default()
    }
}

fn ping(endpoints: &[PingEndpoint], opts: &PingOptions) -> Vec<RegionPing> {
    measure(endpoints, opts, &CancelToken::default()).expect("the measurement runs")
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// All rounds answered, none failed, minimum at least `floor`.
fn assert_answered(case: &str, p: &RegionPing, rounds: u32, floor: Duration) {
    assert_eq!(
        (p.sent, p.answered),
        (rounds, rounds),
        "{case}: sent/answered: {p:?}"
    );
    assert_eq!(p.failure, None, "{case}: {p:?}");
    let min = p.min_rtt.unwrap_or_else(|| panic!("{case}: no RTT: {p:?}"));
    assert!(
        min >= floor,
        "{case}: minimum {min:?} beats the beacon's delay {floor:?}"
    );
}

/// Every round sent, none answered, no RTT.
fn assert_silent(case: &str, p: &RegionPing, rounds: u32) {
    assert_eq!(
        (p.sent, p.answered),
        (rounds, 0),
        "{case}: sent/answered: {p:?}"
    );
    assert_eq!(p.min_rtt, None, "{case}: a silent region has no RTT: {p:?}");
    assert_eq!(p.failure, None, "{case}: silence is not a failure: {p:?}");
}

#[test]
fn the_minimum_never_beats_the_injected_delay() {
    let b = Beacon::v4(Faults {
        delay: ms(30),
        ..Faults::default()
    });
    let r = ping(&[b.endpoint(Region::Chicago)], &options(5, PATIENT));
    assert_answered("30 ms beacon", &r[0], 5, ms(30));
    assert_eq!(r[0].address, Some(b.addr()));
    assert_eq!(
        (r[0].region.clone(), r[0].port),
        (Region::Chicago, b.addr().port())
    );
    assert_eq!(
        b.settled(|l| (l.received, l.faithful), (5, 5)),
        (5, 5),
        "beacon log"
    );
}

#[test]
fn every_round_is_sent_when_an_echo_comes_back_while_others_are_sent_to() {
    // An endpoint's echo read during the sends to the endpoints after it must start its next
    // round too (it once ended the measurement early, about one run in two).
    let beacons = [Beacon::v4(Faults::default()), Beacon::v6(Faults::default())];
    let endpoints: Vec<_> = beacons.iter().map(|b| b.endpoint(Region::Tokyo)).collect();
    for run in 0..50 {
        let r = ping(&endpoints, &options(3, PATIENT));
        for (i, p) in r.iter().enumerate() {
            assert_eq!(
                (p.sent, p.answered),
                (3, 3),
                "run {run}, endpoint {i}: {p:?}"
            );
        }
    }
}

#[test]
fn a_dropping_beacon_reports_no_rtt() {
    let silent = Beacon::v4(Faults {
        drop_first: usize::MAX,
        ..Faults::default()
    });
    let r = ping(&[silent.endpoint(Region::Tokyo)], &options(3, ms(200)));
    assert_silent("silent beacon", &r[0], 3);
    assert_eq!(
        silent.settled(|l| l.received, 3),
        3,
        "the beacon got every round"
    );

    let lossy = Beacon::v4(Faults {
        drop_first: 2,
        ..Faults::default()
    });
    let r = ping(&[lossy.endpoint(Region::Tokyo)], &options(4, ms(500)));
    assert_eq!(
        (r[0].sent, r[0].answered),
        (4, 2),
        "first two dropped: {:?}",
        r[0]
    );
    assert!(
        r[0].min_rtt.is_some(),
        "answered rounds give an RTT: {:?}",
        r[0]
    );
}

#[test]
fn corrupted_echoes_never_count() {
    let b = Beacon::v4(Faults {
        corrupt: true,
        ..Faults::default()
    });
    let r = ping(&[b.endpoint(Region::London)], &options(6, ms(200)));
    assert_silent("corrupting beacon", &r[0], 6);
    assert_eq!(
        b.settled(|l| l.tampered, 6),
        6,
        "the beacon corrupted every echo"
    );
}

#[test]
fn duplicated_echoes_count_once() {
    let b = Beacon::v4(Faults {
        duplicates: 3,
        ..Faults::default()
    });
    let r = ping(&[b.endpoint(Region::Dallas)], &options(5, PATIENT));
    assert_answered("duplicating beacon", &r[0], 5, Duration::ZERO);
    assert_eq!(
        b.settled(|l| l.faithful, 20),
        20,
        "the beacon sent each echo 4 times"
    );
}

#[test]
fn replayed_echoes_of_earlier_rounds_never_count() {
    // Each earlier round's datagram comes back at once, before the right echo (30 ms later):
    // counting one would make the minimum about 0.
    let b = Beacon::v4(Faults {
        delay: ms(30),
        replay_previous: true,
        ..Faults::default()
    });
    let r = ping(&[b.endpoint(Region::Sydney)], &options(5, PATIENT));
    assert_answered("replaying beacon", &r[0], 5, ms(30));
    assert_eq!(
        b.settled(|l| l.tampered, 4),
        4,
        "rounds 1 to 4 were replayed"
    );
}

#[test]
fn late_echoes_never_count_in_their_round_or_a_later_one() {
    // Every echo comes 250 ms after its datagram, past the 100 ms timeout and into a later
    // round.
    let b = Beacon::v4(Faults {
        delay: ms(250),
        ..Faults::default()
    });
    let r = ping(&[b.endpoint(Region::Mumbai)], &options(4, ms(100)));
    assert_silent("late beacon", &r[0], 4);
    assert_eq!(
        b.settled(|l| l.faithful, 4),
        4,
        "the beacon did answer, late"
    );
}

#[test]
fn an_answer_from_the_wrong_port_never_counts() {
    let b = Beacon::v4(Faults {
        wrong_source: true,
        ..Faults::default()
    });
    let r = ping(&[b.endpoint(Region::Frankfurt)], &options(3, ms(200)));
    assert_silent("wrong-port beacon", &r[0], 3);
    assert_eq!(
        b.settled(|l| l.tampered, 3),
        3,
        "the beacon answered from elsewhere"
    );
}

#[test]
fn ipv6_endpoints() {
    let b = Beacon::v6(Faults {
        delay: ms(20),
        ..Faults::default()
    });
    let mut bracketed = b.endpoint(Region::Seattle);
    bracketed.host = format!("[{}]", b.addr().ip());
    let r = ping(
        &[b.endpoint(Region::Seattle), bracketed],
        &options(3, PATIENT),
    );
    assert_answered("::1 beacon", &r[0], 3, ms(20));
    assert_answered("[::1] beacon", &r[1], 3, ms(20));
    assert!(r[0].address.is_some_and(|a| a.is_ipv6()), "{:?}", r[0]);
}

#[test]
fn several_regions_at_once_each_measured_on_its_own() {
    let fast = Beacon::v4(Faults::default());
    let slow = Beacon::v4(Faults {
        delay: ms(120),
        ..Faults::default()
    });
    let v6 = Beacon::v6(Faults {
        delay: ms(40),
        ..Faults::default()
    });
    let silent = Beacon::v4(Faults {
        drop_first: usize::MAX,
        ..Faults::default()
    });
    let corrupt = Beacon::v6(Faults {
        corrupt: true,
        ..Faults::default()
    });
    let own = Region::Unknown("Home_Lab".into());
    let endpoints = [
        slow.endpoint(Region::SaoPaulo),
        fast.endpoint(own.clone()),
        silent.endpoint(Region::Dubai),
        v6.endpoint(Region::Johannesburg),
        corrupt.endpoint(Region::Singapore),
        fast.endpoint(Region::Seattle),
    ];
    let r = ping(&endpoints, &options(3, ms(1000)));
    assert_eq!(r.len(), 6);
    assert_answered("slow", &r[0], 3, ms(120));
    assert_answered("fast", &r[1], 3, Duration::ZERO);
    assert_silent("silent", &r[2], 3);
    assert_answered("v6", &r[3], 3, ms(40));
    assert_silent("corrupt", &r[4], 3);
    assert_answered("fast, listed twice", &r[5], 3, Duration::ZERO);
    let regions: Vec<&str> = r.iter().map(|p| p.region.as_str()).collect();
    assert_eq!(
        regions,
        [
            "Sao_Paulo",
            "Home_Lab",
            "Dubai",
            "Johannesburg",
            "Singapore",
            "Seattle"
        ],
        "results keep the endpoints' order and region names"
    );
    assert_eq!(r[1].region, own);
}

#[test]
fn a_silent_region_ends_the_call_within_rounds_times_timeout() {
    let silent = Beacon::v4(Faults {
        drop_first: usize::MAX,
        ..Faults::default()
    });
    let fast = Beacon::v4(Faults::default());
    let t0 = Instant::now();
    let r = ping(
        &[
            silent.endpoint(Region::Dubai),
            fast.endpoint(Region::London),
        ],
        &options(3, ms(300)),
    );
    let took = t0.elapsed();
    assert_silent("silent", &r[0], 3);
    assert_eq!(r[1].answered, 3, "{:?}", r[1]);
    assert!(
        took >= ms(900),
        "each silent round waits its full timeout: {took:?}"
    );
    assert!(
        took <= ms(900) + Duration::from_secs(3),
        "3 × 300 ms took {took:?}"
    );
}

#[test]
fn cancel_from_another_thread_ends_the_call() {
    let silent = Beacon::v4(Faults {
        drop_first: usize::MAX,
        ..Faults::default()
    });
    let cancel = CancelToken::default();
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(ms(300));
            cancel.cancel(ResultCode::Cancelled);
        })
    };
    let t0 = Instant::now();
    let r = measure(
        &[silent.endpoint(Region::Dubai)],
        &options(3, Duration::from_secs(10)),
        &cancel,
    );
    let took = t0.elapsed();
    canceller.join().unwrap();
    let err = r.expect_err("a cancelled call has no result");
    assert_eq!(err, PingError::Cancelled(ResultCode::Cancelled));
    assert_eq!(err.code(), ResultCode::Cancelled);
    assert!(
        took < Duration::from_secs(5),
        "cancel after 300 ms of a 30 s call ended it after {took:?}"
    );
    assert!(
        silent.settled(|l| l.received >= 1, true),
        "the call was under way when cancelled"
    );
}

#[test]
fn an_already_cancelled_token_sends_nothing() {
    let b = Beacon::v4(Faults::default());
    let cancel = CancelToken::default();
    cancel.cancel(ResultCode::ShutDown);
    let r = measure(
        &[b.endpoint(Region::Dubai)],
        &PingOptions::default(),
        &cancel,
    );
    assert_eq!(r, Err(PingError::Cancelled(ResultCode::ShutDown)));
    std::thread::sleep(ms(100));
    assert_eq!(b.log(|l| l.received), 0, "nothing was sent");
}

#[test]
fn an_unresolvable_host_is_reported_while_the_others_are_measured() {
    let b = Beacon::v4(Faults::default());
    let endpoints = [
        PingEndpoint::new(Region::Chicago, "no-such-region.invalid", 5000),
        b.endpoint(Region::London),
        PingEndpoint::new(Region::Tokyo, "127.0.0.1", 0),
        PingEndpoint::new(Region::Sydney, "", 5000),
    ];
    let r = ping(&endpoints, &options(3, PATIENT));
    for (case, p, says) in [
        ("unresolvable", &r[0], "no-such-region.invalid"),
        ("port 0", &r[2], "port 0"),
        ("empty host", &r[3], "empty"),
    ] {
        assert_eq!(
            (p.sent, p.answered, p.min_rtt, p.address),
            (0, 0, None, None),
            "{case}: {p:?}"
        );
        let why = p
            .failure
            .as_deref()
            .unwrap_or_else(|| panic!("{case}: no reason: {p:?}"));
        assert!(
            why.contains(says),
            "{case}: reason {why:?} does not say {says:?}"
        );
    }
    assert_answered("the beacon beside them", &r[1], 3, Duration::ZERO);
}

#[test]
fn options_out_of_range_are_refused() {
    for (case, opts, says) in [
        ("0 rounds", options(0, PATIENT), "rounds"),
        ("101 rounds", options(101, PATIENT), "rounds"),
        ("0 timeout", options(3, Duration::ZERO), "timeout"),
        (
            "61 s timeout",
            options(3, Duration::from_secs(61)),
            "timeout",
        ),
        (
            "0 lookup timeout",
            PingOptions {
                lookup_timeout: Duration::ZERO,
                ..PingOptions::default()
            },
            "lookup_timeout",
        ),
    ] {
        let err = measure(&[], &opts, &CancelToken::default()).expect_err(case);
        assert_eq!(err.code(), ResultCode::InvalidArgument, "{case}");
        assert!(err.to_string().contains(says), "{case}: {err}");
    }
    assert_eq!(
        ping(&[], &PingOptions::default()),
        vec![],
        "no endpoints, no results"
    );
}
