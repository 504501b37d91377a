//! Region pings through the C ABI (`hathora_ping_regions`), against loopback beacons that drop,
//! delay, duplicate, corrupt, replay and answer from elsewhere: explicit targets and DiscoveryV2's
//! list, both forms and both dispatch modes, cancel and free in mid-call, refused options.
//! The only time asserted from below is a beacon's injected delay, which a correct measurement
//! can never beat; waits are generous.
#![cfg(unix)]

mod common;

use common::fake_http::{FakeHttp, response};
use common::pings::{Measured, Targets, measured, ping};
use common::udp_beacon::{Beacon, Faults};
use common::*;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Long enough that an echo the beacon sends on time is never late, even on a loaded machine.
const PATIENT_MS: u32 = 2_000;

fn beacon(faults: Faults) -> Beacon {
    Beacon::v4(faults)
}

fn silent() -> Beacon {
    beacon(Faults {
        drop_first: usize::MAX,
        ..Faults::default()
    })
}

fn pinger(mode: HathoraDispatchMode) -> CClient {
    // No app id, no token: region pings need neither.
    client_at("http://127.0.0.1:9", |cfg| unsafe {
        hathora_config_set_dispatch_mode(cfg, mode as u32);
    })
}

#[test]
fn faults_never_count_and_the_minimum_never_beats_the_delay() {
    let delayed = beacon(Faults {
        delay: ms(30),
        ..Faults::default()
    });
    let dropping = silent();
    let duplicating = beacon(Faults {
        delay: ms(10),
        duplicates: 3,
        ..Faults::default()
    });
    let corrupting = beacon(Faults {
        corrupt: true,
        ..Faults::default()
    });
    let elsewhere = beacon(Faults {
        wrong_source: true,
        ..Faults::default()
    });
    let replaying = beacon(Faults {
        delay: ms(20),
        replay_previous: true,
        ..Faults::default()
    });
    let v6 = Beacon::v6(Faults {
        delay: ms(5),
        ..Faults::default()
    });
    let targets = Targets::of(&[
        ("Chicago", &delayed),
        ("Mars", &dropping),
        ("London", &duplicating),
        ("Tokyo", &corrupting),
        ("Dubai", &elsewhere),
        ("Sydney", &replaying),
        ("Seattle", &v6),
    ]);
    let cl = pinger(HathoraDispatchMode::Worker);
    let r = ping(&cl, Form::Blocking, Some(&targets.options(3, PATIENT_MS))).ok();
    let got = measured(&r).expect("one measurement per target");
    assert_eq!(got.len(), 7);
    // (region, answered, the delay the minimum cannot beat)
    #[rustfmt::skip]
    let want: [(HathoraRegion, &str, u32, Option<Duration>); 7] = [
        (HathoraRegion::Chicago, "delayed 30 ms", 3, Some(ms(30))),
        (HathoraRegion::Unknown, "silent", 0, None),
        (HathoraRegion::London, "duplicated, each round once", 3, Some(ms(10))),
        (HathoraRegion::Tokyo, "corrupted", 0, None),
        (HathoraRegion::Dubai, "from another port", 0, None),
        (HathoraRegion::Sydney, "replays of earlier rounds", 3, Some(ms(20))),
        (HathoraRegion::Seattle, "IPv6", 3, Some(ms(5))),
    ];
    for (p, (region, case, answered, floor)) in got.iter().zip(want) {
        assert_eq!(p.region, region, "{case}: {p:?}");
        assert_eq!((p.sent, p.answered), (3, answered), "{case}: {p:?}");
        assert_eq!(p.failure, None, "{case}: every round was sent: {p:?}");
        match floor {
            Some(floor) => {
                let min = p.min_rtt.unwrap_or_else(|| panic!("{case}: no RTT: {p:?}"));
                assert!(
                    min >= floor,
                    "{case}: minimum {min:?} beats the delay {floor:?}"
                );
            }
            None => assert_eq!(p.min_rtt, None, "{case}: nothing answered, no RTT: {p:?}"),
        }
    }
    assert_eq!(
        got[1].region_raw, "Mars",
        "a region of the caller's own naming"
    );
    assert!(
        got[6]
            .address
            .as_deref()
            .is_some_and(|a| a.starts_with("[::1]:")),
        "{:?}",
        got[6]
    );
    // The faults were exercised: copies and tampered echoes reached the library.
    assert_eq!(
        duplicating.settled(|l| l.faithful, 12),
        12,
        "duplicates sent"
    );
    for (case, b) in [("corrupt", &corrupting), ("wrong source", &elsewhere)] {
        assert_eq!(
            b.settled(|l| l.tampered, 3),
            3,
            "{case}: tampered echoes sent"
        );
    }
    assert!(replaying.settled(|l| l.tampered >= 2, true), "replays sent");
}

