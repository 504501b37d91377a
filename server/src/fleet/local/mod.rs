//! The local fleet: each process is a child process of this server running the app's own
//! game-server executable, on ports of a configured range.
//!
//! - **Placement**: a room goes to the oldest process of its app and region with a free slot
//!   (starting or ready), else a new process is started (within the per-app and total limits
//!   and the port range).
//! - **Spawning** (`spawn`): no shell; a clean environment (`env`); its own process group; on
//!   Linux a parent-death signal, set from a dedicated spawner thread, so that children die
//!   with the server even on `kill -9`; stdout and stderr to a size-capped log (`output`).
//! - **Readiness** (`ready`): probed with a short back-off while starting, and when it prints.
//! - **Ending** (`supervise`, `child`): SIGCHLD-driven waits, SIGTERM / grace / SIGKILL to the
//!   group, the group swept and the child reaped, the cause reported.
//!
//! Events and results race: a `Ready` or `Exited` event for a process may reach the event
//! receiver before a `place` that put a room on that process has returned to its caller. A
//! caller therefore keeps per-process state (ready with endpoints, or ended) and applies it to
//! rooms it records later. A `place` whose caller goes away mid-way leaves nothing unsupervised:
//! the room keeps its slot on the process (which starts) until it is released.
//!
//! Requires a tokio runtime with I/O, time and signals enabled (`LocalFleet::new` is called
//! inside it). Unix only; the parent-death signal and the UDP readiness check are Linux's.

mod child;
mod config;
mod env;
mod output;
mod ports;
mod process;
mod ready;
mod recover;
mod spawn;
mod supervise;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::runtime::Handle;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

pub use config::{
    AdditionalPort, DEFAULT_IDLE_TIMEOUT, DEFAULT_LOG_MAX_BYTES, DEFAULT_MAX_PROCESSES,
    DEFAULT_PORT_RANGE, DEFAULT_PUBLIC_HOST, DEFAULT_STARTUP_TIMEOUT, DEFAULT_STOP_GRACE, LocalApp,
    LocalFleetConfig, NewProcess, ProcessEnvHook, port_variable,
};
pub use env::BASE_PATH;

use super::{
    BoxFuture, ExitCause, Fleet, FleetError, FleetEvent, KnownProcess, PlaceRoom, Placement,
    Readiness,
};
use ports::PortPool;
use process::{Phase, Proc, SpawnState, new_process_id};

/// Child processes on this machine. See the module documentation.
pub struct LocalFleet {
    inner: Arc<Inner>,
}

struct Inner {
    apps: HashMap<String, Arc<LocalApp>>,
    public_host: String,
    base_url: String,
    max_processes: usize,
    process_env: Option<ProcessEnvHook>,
    events: UnboundedSender<FleetEvent>,
    state: Mutex<State>,
    /// How many processes are in the table (not yet reaped), for `shutdown`.
    live: watch::Sender<usize>,
    sigchld: watch::Receiver<u64>,
    runtime: Handle,
    spawner: spawn::Spawner,
}

struct State {
    procs: HashMap<String, Proc>,
    next_seq: u64,
    ports: PortPool,
    closed: bool,
}

impl LocalFleet {
    /// Checks the config and starts the spawner thread. Call inside the tokio runtime that
    /// will run the fleet. `events` receives every `Ready` and `Exited`, in order.
    pub fn new(
        config: LocalFleetConfig,
        events: UnboundedSender<FleetEvent>,
    ) -> Result<LocalFleet, String> {
        config.validate()?;
        let runtime = Handle::try_current()
            .map_err(|e| format!("the local fleet needs a tokio runtime: {e}"))?;
        let sigchld = child::sigchld_counter().map_err(|e| format!("cannot watch SIGCHLD: {e}"))?;
        let spawner =
            spawn::Spawner::start().map_err(|e| format!("cannot start the spawner thread: {e}"))?;
        let mut apps = HashMap::new();
        for app in config.apps {
            apps.insert(app.app_id.clone(), Arc::new(resolve_paths(app)?));
        }
        let inner = Inner {
            apps,
            public_host: config.public_host,
            base_url: config.base_url,
            max_processes: config.max_processes,
            process_env: config.process_env,
            events,
            state: Mutex::new(State {
                procs: HashMap::new(),
                next_seq: 0,
                ports: PortPool::new(&config.port_range),
                closed: false,
            }),
            live: watch::Sender::new(0),
            sigchld,
            runtime,
            spawner,
        };
        Ok(LocalFleet {
            inner: Arc::new(inner),
        })
    }
}

