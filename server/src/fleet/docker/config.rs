//! What the Docker fleet runs: one [`DockerApp`] per app (an image, its ports, its limits), and
//! the settings shared by all of them. The server's config layer fills these plain structs;
//! [`DockerFleetConfig::validate`] names the first problem so that a bad config is refused
//! before anything starts.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::fleet::Transport;
use crate::fleet::process_env::ProcessEnvHook;
use crate::fleet::settings::{
    AppSettings, DEFAULT_IDLE_TIMEOUT, DEFAULT_LOG_MAX_BYTES, DEFAULT_MAX_PROCESSES,
    DEFAULT_PORT_RANGE, DEFAULT_PUBLIC_HOST, DEFAULT_STARTUP_TIMEOUT, DEFAULT_STOP_GRACE,
    app_settings_from_fields, validate_fleet,
};

/// The name containers reach the Docker host by: every container gets it in its `/etc/hosts`,
/// mapped to the host's bridge gateway address (Docker's `host-gateway`).
pub const HOST_GATEWAY_NAME: &str = "host.docker.internal";

/// The smallest memory limit the engine accepts.
pub const MIN_MEMORY_BYTES: u64 = 6 * 1024 * 1024;

/// `HATHORA_BASE_URL` as containers reach a server listening on `port` of the bridge gateway
/// address (see [`super::bridge_gateway`]): `http://host.docker.internal:PORT/`.
pub fn container_base_url(port: u16) -> String {
    format!("http://{HOST_GATEWAY_NAME}:{port}/")
}

/// Serves the server's API on a listener the fleet opened inside a container, until the sender
/// it returns is dropped (the fleet drops it once the container is gone). Plain HTTP: the
/// listener is on the container's own loopback.
pub type ServeApi = Arc<dyn Fn(std::net::TcpListener) -> oneshot::Sender<()> + Send + Sync>;

/// The API on each container's own loopback (see `loopback_api`): every container gets a
/// listener on `127.0.0.1:port` of its own network namespace, and `HATHORA_BASE_URL` names it.
#[derive(Clone)]
pub struct LoopbackApi {
    /// The port inside every container: not one its game server listens on.
    pub port: u16,
    pub serve: ServeApi,
}

/// Whether the fleet may pull an app's image when the Docker host does not have it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullPolicy {
    /// Pull it once, when the fleet starts.
    Missing,
    /// Never pull: a missing image is refused when the fleet starts, with a message saying so.
    Never,
}

/// One port the game server listens on inside its container besides its default port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    /// `HATHORA_<NAME>_PORT` (the container port) and GetConnectionInfo's port name.
    pub name: String,
    pub container_port: u16,
    pub transport: Transport,
}

/// One app's image and how its containers run.
#[derive(Clone, Debug)]
pub struct DockerApp {
    pub app_id: String,
    /// An image reference (`repo/name:tag`, `name@sha256:...`, or an image id), run with its
    /// own entrypoint, command, user and working directory.
    pub image: String,
    /// Where the game server listens inside its container (`HATHORA_DEFAULT_PORT`, as on
    /// Hathora); published on a host port from the range.
    pub container_port: u16,
    /// Transport of the default port: readiness is a TCP listener (Tcp, Tls) or a bound UDP
    /// socket, inside the container.
    pub transport: Transport,
    pub additional_ports: Vec<ContainerPort>,
    /// vCPUs the engine gives each container (`1.0` = one CPU); `None`: no limit.
    pub cpus: Option<f64>,
    /// Memory limit of each container, in bytes (swap included, so none is used): over it, the
    /// kernel kills the game server and the process ends with `ExitCause::OutOfMemory`.
    pub memory_bytes: Option<u64>,
    /// Set over the image's own variables and before the Hathora variables (which win).
    pub env: Vec<(String, String)>,
    pub rooms_per_process: u32,
    /// Containers of this app, all regions together.
    pub max_processes: usize,
    pub startup_timeout: Duration,
    pub idle_timeout: Duration,
    /// Time between the stop signal (SIGTERM, or the image's STOPSIGNAL) and SIGKILL when the
    /// server stops a container; rounded up to whole seconds, as the engine counts.
    pub stop_grace: Duration,
    pub deployment_id: String,
    pub build_tag: String,
    /// Holds `PROCESS_ID.log`: the container's stdout and stderr.
    pub log_dir: PathBuf,
    /// Size at which `PROCESS_ID.log` is rotated to `PROCESS_ID.log.1` (so at most twice this on disk).
    pub log_max_bytes: u64,
    pub pull: PullPolicy,
}

