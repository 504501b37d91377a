//! The simulated fleet: processes that exist only as records. A room placed here is ready at
//! `activation_delay` after its placement (per allocation, decided lazily by the rooms layer
//! from [`Readiness::At`]: no timer runs). Process `n` (in start order) gets port `7777 + n`
//! on the public host (one more port per additional port); nothing listens there.
//!
//! Processes never end by themselves. [`Fleet::recover`] reports none of a previous run alive:
//! a simulated process lives only as long as the server that simulates it, so after a restart
//! its rooms are destroyed as a crash would destroy them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::mpsc::UnboundedSender;

use super::{
    BoxFuture, Endpoints, ExitCause, Fleet, FleetError, FleetEvent, KnownProcess, PlaceRoom,
    Placement, PortInfo, Readiness, Transport,
};
use crate::ids::SplitMix64;

/// First port handed out; each new process takes the next ones.
const BASE_PORT: u16 = 7777;

/// What the simulated fleet needs to know.
#[derive(Clone, Debug)]
pub struct SimulatedSettings {
    pub activation_delay: Duration,
    pub public_host: String,
    /// Processes of every app together, at most.
    pub max_processes: Option<usize>,
    pub apps: Vec<SimulatedApp>,
}

#[derive(Clone, Debug)]
pub struct SimulatedApp {
    pub app_id: String,
    pub rooms_per_process: usize,
    pub max_processes: Option<usize>,
    pub transport: Transport,
    /// (name, transport) of each additional port.
    pub additional_ports: Vec<(String, Transport)>,
}

struct Process {
    app_id: String,
    region: String,
    endpoints: Endpoints,
    /// Rooms placed here and not released.
    held: usize,
}

#[derive(Default)]
struct State {
    /// Process ids in start order: placement prefers the oldest process with a free slot.
    order: Vec<String>,
    processes: HashMap<String, Process>,
    /// Ports handed out so far (never reused: nothing listens on them).
    ports_used: u32,
}

pub struct SimulatedFleet {
    settings: SimulatedSettings,
    events: UnboundedSender<FleetEvent>,
    state: Mutex<State>,
    ids: Mutex<SplitMix64>,
}

impl SimulatedFleet {
    pub fn new(settings: SimulatedSettings, events: UnboundedSender<FleetEvent>) -> Self {
        SimulatedFleet {
            settings,
            events,
            state: Mutex::new(State::default()),
            ids: Mutex::new(SplitMix64::from_time()),
        }
    }

    /// Forgets every process, without events (the emulator's reset).
    pub fn reset(&self) {
        *self.state.lock() = State::default();
    }

    fn place_now(&self, room: &PlaceRoom) -> Result<Placement, FleetError> {
        let app = self
            .settings
            .apps
            .iter()
            .find(|a| a.app_id == room.app_id)
            .ok_or_else(|| FleetError::Spawn(format!("app {} is not configured", room.app_id)))?;
        let mut st = self.state.lock();
        let free = st.order.iter().find(|id| {
            let p = &st.processes[*id];
            p.app_id == room.app_id && p.region == room.region && p.held < app.rooms_per_process
        });
        let (process_id, started) = match free {
            Some(id) => (id.clone(), false),
            None => (self.start(&mut st, app, &room.region)?, true),
        };
        let p = st
            .processes
            .get_mut(&process_id)
            .expect("process just found or started");
        p.held += 1;
        let endpoints = p.endpoints.clone();
        let readiness = if self.settings.activation_delay.is_zero() {
            Readiness::Ready(endpoints)
        } else {
            Readiness::At(Instant::now() + self.settings.activation_delay, endpoints)
        };
        Ok(Placement {
            process_id,
            started,
            readiness,
        })
    }

