//! The Docker fleet's settings: an app whose game server is a container image (`image`, its
//! `container_port`, a container port per additional port, CPU and memory limits, the pull
//! policy), and the server-wide `[docker]` section (the engine, the instance id, the address
//! container ports are published on, the API's port inside containers). Their flags and file
//! keys are read here; [`validate`] checks how they fit with the rest.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use ring::digest::{SHA256, digest};
use serde::Deserialize;

use super::{AppConfig, ConfigError, Mode, ServerConfig};

/// Where a game server reaches the API inside its container unless `[docker] api_port` says
/// otherwise: `http://127.0.0.1:9188` (its own loopback).
pub const DEFAULT_API_PORT: u16 = 9188;

/// An app's game server as a container image (Hathora's "a process is a container").
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerImage {
    /// An image reference (`repo/name:tag`, `name@sha256:...`, an image id), run with its own
    /// entrypoint, command, user and working directory.
    pub image: String,
    /// Where its game server listens inside the container (`HATHORA_DEFAULT_PORT`); required.
    pub container_port: Option<u16>,
    /// The container port of each additional port, by the port's name.
    pub additional_ports: BTreeMap<String, u16>,
    /// vCPUs per container; `None`: no limit.
    pub cpus: Option<f64>,
    /// Memory per container, in bytes (swap included); over it the game server is killed
    /// (exit cause `oom`). `None`: no limit.
    pub memory_bytes: Option<u64>,
    pub pull: PullPolicy,
}

impl ContainerImage {
    pub fn new(image: impl Into<String>, container_port: Option<u16>) -> Self {
        ContainerImage {
            image: image.into(),
            container_port,
            additional_ports: BTreeMap::new(),
            cpus: None,
            memory_bytes: None,
            pull: PullPolicy::Missing,
        }
    }
}

/// When the image is not on the Docker host at start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PullPolicy {
    /// Pull it, once, before serving.
    #[default]
    Missing,
    /// Refuse to start, saying so.
    Never,
}

/// `[docker]`: how this server uses the Docker Engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerSettings {
    /// The engine's Unix socket; `None`: `DOCKER_HOST` when it names one, else
    /// `/var/run/docker.sock`.
    pub engine: Option<String>,
    /// The label of this server's containers; `None`: derived (see [`instance_id`]).
    pub instance_id: Option<String>,
    /// The host address container ports are published on (`0.0.0.0` for every interface).
    pub publish_address: IpAddr,
    /// The API's port on each container's own loopback (unless `base_url` names another API).
    pub api_port: u16,
}

impl Default for DockerSettings {
    fn default() -> Self {
        DockerSettings {
            engine: None,
            instance_id: None,
            publish_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            api_port: DEFAULT_API_PORT,
        }
    }
}

/// The id this server labels its containers with: `[docker] instance_id` when set; else one
/// derived from the state file's absolute path (`state-` and 16 hex digits), the same at every
/// start on that file, another for another file; without a state file, from the app ids
/// (`memory-...`), so that a restarted server serving the same apps finds its containers.
/// Two servers on one engine must not share it; `connect` refuses an id whose containers
/// belong to a server that runs.
pub fn instance_id(config: &ServerConfig) -> String {
    if let Some(id) = &config.docker.instance_id {
        return id.clone();
    }
    let (prefix, seed) = match &config.state {
        Some(state) => {
            let path = std::fs::canonicalize(state)
                .or_else(|_| std::path::absolute(state))
                .unwrap_or_else(|_| state.clone());
            ("state", path.to_string_lossy().into_owned())
        }
        None => {
            let ids: Vec<&str> = config.apps.iter().map(|a| a.app_id.as_str()).collect();
            ("memory", ids.join("\n"))
        }
    };
    let hash = digest(&SHA256, seed.as_bytes());
    let hex: String = hash.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{prefix}-{hex}")
}

/// The Docker flags: `--image`, `--container-port`, `--cpus`, `--memory`, `--pull` set the app
/// the app flags set; `--publish-address` and `--instance-id` the server.
#[derive(Default)]
pub(super) struct Flags {
    image: Option<String>,
    container_port: Option<u16>,
    cpus: Option<f64>,
    memory: Option<u64>,
    pull: Option<PullPolicy>,
    publish_address: Option<IpAddr>,
    instance_id: Option<String>,
}