impl DockerApp {
    /// An app with the default limits and timeouts: one room per process, TCP, no additional
    /// port, no CPU or memory limit, pulled when missing.
    pub fn new(
        app_id: impl Into<String>,
        image: impl Into<String>,
        container_port: u16,
        log_dir: impl Into<PathBuf>,
    ) -> Self {
        DockerApp {
            app_id: app_id.into(),
            image: image.into(),
            container_port,
            transport: Transport::Tcp,
            additional_ports: Vec::new(),
            cpus: None,
            memory_bytes: None,
            env: Vec::new(),
            rooms_per_process: 1,
            max_processes: DEFAULT_MAX_PROCESSES,
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            stop_grace: DEFAULT_STOP_GRACE,
            deployment_id: "docker".into(),
            build_tag: "docker".into(),
            log_dir: log_dir.into(),
            log_max_bytes: DEFAULT_LOG_MAX_BYTES,
            pull: PullPolicy::Missing,
        }
    }

    /// The container ports, default first, in the order of the host ports a process takes.
    pub(super) fn container_ports(&self) -> impl Iterator<Item = (u16, Transport)> + '_ {
        std::iter::once((self.container_port, self.transport)).chain(
            self.additional_ports
                .iter()
                .map(|p| (p.container_port, p.transport)),
        )
    }

    /// `stop_grace` in the engine's whole seconds, rounded up.
    pub(super) fn stop_grace_secs(&self) -> i64 {
        let secs = self.stop_grace.as_secs() + u64::from(self.stop_grace.subsec_nanos() > 0);
        i64::try_from(secs).unwrap_or(i64::MAX)
    }

    fn validate(&self) -> Result<(), String> {
        self.validate_common()?;
        let app = &self.app_id;
        if self.image.trim().is_empty() || self.image.contains(char::is_whitespace) {
            return Err(format!(
                "app {app}: the image {:?} is empty or holds white space",
                self.image
            ));
        }
        let mut bound = HashSet::new();
        for (port, transport) in self.container_ports() {
            if port == 0 {
                return Err(format!("app {app}: a container port is 0"));
            }
            if !bound.insert((port, protocol(transport))) {
                return Err(format!(
                    "app {app}: container port {port}/{} is declared twice",
                    protocol(transport)
                ));
            }
        }
        if let Some(cpus) = self.cpus
            && !(cpus.is_finite() && cpus > 0.0 && cpus <= 1024.0)
        {
            return Err(format!(
                "app {app}: cpus must be above 0 (and at most 1024), not {cpus}"
            ));
        }
        if let Some(bytes) = self.memory_bytes
            && (bytes < MIN_MEMORY_BYTES || i64::try_from(bytes).is_err())
        {
            return Err(format!(
                "app {app}: the memory limit {bytes} bytes is below the engine's minimum of \
                 {MIN_MEMORY_BYTES} (6 MiB) or too large"
            ));
        }
        Ok(())
    }
}

app_settings_from_fields!(DockerApp);

