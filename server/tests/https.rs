//! HTTPS with a private CA: every operation, the polling of a room until it is active, the
//! operators' endpoints, the simulated mode's admin endpoints and DiscoveryV2 over TLS with a
//! client that trusts the test's CA; a client without the CA, or given a certificate for
//! another name, refuses the server; the binary prints an `https://` URL, reloads its
//! certificate on SIGHUP, and refuses a missing, unreadable, mismatched or non-PEM pair at
//! start (exit 2, naming the file); plain HTTP on a non-loopback address needs an opt-in.

mod common;

use std::time::Duration;

use common::bin::{Bin, run_to_end};
use common::tls::{TestCa, agent_trusting, agent_without_the_ca};
use common::*;
use hathora_rooms_server::config::{AppConfig, TlsFiles};
use hathora_rooms_server::{RoomsServer, ServerConfig, Token};
use serde_json::json;

const APP: &str = "app-tls";
const TOKEN: &str = "tls-dev-token";

/// The CA's certificate for `names`, written to `dir` as cert.pem and key.pem.
fn pair(dir: &TempDir, ca: &TestCa, names: &[&str]) -> (String, String) {
    let issued = ca.issue(names);
    (
        dir.write("cert.pem", &issued.cert_pem),
        dir.write("key.pem", &issued.key_pem),
    )
}

fn https_server(dir: &TempDir, ca: &TestCa, names: &[&str]) -> RoomsServer {
    let (cert, key) = pair(dir, ca, names);
    let mut config = ServerConfig {
        apps: vec![AppConfig::new(APP, vec![Token::new(TOKEN)])],
        tls: Some(TlsFiles {
            cert: cert.into(),
            key: key.into(),
        }),
        ..ServerConfig::default()
    };
    config.simulated.activation_delay = Duration::from_millis(300);
    RoomsServer::start(config).expect("the HTTPS server starts")
}