impl Flags {
    /// Takes `flag` (and its value) when it is one of these; false for any other flag.
    pub(super) fn take(
        &mut self,
        flag: &str,
        value: &mut dyn FnMut() -> Result<String, ConfigError>,
    ) -> Result<bool, ConfigError> {
        let bad = |e: String| ConfigError(format!("{flag}: {e}"));
        match flag {
            "--image" => self.image = Some(value()?),
            "--container-port" => {
                let v = value()?;
                self.container_port = Some(container_port(&v).map_err(bad)?);
            }
            "--cpus" => self.cpus = Some(cpus(&value()?).map_err(bad)?),
            "--memory" => self.memory = Some(parse_size(&value()?).map_err(bad)?),
            "--pull" => self.pull = Some(pull(&value()?).map_err(bad)?),
            "--publish-address" => {
                let v = value()?;
                let ip = v
                    .trim()
                    .parse()
                    .map_err(|e| bad(format!("{v:?} is not an IP address ({e})")))?;
                self.publish_address = Some(ip);
            }
            "--instance-id" => self.instance_id = Some(value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Whether a flag sets an app (which then needs `--app-id` among several).
    pub(super) fn sets_app(&self) -> bool {
        self.image.is_some()
            || self.container_port.is_some()
            || self.cpus.is_some()
            || self.memory.is_some()
            || self.pull.is_some()
    }

    /// Whether `--image` is given: the app runs containers (no default token for it).
    pub(super) fn image(&self) -> bool {
        self.image.is_some()
    }

    /// Applies the server's flags to `config`, and the app's to `app`.
    pub(super) fn apply(self, config: &mut ServerConfig, app: usize) -> Result<(), ConfigError> {
        if let Some(ip) = self.publish_address {
            config.docker.publish_address = ip;
        }
        if let Some(id) = self.instance_id {
            config.docker.instance_id = Some(id);
        }
        let app = &mut config.apps[app];
        let container = match (self.image, app.container.take()) {
            (Some(image), Some(mut from_file)) => {
                from_file.image = image;
                Some(from_file)
            }
            (Some(image), None) => Some(ContainerImage::new(image, None)),
            (None, kept) => kept,
        };
        let Some(mut container) = container else {
            let flag = [
                (self.container_port.is_some(), "--container-port"),
                (self.cpus.is_some(), "--cpus"),
                (self.memory.is_some(), "--memory"),
                (self.pull.is_some(), "--pull"),
            ]
            .into_iter()
            .find_map(|(given, flag)| given.then_some(flag));
            return match flag {
                Some(flag) => Err(ConfigError(format!(
                    "{flag} is for a game server in a container: give --image too"
                ))),
                None => Ok(()),
            };
        };
        if let Some(port) = self.container_port {
            container.container_port = Some(port);
        }
        if let Some(cpus) = self.cpus {
            container.cpus = Some(cpus);
        }
        if let Some(bytes) = self.memory {
            container.memory_bytes = Some(bytes);
        }
        if let Some(pull) = self.pull {
            container.pull = pull;
        }
        app.container = Some(container);
        Ok(())
    }
}

/// `[docker]` in the config file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Section {
    engine: Option<String>,
    instance_id: Option<String>,
    publish_address: Option<IpAddr>,
    api_port: Option<u16>,
}

impl Section {
    pub(super) fn settings(self) -> DockerSettings {
        let default = DockerSettings::default();
        DockerSettings {
            engine: self.engine,
            instance_id: self.instance_id,
            publish_address: self.publish_address.unwrap_or(default.publish_address),
            api_port: self.api_port.unwrap_or(default.api_port),
        }
    }
}

/// A size in the config file: bytes, or a string with a unit.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Size {
    Bytes(u64),
    Text(String),
}

/// An app's image keys in the config file (`image`, `container_port`, `cpus`, `memory`,
/// `pull`, and the `container_port` of each additional port, by name).
pub(super) struct FileKeys {
    pub image: Option<String>,
    pub container_port: Option<u16>,
    pub cpus: Option<f64>,
    pub memory: Option<Size>,
    pub pull: Option<String>,
    pub additional_ports: BTreeMap<String, u16>,
}

impl FileKeys {
    /// The app's container image; `None` without `image` (then no other key may be set).
    pub(super) fn image(self) -> Result<Option<ContainerImage>, String> {
        let Some(image) = self.image else {
            let key = [
                (self.container_port.is_some(), "container_port"),
                (self.cpus.is_some(), "cpus"),
                (self.memory.is_some(), "memory"),
                (self.pull.is_some(), "pull"),
                (
                    !self.additional_ports.is_empty(),
                    "container_port of an additional port",
                ),
            ]
            .into_iter()
            .find_map(|(given, key)| given.then_some(key));
            return match key {
                Some(key) => Err(format!(
                    "{key} is for a game server in a container: set image too"
                )),
                None => Ok(None),
            };
        };
        if self.container_port == Some(0) {
            return Err("container_port: 0 is not a port number (1 to 65535)".into());
        }
        let mut c = ContainerImage::new(image, self.container_port);
        c.cpus = self
            .cpus
            .map(check_cpus)
            .transpose()
            .map_err(|e| format!("cpus: {e}"))?;
        c.memory_bytes = match self.memory {
            None => None,
            Some(Size::Bytes(n)) => Some(n),
            Some(Size::Text(t)) => Some(parse_size(&t).map_err(|e| format!("memory: {e}"))?),
        };
        if let Some(p) = self.pull {
            c.pull = pull(&p).map_err(|e| format!("pull: {e}"))?;
        }
        c.additional_ports = self.additional_ports;
        Ok(Some(c))
    }
}

fn container_port(v: &str) -> Result<u16, String> {
    match v.trim().parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{v:?} is not a port number (1 to 65535)")),
    }
}