/// The Docker fleet's settings.
#[derive(Clone)]
pub struct DockerFleetConfig {
    pub apps: Vec<DockerApp>,
    /// Host ports containers' ports are published on, default and additional ones alike.
    pub port_range: RangeInclusive<u16>,
    /// The host address ports are published on: loopback by default; `0.0.0.0` for every
    /// interface (what clients on other machines need).
    pub publish_address: IpAddr,
    /// Where clients connect (`HATHORA_HOSTNAME`, and the host of every endpoint).
    pub public_host: String,
    /// Containers of all apps together.
    pub max_processes: usize,
    /// Names this server's containers (a label): the same across restarts of one server, so
    /// that `recover` finds what its previous run left; distinct for two servers that share a
    /// Docker engine. Letters, digits, `.`, `_` and `-`.
    pub instance_id: String,
    /// This server's API as containers reach it (`HATHORA_BASE_URL`), unless `loopback_api`
    /// is set. 127.0.0.1 is a container's own loopback: a public `https://` name, or
    /// [`container_base_url`] with the server also listening on the bridge gateway address
    /// ([`super::bridge_gateway`]).
    pub base_url: String,
    /// Serve the API on each container's own loopback, and name it in `HATHORA_BASE_URL`
    /// (instead of `base_url`). Needs root (see [`super::loopback_api`]).
    pub loopback_api: Option<LoopbackApi>,
    /// The engine's Unix socket (`/var/run/docker.sock` or `unix:///...`); `None`: `DOCKER_HOST`
    /// when it names a Unix socket, else `/var/run/docker.sock`. The engine must run on this
    /// host (readiness is read from the containers' network namespaces in /proc).
    pub engine: Option<String>,
    /// Extra variables per new process, set after every other variable.
    pub process_env: Option<ProcessEnvHook>,
}

impl DockerFleetConfig {
    /// No app yet; the default range, loopback publishing, host and limits.
    pub fn new(instance_id: impl Into<String>, base_url: impl Into<String>) -> Self {
        DockerFleetConfig {
            apps: Vec::new(),
            port_range: DEFAULT_PORT_RANGE,
            publish_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            public_host: DEFAULT_PUBLIC_HOST.into(),
            max_processes: DEFAULT_MAX_PROCESSES,
            instance_id: instance_id.into(),
            base_url: base_url.into(),
            loopback_api: None,
            engine: None,
            process_env: None,
        }
    }

    /// The first problem of the config, named, or `Ok`.
    pub fn validate(&self) -> Result<(), String> {
        let id = &self.instance_id;
        if id.is_empty()
            || id.len() > 128
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(format!(
                "the instance id {id:?} must be 1 to 128 letters, digits, '.', '_' or '-'"
            ));
        }
        if let Some(api) = &self.loopback_api {
            if api.port == 0 {
                return Err("the API's port inside containers is 0".into());
            }
            let taken = self.apps.iter().find(|a| {
                a.container_ports()
                    .any(|(port, t)| port == api.port && protocol(t) == "tcp")
            });
            if let Some(app) = taken {
                return Err(format!(
                    "app {}: container port {}/tcp is where containers reach the API: pick \
                     another port for one or the other",
                    app.app_id, api.port
                ));
            }
        }
        validate_fleet(
            &self.port_range,
            &self.public_host,
            &self.base_url,
            self.max_processes,
            &self.apps,
            DockerApp::validate,
        )
    }
}

impl fmt::Debug for DockerFleetConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DockerFleetConfig")
            .field("apps", &self.apps)
            .field("port_range", &self.port_range)
            .field("publish_address", &self.publish_address)
            .field("public_host", &self.public_host)
            .field("max_processes", &self.max_processes)
            .field("instance_id", &self.instance_id)
            .field("base_url", &self.base_url)
            .field(
                "loopback_api",
                &self.loopback_api.as_ref().map(|api| api.port),
            )
            .field("engine", &self.engine)
            .field("process_env", &self.process_env.as_ref().map(|_| "hook"))
            .finish()
    }
}