impl Drop for LocalFleet {
    /// Without `shutdown`: no new room, and every process is stopped in the background (its
    /// supervisor holds what it needs). `shutdown` is still the way to wait for them.
    fn drop(&mut self) {
        self.inner.close_and_stop_all();
    }
}

impl Fleet for LocalFleet {
    fn place(&self, room: PlaceRoom) -> BoxFuture<'_, Result<Placement, FleetError>> {
        Box::pin(self.inner.clone().place(room))
    }

    fn release(&self, process_id: &str, room_id: &str) {
        let inner = &self.inner;
        let mut state = inner.state.lock();
        let Some(p) = state.procs.get_mut(process_id) else {
            return;
        };
        if p.rooms.remove(room_id) && p.rooms.is_empty() && p.takes_rooms() {
            inner.arm_idle_timer(process_id, p);
        }
    }

    fn recover(&self, previous: Vec<KnownProcess>) -> BoxFuture<'_, Vec<String>> {
        Box::pin(async move {
            let ids: HashSet<String> = previous.into_iter().map(|p| p.process_id).collect();
            if !ids.is_empty() {
                recover::kill_survivors(ids).await;
            }
            // Child processes never outlive the run that started them.
            Vec::new()
        })
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.inner.close_and_stop_all();
            let mut live = self.inner.live.subscribe();
            let _ = live.wait_for(|&n| n == 0).await;
        })
    }
}

/// What `place` does once it has decided under the lock.
enum Decision {
    Placed(Placement),
    /// The room is on a process whose spawn is under way: wait for its outcome.
    AwaitSpawn {
        process_id: String,
        started: bool,
        spawned: watch::Receiver<SpawnState>,
    },
}

impl Inner {
    async fn place(self: Arc<Self>, room: PlaceRoom) -> Result<Placement, FleetError> {
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
            } => (process_id, started, spawned),
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

