//! The fleet: where the game servers of rooms run. The rooms layer (RoomsV2 semantics and the
//! store) asks a fleet to place and release rooms, and learns from its events when a process
//! is ready or has ended. Nothing above this trait knows whether a process is simulated, a
//! child process on this machine, a container, or (later) an Agones GameServer.
//!
//! Words as Hathora used them: a *process* is one running game server (one container on
//! Hathora), holding up to `roomsPerProcess` rooms; a room's stay on a process is an
//! *allocation*.

#[cfg(target_os = "linux")]
pub mod docker;
#[cfg(unix)]
pub mod local;
pub mod simulated;

// What the fleets running game servers on this host (child processes, containers) share.
#[cfg(unix)]
mod ports;
#[cfg(unix)]
mod probe;
#[cfg(target_os = "linux")]
mod proc_net;
#[cfg(unix)]
mod process_env;
#[cfg(unix)]
mod process_log;
#[cfg(unix)]
mod settings;
#[cfg(unix)]
mod table;

#[cfg(unix)]
pub use process_env::{NewProcess, ProcessEnvHook};

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

/// The futures fleets return: boxed, so that `dyn Fleet` works.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Transport of an exposed port (the contract's `TransportType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
    Tls,
}

/// One port a process exposes, as GetConnectionInfo reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortInfo {
    /// `default` for the default port, else the declared name of an additional port.
    pub name: String,
    pub transport: Transport,
    /// Where clients connect (the configured public host name or address).
    pub host: String,
    pub port: u16,
}

/// Where a ready process is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub default: PortInfo,
    pub additional: Vec<PortInfo>,
}

/// A room to place (CreateRoom, or ResumeRoom of a suspended room).
#[derive(Clone, Debug)]
pub struct PlaceRoom {
    pub app_id: String,
    pub region: String,
    pub room_id: String,
    /// A new process gets it as `HATHORA_INITIAL_ROOM_CONFIG`.
    pub room_config: Option<String>,
}

/// When the process of a placed room serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Ready already: the room is active at once.
    Ready(Endpoints),
    /// Ready from this instant on (the simulated fleet's activation delay), with no event.
    At(Instant, Endpoints),
    /// Starting: a [`FleetEvent::Ready`] or [`FleetEvent::Exited`] for the process follows.
    Pending,
}

/// Where a room went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub process_id: String,
    /// True when this placement started the process.
    pub started: bool,
    pub readiness: Readiness,
}

/// Why a process ended. Every ended process destroys the rooms it still held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitCause {
    /// The game server exited by itself with this status code.
    Exited(i32),
    /// It was killed by this signal, not by the server.
    Signaled(i32),
    /// It did not listen within the startup timeout, so the server stopped it.
    StartupTimeout,
    /// It held no room for the idle timeout, so the reaper stopped it.
    Idle,
    /// The server stopped it while shutting down.
    Shutdown,
    /// It ended with the server's previous run (found after a restart).
    ServerRestart,
    /// Killed for exceeding its memory limit (containers).
    OutOfMemory,
}

/// What a fleet reports on the channel it was built with, in the order it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FleetEvent {
    /// The process listens: its rooms are active at these endpoints.
    Ready {
        process_id: String,
        endpoints: Endpoints,
    },
    /// The process ended.
    Exited {
        process_id: String,
        cause: ExitCause,
    },
}

/// Why a room could not be placed. Nothing was left running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FleetError {
    /// A limit is reached (processes of the app, processes in all, ports of the range).
    Capacity(String),
    /// The game server could not be started (missing command, exec failure, engine error).
    Spawn(String),
}

/// A process the store remembers from the server's previous run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownProcess {
    pub process_id: String,
    pub app_id: String,
    /// Fleet-specific handle: a pid, a container id.
    pub handle: Option<String>,
}

/// Runs the processes that hold rooms.
pub trait Fleet: Send + Sync {
    /// Puts a room on a process of its app and region with a free slot, or starts one.
    fn place(&self, room: PlaceRoom) -> BoxFuture<'_, Result<Placement, FleetError>>;

    /// The room's allocation on the process ended (destroyed or suspended): its slot is free.
    fn release(&self, process_id: &str, room_id: &str);

    /// After a restart: the processes of the previous run that still serve (none for child
    /// processes, which die with the server). The others are gone once this returns.
    fn recover(&self, previous: Vec<KnownProcess>) -> BoxFuture<'_, Vec<String>>;

    /// Stops every process (SIGTERM, a grace period, then SIGKILL) and waits for them.
    fn shutdown(&self) -> BoxFuture<'_, ()>;
}