#[test]
fn every_operation_and_endpoint_over_https_with_the_ca() {
    let dir = TempDir::new("https-ops");
    let ca = TestCa::new("ops CA");
    let server = https_server(&dir, &ca, &["localhost", "127.0.0.1"]);
    let url = server.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let c = Client::with_agent(&url, APP, TOKEN, agent_trusting(&[&ca]));

    let created = c.create_id("tls-room", "Frankfurt");
    assert_eq!(created["status"], "starting", "{created}");
    let process = created["processId"].as_str().unwrap().to_string();
    let active = c.wait_active("tls-room");
    assert_eq!(active["exposedPort"]["name"], "default", "{active}");
    assert_eq!(c.info("tls-room")["status"], "active");
    assert_eq!(c.list(&process, "active").len(), 1);
    assert_eq!(c.list(&process, "inactive").len(), 0);
    let update = json!({"roomConfig": "over TLS"}).to_string();
    assert_eq!(
        c.post(&c.api("/update/tls-room"), Some(&update)).status,
        204
    );
    assert_eq!(c.info("tls-room")["roomConfig"], "over TLS");
    assert_eq!(c.post(&c.api("/suspend/tls-room"), None).status, 204);
    assert_eq!(c.list(&process, "inactive").len(), 1);
    let resumed = c.post(&c.api("/resume/tls-room"), None);
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    c.wait_active("tls-room");
    assert_eq!(c.post(&c.api("/destroy/tls-room"), None).status, 204);
    assert_eq!(c.info("tls-room")["status"], "destroyed");
    c.request("GET", &c.api("/connectioninfo/tls-room"), None, None)
        .assert_error(404);
    c.request("GET", &c.api("/info/tls-room"), None, None)
        .assert_error(401);

    let health = c.request("GET", "/healthz", None, None);
    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(health.json()["ok"], true);
    assert!(
        c.metric(r#"hathora_requests_total{operation="CreateRoom",status="201"}"#) >= 1.0,
        "CreateRoom counted"
    );
    let faults = c.request(
        "POST",
        "/_emulator/faults",
        Some(r#"{"status":503,"count":1}"#),
        None,
    );
    assert_eq!(faults.status, 204, "{}", faults.body);
    c.request("GET", &c.api("/info/x"), None, Some(&c.bearer()))
        .assert_error(503);
    let stats = c.request("GET", "/_emulator/stats", None, None);
    assert_eq!(stats.status, 200, "{}", stats.body);
    assert!(stats.json()["byOperation"]["CreateRoom"].as_u64() >= Some(1));
    let pings = c.request("GET", "/discovery/v2/ping", None, None);
    assert_eq!((pings.status, pings.json()), (200, json!([])));
}

#[test]
fn clients_without_the_ca_or_for_another_name_refuse_the_server() {
    let dir = TempDir::new("https-refused");
    let ca = TestCa::new("refusal CA");
    let server = https_server(&dir, &ca, &["localhost", "127.0.0.1"]);
    let healthz = format!("{}/healthz", server.url());

    let refused = send(&agent_without_the_ca(), "GET", &healthz, None, None)
        .err()
        .expect("a client that trusts only the web roots refuses the server");
    let text = format!("{refused}");
    assert!(text.contains("UnknownIssuer"), "{text}");

    let other_ca = TestCa::new("another CA");
    let refused = send(&agent_trusting(&[&other_ca]), "GET", &healthz, None, None)
        .err()
        .expect("a client that trusts another CA refuses the server");
    assert!(format!("{refused}").contains("UnknownIssuer"), "{refused}");

    // The right CA, a certificate for another name than the one connected to.
    let dir2 = TempDir::new("https-wrong-name");
    let elsewhere = https_server(&dir2, &ca, &["rooms.example"]);
    let refused = send(
        &agent_trusting(&[&ca]),
        "GET",
        &format!("{}/healthz", elsewhere.url()),
        None,
        None,
    )
    .err()
    .expect("a certificate for another name is refused");
    assert!(
        format!("{refused}").contains("certificate not valid for name \"127.0.0.1\""),
        "{refused}"
    );

    // Plain HTTP on the HTTPS port gets no HTTP answer.
    let plain = raw_get(server.port(), "/healthz");
    assert!(
        !plain.starts_with(b"HTTP/"),
        "{:?}",
        String::from_utf8_lossy(&plain)
    );
    // The server still serves a client that trusts the CA.
    let ok = send(&agent_trusting(&[&ca]), "GET", &healthz, None, None).unwrap();
    assert_eq!(ok.status, 200);

    // Each refusal is a failed handshake in /metrics: the two clients without the CA and the
    // plain-HTTP request; the client with the CA and the scraper complete theirs.
    let scraper = Client::with_agent(&server.url(), APP, TOKEN, agent_trusting(&[&ca]));
    let series = |result: &str| format!("hathora_tls_handshakes_total{{result=\"{result}\"}}");
    eventually("three failed handshakes counted", || {
        scraper.metric(&series("failed")) == 3.0
    });
    let completed = scraper.metric(&series("completed"));
    assert!(completed >= 2.0, "completed handshakes: {completed}");
    assert_eq!(
        scraper.metric(&series("timed_out")),
        0.0,
        "timed-out handshakes"
    );
}

/// Waits until a new connection through `agent` gets `/healthz` answered 200.
fn served_to(agent: &ureq::Agent, url: &str) -> bool {
    send(agent, "GET", &format!("{url}/healthz"), None, None).is_ok_and(|r| r.status == 200)
}

/// The first log line of `bin` that `wanted` accepts (request lines go by).
fn log_line(bin: &Bin, wanted: impl Fn(&str) -> bool) -> String {
    loop {
        let line = bin
            .lines
            .recv_timeout(TIMEOUT)
            .expect("the awaited log line");
        if wanted(&line) {
            return line;
        }
    }
}

#[test]
fn the_binary_serves_https_and_reloads_its_certificate_on_sighup() {
    let dir = TempDir::new("https-bin");
    let first = TestCa::new("first CA");
    let (cert, key) = pair(&dir, &first, &["127.0.0.1"]);
    let bin = Bin::spawn(&["--token", TOKEN, "--tls-cert", &cert, "--tls-key", &key]);
    assert!(bin.url.starts_with("https://127.0.0.1:"), "{}", bin.url);
    let trusts_first = agent_trusting(&[&first]);
    assert!(served_to(&trusts_first, &bin.url));

    // A renewed certificate, from another CA: new connections get it after SIGHUP.
    let second = TestCa::new("second CA");
    pair(&dir, &second, &["127.0.0.1"]);
    assert_eq!(unsafe { libc::kill(bin.pid(), libc::SIGHUP) }, 0);
    let trusts_second = agent_trusting(&[&second]);
    eventually("the renewed certificate served", || {
        served_to(&trusts_second, &bin.url)
    });
    assert!(
        !served_to(&agent_trusting(&[&first]), &bin.url),
        "the first certificate is no longer served"
    );
    log_line(&bin, |l| l == "TLS certificate and key reloaded");

    // A broken file on SIGHUP: logged, and the server keeps the certificate it has.
    std::fs::write(&cert, "not a certificate").unwrap();
    assert_eq!(unsafe { libc::kill(bin.pid(), libc::SIGHUP) }, 0);
    let line = log_line(&bin, |l| l.starts_with("error: "));
    assert_eq!(
        line,
        format!(
            "error: TLS certificate file {cert} holds no PEM certificate (-----BEGIN CERTIFICATE-----); still serving the previous certificate"
        )
    );
    assert!(served_to(&agent_trusting(&[&second]), &bin.url));
    let mut bin = bin;
    assert_eq!(bin.signal_and_wait(libc::SIGTERM).code(), Some(0));
}

#[test]
fn bad_tls_files_exit_2_naming_the_file_and_the_problem() {
    let dir = TempDir::new("https-bad");
    let ca = TestCa::new("bad-files CA");
    let good = ca.issue(&["127.0.0.1"]);
    let other = ca.issue(&["127.0.0.1"]);
    let cert = dir.write("cert.pem", &good.cert_pem);
    let key = dir.write("key.pem", &good.key_pem);
    let other_key = dir.write("other-key.pem", &other.key_pem);
    let missing = dir.path("missing.pem");
    let folder = dir.path("a-folder.pem");
    std::fs::create_dir(&folder).unwrap();
    let garbage = dir.write(
        "garbage.pem",
        "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n",
    );
    let truncated = dir.write("truncated.pem", &good.cert_pem[..good.cert_pem.len() / 2]);
    let not_der = dir.write(
        "not-der.pem",
        "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
    );
    // (case, --tls-cert, --tls-key, the file named, what the message says)
    let cases: [(&str, &str, &str, &str, &str); 9] = [
        (
            "missing certificate",
            &missing,
            &key,
            &missing,
            "No such file",
        ),
        ("missing key", &cert, &missing, &missing, "No such file"),
        (
            "unreadable certificate",
            &folder,
            &key,
            &folder,
            "Is a directory",
        ),
        (
            "key as the certificate",
            &key,
            &key,
            &key,
            "holds no PEM certificate",
        ),
        (
            "certificate as the key",
            &cert,
            &cert,
            &cert,
            "holds no PEM private key",
        ),
        (
            "mismatched pair",
            &cert,
            &other_key,
            &other_key,
            "does not match the certificate",
        ),
        ("bad base64", &garbage, &key, &garbage, "is not valid PEM"),
        (
            "truncated PEM",
            &truncated,
            &key,
            &truncated,
            "is not valid PEM",
        ),
        (
            "PEM that is no certificate",
            &not_der,
            &key,
            &not_der,
            "not a usable X.509 certificate",
        ),
    ];
    for (case, cert_arg, key_arg, named, says) in cases {
        let (code, stdout, stderr) = run_to_end(&[
            "--token",
            TOKEN,
            "--tls-cert",
            cert_arg,
            "--tls-key",
            key_arg,
        ]);
        assert_eq!(code, Some(2), "{case}: {stderr}");
        assert!(
            stdout.is_empty(),
            "{case}: nothing served, no URL: {stdout}"
        );
        assert!(
            stderr.contains(named) && stderr.contains(says),
            "{case}: wants {named:?} and {says:?} in {stderr:?}"
        );
        assert!(
            !stderr.contains("PRIVATE KEY-----\n"),
            "{case}: no key material: {stderr}"
        );
    }
    let (code, _, stderr) = run_to_end(&["--token", TOKEN, "--tls-cert", &cert]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--tls-cert and --tls-key go together"),
        "{stderr}"
    );
    let config = dir.write(
        "half.toml",
        "[server]\ntls_cert = \"cert.pem\"\n[[apps]]\napp_id = \"a\"\ntokens = [\"t\"]\n",
    );
    let (code, _, stderr) = run_to_end(&["--config", &config]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("tls_cert and tls_key go together"),
        "{stderr}"
    );
}

#[test]
fn a_config_file_names_its_tls_files_relative_to_its_folder() {
    let dir = TempDir::new("https-config");
    let ca = TestCa::new("config CA");
    pair(&dir, &ca, &["127.0.0.1"]);
    let config = dir.write(
        "rooms.toml",
        "[server]\nquiet = true\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n[[apps]]\napp_id = \"a\"\ntokens = [\"t\"]\n",
    );
    // Started from another working directory: the paths are the file's folder's.
    let bin = Bin::spawn(&["--config", &config]);
    assert!(bin.url.starts_with("https://"), "{}", bin.url);
    assert!(served_to(&agent_trusting(&[&ca]), &bin.url));
}

#[test]
fn plain_http_off_loopback_needs_an_opt_in() {
    let (code, stdout, stderr) = run_to_end(&["--host", "0.0.0.0"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("0.0.0.0 is not a loopback address")
            && stderr.contains("--allow-plain-http"),
        "{stderr}"
    );
    let bin = Bin::spawn(&["--host", "0.0.0.0", "--allow-plain-http", "--quiet"]);
    assert!(bin.url.starts_with("http://0.0.0.0:"), "{}", bin.url);
    let port = bin.url.rsplit(':').next().unwrap();
    let c = Client::new(
        &format!("http://127.0.0.1:{port}"),
        "app-emulator",
        "emulator-dev-token",
    );
    assert_eq!(c.request("GET", "/healthz", None, None).status, 200);
    drop(bin);

    // With TLS, any address.
    let dir = TempDir::new("https-any");
    let ca = TestCa::new("any-address CA");
    let (cert, key) = pair(&dir, &ca, &["127.0.0.1"]);
    let bin = Bin::spawn(&["--host", "0.0.0.0", "--tls-cert", &cert, "--tls-key", &key]);
    let port = bin.url.rsplit(':').next().unwrap();
    assert!(bin.url.starts_with("https://0.0.0.0:"), "{}", bin.url);
    assert!(served_to(
        &agent_trusting(&[&ca]),
        &format!("https://127.0.0.1:{port}")
    ));
}
