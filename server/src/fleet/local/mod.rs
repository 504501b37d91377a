//! The local fleet: each process is a child process of this server running the app's own
//! game-server executable, on ports of a configured range.
//!
//! - **Placement**, slots, limits, ports and the idle reaper: the table shared with the other
//!   fleets on this host (`fleet::table`).
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
//! rooms it records later.
//!
//! Requires a tokio runtime with I/O, time and signals enabled (`LocalFleet::new` is called
//! inside it). Unix only; the parent-death signal and the UDP readiness check are Linux's.

mod child;
mod config;
mod output;
mod ready;
mod recover;
mod spawn;
mod supervise;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use tokio::runtime::Handle;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

pub use super::process_env::{NewProcess, ProcessEnvHook, port_variable};
pub use super::settings::{
    DEFAULT_IDLE_TIMEOUT, DEFAULT_LOG_MAX_BYTES, DEFAULT_MAX_PROCESSES, DEFAULT_PORT_RANGE,
    DEFAULT_PUBLIC_HOST, DEFAULT_STARTUP_TIMEOUT, DEFAULT_STOP_GRACE,
};
pub use config::{AdditionalPort, LocalApp, LocalFleetConfig};

use super::table::{Limits, Table};
use super::{BoxFuture, Fleet, FleetError, FleetEvent, KnownProcess, PlaceRoom, Placement};
use child::Child;

/// `PATH` of a Debian-based container image.
pub const BASE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Child processes on this machine. See the module documentation.
pub struct LocalFleet {
    inner: Arc<Inner>,
}

struct Inner {
    table: Arc<Table<LocalApp, Child>>,
    public_host: String,
    base_url: String,
    process_env: Option<ProcessEnvHook>,
    sigchld: watch::Receiver<u64>,
    spawner: spawn::Spawner,
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
        let apps = config
            .apps
            .into_iter()
            .map(resolve_paths)
            .collect::<Result<Vec<_>, _>>()?;
        let limits = Limits {
            public_host: config.public_host.clone(),
            max_processes: config.max_processes,
            port_range: config.port_range,
        };
        let inner = Inner {
            table: Arc::new(Table::new(apps, limits, events, runtime)),
            public_host: config.public_host,
            base_url: config.base_url,
            process_env: config.process_env,
            sigchld,
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
        self.inner.table.close_and_stop_all();
    }
}

impl Fleet for LocalFleet {
    fn place(&self, room: PlaceRoom) -> BoxFuture<'_, Result<Placement, FleetError>> {
        Box::pin(
            self.inner
                .table
                .place(room, |launch| supervise::run(self.inner.clone(), launch)),
        )
    }

    fn release(&self, process_id: &str, room_id: &str) {
        self.inner.table.release(process_id, room_id);
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
            self.inner.table.shutdown().await;
        })
    }
}

impl Drop for Inner {
    /// Reached with processes left only when the runtime was dropped under their supervisors:
    /// kill and reap them here, so that none outlives the fleet or stays a zombie.
    fn drop(&mut self) {
        for child in self.table.handles() {
            child.kill();
            let _ = child.sweep_and_reap();
        }
    }
}

/// The base environment of a child process, as a container would have: `PATH`, `HOME` (the
/// log directory, which exists and is writable, so that what a game server keeps under $HOME,
/// such as Unity's Player.log, lands beside its logs) and `LANG`.
fn base_environment(app: &LocalApp) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("PATH".into(), BASE_PATH.into()),
        ("HOME".into(), app.log_dir.to_string_lossy().into_owned()),
        ("LANG".into(), "C.UTF-8".into()),
    ])
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
