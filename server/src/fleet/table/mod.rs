//! The process table that the fleets running game servers on this host share (child processes,
//! containers): placement, slots, limits, host ports, the idle reaper, and the `Ready` and
//! `Exited` events. How a process runs is the fleet's own business: `place` hands each new
//! reservation to the fleet's launcher, whose supervisor then reports through the table
//! (`started`, `mark_ready`, `finish`, or `forget_unstarted`).
//!
//! - **Placement**: a room goes to the oldest process of its app and region with a free slot
//!   (starting or ready), else a new process is reserved (within the per-app and total limits
//!   and the port range) and launched.
//! - **Idle reaper**: a process left without rooms is asked to stop (`ExitCause::Idle`) after
//!   its app's idle timeout, unless a room comes first.
//!
//! Events and results race: a `Ready` or `Exited` event for a process may reach the event
//! receiver before a `place` that put a room on that process has returned to its caller. A
//! `place` whose caller goes away mid-way leaves nothing unsupervised: the room keeps its slot
//! on the process (which starts) until it is released.

mod process;

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::runtime::Handle;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

pub(crate) use process::{Phase, Proc, SpawnState, new_process_id};

use super::ports::PortPool;
use super::settings::AppSettings;
use super::{ExitCause, FleetError, FleetEvent, PlaceRoom, Placement, Readiness};

/// The limits shared by all apps of a fleet.
pub(crate) struct Limits {
    /// Where clients connect: the host of every endpoint.
    pub(crate) public_host: String,
    /// Processes of all apps together.
    pub(crate) max_processes: usize,
    pub(crate) port_range: RangeInclusive<u16>,
}

/// A new process reserved by `place`, for the fleet to start and supervise.
pub(crate) struct Launch<A> {
    pub(crate) process_id: String,
    pub(crate) app: Arc<A>,
    pub(crate) room: PlaceRoom,
    /// The default port first, then one per additional port.
    pub(crate) ports: Vec<u16>,
}

pub(crate) struct Table<A, H> {
    apps: HashMap<String, Arc<A>>,
    public_host: String,
    max_processes: usize,
    events: UnboundedSender<FleetEvent>,
    state: Mutex<State<A, H>>,
    /// How many processes are in the table (not yet ended and cleaned up), for `wait_empty`.
    live: watch::Sender<usize>,
    runtime: Handle,
}

struct State<A, H> {
    procs: HashMap<String, Proc<A, H>>,
    next_seq: u64,
    ports: PortPool,
    closed: bool,
}

/// What `place` does once it has decided under the lock.
enum Decision<A> {
    Placed(Placement),
    /// The room is on a process whose start is under way: wait for its outcome.
    AwaitSpawn {
        process_id: String,
        started: bool,
        spawned: watch::Receiver<SpawnState>,
        /// Set when this placement reserved the process: the fleet starts it.
        launch: Option<Launch<A>>,
    },
}

