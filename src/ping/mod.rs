//! Region pings: the round trip from this machine to each region's UDP echo beacon (send a
//! datagram, the beacon returns it byte for byte), so a matchmaker can pick the nearest region.
//!
//! [`measure`] is blocking and runs on the calling thread alone, however many endpoints there
//! are (see `engine` for how it stays exact). Name lookups come first, with their own deadline;
//! then the whole measurement takes at most `rounds × timeout`.
//!
//! A cancel ends the call at once wherever it waits: the token's wake function posts to the
//! channel the name lookups answer by, and writes to a descriptor the echo wait polls (`poll`).

mod engine;
mod poll;
mod probe;
mod resolve;
mod sockets;

pub use crate::cancel::CancelToken;
use crate::code::ResultCode;
pub use crate::model::PingEndpoint;
use crate::model::Region;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// Most endpoints one measurement may take.
pub const MAX_ENDPOINTS: usize = 1024;
/// Most rounds one measurement may ask for.
pub const MAX_ROUNDS: u32 = 100;
/// Longest per-ping timeout or lookup timeout.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingOptions {
    /// Datagrams sent to each endpoint, one after the other (1 to `MAX_ROUNDS`; default 3).
    pub rounds: u32,
    /// How long each datagram's echo is awaited (1 ms to `MAX_TIMEOUT`; default 1 s).
    pub timeout: Duration,
    /// How long the name lookups, all at once, are awaited (1 ms to `MAX_TIMEOUT`; default 2 s).
    pub lookup_timeout: Duration,
}

impl Default for PingOptions {
    fn default() -> Self {
        PingOptions {
            rounds: 3,
            timeout: Duration::from_secs(1),
            lookup_timeout: Duration::from_secs(2),
        }
    }
}

impl PingOptions {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_ROUNDS).contains(&self.rounds) {
            return Err(format!(
                "rounds must be 1 to {MAX_ROUNDS}, got {}",
                self.rounds
            ));
        }
        let ms = Duration::from_millis(1)..=MAX_TIMEOUT;
        for (name, d) in [
            ("timeout", self.timeout),
            ("lookup_timeout", self.lookup_timeout),
        ] {
            if !ms.contains(&d) {
                return Err(format!(
                    "{name} must be 1 ms to {} s, got {d:?}",
                    MAX_TIMEOUT.as_secs()
                ));
            }
        }
        Ok(())
    }
}

/// One endpoint's measurement, in the order of the endpoints given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionPing {
    pub region: Region,
    pub host: String,
    pub port: u16,
    /// The address pinged; None when the host has none that can be used.
    pub address: Option<SocketAddr>,
    /// The shortest round trip of the answered rounds; None when none was answered.
    pub min_rtt: Option<Duration>,
    /// Datagrams sent (`rounds` unless some could not be).
    pub sent: u32,
    /// Rounds whose echo came back in time, each counted once.
    pub answered: u32,
    /// Why fewer datagrams than rounds went out: the name does not resolve, its lookup did not
    /// finish in time, no socket for its address family, a send failed. None for a region that
    /// was pinged and stayed silent (then `sent` is `rounds` and `answered` 0).
    pub failure: Option<String>,
}

/// Why a measurement produced no result. A problem with one endpoint is not one of these: it
/// is reported in that endpoint's `failure`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PingError {
    /// An option is out of range, or there are more than `MAX_ENDPOINTS` endpoints; the
    /// message says which and why.
    InvalidArgument(String),
    /// The token was cancelled, with this reason (`Cancelled` or `ShutDown`).
    Cancelled(ResultCode),
    /// The system refused to wait for the sockets.
    Io(String),
}

impl PingError {
    /// The result code a C caller sees.
    pub fn code(&self) -> ResultCode {
        match self {
            Self::InvalidArgument(_) => ResultCode::InvalidArgument,
            Self::Cancelled(reason) => *reason,
            Self::Io(_) => ResultCode::TransportError,
        }
    }
}

impl fmt::Display for PingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidArgument(m) | Self::Io(m) => f.write_str(m),
            Self::Cancelled(reason) => write!(f, "the region pings ended: {reason}"),
        }
    }
}

impl std::error::Error for PingError {}

/// Measures the round trip to every endpoint; blocks until done, at most `lookup_timeout +
/// rounds × timeout` (plus a few milliseconds of work), or until `cancel` is cancelled.
pub fn measure(
    endpoints: &[PingEndpoint],
    options: &PingOptions,
    cancel: &CancelToken,
) -> Result<Vec<RegionPing>, PingError> {
    options.validate().map_err(PingError::InvalidArgument)?;
    if endpoints.len() > MAX_ENDPOINTS {
        return Err(PingError::InvalidArgument(format!(
            "at most {MAX_ENDPOINTS} endpoints, got {}",
            endpoints.len()
        )));
    }
    if let Some(reason) = cancel.reason() {
        return Err(PingError::Cancelled(reason));
    }
    let lookups = resolve::resolve_all(
        endpoints.iter().map(|e| (e.host.as_str(), e.port)),
        options.lookup_timeout,
        cancel,
    )?;
    let mut sockets = sockets::Sockets::default();
    let mut targets: Vec<Result<probe::Probe, String>> = lookups
        .into_iter()
        .map(|found| {
            let addr = sockets.choose(&found?)?;
            Ok(probe::Probe::new(addr, options.rounds))
        })
        .collect();
    let mut live: Vec<&mut probe::Probe> =
        targets.iter_mut().filter_map(|t| t.as_mut().ok()).collect();
    engine::run(&mut live, &sockets, options.timeout, cancel)?;
    Ok(endpoints
        .iter()
        .zip(targets)
        .map(|(e, t)| {
            let mut ping = RegionPing {
                region: e.region.clone(),
                host: e.host.clone(),
                port: e.port,
                address: None,
                min_rtt: None,
                sent: 0,
                answered: 0,
                failure: None,
            };
            match t {
                Ok(p) => {
                    ping.address = Some(p.addr);
                    ping.min_rtt = p.min_rtt;
                    ping.sent = p.sent;
                    ping.answered = p.answered;
                    ping.failure = p.failure;
                }
                Err(why) => ping.failure = Some(why),
            }
            ping
        })
        .collect())
}