#[test]
fn both_forms_both_modes_and_the_json_body() {
    let (a, b) = (beacon(Faults::default()), Beacon::v6(Faults::default()));
    let targets = Targets::of(&[("Frankfurt", &a), ("my-own-region", &b)]);
    for mode in BOTH_MODES {
        let cl = pinger(mode);
        for form in BOTH_FORMS {
            let case = format!("{mode:?}, {form:?}");
            let r = ping(&cl, form, Some(&targets.options(2, PATIENT_MS))).ok();
            assert_eq!(
                (r.status(), r.attempts()),
                (0, 0),
                "{case}: no HTTP without DiscoveryV2"
            );
            let got = measured(&r).expect("measurements");
            let answered: Vec<_> = got
                .iter()
                .map(|p| (p.region_raw.as_str(), p.answered))
                .collect();
            assert_eq!(
                answered,
                [("Frankfurt", 2), ("my-own-region", 2)],
                "{case}: {got:?}"
            );
            let json = r.json();
            for (p, j) in got.iter().zip(json.as_array().expect("a JSON list")) {
                let rtt = p.min_rtt.map(|d| d.as_nanos() as u64);
                assert_eq!(j["region"], p.region_raw.as_str(), "{case}: {j}");
                assert_eq!(
                    (j["port"].as_u64(), j["sent"].as_u64()),
                    (Some(p.port.into()), Some(2)),
                    "{case}: {j}"
                );
                assert_eq!(j["minRttNs"].as_u64(), rtt, "{case}: {j}");
                assert_eq!(j["address"].as_str(), p.address.as_deref(), "{case}: {j}");
            }
        }
    }
}

#[test]
fn without_targets_the_endpoints_come_from_discovery() {
    let (a, b) = (beacon(Faults::default()), beacon(Faults::default()));
    let list = format!(
        r#"[{{"region":"Chicago","host":"127.0.0.1","port":{}}},{{"region":"Europa","host":"localhost","port":{}}}]"#,
        a.addr().port(),
        b.addr().port()
    );
    let server = FakeHttp::start(response("200 OK", "application/json", list.as_bytes()));
    let cl = client_at(&server.url(), |cfg| unsafe {
        hathora_config_set_dev_token(cfg, c"never-sent".as_ptr());
    });
    for form in BOTH_FORMS {
        server.clear();
        let opts = HathoraPingOptions {
            rounds: 2,
            timeout_ms: PATIENT_MS,
            ..hathora_ping_options_init()
        };
        let r = ping(&cl, form, Some(&opts)).ok();
        assert_eq!(
            (r.status(), r.attempts()),
            (200, 1),
            "{form:?}: DiscoveryV2's status"
        );
        let got = measured(&r).expect("measurements");
        let regions: Vec<(HathoraRegion, &str, u32)> = got
            .iter()
            .map(|p| (p.region, p.host.as_str(), p.answered))
            .collect();
        assert_eq!(
            regions,
            [
                (HathoraRegion::Chicago, "127.0.0.1", 2),
                (HathoraRegion::Unknown, "localhost", 2)
            ],
            "{form:?}"
        );
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{form:?}");
        assert_eq!(seen[0].line, "GET /discovery/v2/ping HTTP/1.1", "{form:?}");
        assert!(
            seen[0].header("authorization").is_empty(),
            "{form:?}: a token was sent"
        );
    }
    // NULL options: the defaults (3 rounds), DiscoveryV2's list.
    let r = ping(&cl, Form::Blocking, None).ok();
    assert!(
        measured(&r)
            .unwrap()
            .iter()
            .all(|p: &Measured| (p.sent, p.answered) == (3, 3)),
        "defaults: {:?}",
        measured(&r)
    );
}

