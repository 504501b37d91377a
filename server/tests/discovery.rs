//! DiscoveryV2: `GET /discovery/v2/ping` answers the configured regions with the host and port
//! of each region's UDP echo beacon (no token needed), each beacon returns every datagram byte
//! for byte and never a bigger one, and the flags and config file that set them up refuse bad
//! values (exit 2) and a port in use (exit 1), naming the region.

mod common;

use std::net::UdpSocket;
use std::time::Duration;

use common::bin::{Bin, run_to_end};
use common::*;
use hathora_rooms_server::config::{AppConfig, BeaconConfig, DiscoveryConfig};
use hathora_rooms_server::{RoomsServer, ServerConfig, Token};
use serde_json::{Value, json};

fn server_with_beacons(regions: &[&str], host: Option<&str>) -> RoomsServer {
    RoomsServer::start(ServerConfig {
        apps: vec![AppConfig::new("app-d", vec![Token::new("t")])],
        discovery: DiscoveryConfig {
            host: host.map(str::to_string),
            beacons: regions
                .iter()
                .map(|r| BeaconConfig {
                    region: r.to_string(),
                    bind: "127.0.0.1:0".parse().unwrap(),
                })
                .collect(),
        },
        ..ServerConfig::default()
    })
    .expect("starts")
}