impl<A: AppSettings, H: Send + 'static> Table<A, H> {
    /// A table of `apps` (ids already checked unique). Call inside the tokio runtime that runs
    /// the fleet: idle timers are spawned on it.
    pub(crate) fn new(
        apps: impl IntoIterator<Item = A>,
        limits: Limits,
        events: UnboundedSender<FleetEvent>,
        runtime: Handle,
    ) -> Self {
        Table {
            apps: apps
                .into_iter()
                .map(|app| (app.app_id().to_owned(), Arc::new(app)))
                .collect(),
            public_host: limits.public_host,
            max_processes: limits.max_processes,
            events,
            state: Mutex::new(State {
                procs: HashMap::new(),
                next_seq: 0,
                ports: PortPool::new(&limits.port_range),
                closed: false,
            }),
            live: watch::Sender::new(0),
            runtime,
        }
    }

    /// Puts the room on a process with a free slot, or reserves a new process and runs
    /// `launch`'s future (which starts and supervises it) as a task of its own, so that the
    /// start completes, and is supervised, even if `place` is dropped.
    pub(crate) async fn place<F>(
        self: &Arc<Self>,
        room: PlaceRoom,
        launch: impl FnOnce(Launch<A>) -> F + Send,
    ) -> Result<Placement, FleetError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let app = self.apps.get(&room.app_id).cloned().ok_or_else(|| {
            FleetError::Spawn(format!(
                "no game server is configured for app {}",
                room.app_id
            ))
        })?;
        // Refused whichever process the room lands on, so that the answer does not depend on it.
        if room
            .room_config
            .as_deref()
            .is_some_and(|c| c.contains('\0'))
        {
            return Err(FleetError::Spawn(
                "the room config holds a NUL byte, which an environment variable cannot carry"
                    .into(),
            ));
        }
        let (process_id, started, mut spawned) = match self.decide(&app, room)? {
            Decision::Placed(placement) => return Ok(placement),
            Decision::AwaitSpawn {
                process_id,
                started,
                spawned,
                launch: reserved,
            } => {
                if let Some(reserved) = reserved {
                    self.runtime.spawn(launch(reserved));
                }
                (process_id, started, spawned)
            }
        };
        let outcome = spawned
            .wait_for(|s| !matches!(s, SpawnState::Pending))
            .await
            .map(|s| s.clone());
        match outcome {
            Ok(SpawnState::Failed(reason)) => Err(FleetError::Spawn(reason)),
            Ok(_) => {
                let state = self.state.lock();
                let readiness = match state.procs.get(&process_id) {
                    Some(p) if p.phase == Phase::Ready => {
                        Readiness::Ready(p.endpoints(&self.public_host))
                    }
                    // Starting, or already ended: an event follows or has been sent.
                    _ => Readiness::Pending,
                };
                Ok(Placement {
                    process_id,
                    started,
                    readiness,
                })
            }
            Err(_) => Err(FleetError::Spawn(
                "the fleet stopped while the process was starting".into(),
            )),
        }
    }

    fn decide(&self, app: &Arc<A>, room: PlaceRoom) -> Result<Decision<A>, FleetError> {
        let mut state = self.state.lock();
        if state.closed {
            return Err(FleetError::Spawn("the fleet is shut down".into()));
        }
        let slot = state
            .procs
            .iter()
            .filter(|(_, p)| {
                p.app.app_id() == app.app_id()
                    && p.region == room.region
                    && p.takes_rooms()
                    && p.rooms.len() < app.rooms_per_process() as usize
            })
            .min_by_key(|(_, p)| p.seq)
            .map(|(id, _)| id.clone());
        if let Some(process_id) = slot {
            let p = state.procs.get_mut(&process_id).expect("just found");
            p.rooms.insert(room.room_id);
            p.idle.cancel();
            let readiness = match p.phase {
                Phase::Ready => Readiness::Ready(p.endpoints(&self.public_host)),
                Phase::Starting => Readiness::Pending,
                _ => {
                    return Ok(Decision::AwaitSpawn {
                        process_id,
                        started: false,
                        spawned: p.spawned.subscribe(),
                        launch: None,
                    });
                }
            };
            return Ok(Decision::Placed(Placement {
                process_id,
                started: false,
                readiness,
            }));
        }

        let of_app = state
            .procs
            .values()
            .filter(|p| p.app.app_id() == app.app_id())
            .count();
        if of_app >= app.max_processes() {
            return Err(FleetError::Capacity(format!(
                "app {} runs its maximum of {} processes",
                app.app_id(),
                app.max_processes()
            )));
        }
        if state.procs.len() >= self.max_processes {
            return Err(FleetError::Capacity(format!(
                "the server runs its maximum of {} processes",
                self.max_processes
            )));
        }
        let ports = state.ports.take(app.ports_per_process()).ok_or_else(|| {
            FleetError::Capacity(format!(
                "no free port left in the port range {} (a process of app {} needs {})",
                state.ports.describe(),
                app.app_id(),
                app.ports_per_process()
            ))
        })?;
        let process_id = new_process_id();
        let seq = state.next_seq;
        state.next_seq += 1;
        let (process, receiver) = Proc::reserve(app.clone(), &room, ports.clone(), seq);
        state.procs.insert(process_id.clone(), process);
        self.live.send_replace(state.procs.len());
        Ok(Decision::AwaitSpawn {
            process_id: process_id.clone(),
            started: true,
            spawned: receiver,
            launch: Some(Launch {
                process_id,
                app: app.clone(),
                room,
                ports,
            }),
        })
    }

    /// The room's allocation on the process ended: when it was the last, the idle timer starts.
    pub(crate) fn release(self: &Arc<Self>, process_id: &str, room_id: &str) {
        let mut state = self.state.lock();
        let Some(p) = state.procs.get_mut(process_id) else {
            return;
        };
        if p.rooms.remove(room_id) && p.rooms.is_empty() && p.takes_rooms() {
            self.arm_idle_timer(process_id, p);
        }
    }

    /// No new room from now on, and every process is asked to stop (`Shutdown`).
    pub(crate) fn close_and_stop_all(&self) {
        let mut state = self.state.lock();
        state.closed = true;
        for p in state.procs.values_mut() {
            p.request_stop(ExitCause::Shutdown);
        }
    }

    /// Stops every process (`close_and_stop_all`) and returns once each has ended and been
    /// cleaned up.
    pub(crate) async fn shutdown(&self) {
        self.close_and_stop_all();
        let mut live = self.live.subscribe();
        let _ = live.wait_for(|&n| n == 0).await;
    }

    /// The process now has no room: stop it after the idle timeout unless a room comes first.
    fn arm_idle_timer(self: &Arc<Self>, process_id: &str, p: &mut Proc<A, H>) {
        p.idle.cancel();
        let epoch = p.idle.epoch;
        let timeout = p.app.idle_timeout();
        let table = self.clone();
        let id = process_id.to_owned();
        let task = self.runtime.spawn(async move {
            tokio::time::sleep(timeout).await;
            let mut state = table.state.lock();
            if let Some(p) = state.procs.get_mut(&id)
                && p.idle.epoch == epoch
                && p.rooms.is_empty()
                && p.takes_rooms()
            {
                log::info!(
                    "process {id} of app {} idle for {timeout:?}: stopping it",
                    p.app.app_id()
                );
                p.request_stop(ExitCause::Idle);
            }
        });
        p.idle.task = Some(task.abort_handle());
    }

    pub(crate) fn with_proc<T>(
        &self,
        process_id: &str,
        f: impl FnOnce(&mut Proc<A, H>) -> T,
    ) -> Option<T> {
        self.state.lock().procs.get_mut(process_id).map(f)
    }

    /// Every process's handle, for a last-resort cleanup.
    pub(crate) fn handles(&self) -> Vec<H>
    where
        H: Clone,
    {
        let state = self.state.lock();
        state
            .procs
            .values()
            .filter_map(|p| p.handle.clone())
            .collect()
    }

    /// Every process in the table, reserved ones included.
    pub(crate) fn process_ids(&self) -> Vec<String> {
        self.state.lock().procs.keys().cloned().collect()
    }

    /// The fleet started it: its handle is kept, waiting placements learn that it runs, and the
    /// supervisor gets the channel of stop requests (a stop may be asked already).
    pub(crate) fn started(
        &self,
        process_id: &str,
        handle: H,
    ) -> watch::Receiver<Option<ExitCause>> {
        self.with_proc(process_id, |p| {
            p.handle = Some(handle);
            if p.phase == Phase::Spawning {
                p.phase = Phase::Starting;
            }
            p.spawned.send_replace(SpawnState::Started);
            p.stop.subscribe()
        })
        .expect("a reserved process stays until its supervisor ends")
    }

    /// Asks the process's supervisor to stop it (the first cause is kept).
    pub(crate) fn request_stop(&self, process_id: &str, cause: ExitCause) {
        self.with_proc(process_id, |p| p.request_stop(cause));
    }

    /// The start failed: it is logged, the reservation and its ports go, and waiting
    /// placements get `reason`.
    pub(crate) fn forget_unstarted(&self, process_id: &str, reason: String) {
        let mut state = self.state.lock();
        if let Some(p) = state.procs.remove(process_id) {
            log::warn!(
                "could not start a process of app {}: {reason}",
                p.app.app_id()
            );
            state.ports.give_back(&p.ports);
            p.spawned.send_replace(SpawnState::Failed(reason));
        }
        self.live.send_replace(state.procs.len());
    }

    /// It listens: its rooms are active. False when it is being stopped meanwhile.
    pub(crate) fn mark_ready(&self, process_id: &str) -> bool {
        let mut state = self.state.lock();
        let Some(p) = state.procs.get_mut(process_id) else {
            return false;
        };
        if p.phase != Phase::Starting {
            return false;
        }
        p.phase = Phase::Ready;
        let endpoints = p.endpoints(&self.public_host);
        let _ = self.events.send(FleetEvent::Ready {
            process_id: process_id.to_owned(),
            endpoints,
        });
        true
    }

    /// It has ended: no room goes to it any more; it is being cleaned up.
    pub(crate) fn mark_ended(&self, process_id: &str) {
        self.with_proc(process_id, |p| p.phase = Phase::Ended);
    }

    /// It has ended and nothing of it is left: its ports and slots go, the end is logged and
    /// `Exited` is sent.
    pub(crate) fn finish(&self, process_id: &str, cause: ExitCause) {
        let mut state = self.state.lock();
        if let Some(mut p) = state.procs.remove(process_id) {
            p.idle.cancel();
            state.ports.give_back(&p.ports);
            let app = p.app.app_id();
            match cause {
                ExitCause::OutOfMemory => {
                    log::warn!("process {process_id} of app {app} {}", describe(&cause))
                }
                _ => log::info!("process {process_id} of app {app} {}", describe(&cause)),
            }
            let _ = self.events.send(FleetEvent::Exited {
                process_id: process_id.to_owned(),
                cause,
            });
        }
        self.live.send_replace(state.procs.len());
    }
}

fn describe(cause: &ExitCause) -> String {
    match cause {
        ExitCause::Exited(code) => format!("exited with code {code}"),
        ExitCause::Signaled(signal) => format!("was killed by signal {signal}"),
        ExitCause::StartupTimeout => {
            "was stopped: it did not listen within the startup timeout".into()
        }
        ExitCause::Idle => "was stopped: idle".into(),
        ExitCause::Shutdown => "was stopped: the server shuts down".into(),
        ExitCause::OutOfMemory => {
            "was killed for exceeding its memory limit (exit cause: oom)".into()
        }
        ExitCause::ServerRestart => "ended with the server's previous run".into(),
    }
}