#[test]
fn a_discovery_failure_is_the_result_and_nothing_is_measured() {
    let server = FakeHttp::start(response(
        "503 Service Unavailable",
        "application/json",
        br#"{"message":"try later"}"#,
    ));
    let cl = client_at(&server.url(), |cfg| unsafe {
        set_retry(cfg, 1, 10, 10);
    });
    for form in BOTH_FORMS {
        server.clear();
        let r = ping(&cl, form, None);
        assert_eq!(
            (r.code(), r.status(), r.attempts()),
            (Code::ApiError, 503, 2),
            "{form:?}: {r:?}"
        );
        assert_eq!(r.message().as_deref(), Some("try later"), "{form:?}");
        assert!(measured(&r).is_none(), "{form:?}: no measurements");
        assert_eq!(server.count(), 2, "{form:?}: one retry");
    }
}

/// A call that would last 3 × 20 s on a silent beacon, started and seen under way.
fn long_call(
    cl: &CClient,
    quiet: &Beacon,
    targets: &Targets,
    col: &std::sync::Arc<Collector>,
) -> u64 {
    let opts = targets.options(3, 20_000);
    let id = submit(col, |cb, ud, id| unsafe {
        hathora_ping_regions_async(cl.0, &opts, null(), cb, ud, id)
    });
    assert!(
        quiet.settled(|l| l.received >= 1, true),
        "the measurement was under way"
    );
    id
}

#[test]
fn a_cancel_ends_the_measurement_at_once_in_both_modes() {
    let quiet = silent();
    let targets = Targets::of(&[("Mumbai", &quiet)]);
    for mode in BOTH_MODES {
        let cl = pinger(mode);
        let col = Collector::new();
        let id = long_call(&cl, &quiet, &targets, &col);
        let t0 = Instant::now();
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, id) },
            Code::Ok,
            "{mode:?}"
        );
        col.wait(&cl, 1, Duration::from_secs(10));
        let took = t0.elapsed();
        let (got, r) = col.take().pop().unwrap();
        assert_eq!((got, r.code()), (id, Code::Cancelled), "{mode:?}: {r:?}");
        assert!(
            took < Duration::from_secs(10),
            "{mode:?}: cancel of a 60 s call took {took:?}"
        );
    }
}

#[test]
fn freeing_the_client_ends_the_measurement_at_once() {
    let quiet = silent();
    let targets = Targets::of(&[("Mumbai", &quiet)]);
    for mode in BOTH_MODES {
        let cl = pinger(mode);
        let col = Collector::new();
        let id = long_call(&cl, &quiet, &targets, &col);
        let t0 = Instant::now();
        let handle = std::mem::replace(&mut { cl }.0, null_mut());
        unsafe { hathora_client_free(handle) };
        let took = t0.elapsed();
        let mut done = col.take();
        assert_eq!(
            done.len(),
            1,
            "{mode:?}: the callback ran before free returned"
        );
        let (got, r) = done.pop().unwrap();
        assert_eq!((got, r.code()), (id, Code::ShutDown), "{mode:?}: {r:?}");
        assert!(
            took < Duration::from_secs(10),
            "{mode:?}: free took {took:?}"
        );
    }
    // The blocking form, freed from another thread.
    let cl = pinger(HathoraDispatchMode::Worker);
    let opts = targets.options(3, 20_000);
    let handle = cl.0 as usize;
    let freer = std::thread::spawn(move || {
        std::thread::sleep(ms(300));
        unsafe { hathora_client_free(handle as *mut HathoraClient) };
    });
    let t0 = Instant::now();
    let r = blocking(|o| unsafe { hathora_ping_regions(cl.0, &opts, null(), o) });
    freer.join().unwrap();
    std::mem::forget(cl); // freed by the other thread
    assert_eq!(r.code(), Code::ShutDown, "blocking: {r:?}");
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "blocking: {:?}",
        t0.elapsed()
    );
}

