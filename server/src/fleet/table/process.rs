//! One process of the table, from its reservation until it has ended: its rooms, ports and
//! phase, the fleet's handle on it, and the channels its supervisor and waiting placements
//! listen on.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::fleet::settings::AppSettings;
use crate::fleet::{Endpoints, ExitCause, PlaceRoom, PortInfo};

/// One process, from its reservation until it has ended. `H` is the fleet's handle on what
/// runs it (a child process, a container).
pub(crate) struct Proc<A, H> {
    pub(crate) app: Arc<A>,
    pub(crate) region: String,
    /// Start order: placement prefers the oldest.
    pub(crate) seq: u64,
    pub(crate) rooms: HashSet<String>,
    /// The default port first, then the additional ports in the app's order.
    pub(crate) ports: Vec<u16>,
    pub(crate) phase: Phase,
    /// Set once it has been started.
    pub(crate) handle: Option<H>,
    pub(crate) spawned: watch::Sender<SpawnState>,
    /// Why the server stops it; set once.
    pub(crate) stop: watch::Sender<Option<ExitCause>>,
    pub(crate) idle: IdleTimer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Reserved; the fleet is starting it.
    Spawning,
    /// Running, not listening yet.
    Starting,
    Ready,
    /// The server is stopping it.
    Stopping,
    /// It has ended; being cleaned up.
    Ended,
}

#[derive(Clone, Debug)]
pub(crate) enum SpawnState {
    Pending,
    Started,
    Failed(String),
}

#[derive(Default)]
pub(crate) struct IdleTimer {
    /// Bumped on every arm and cancel, so that a timer that already fired does nothing.
    pub(crate) epoch: u64,
    pub(crate) task: Option<AbortHandle>,
}

impl IdleTimer {
    pub(crate) fn cancel(&mut self) {
        self.epoch += 1;
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl<A: AppSettings, H> Proc<A, H> {
    /// A new process holding `room`, about to be started; and the channel of its start outcome.
    pub(crate) fn reserve(
        app: Arc<A>,
        room: &PlaceRoom,
        ports: Vec<u16>,
        seq: u64,
    ) -> (Self, watch::Receiver<SpawnState>) {
        let spawned = watch::Sender::new(SpawnState::Pending);
        let receiver = spawned.subscribe();
        let process = Proc {
            app,
            region: room.region.clone(),
            seq,
            rooms: HashSet::from([room.room_id.clone()]),
            ports,
            phase: Phase::Spawning,
            handle: None,
            spawned,
            stop: watch::Sender::new(None),
            idle: IdleTimer::default(),
        };
        (process, receiver)
    }

    pub(crate) fn takes_rooms(&self) -> bool {
        matches!(self.phase, Phase::Spawning | Phase::Starting | Phase::Ready)
    }

    pub(crate) fn endpoints(&self, host: &str) -> Endpoints {
        let port = |name: &str, transport, port| PortInfo {
            name: name.to_owned(),
            transport,
            host: host.to_owned(),
            port,
        };
        Endpoints {
            default: port("default", self.app.transport(), self.ports[0]),
            additional: self
                .app
                .additional_ports()
                .zip(&self.ports[1..])
                .map(|((name, transport), &number)| port(name, transport, number))
                .collect(),
        }
    }

    /// Asks its supervisor to stop it; the first cause is kept. An ended process keeps its own.
    pub(crate) fn request_stop(&mut self, cause: ExitCause) {
        if self.phase == Phase::Ended {
            return;
        }
        self.idle.cancel();
        if self.stop.borrow().is_none() {
            self.stop.send_replace(Some(cause));
        }
        if self.takes_rooms() {
            self.phase = Phase::Stopping;
        }
    }
}

/// A random (version 4) UUID, as Hathora's process ids are.
pub(crate) fn new_process_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the system's random source works");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
