//! What the Docker cases see of containers, through the `docker` command (the server itself
//! never runs it: it speaks to the engine's API): the containers of a server or a process, by
//! the labels the server puts on them, their environment, limits and main process, and signals
//! sent to them. Also the images `run.sh` built, and a Docker case's server arguments.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{APP, PATIENCE, Server, TOKEN, Workdir, port_range};

pub const LABEL_INSTANCE: &str = "dev.hathora-rooms.instance";
pub const LABEL_PROCESS: &str = "dev.hathora-rooms.process-id";
/// Where the example game server listens inside its container.
pub const CONTAINER_PORT: &str = "7777";

fn built(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run this suite with bash tests/docker/run.sh")
    })
}

/// The example game server alone in a `FROM scratch` image.
pub fn example_image() -> String {
    built("HATHORA_EXAMPLE_IMAGE")
}

/// The example game server behind `held` (tests/docker/held.c): it starts on SIGUSR1.
pub fn held_image() -> String {
    built("HATHORA_HELD_IMAGE")
}

/// The Docker fleet tests' game server (server/tests/docker_fleet/game_server.c).
pub fn test_image() -> String {
    built("HATHORA_TEST_IMAGE")
}

/// Runs `docker ARGS...`; its stdout, trimmed. Panics naming the case when it fails.
pub fn docker(case: &str, args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{case}: docker {args:?}: {e}"));
    assert!(
        out.status.success(),
        "{case}: docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// One container as `docker ps` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    /// created, running, exited...
    pub state: String,
}

/// Every container (running or not) with this label value.
pub fn labelled(case: &str, label: &str, value: &str) -> Vec<Container> {
    let filter = format!("label={label}={value}");
    docker(
        case,
        &[
            "ps",
            "-a",
            "--filter",
            &filter,
            "--format",
            "{{.ID}} {{.State}}",
        ],
    )
    .lines()
    .filter_map(|l| l.split_once(' '))
    .map(|(id, state)| Container {
        id: id.to_owned(),
        state: state.to_owned(),
    })
    .collect()
}

/// Polls `check` every 100 ms (each poll runs `docker`) until it holds; panics naming the case
/// and `what` after [`PATIENCE`].
#[track_caller]
pub fn until(case: &str, what: &str, mut check: impl FnMut() -> bool) {
    let end = Instant::now() + PATIENCE;
    while !check() {
        assert!(
            Instant::now() < end,
            "{case}: {what}: not so after {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The running container of a RoomsV2 process (waits for it to run).
pub fn container_of(case: &str, process: &str) -> String {
    let mut id = None;
    until(
        case,
        &format!("a running container of process {process}"),
        || {
            id = labelled(case, LABEL_PROCESS, process)
                .into_iter()
                .find(|c| c.state == "running")
                .map(|c| c.id);
            id.is_some()
        },
    );
    id.unwrap()
}

/// Waits until no container of this process is left (stopped and removed).
pub fn wait_removed(case: &str, process: &str, why: &str) {
    until(case, why, || {
        labelled(case, LABEL_PROCESS, process).is_empty()
    });
}

/// `docker inspect --format TEMPLATE`.
pub fn inspect(case: &str, container: &str, template: &str) -> String {
    docker(case, &["inspect", "--format", template, container])
}

/// The environment the container was created with.
pub fn env_of(case: &str, container: &str) -> HashMap<String, String> {
    let json = inspect(case, container, "{{json .Config.Env}}");
    let vars: Vec<String> = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{case}: the environment {json:?}: {e}"));
    vars.into_iter()
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// The container's main process, in this host's pid namespace.
pub fn main_pid(case: &str, container: &str) -> i32 {
    inspect(case, container, "{{.State.Pid}}")
        .parse()
        .unwrap_or_else(|e| panic!("{case}: the pid of {container}: {e}"))
}

/// `docker kill --signal SIGNAL`.
pub fn signal(case: &str, container: &str, signal: &str) {
    docker(case, &["kill", "--signal", signal, container]);
}

/// The arguments of a Docker case's server: the app, its token, a state file of its own (so an
/// instance id of its own), a log folder, ports of its own (`slot`), `image` on the example's
/// container port, never pulled; then `extra`.
pub fn args(dir: &Workdir, slot: u16, image: &str, extra: &[&str]) -> Vec<String> {
    let (state, logs, ports) = (
        dir.path("rooms.db"),
        dir.path("game-logs"),
        port_range(slot, 8),
    );
    let base = [
        "--port",
        "0",
        "--app-id",
        APP,
        "--token",
        TOKEN,
        "--state",
        &state,
        "--log-dir",
        &logs,
        "--port-range",
        &ports,
        "--image",
        image,
        "--container-port",
        CONTAINER_PORT,
        "--pull",
        "never",
    ];
    base.iter().chain(extra).map(|a| a.to_string()).collect()
}

/// The instance id the server labels its containers with (from its log).
pub fn instance_of(server: &Server) -> String {
    let line = server.wait_for_log("containers: instance id ");
    line.split("instance id ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("{}: no instance id in {line:?}", server.case))
        .to_owned()
}

/// Waits until no container of this server instance is left; panics naming them.
pub fn assert_none_left(case: &str, instance: &str) {
    let end = Instant::now() + PATIENCE;
    loop {
        let left = labelled(case, LABEL_INSTANCE, instance);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < end,
            "{case}: containers of instance {instance} left: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
