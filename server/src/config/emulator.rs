//! The simulated mode's configuration as the library's tests start it ([`crate::Emulator`]):
//! one app, one token, the activation delay, and the faults armed from the start.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use super::{AppConfig, ServerConfig, SimulatedConfig, Token};

/// Default application id served by the emulator.
pub const DEFAULT_APP_ID: &str = "app-emulator";
/// Default developer token accepted by the emulator.
pub const DEFAULT_TOKEN: &str = "emulator-dev-token";
/// Default seed of the connection-drop RNG (the drop rate is deterministic for a given seed).
pub const DEFAULT_DROP_SEED: u64 = 0x5EED_2026;

/// How an [`crate::Emulator`] is started.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// The one application id the emulator knows; any other app id answers 404.
    pub app_id: String,
    /// The developer token expected as `Authorization: Bearer <token>`.
    pub token: String,
    /// Address to listen on (127.0.0.1 by default).
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free ephemeral port.
    pub port: u16,
    /// Time from (re)scheduling an allocation until the room is `active`.
    pub activation_delay: Duration,
    /// How many live rooms one process holds before a new process is started.
    pub rooms_per_process: usize,
    /// Log one line per request to stdout (buffered, off the request path).
    pub log_requests: bool,
    /// Faults armed from the start.
    pub faults: FaultPlan,
    /// Seed of the RNG that decides rate-based connection drops.
    pub drop_seed: u64,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            app_id: DEFAULT_APP_ID.to_string(),
            token: DEFAULT_TOKEN.to_string(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            activation_delay: Duration::from_secs(1),
            rooms_per_process: 4,
            log_requests: false,
            faults: FaultPlan::default(),
            drop_seed: DEFAULT_DROP_SEED,
        }
    }
}

impl EmulatorConfig {
    /// The server configuration this stands for: one simulated app.
    pub fn to_server_config(&self) -> ServerConfig {
        let mut app = AppConfig::new(&self.app_id, vec![Token::new(&self.token)]);
        app.rooms_per_process = self.rooms_per_process.max(1);
        ServerConfig {
            host: self.host,
            port: self.port,
            log_requests: self.log_requests,
            apps: vec![app],
            simulated: SimulatedConfig {
                activation_delay: self.activation_delay,
                faults: self.faults.clone(),
                drop_seed: self.drop_seed,
            },
            ..ServerConfig::default()
        }
    }
}

/// A set of faults to arm, either at start ([`EmulatorConfig::faults`]) or later through
/// [`crate::FaultController`]. All-zero (the default) means no fault.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    /// Status answered by the next `fail_count` API requests (e.g. 429, 503, 500).
    pub fail_status: u16,
    /// How many requests answer `fail_status`.
    pub fail_count: u32,
    /// `Retry-After` header value (seconds) sent with `fail_status`, if any.
    pub retry_after: Option<String>,
    /// The next N API requests get their connection closed without any response.
    pub drop_next: u32,
    /// The next N API requests are executed, then their connection is closed without a response.
    pub drop_after_commit: u32,
    /// The next N API requests answer their normal status with a non-JSON body.
    pub garbage_next: u32,
    /// Added latency on every API request.
    pub latency: Duration,
    /// Probability (0..=1) that an API request's connection is dropped without a response.
    pub drop_rate: f64,
}
