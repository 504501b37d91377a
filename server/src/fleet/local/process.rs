//! One process of the table, from its reservation until it is reaped: its rooms, ports and
//! phase, and the channels its supervisor and waiting placements listen on.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::AbortHandle;

use super::LocalApp;
use super::child::Child;
use crate::fleet::{Endpoints, ExitCause, PlaceRoom, PortInfo};

/// One process, from its reservation until it is reaped.
pub(super) struct Proc {
    pub(super) app: Arc<LocalApp>,
    pub(super) region: String,
    /// Start order: placement prefers the oldest.
    pub(super) seq: u64,
    pub(super) rooms: HashSet<String>,
    /// The default port first, then the additional ports in the app's order.
    pub(super) ports: Vec<u16>,
    pub(super) phase: Phase,
    pub(super) child: Option<Child>,
    pub(super) spawned: watch::Sender<SpawnState>,
    /// Why the server stops it; set once.
    pub(super) stop: watch::Sender<Option<ExitCause>>,
    pub(super) idle: IdleTimer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// Reserved; the spawner thread is starting it.
    Spawning,
    /// Running, not listening yet.
    Starting,
    Ready,
    /// The server is stopping it.
    Stopping,
    /// It exited; being reaped.
    Ended,
}

#[derive(Clone, Debug)]
pub(super) enum SpawnState {
    Pending,
    Started,
    Failed(String),
}

#[derive(Default)]
pub(super) struct IdleTimer {
    /// Bumped on every arm and cancel, so that a timer that already fired does nothing.
    pub(super) epoch: u64,
    pub(super) task: Option<AbortHandle>,
}

impl IdleTimer {
    pub(super) fn cancel(&mut self) {
        self.epoch += 1;
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Proc {
    /// A new process holding `room`, about to be spawned; and the channel of its spawn outcome.
    pub(super) fn reserve(
        app: Arc<LocalApp>,
        room: &PlaceRoom,
        ports: Vec<u16>,
        seq: u64,
    ) -> (Proc, watch::Receiver<SpawnState>) {
        let spawned = watch::Sender::new(SpawnState::Pending);
        let receiver = spawned.subscribe();
        let process = Proc {
            app,
            region: room.region.clone(),
            seq,
            rooms: HashSet::from([room.room_id.clone()]),
            ports,
            phase: Phase::Spawning,
            child: None,
            spawned,
            stop: watch::Sender::new(None),
            idle: IdleTimer::default(),
        };
        (process, receiver)
    }

    pub(super) fn takes_rooms(&self) -> bool {
        matches!(self.phase, Phase::Spawning | Phase::Starting | Phase::Ready)
    }

    pub(super) fn endpoints(&self, host: &str) -> Endpoints {
        let port = |name: &str, transport, port| PortInfo {
            name: name.to_owned(),
            transport,
            host: host.to_owned(),
            port,
        };
        Endpoints {
            default: port("default", self.app.transport, self.ports[0]),
            additional: self
                .app
                .additional_ports
                .iter()
                .zip(&self.ports[1..])
                .map(|(p, &number)| port(&p.name, p.transport, number))
                .collect(),
        }
    }

    /// Asks its supervisor to stop it; the first cause is kept. An ended process keeps its own.
    pub(super) fn request_stop(&mut self, cause: ExitCause) {
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
pub(super) fn new_process_id() -> String {
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