/// GET /discovery/v2/ping without a token: (region, host, port) in order.
fn ping_endpoints(base: &str) -> Vec<(String, String, u16)> {
    let r = Client::new(base, "unused", "unused").request("GET", "/discovery/v2/ping", None, None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    r.json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| {
            assert_keys(e, &["region", "host", "port"]);
            (
                e["region"].as_str().unwrap().to_string(),
                e["host"].as_str().unwrap().to_string(),
                u16::try_from(e["port"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

/// Sends `datagram` to the beacon and returns what comes back within a few seconds, if anything.
fn echo(port: u16, datagram: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    s.send_to(datagram, ("127.0.0.1", port)).unwrap();
    let mut buf = [0u8; 4096];
    let (n, from) = s.recv_from(&mut buf).ok()?;
    assert_eq!(from.port(), port, "the echo comes from the beacon's port");
    Some(buf[..n].to_vec())
}

#[test]
fn the_answer_lists_each_region_and_its_beacon_echoes() {
    let server = server_with_beacons(&["London", "Tokyo", "Sao_Paulo"], None);
    let endpoints = ping_endpoints(&server.url());
    let regions: Vec<&str> = endpoints.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(regions, ["London", "Tokyo", "Sao_Paulo"]);
    for (region, host, port) in &endpoints {
        assert_eq!(host, "127.0.0.1", "{region}: the beacon's own address");
        let datagram = format!("HRP1 nonce of {region}").into_bytes();
        assert_eq!(
            echo(*port, &datagram, TIMEOUT).as_deref(),
            Some(&datagram[..]),
            "{region}"
        );
        // Binary and the limit exactly: returned as sent.
        let full: Vec<u8> = (0..512u32).map(|i| (i * 31 % 256) as u8).collect();
        assert_eq!(
            echo(*port, &full, TIMEOUT),
            Some(full),
            "{region}: 512 bytes"
        );
        // Over the limit: never answered (a bigger answer is never sent either way).
        assert_eq!(
            echo(*port, &[7u8; 513], Duration::from_millis(500)),
            None,
            "{region}: 513 bytes"
        );
    }
    let mut ports: Vec<u16> = endpoints.iter().map(|e| e.2).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 3, "one port per region");
    // Any method but GET is 405, as JSON.
    let c = Client::new(&server.url(), "app-d", "t");
    c.request("POST", "/discovery/v2/ping", None, None)
        .assert_error(405);
}

#[test]
fn no_beacons_answer_an_empty_list_and_the_host_can_be_named() {
    let server = server_with_beacons(&[], None);
    assert_eq!(ping_endpoints(&server.url()), []);
    let named = server_with_beacons(&["Dubai"], Some("ping.example.com"));
    let endpoints = ping_endpoints(&named.url());
    assert_eq!(endpoints.len(), 1);
    assert_eq!(
        (endpoints[0].0.as_str(), endpoints[0].1.as_str()),
        ("Dubai", "ping.example.com")
    );
    // Stopping the server closes the beacons.
    let port = endpoints[0].2;
    drop(named);
    UdpSocket::bind(("127.0.0.1", port)).expect("the beacon's port is free after the server");
}

#[test]
fn flags_and_the_config_file_set_the_beacons() {
    let bin = Bin::spawn(&[
        "--quiet",
        "--beacon",
        "Frankfurt=127.0.0.1:0",
        "--beacon=Chicago=127.0.0.1:0",
        "--ping-host",
        "ping.test",
    ]);
    let endpoints = ping_endpoints(&bin.url);
    let got: Vec<(&str, &str)> = endpoints
        .iter()
        .map(|e| (e.0.as_str(), e.1.as_str()))
        .collect();
    assert_eq!(got, [("Frankfurt", "ping.test"), ("Chicago", "ping.test")]);
    for e in &endpoints {
        assert_eq!(
            echo(e.2, b"x", TIMEOUT).as_deref(),
            Some(&b"x"[..]),
            "{e:?}"
        );
    }

    let dir = TempDir::new("discovery-config");
    let config = dir.write(
        "rooms.toml",
        r#"
[server]
quiet = true
public_host = "games.example"

[discovery]
beacons = [
    { region = "Singapore", bind = "127.0.0.1:0" },
    { region = "Mumbai", bind = "0.0.0.0:0" },
]

[[apps]]
app_id = "a"
tokens = ["t"]
"#,
    );
    let bin = Bin::spawn(&["--config", &config]);
    let endpoints = ping_endpoints(&bin.url);
    let got: Vec<(&str, &str)> = endpoints
        .iter()
        .map(|e| (e.0.as_str(), e.1.as_str()))
        .collect();
    // A beacon on every address is named by the public host.
    assert_eq!(
        got,
        [("Singapore", "127.0.0.1"), ("Mumbai", "games.example")]
    );
    assert_eq!(
        echo(endpoints[1].2, b"any address", TIMEOUT).as_deref(),
        Some(&b"any address"[..])
    );
    // The flags replace the file's beacons.
    let bin = Bin::spawn(&["--config", &config, "--beacon", "Seattle=127.0.0.1:0"]);
    let regions: Vec<String> = ping_endpoints(&bin.url).into_iter().map(|e| e.0).collect();
    assert_eq!(regions, ["Seattle"]);
}

#[test]
fn bad_beacons_are_refused_naming_the_problem() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let in_use = format!("Tokyo=127.0.0.1:{taken_port}");
    let twice = [
        "--beacon",
        "London=127.0.0.1:0",
        "--beacon",
        "London=127.0.0.1:0",
    ];
    // (case, arguments, exit code, what stderr says)
    let cases: Vec<(&str, Vec<&str>, i32, &str)> = vec![
        (
            "no =",
            vec!["--beacon", "London"],
            2,
            "wants REGION=IP:PORT",
        ),
        (
            "no port",
            vec!["--beacon", "London=127.0.0.1"],
            2,
            "is not IP:PORT",
        ),
        (
            "a name",
            vec!["--beacon", "London=localhost:7000"],
            2,
            "is not IP:PORT",
        ),
        (
            "unknown region",
            vec!["--beacon", "Atlantis=127.0.0.1:0"],
            2,
            "beacon region \"Atlantis\" is not a RoomsV2 region",
        ),
        (
            "region twice",
            twice.to_vec(),
            2,
            "beacon region London is listed twice",
        ),
        (
            "port in use",
            vec!["--beacon", &in_use],
            1,
            "the beacon of region Tokyo cannot bind",
        ),
        (
            "bad host",
            vec!["--ping-host", "a b", "--beacon", "London=127.0.0.1:0"],
            2,
            "discovery host \"a b\"",
        ),
    ];
    for (case, args, want, says) in cases {
        let (code, stdout, stderr) = run_to_end(&args);
        assert_eq!(code, Some(want), "{case}: {stderr}");
        assert!(stdout.is_empty(), "{case}: no URL: {stdout}");
        assert!(
            stderr.contains(says),
            "{case}: wants {says:?} in {stderr:?}"
        );
    }
    let dir = TempDir::new("discovery-bad-config");
    let config = dir.write(
        "rooms.toml",
        "[discovery]\nbeacons = [{ region = \"London\", port = 7000 }]\n[[apps]]\napp_id = \"a\"\ntokens = [\"t\"]\n",
    );
    let (code, _, stderr) = run_to_end(&["--config", &config]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("line 2") && stderr.contains("port"),
        "{stderr}"
    );
    drop(taken);
}

#[test]
fn the_answer_is_what_the_official_sdks_decode() {
    let server = server_with_beacons(&["Washington_DC"], None);
    let r = Client::new(&server.url(), "x", "x").request("GET", "/discovery/v2/ping", None, None);
    let v: Value = r.json();
    let port = v[0]["port"].clone();
    assert_eq!(
        v,
        json!([{"region": "Washington_DC", "host": "127.0.0.1", "port": port}])
    );
    assert!(port.is_u64(), "a JSON number");
}
