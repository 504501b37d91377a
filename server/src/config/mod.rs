//! What a server is started with: the listening address, the state file, the apps (tokens,
//! game-server command or container image, regions, limits), the fleet's global limits, the
//! Docker settings, and the simulated mode's settings. Built from the command line ([`cli`]),
//! a TOML file ([`file`]), or in code ([`EmulatorConfig`] for the simulated mode's tests). A
//! leaf: it depends only on the fleet seam's plain types.

pub mod cli;
mod docker;
mod emulator;
mod env_file;
mod file;
mod validate;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

pub use docker::{ContainerImage, DEFAULT_API_PORT, DockerSettings, PullPolicy, instance_id};
pub use emulator::{DEFAULT_APP_ID, DEFAULT_DROP_SEED, DEFAULT_TOKEN, EmulatorConfig, FaultPlan};

use crate::fleet::Transport;

/// The 14 regions of the RoomsV2 contract (wire values).
pub const REGIONS: [&str; 14] = [
    "Seattle",
    "Los_Angeles",
    "Washington_DC",
    "Chicago",
    "London",
    "Frankfurt",
    "Mumbai",
    "Singapore",
    "Tokyo",
    "Sydney",
    "Sao_Paulo",
    "Dallas",
    "Johannesburg",
    "Dubai",
];

/// Environment variables the server sets for every game server; the config cannot set them.
pub const RESERVED_ENV: [&str; 12] = [
    "HATHORA_PROCESS_ID",
    "HATHORA_APP_ID",
    "HATHORA_REGION",
    "HATHORA_ROOMS_PER_PROCESS",
    "HATHORA_INITIAL_ROOM_ID",
    "HATHORA_INITIAL_ROOM_CONFIG",
    "HATHORA_DEFAULT_PORT",
    "HATHORA_HOSTNAME",
    "HATHORA_DEPLOYMENT_ID",
    "HATHORA_BUILD_TAG",
    "HATHORA_BASE_URL",
    "HATHORA_PROCESS_TOKEN",
];

/// A whole server's configuration. [`ServerConfig::validate`] checks it; the command line and
/// the config file call it, code that builds one should too.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address the API listens on.
    pub host: IpAddr,
    /// Port the API listens on; 0 picks a free ephemeral port.
    pub port: u16,
    /// SQLite state file; `None` keeps the state in memory (nothing survives a restart).
    pub state: Option<PathBuf>,
    /// One log line per API request (lifecycle lines are logged either way).
    pub log_requests: bool,
    /// Host name clients connect to, in `exposedPort.host` and `HATHORA_HOSTNAME`; `None`:
    /// `localhost` in the simulated mode, `127.0.0.1` with real game servers (which mostly
    /// listen on IPv4 only, while `localhost` may resolve to `::1` first).
    pub public_host: Option<String>,
    /// Ports handed to game-server processes (first, last), one per port a process exposes.
    pub port_range: (u16, u16),
    /// Processes of every app together; `None`: no limit but the port range.
    pub max_processes: Option<usize>,
    /// `HATHORA_BASE_URL` given to game servers; `None`: the URL the API listens on.
    pub base_url: Option<String>,
    /// The apps served, each with its own tokens.
    pub apps: Vec<AppConfig>,
    /// Settings of the simulated fleet (used when no app has a command).
    pub simulated: SimulatedConfig,
    /// Serve HTTPS with this certificate chain and key; `None`: plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Plain HTTP on an address other than loopback, where tokens would cross the network in
    /// the clear: refused unless set (a trusted network, or a TLS proxy in front).
    pub allow_plain_http: bool,
    /// The regions `/discovery/v2/ping` lists, each with its UDP echo beacon.
    pub discovery: DiscoveryConfig,
    /// How apps with an image run their containers.
    pub docker: DockerSettings,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            state: None,
            log_requests: false,
            public_host: None,
            port_range: (7777, 8776),
            max_processes: None,
            base_url: None,
            apps: Vec::new(),
            simulated: SimulatedConfig::default(),
            tls: None,
            allow_plain_http: false,
            discovery: DiscoveryConfig::default(),
            docker: DockerSettings::default(),
        }
    }
}

/// Where rooms run: decided by the apps' commands or images (all apps have one, or none has).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No process runs; rooms become active after the activation delay (tests, trying the API).
    Simulated,
    /// Each process is a run of the app's command on this machine.
    Local,
    /// Each process is a container of the app's image, on this host's Docker Engine.
    Docker,
}

impl ServerConfig {
    pub fn mode(&self) -> Mode {
        if self.apps.iter().any(|a| a.container.is_some()) {
            Mode::Docker
        } else if self.apps.iter().any(|a| a.command.is_some()) {
            Mode::Local
        } else {
            Mode::Simulated
        }
    }

    /// The configured public host, or the mode's default.
    pub fn public_host(&self) -> &str {
        match (&self.public_host, self.mode()) {
            (Some(host), _) => host,
            (None, Mode::Simulated) => "localhost",
            (None, Mode::Local | Mode::Docker) => "127.0.0.1",
        }
    }

    /// Every rule a config must follow; the error names the app, the key and the value.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate::server(self)
    }
}

/// Where the certificate chain and its key are (PEM files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// The server's certificate first, then the intermediates of its chain.
    pub cert: PathBuf,
    /// Its private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
    pub key: PathBuf,
}

/// DiscoveryV2: the regions this server answers `GET /discovery/v2/ping` with, and the UDP
/// echo beacon of each (players measure their round trip to it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiscoveryConfig {
    /// The host in the answers; `None`: each beacon's address when it is bound to a specific
    /// one, else the public host.
    pub host: Option<String>,
    /// In the order the answer lists them.
    pub beacons: Vec<BeaconConfig>,
}