    /// Puts the room on a process with a free slot, or reserves a new one and starts it.
    fn decide(
        self: &Arc<Self>,
        app: &Arc<LocalApp>,
        room: PlaceRoom,
    ) -> Result<Decision, FleetError> {
        let mut state = self.state.lock();
        if state.closed {
            return Err(FleetError::Spawn("the fleet is shut down".into()));
        }
        let slot = state
            .procs
            .iter()
            .filter(|(_, p)| {
                p.app.app_id == app.app_id
                    && p.region == room.region
                    && p.takes_rooms()
                    && p.rooms.len() < app.rooms_per_process as usize
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
            .filter(|p| p.app.app_id == app.app_id)
            .count();
        if of_app >= app.max_processes {
            return Err(FleetError::Capacity(format!(
                "app {} runs its maximum of {} processes",
                app.app_id, app.max_processes
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
                app.app_id,
                app.ports_per_process()
            ))
        })?;
        let process_id = new_process_id();
        let seq = state.next_seq;
        state.next_seq += 1;
        let (process, receiver) = Proc::reserve(app.clone(), &room, ports.clone(), seq);
        state.procs.insert(process_id.clone(), process);
        self.live.send_replace(state.procs.len());
        // A task of its own: the start completes (and is supervised) even if `place` is dropped.
        self.runtime.spawn(supervise::run(
            self.clone(),
            process_id.clone(),
            app.clone(),
            room,
            ports,
        ));
        Ok(Decision::AwaitSpawn {
            process_id,
            started: true,
            spawned: receiver,
        })
    }

    fn close_and_stop_all(&self) {
        let mut state = self.state.lock();
        state.closed = true;
        for p in state.procs.values_mut() {
            p.request_stop(ExitCause::Shutdown);
        }
    }

    /// The process now has no room: stop it after the idle timeout unless a room comes first.
    fn arm_idle_timer(self: &Arc<Self>, process_id: &str, p: &mut Proc) {
        p.idle.cancel();
        let epoch = p.idle.epoch;
        let timeout = p.app.idle_timeout;
        let inner = self.clone();
        let id = process_id.to_owned();
        let task = self.runtime.spawn(async move {
            tokio::time::sleep(timeout).await;
            let mut state = inner.state.lock();
            if let Some(p) = state.procs.get_mut(&id)
                && p.idle.epoch == epoch
                && p.rooms.is_empty()
                && p.takes_rooms()
            {
                log::info!(
                    "process {id} of app {} idle for {timeout:?}: stopping it",
                    p.app.app_id
                );
                p.request_stop(ExitCause::Idle);
            }
        });
        p.idle.task = Some(task.abort_handle());
    }

    fn with_proc<T>(&self, process_id: &str, f: impl FnOnce(&mut Proc) -> T) -> Option<T> {
        self.state.lock().procs.get_mut(process_id).map(f)
    }

    /// The spawn failed: the reservation and its ports go, and waiting placements get `reason`.
    fn forget_unstarted(&self, process_id: &str, reason: String) {
        let mut state = self.state.lock();
        if let Some(p) = state.procs.remove(process_id) {
            state.ports.give_back(&p.ports);
            p.spawned.send_replace(SpawnState::Failed(reason));
        }
        self.live.send_replace(state.procs.len());
    }

    /// It listens: its rooms are active. False when it is being stopped meanwhile.
    fn mark_ready(&self, process_id: &str) -> bool {
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

    /// It is reaped: its ports and slots go, and `Exited` is sent.
    fn finish(&self, process_id: &str, cause: ExitCause) {
        let mut state = self.state.lock();
        if let Some(mut p) = state.procs.remove(process_id) {
            p.idle.cancel();
            state.ports.give_back(&p.ports);
            let _ = self.events.send(FleetEvent::Exited {
                process_id: process_id.to_owned(),
                cause,
            });
        }
        self.live.send_replace(state.procs.len());
    }
}

impl Drop for Inner {
    /// Reached with processes left only when the runtime was dropped under their supervisors:
    /// kill and reap them here, so that none outlives the fleet or stays a zombie.
    fn drop(&mut self) {
        for p in self.state.get_mut().procs.values() {
            if let Some(child) = p.child {
                child.kill();
                let _ = child.sweep_and_reap();
            }
        }
    }
}

/// Makes the app's paths absolute (a relative one is the server's, not the child's working
/// directory, which differs) and checks that a command given as a path is an executable file.
/// A bare name is looked up in the child's `PATH` at each spawn.
fn resolve_paths(mut app: LocalApp) -> Result<LocalApp, String> {
    use std::os::unix::fs::PermissionsExt;
    let absolute = |path: &std::path::Path| {
        std::path::absolute(path)
            .map_err(|e| format!("app {}: {}: {e}", app.app_id, path.display()))
    };
    app.log_dir = absolute(&app.log_dir)?;
    if let Some(dir) = &app.working_dir {
        app.working_dir = Some(absolute(dir)?);
    }
    if app.command.components().count() > 1 {
        app.command = absolute(&app.command)?;
        let meta = std::fs::metadata(&app.command)
            .map_err(|e| format!("app {}: command {}: {e}", app.app_id, app.command.display()))?;
        if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
            return Err(format!(
                "app {}: command {} is not an executable file",
                app.app_id,
                app.command.display()
            ));
        }
    }
    Ok(app)
}
