//! One task per process, from its spawn until it is reaped: readiness probing while it starts,
//! the startup timeout, stops asked by the fleet (idle, shutdown), and the report of its end.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use super::child::Child;
use super::spawn::{SpawnJob, Spawned};
use super::{Inner, LocalApp, base_environment, output, ready};
use crate::fleet::probe::{self, Startup};
use crate::fleet::process_env::{ProcessVars, environment};
use crate::fleet::table::Launch;
use crate::fleet::{ExitCause, PlaceRoom};

/// How long the log may take to drain once the process group is gone.
const DRAIN_WAIT: Duration = Duration::from_secs(2);

enum Ending {
    /// It exited by itself.
    Exited,
    /// The fleet asked for a stop (the cause is in the stop channel).
    Stopped,
}

/// Starts the reserved process, then watches it until it is reaped.
pub(super) async fn run(inner: Arc<Inner>, launch: Launch<LocalApp>) {
    let placed = Instant::now();
    let Launch {
        process_id: id,
        app,
        room,
        ports,
    } = launch;
    let spawned = match start(&inner, &id, &app, &room, &ports).await {
        Ok(spawned) => spawned,
        Err(reason) => {
            inner.table.forget_unstarted(&id, reason);
            return;
        }
    };
    let child = spawned.child;
    let stop = inner.table.started(&id, child);
    log::info!(
        "process {id} of app {} started: pid {}, ports {ports:?}",
        app.app_id,
        child.pid
    );
    let output = Arc::new(Notify::new());
    let drain = tokio::spawn(output::drain(
        spawned.output,
        spawned.log,
        output.clone(),
        id.clone(),
    ));
    let supervisor = Supervisor {
        inner,
        id,
        app,
        child,
        port: ports[0],
        stop,
        output,
        started: Instant::now(),
        placed,
    };
    supervisor.watch(drain).await;
}

async fn start(
    inner: &Inner,
    id: &str,
    app: &LocalApp,
    room: &PlaceRoom,
    ports: &[u16],
) -> Result<Spawned, String> {
    let vars = ProcessVars {
        process_id: id,
        region: &room.region,
        room_id: &room.room_id,
        room_config: room.room_config.as_deref(),
        ports,
        public_host: &inner.public_host,
        base_url: &inner.base_url,
    };
    let env = environment(
        base_environment(app),
        app,
        &vars,
        inner.process_env.as_ref(),
    )?;
    let working_dir = app
        .working_dir
        .clone()
        .or_else(|| {
            app.command
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| app.log_dir.clone());
    let job = SpawnJob {
        command: app.command.clone(),
        args: app.args.clone(),
        env,
        working_dir,
        log_dir: app.log_dir.clone(),
        log_name: format!("{id}.log"),
        log_max_bytes: app.log_max_bytes,
    };
    inner.spawner.spawn(job).await
}

struct Supervisor {
    inner: Arc<Inner>,
    id: String,
    app: Arc<LocalApp>,
    child: Child,
    /// The default port, probed for readiness.
    port: u16,
    stop: watch::Receiver<Option<ExitCause>>,
    /// Notified when the process writes output.
    output: Arc<Notify>,
    started: Instant,
    placed: Instant,
}

type Exit<'a> = probe::Exit<'a, ()>;

impl Supervisor {
    async fn watch(mut self, mut drain: JoinHandle<()>) {
        let exited = self.child.exited(self.inner.sigchld.clone());
        tokio::pin!(exited);
        let ending = self.until_ending(exited.as_mut()).await;
        if let Ending::Stopped = ending {
            self.stop_gracefully(exited.as_mut()).await;
        }
        self.inner.table.mark_ended(&self.id);
        let reaped = self.child.sweep_and_reap();
        if timeout(DRAIN_WAIT, &mut drain).await.is_err() {
            // Something outside the group still holds the pipe; the log ends here.
            drain.abort();
        }
        let requested = self.stop.borrow().clone();
        let cause = match (requested, reaped) {
            (Some(cause), _) => cause,
            (None, Ok(cause)) => cause,
            (None, Err(e)) => {
                log::warn!("process {}: its exit status is lost: {e}", self.id);
                ExitCause::Exited(-1)
            }
        };
        self.inner.table.finish(&self.id, cause);
    }

    /// Probes until it listens, then waits for its end; unless a stop is asked or the startup
    /// timeout passes first.
    async fn until_ending(&mut self, mut exited: Exit<'_>) -> Ending {
        let deadline = tokio::time::Instant::from_std(self.started + self.app.startup_timeout);
        let (transport, port, pid) = (self.app.transport, self.port, self.child.pid);
        let startup = probe::until_listening(
            || ready::listening(transport, port, pid),
            exited.as_mut(),
            &mut self.stop,
            &self.output,
            deadline,
        )
        .await;
        match startup {
            Startup::Listening => {
                if self.inner.table.mark_ready(&self.id) {
                    log::info!(
                        "process {} of app {} ready on port {port} ({transport:?}) after {} ms ({} ms since placed)",
                        self.id,
                        self.app.app_id,
                        self.started.elapsed().as_millis(),
                        self.placed.elapsed().as_millis()
                    );
                }
                match probe::until_end(exited, &mut self.stop).await {
                    Some(()) => Ending::Exited,
                    None => Ending::Stopped,
                }
            }
            Startup::Exited(()) => Ending::Exited,
            Startup::StopAsked => Ending::Stopped,
            Startup::TimedOut => {
                log::warn!(
                    "process {} of app {} did not listen on port {port} ({transport:?}) within {:?}: stopping it",
                    self.id,
                    self.app.app_id,
                    self.app.startup_timeout
                );
                self.inner
                    .table
                    .request_stop(&self.id, ExitCause::StartupTimeout);
                Ending::Stopped
            }
        }
    }

    /// SIGTERM to the group, the grace period, then SIGKILL; returns once it has exited.
    async fn stop_gracefully(&self, mut exited: Exit<'_>) {
        self.child.terminate();
        if timeout(self.app.stop_grace, &mut exited).await.is_err() {
            log::info!(
                "process {} did not exit within {:?} of SIGTERM: SIGKILL",
                self.id,
                self.app.stop_grace
            );
            self.child.kill();
            exited.await;
        }
    }
}