/// The engine's protocol name of a transport (TLS is TCP to the engine).
pub(super) fn protocol(transport: Transport) -> &'static str {
    match transport {
        Transport::Tcp | Transport::Tls => "tcp",
        Transport::Udp => "udp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet_with(app: DockerApp) -> DockerFleetConfig {
        let mut config = DockerFleetConfig::new("test-1", container_base_url(8080));
        config.apps = vec![app];
        config
    }

    fn refusal(edit: impl FnOnce(&mut DockerApp)) -> String {
        let mut app = DockerApp::new("app", "game:1", 7777, "/tmp/logs");
        edit(&mut app);
        fleet_with(app).validate().expect_err("refused")
    }

    #[test]
    fn a_default_app_is_valid() {
        let app = DockerApp::new("app", "game:1", 7777, "/tmp/logs");
        assert_eq!(fleet_with(app).validate(), Ok(()));
        assert_eq!(
            container_base_url(8080),
            "http://host.docker.internal:8080/"
        );
    }

    #[test]
    fn each_bad_setting_is_named() {
        let port = |name: &str, number, transport| ContainerPort {
            name: name.into(),
            container_port: number,
            transport,
        };
        type Edit = Box<dyn FnOnce(&mut DockerApp)>;
        let cases: Vec<(&str, Edit)> = vec![
            ("image", Box::new(|a| a.image = " ".into())),
            ("a container port is 0", Box::new(|a| a.container_port = 0)),
            (
                "7777/tcp is declared twice",
                Box::new(move |a| a.additional_ports = vec![port("q", 7777, Transport::Tls)]),
            ),
            ("cpus", Box::new(|a| a.cpus = Some(0.0))),
            ("cpus", Box::new(|a| a.cpus = Some(f64::NAN))),
            ("memory limit", Box::new(|a| a.memory_bytes = Some(1024))),
            ("rooms per process", Box::new(|a| a.rooms_per_process = 0)),
            (
                "value of X",
                Box::new(|a| a.env = vec![("X".into(), "a\0b".into())]),
            ),
            (
                "reserved",
                Box::new(move |a| a.additional_ports = vec![port("default", 7778, Transport::Udp)]),
            ),
        ];
        for (needle, edit) in cases {
            let message = refusal(edit);
            assert!(message.contains(needle), "{needle}: got {message:?}");
        }
    }

    #[test]
    fn the_same_port_number_over_tcp_and_udp_is_two_ports() {
        let mut app = DockerApp::new("app", "game:1", 7777, "/tmp/logs");
        app.additional_ports = vec![ContainerPort {
            name: "query".into(),
            container_port: 7777,
            transport: Transport::Udp,
        }];
        assert_eq!(fleet_with(app).validate(), Ok(()));
    }

    #[test]
    fn fleet_wide_settings_are_checked() {
        let mut config = fleet_with(DockerApp::new("app", "game:1", 7777, "/tmp/logs"));
        config.instance_id = "a b".into();
        assert!(config.validate().unwrap_err().contains("instance id"));
        config.instance_id = "ok".into();
        config.port_range = 30000..=30000;
        config.apps[0].additional_ports = vec![ContainerPort {
            name: "query".into(),
            container_port: 7778,
            transport: Transport::Udp,
        }];
        assert!(config.validate().unwrap_err().contains("needs 2 ports"));
    }

    #[test]
    fn the_apis_port_inside_containers_is_not_a_tcp_container_port() {
        let api = |port| LoopbackApi {
            port,
            serve: Arc::new(|_| oneshot::channel().0),
        };
        let mut config = fleet_with(DockerApp::new("app", "game:1", 7777, "/tmp/logs"));
        config.apps[0].additional_ports = vec![ContainerPort {
            name: "query".into(),
            container_port: 9188,
            transport: Transport::Udp,
        }];
        config.loopback_api = Some(api(9188));
        assert_eq!(config.validate(), Ok(()), "9188/udp is another port");
        config.loopback_api = Some(api(7777));
        let e = config.validate().unwrap_err();
        assert!(
            e.contains("app app") && e.contains("7777/tcp is where containers reach the API"),
            "{e}"
        );
        config.loopback_api = Some(api(0));
        assert!(
            config
                .validate()
                .unwrap_err()
                .contains("port inside containers is 0")
        );
    }

    #[test]
    fn stop_grace_rounds_up_to_whole_seconds() {
        let mut app = DockerApp::new("app", "game:1", 7777, "/tmp/logs");
        for (grace, secs) in [(0, 0), (1, 1), (1000, 1), (1001, 2), (10_000, 10)] {
            app.stop_grace = Duration::from_millis(grace);
            assert_eq!(app.stop_grace_secs(), secs, "{grace} ms");
        }
    }
}