/// One region's UDP echo beacon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeaconConfig {
    /// A RoomsV2 region (wire value, e.g. `London`).
    pub region: String,
    /// Where it listens; port 0 picks a free one (the answer gives the port bound).
    pub bind: SocketAddr,
}

/// Settings only the simulated fleet uses.
#[derive(Clone, Debug)]
pub struct SimulatedConfig {
    /// Time from a room's (re)scheduling until it is `active`.
    pub activation_delay: Duration,
    /// Faults armed from the start.
    pub faults: FaultPlan,
    /// Seed of the RNG that decides rate-based connection drops.
    pub drop_seed: u64,
}

impl Default for SimulatedConfig {
    fn default() -> Self {
        SimulatedConfig {
            activation_delay: Duration::from_secs(1),
            faults: FaultPlan::default(),
            drop_seed: DEFAULT_DROP_SEED,
        }
    }
}

/// One app: a game (or one environment of it).
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The `{appId}` of the API's paths: 1 to 100 characters of `[a-zA-Z0-9_-]`.
    pub app_id: String,
    /// Bearer tokens accepted for this app (at least one; they work on no other app).
    pub tokens: Vec<Token>,
    /// The game server run for each process; `None` in the simulated mode.
    pub command: Option<GameServerCommand>,
    /// The game server as a container image, one container per process (instead of a command).
    pub container: Option<ContainerImage>,
    /// Added to each game server's environment (besides PATH, HOME, LANG and the HATHORA_ ones).
    pub env: BTreeMap<String, String>,
    /// Regions CreateRoom accepts for this app (all 14 by default).
    pub regions: Vec<String>,
    /// Rooms one process holds.
    pub rooms_per_process: usize,
    /// Transport of the default port.
    pub transport: Transport,
    /// Ports a process exposes besides the default one.
    pub additional_ports: Vec<PortSpec>,
    /// Processes of this app at most; `None`: no limit of its own.
    pub max_processes: Option<usize>,
    /// A process that does not listen within this time is stopped and its rooms destroyed.
    pub startup_timeout: Duration,
    /// A process without rooms for this long is stopped.
    pub idle_timeout: Duration,
    /// Between SIGTERM and SIGKILL when a process is stopped.
    pub stop_grace: Duration,
    /// `HATHORA_DEPLOYMENT_ID`.
    pub deployment_id: String,
    /// `HATHORA_BUILD_TAG`.
    pub build_tag: String,
    /// Where each process's stdout and stderr go (one file per process); `None`: the fleet's
    /// default.
    pub log_dir: Option<PathBuf>,
    /// Size cap of one process's log file, in bytes.
    pub log_max_bytes: u64,
}

impl AppConfig {
    /// An app with the defaults: all regions, 4 rooms per process, TCP, no limits.
    pub fn new(app_id: impl Into<String>, tokens: Vec<Token>) -> Self {
        AppConfig {
            app_id: app_id.into(),
            tokens,
            command: None,
            container: None,
            env: BTreeMap::new(),
            regions: REGIONS.iter().map(|r| r.to_string()).collect(),
            rooms_per_process: 4,
            transport: Transport::Tcp,
            additional_ports: Vec::new(),
            max_processes: None,
            startup_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(300),
            stop_grace: Duration::from_secs(10),
            deployment_id: "local".into(),
            build_tag: "local".into(),
            log_dir: None,
            log_max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The game-server executable and its arguments. Run directly, never through a shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameServerCommand {
    /// Absolute path, resolved (through `PATH` for a bare name) when the config is read.
    pub program: PathBuf,
    pub args: Vec<String>,
}

/// A port a process exposes besides its default one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    pub name: String,
    pub transport: Transport,
}

/// The longest bearer token accepted (dev tokens in the config, and any credential presented).
pub const MAX_TOKEN_LEN: usize = 1024;

/// A bearer token. Its `Debug` hides it; [`Token::matches`] compares in constant time.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself (for the banner line that prints a flag-given token, and for clients).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when `presented` is this token. The time taken depends on the length of
    /// `presented` only, never on where the two differ or on this token's content.
    pub fn matches(&self, presented: &[u8]) -> bool {
        let secret = self.0.as_bytes();
        if secret.is_empty() {
            return false;
        }
        let mut diff = u8::from(presented.len() != secret.len());
        for (i, b) in presented.iter().enumerate() {
            diff |= b ^ secret[i % secret.len()];
        }
        std::hint::black_box(diff) == 0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

/// A configuration that cannot run. The message names the file, key and value at fault, and
/// never a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Parses a transport name as the config and the flags spell it.
pub fn parse_transport(s: &str) -> Option<Transport> {
    match s {
        "tcp" => Some(Transport::Tcp),
        "udp" => Some(Transport::Udp),
        "tls" => Some(Transport::Tls),
        _ => None,
    }
}

/// The wire name of a transport.
pub fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::Tcp => "tcp",
        Transport::Udp => "udp",
        Transport::Tls => "tls",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_exactly_and_hide_in_debug() {
        let t = Token::new("s3cret");
        assert!(t.matches(b"s3cret"));
        for wrong in [
            &b""[..],
            b"s3cre",
            b"s3cret ",
            b"S3cret",
            b"s3cret\0",
            b"s3crets3cret",
        ] {
            assert!(!t.matches(wrong), "{wrong:?}");
        }
        assert!(!Token::new("").matches(b""));
        assert_eq!(format!("{t:?}"), "Token(<hidden>)");
    }
}