    fn start(
        &self,
        st: &mut State,
        app: &SimulatedApp,
        region: &str,
    ) -> Result<String, FleetError> {
        if let Some(max) = app.max_processes {
            let mine = st
                .processes
                .values()
                .filter(|p| p.app_id == app.app_id)
                .count();
            if mine >= max {
                return Err(FleetError::Capacity(format!(
                    "app {} runs its maximum of {max} processes (max_processes), each holding {} rooms",
                    app.app_id, app.rooms_per_process
                )));
            }
        }
        if let Some(max) = self.settings.max_processes
            && st.processes.len() >= max
        {
            return Err(FleetError::Capacity(format!(
                "the server runs its maximum of {max} processes in all apps (max_processes)"
            )));
        }
        let mut next_port = || {
            let port = u16::try_from(u32::from(BASE_PORT) + st.ports_used).unwrap_or(u16::MAX);
            st.ports_used += 1;
            port
        };
        let port_info = |name: &str, transport, port| PortInfo {
            name: name.to_string(),
            transport,
            host: self.settings.public_host.clone(),
            port,
        };
        let default = port_info("default", app.transport, next_port());
        let additional = app
            .additional_ports
            .iter()
            .map(|(name, t)| port_info(name, *t, next_port()))
            .collect();
        let id = self.ids.lock().uuid();
        st.order.push(id.clone());
        st.processes.insert(
            id.clone(),
            Process {
                app_id: app.app_id.clone(),
                region: region.to_string(),
                endpoints: Endpoints {
                    default,
                    additional,
                },
                held: 0,
            },
        );
        Ok(id)
    }
}

impl Fleet for SimulatedFleet {
    fn place(&self, room: PlaceRoom) -> BoxFuture<'_, Result<Placement, FleetError>> {
        let placed = self.place_now(&room);
        Box::pin(async move { placed })
    }

    fn release(&self, process_id: &str, _room_id: &str) {
        if let Some(p) = self.state.lock().processes.get_mut(process_id) {
            p.held = p.held.saturating_sub(1);
        }
    }

    fn recover(&self, _previous: Vec<KnownProcess>) -> BoxFuture<'_, Vec<String>> {
        Box::pin(async { Vec::new() })
    }

    /// Every process ends (cause `Shutdown`), as a real fleet's would.
    fn shutdown(&self) -> BoxFuture<'_, ()> {
        let ended = std::mem::take(&mut *self.state.lock()).order;
        for process_id in ended {
            let _ = self.events.send(FleetEvent::Exited {
                process_id,
                cause: ExitCause::Shutdown,
            });
        }
        Box::pin(async {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet(rooms_per_process: usize, max: Option<usize>) -> SimulatedFleet {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        SimulatedFleet::new(
            SimulatedSettings {
                activation_delay: Duration::ZERO,
                public_host: "localhost".into(),
                max_processes: max,
                apps: vec![SimulatedApp {
                    app_id: "a".into(),
                    rooms_per_process,
                    max_processes: None,
                    transport: Transport::Tcp,
                    additional_ports: vec![("debug".into(), Transport::Udp)],
                }],
            },
            tx,
        )
    }

    fn place(f: &SimulatedFleet, region: &str) -> Result<Placement, FleetError> {
        f.place_now(&PlaceRoom {
            app_id: "a".into(),
            region: region.into(),
            room_id: "r".into(),
            room_config: None,
        })
    }

    #[test]
    fn processes_fill_up_then_a_new_one_starts_with_the_next_ports() {
        let f = fleet(2, Some(2));
        let a = place(&f, "London").unwrap();
        let b = place(&f, "London").unwrap();
        let c = place(&f, "Tokyo").unwrap();
        assert!(a.started && !b.started && c.started);
        assert_eq!(a.process_id, b.process_id);
        let Readiness::Ready(e) = &c.readiness else {
            panic!("zero delay is ready at once: {:?}", c.readiness)
        };
        assert_eq!((e.default.port, e.additional[0].port), (7779, 7780));
        assert!(matches!(place(&f, "London"), Err(FleetError::Capacity(_))));
        f.release(&a.process_id, "r");
        assert_eq!(place(&f, "London").unwrap().process_id, a.process_id);
    }
}