#[test]
fn refused_options_send_nothing() {
    let b = beacon(Faults::default());
    let targets = Targets::of(&[("Chicago", &b)]);
    let cl = pinger(HathoraDispatchMode::Worker);
    let bad_name = cbytes(&invalid_utf8());
    let good = targets.list[0];
    let with_target = |t: HathoraPingTarget| vec![t];
    #[rustfmt::skip]
    let cases: Vec<(&str, HathoraPingOptions, Vec<HathoraPingTarget>, &str)> = vec![
        ("an unknown version", HathoraPingOptions { version: 99, ..targets.options(1, 100) }, vec![], "version"),
        ("101 rounds", targets.options(101, 100), vec![], "rounds"),
        ("a 60001 ms timeout", targets.options(1, 60_001), vec![], "timeout"),
        ("a 60001 ms lookup timeout", HathoraPingOptions { lookup_timeout_ms: 60_001, ..targets.options(1, 100) }, vec![], "lookup_timeout"),
        ("NULL targets with a count", HathoraPingOptions { targets: null(), ..targets.options(1, 100) }, vec![], "targets"),
        ("1025 targets", HathoraPingOptions { targets_count: 1025, ..targets.options(1, 100) }, vec![good; 1025], "1024"),
        ("port 0", targets.options(1, 100), with_target(HathoraPingTarget { port: 0, ..good }), "targets[0].port"),
        ("no host", targets.options(1, 100), with_target(HathoraPingTarget { host: null(), ..good }), "targets[0].host"),
        ("no region", targets.options(1, 100), with_target(HathoraPingTarget { region_name: null(), region: 99, ..good }), "targets[0].region"),
        ("an empty region name", targets.options(1, 100), with_target(HathoraPingTarget { region_name: c"".as_ptr(), ..good }), "region_name"),
        ("a region name that is not UTF-8", targets.options(1, 100), with_target(HathoraPingTarget { region_name: bad_name.as_ptr().cast(), ..good }), "UTF-8"),
    ];
    for (case, mut opts, list, says) in cases {
        if !list.is_empty() {
            opts.targets = list.as_ptr();
            opts.targets_count = list.len();
        }
        let r = blocking(|o| unsafe { hathora_ping_regions(cl.0, &opts, null(), o) });
        assert_eq!(r.code(), Code::InvalidArgument, "{case}: {r:?}");
        assert_readable(case, &r.message().unwrap_or_default(), says);
        let mut id = 0;
        let code = unsafe {
            hathora_ping_regions_async(cl.0, &opts, null(), Some(collect), null_mut(), &mut id)
        };
        assert_eq!(code, Code::InvalidArgument, "{case}, async");
        assert_readable(case, &last_error(), says);
    }
    // A HathoraRegion number instead of a name.
    let by_number = [HathoraPingTarget {
        region: HathoraRegion::Dallas as u32,
        region_name: null(),
        ..good
    }];
    let opts = HathoraPingOptions {
        targets: by_number.as_ptr(),
        targets_count: 1,
        ..targets.options(1, PATIENT_MS)
    };
    let r = blocking(|o| unsafe { hathora_ping_regions(cl.0, &opts, null(), o) }).ok();
    let got = measured(&r).unwrap();
    assert_eq!(
        (got[0].region, got[0].region_raw.as_str()),
        (HathoraRegion::Dallas, "Dallas")
    );
    assert_eq!(
        b.log(|l| l.received),
        1,
        "only the accepted call sent a datagram"
    );
}