fn cpus(v: &str) -> Result<f64, String> {
    let n = v
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("{v:?} is not a number of CPUs (e.g. 1, or 0.5)"))?;
    check_cpus(n)
}

fn check_cpus(n: f64) -> Result<f64, String> {
    if n.is_finite() && n > 0.0 && n <= 1024.0 {
        Ok(n)
    } else {
        Err(format!("{n} CPUs: must be above 0 and at most 1024"))
    }
}

fn pull(v: &str) -> Result<PullPolicy, String> {
    match v {
        "missing" => Ok(PullPolicy::Missing),
        "never" => Ok(PullPolicy::Never),
        _ => Err(format!("{v:?} is not a pull policy: missing or never")),
    }
}

/// Bytes, as Docker's `--memory` reads them: a number, optionally followed by a binary unit
/// (`b`, `k`, `m`, `g`, also written `kb`/`kib`..., any case): `512m`, `2GiB`, `1048576`.
pub(super) fn parse_size(v: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "{v:?} is not a size: bytes, or a number with a unit (k, m, g: binary, as Docker's \
             --memory; e.g. 512m, 2GiB)"
        )
    };
    let text = v.trim().to_ascii_lowercase();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(bad()),
    };
    number
        .checked_mul(1 << shift)
        .filter(|&n| i64::try_from(n).is_ok())
        .ok_or_else(bad)
}

/// The rules of images among apps: an app runs a command or an image, not both; every app the
/// same kind; an image has its container port, and one per additional port.
pub(super) fn validate(c: &ServerConfig) -> Result<(), ConfigError> {
    let err = |m: String| Err(ConfigError(m));
    for app in &c.apps {
        let id = &app.app_id;
        let Some(container) = &app.container else {
            continue;
        };
        if app.command.is_some() {
            return err(format!(
                "app {id:?} has both a command and an image: its game server runs as one or the \
                 other (-- COMMAND, or --image)"
            ));
        }
        if container.container_port.is_none() {
            return err(format!(
                "app {id:?}: image {} needs its container port (container_port, \
                 --container-port): where its game server listens inside the container",
                container.image
            ));
        }
        for port in &app.additional_ports {
            if !container.additional_ports.contains_key(&port.name) {
                return err(format!(
                    "app {id:?}: additional port {:?} needs its container_port: where the game \
                     server listens on it inside the container",
                    port.name
                ));
            }
        }
    }
    let images = c.apps.iter().filter(|a| a.container.is_some()).count();
    if images != 0 && images != c.apps.len() {
        let with = c.apps.iter().find(|a| a.container.is_some());
        let without = c.apps.iter().find(|a| a.container.is_none());
        return err(format!(
            "app {:?} runs an image but app {:?} does not: every app's game server runs in a \
             container, or none does",
            with.map_or("", app_id),
            without.map_or("", app_id),
        ));
    }
    if c.mode() == Mode::Docker && c.docker.api_port == 0 {
        return err("[docker] api_port must be 1 to 65535".into());
    }
    Ok(())
}

fn app_id(a: &AppConfig) -> &str {
    &a.app_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_docker_reads_them() {
        for (text, bytes) in [
            ("1048576", 1 << 20),
            ("512m", 512 << 20),
            ("512MiB", 512 << 20),
            ("2g", 2 << 30),
            ("2 GiB", 2 << 30),
            ("64k", 64 << 10),
            ("100b", 100),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for bad in ["", "lots", "2t", "-1m", "1.5g", "m", "99999999999g"] {
            let e = parse_size(bad).unwrap_err();
            assert!(e.contains("is not a size"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_instance_id_is_stable_per_state_file_and_per_app_set() {
        let mut c = ServerConfig::default();
        c.apps.push(AppConfig::new("a", vec![]));
        let memory = instance_id(&c);
        assert!(
            memory.starts_with("memory-") && memory.len() == 23,
            "{memory}"
        );
        assert_eq!(instance_id(&c), memory, "stable");
        c.apps.push(AppConfig::new("b", vec![]));
        assert_ne!(instance_id(&c), memory, "another set of apps");
        c.state = Some("/var/lib/rooms/one.db".into());
        let one = instance_id(&c);
        assert!(one.starts_with("state-"), "{one}");
        c.state = Some("/var/lib/rooms/two.db".into());
        assert_ne!(instance_id(&c), one, "another state file");
        c.docker.instance_id = Some("eu-1".into());
        assert_eq!(instance_id(&c), "eu-1");
    }
}
