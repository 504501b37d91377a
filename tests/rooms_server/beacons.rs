//! Region pings against the rooms server's own beacons, through the C ABI: the server started
//! with `--beacon` for two regions; `hathora_ping_regions` with no list of its own asks the
//! server's DiscoveryV2, pings both beacons and reports both regions answered with a round trip,
//! blocking and asynchronous, over plain HTTP and over HTTPS (a certificate of a test CA, which
//! the client trusts).

use std::net::UdpSocket;
use std::time::Duration;

use crate::abi;
use crate::common::pings::{measured, ping};
use crate::common::pki::{TestCa, Validity};
use crate::common::*;
use crate::harness::*;

const REGIONS: [(&str, HathoraRegion); 2] = [
    ("London", HathoraRegion::London),
    ("Tokyo", HathoraRegion::Tokyo),
];

/// The server's arguments for `case`: the game server, a beacon per region on a free port.
fn args(dir: &Workdir, slot: u16, extra: &[&str]) -> Vec<String> {
    let mut args = base_args(dir, &port_range(slot, 2));
    for (region, _) in REGIONS {
        args.push("--beacon".into());
        args.push(format!("{region}=127.0.0.1:0"));
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    args.push("--".into());
    args.push(game_server_bin());
    args
}

/// Pings through DiscoveryV2 in both forms: each region listed, in order, on a beacon that
/// echoes, answered with a round trip within the timeout.
fn pings_answered(case: &str, cl: &CClient) {
    for form in BOTH_FORMS {
        let label = format!("{case}, {form:?}");
        let r = ping(cl, form, None);
        assert_eq!(r.code(), Code::Ok, "{label}: {r:?}");
        assert_eq!(r.status(), 200, "{label}: DiscoveryV2's status");
        let got = measured(&r).unwrap_or_else(|| panic!("{label}: no measurements"));
        assert_eq!(got.len(), REGIONS.len(), "{label}: {got:?}");
        for ((name, region), m) in REGIONS.iter().zip(&got) {
            assert_eq!(
                (m.region_raw.as_str(), m.region, m.host.as_str()),
                (*name, *region, "127.0.0.1"),
                "{label}: {m:?}"
            );
            assert_eq!(m.sent, 3, "{label}: pings sent to {name}: {m:?}");
            assert!(
                (1..=3).contains(&m.answered),
                "{label}: {name} answered: {m:?}"
            );
            assert!(
                m.min_rtt
                    .is_some_and(|rtt| rtt > Duration::ZERO && rtt < Duration::from_secs(1)),
                "{label}: {name}'s round trip within the 1 s timeout: {m:?}"
            );
            assert_eq!(m.failure, None, "{label}: {name}: {m:?}");
            // The port DiscoveryV2 named is the server's beacon: it echoes a datagram of ours.
            assert_eq!(
                echo(m.port),
                b"is this the beacon?",
                "{label}: {name}'s port {}",
                m.port
            );
        }
        assert_ne!(got[0].port, got[1].port, "{label}: a beacon per region");
    }
}

/// A datagram sent to 127.0.0.1:`port`, and the answer (asked up to 3 times).
fn echo(port: u16) -> Vec<u8> {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 64];
    for _ in 0..3 {
        s.send_to(b"is this the beacon?", ("127.0.0.1", port))
            .unwrap();
        if let Ok(n) = s.recv(&mut buf) {
            return buf[..n].to_vec();
        }
    }
    Vec::new()
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn pings_through_discovery_v2_reach_the_servers_beacons() {
    let case = "beacons over HTTP";
    let dir = Workdir::new("beacons");
    let server = Server::start(case, &args(&dir, 8, &[]));
    pings_answered(case, &abi::client(&server.url, 2));
    server.stop();
}

#[test]
#[ignore = "needs the built binaries: bash tests/rooms_server/run.sh"]
fn pings_through_discovery_v2_over_https() {
    let case = "beacons over HTTPS";
    let dir = Workdir::new("beacons-https");
    let ca = TestCa::new("beacons CA");
    let cert = ca.issue(&["127.0.0.1"], Validity::Current);
    let (cert_file, key_file) = (dir.path("server.pem"), dir.path("server.key"));
    std::fs::write(&cert_file, &cert.cert_pem).unwrap();
    std::fs::write(&key_file, &cert.key_pem).unwrap();
    let tls = ["--tls-cert", &cert_file, "--tls-key", &key_file];
    let server = Server::start(case, &args(&dir, 9, &tls));
    assert!(server.url.starts_with("https://"), "{case}: {}", server.url);
    let cl = abi::client_with(&server.url, 2, |cfg| unsafe {
        assert_eq!(
            hathora_config_add_ca_pem(cfg, ca.pem.as_ptr(), ca.pem.len()),
            Code::Ok
        );
    });
    pings_answered(case, &cl);
    server.stop();
}
