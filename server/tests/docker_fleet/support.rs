//! Helpers of the Docker fleet's tests: the test image (built once, cached by content), a fleet
//! over it (with the harness shared with the local fleet's tests), and the engine's view of a
//! test's containers.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::RangeInclusive;
use std::sync::OnceLock;
use std::time::Duration;

use bollard::Docker;
use bollard::models::ContainerSummary;
use bollard::query_parameters::{BuildImageOptions, ListContainersOptions};
use futures_util::StreamExt;
use hathora_rooms_server::fleet::docker::{
    DockerApp, DockerFleet, DockerFleetConfig, LABEL_INSTANCE, LABEL_PROCESS, PullPolicy,
};
use tokio::sync::mpsc::unbounded_channel;

pub use crate::fleet_harness::{TestDir, capture_logs, log_of, logged};

/// Every wait for something that must happen is bounded by this (generous: containers start
/// slowly on a loaded machine).
pub const WAIT: Duration = Duration::from_secs(90);
pub const PUBLIC_HOST: &str = "rooms.example.test";
/// Where containers would find the API (nothing listens there but in the API test).
pub const BASE_URL: &str = "http://host.docker.internal:9/";
/// The test game server's default port inside its container.
pub const CONTAINER_PORT: u16 = 7777;
/// Repository of the cached test image; its tag is a hash of what it is built from.
pub const IMAGE_REPOSITORY: &str = "hathora-rooms-test-game";

const GAME_SERVER_C: &str = include_str!("game_server.c");
const DOCKERFILE: &str = "FROM scratch\nCOPY game /game\nENTRYPOINT [\"/game\"]\n";

/// The test image, built on first use unless the engine has it already.
pub fn image() -> String {
    static IMAGE: OnceLock<String> = OnceLock::new();
    IMAGE
        .get_or_init(|| {
            // Its own thread and runtime: callers are inside a test's runtime.
            std::thread::spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(build_image())
            })
            .join()
            .expect("the test image builds")
        })
        .clone()
}

async fn build_image() -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    (GAME_SERVER_C, DOCKERFILE).hash(&mut hasher);
    let tag = format!("{IMAGE_REPOSITORY}:{:016x}", hasher.finish());
    let docker = docker().await;
    if docker.inspect_image(&tag).await.is_ok() {
        return tag;
    }
    let dir = std::env::temp_dir().join(format!("docker-fleet-image-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("game_server.c"), GAME_SERVER_C).unwrap();
    std::fs::write(dir.join("Dockerfile"), DOCKERFILE).unwrap();
    run(
        std::process::Command::new("gcc")
            .args(["-static", "-O2", "-Wall", "-o", "game", "game_server.c"])
            .current_dir(&dir),
        "gcc -static (libc6-dev holds the static glibc)",
    );
    let context = std::process::Command::new("tar")
        .args(["-cf", "-", "Dockerfile", "game"])
        .current_dir(&dir)
        .output()
        .expect("tar runs");
    assert!(context.status.success(), "tar failed");
    let options = BuildImageOptions {
        t: Some(tag.clone()),
        rm: true,
        forcerm: true,
        ..Default::default()
    };
    let body = bollard::body_full(context.stdout.into());
    let mut build = docker.build_image(options, None, Some(body));
    while let Some(step) = build.next().await {
        let step = step.unwrap_or_else(|e| panic!("building {tag}: {e}"));
        if let Some(error) = step.error_detail.and_then(|d| d.message) {
            panic!("building {tag}: {error}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    tag
}

fn run(command: &mut std::process::Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A client of the engine, for the tests' own look-ups.
pub async fn docker() -> Docker {
    Docker::connect_with_unix_defaults()
        .expect("the Docker socket exists")
        .negotiate_version()
        .await
        .expect("the Docker Engine answers")
}

/// An app running the test game server with this environment; never pulled.
pub fn app(app_id: &str, dir: &TestDir, env: &[(&str, &str)]) -> DockerApp {
    let mut app = DockerApp::new(app_id, image(), CONTAINER_PORT, dir.logs());
    app.env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    app.pull = PullPolicy::Never;
    app.startup_timeout = WAIT;
    app.stop_grace = Duration::from_secs(2);
    app
}

/// The instance id of a test's fleet: its own, so that its containers are told apart.
pub fn instance(case: &str) -> String {
    format!("test-{}-{case}", std::process::id())
}

pub fn config(case: &str, ports: RangeInclusive<u16>, apps: Vec<DockerApp>) -> DockerFleetConfig {
    let mut config = DockerFleetConfig::new(instance(case), BASE_URL);
    config.port_range = ports;
    config.public_host = PUBLIC_HOST.into();
    config.apps = apps;
    config
}

pub type Harness = crate::fleet_harness::Harness<DockerFleet>;

impl Harness {
    pub async fn new(case: &'static str, config: DockerFleetConfig) -> Harness {
        capture_logs();
        let (tx, events) = unbounded_channel();
        let fleet = tokio::time::timeout(WAIT, DockerFleet::connect(config, tx))
            .await
            .unwrap_or_else(|_| panic!("{case}: connect did not return"))
            .unwrap_or_else(|e| panic!("{case}: refused: {e}"));
        Harness::with_fleet(fleet, events, case, WAIT)
    }

    /// The containers (running or not) of this test's fleet.
    pub async fn containers(&self) -> Vec<ContainerSummary> {
        containers_of(&docker().await, self.fleet.instance_id()).await
    }

    /// Asserts that none of this test's containers is left.
    pub async fn assert_none_left(&self) {
        let left = self.containers().await;
        assert!(
            left.is_empty(),
            "{}: containers left: {:?}",
            self.case,
            left.iter().map(|c| &c.names).collect::<Vec<_>>()
        );
    }

    /// The container of a process, by its label.
    pub async fn container_of(&self, process_id: &str) -> ContainerSummary {
        self.containers()
            .await
            .into_iter()
            .find(|c| {
                c.labels
                    .as_ref()
                    .and_then(|l| l.get(LABEL_PROCESS))
                    .is_some_and(|p| p == process_id)
            })
            .unwrap_or_else(|| panic!("{}: no container of process {process_id}", self.case))
    }
}

/// The containers (running or not) labelled with this instance.
pub async fn containers_of(docker: &Docker, instance: &str) -> Vec<ContainerSummary> {
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([(
            "label".to_owned(),
            vec![format!("{LABEL_INSTANCE}={instance}")],
        )])),
        ..Default::default()
    };
    docker.list_containers(Some(options)).await.unwrap()
}

/// Asks the game server over TCP; its one answer.
pub fn ask_tcp(port: u16, message: &str, case: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("{case}: connect to {port}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(message.as_bytes()).unwrap();
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .unwrap_or_else(|e| panic!("{case}: no answer on {port}: {e}"));
    answer
}

/// Asks the game server over UDP; its answer (a few tries: a datagram may be lost).
pub fn ask_udp(port: u16, message: &str, case: &str) -> String {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = vec![0; 65536];
    for _ in 0..10 {
        socket
            .send_to(message.as_bytes(), ("127.0.0.1", port))
            .unwrap();
        if let Ok((n, _)) = socket.recv_from(&mut buf) {
            return String::from_utf8_lossy(&buf[..n]).into_owned();
        }
    }
    panic!("{case}: no UDP answer on port {port}");
}

/// `NAME=value` lines (the game server's answer to `env`) as a map.
pub fn parse_env(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}
