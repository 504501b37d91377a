//! One task per process, from its spawn until it is reaped: readiness probing while it starts,
//! the startup timeout, stops asked by the fleet (idle, shutdown), and the report of its end.

use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep, sleep_until, timeout};

use super::child::Child;
use super::env::{ProcessVars, environment};
use super::spawn::{SpawnJob, Spawned};
use super::{Inner, LocalApp, Phase, SpawnState, output, ready};
use crate::fleet::{ExitCause, PlaceRoom};

/// Readiness probes start this soon after the spawn and back off (doubling) up to the cap.
const FIRST_PROBE: Duration = Duration::from_millis(1);
const MAX_PROBE_DELAY: Duration = Duration::from_millis(20);
/// Output wakes the probe at most this often, so that a chatty start costs little.
const OUTPUT_PROBE_GAP: Duration = Duration::from_millis(1);
/// How long the log may take to drain once the process group is gone.
const DRAIN_WAIT: Duration = Duration::from_secs(2);

enum Ending {
    /// It exited by itself.
    Exited,
    /// The fleet asked for a stop (the cause is in the stop channel).
    Stopped,
}

/// Starts the reserved process `id`, then watches it until it is reaped.
pub(super) async fn run(
    inner: Arc<Inner>,
    id: String,
    app: Arc<LocalApp>,
    room: PlaceRoom,
    ports: Vec<u16>,
) {
    let placed = Instant::now();
    let spawned = match start(&inner, &id, &app, &room, &ports).await {
        Ok(spawned) => spawned,
        Err(reason) => {
            log::warn!("could not start a process of app {}: {reason}", app.app_id);
            inner.forget_unstarted(&id, reason);
            return;
        }
    };
    let child = spawned.child;
    let stop = inner
        .with_proc(&id, |p| {
            p.child = Some(child);
            if p.phase == Phase::Spawning {
                p.phase = Phase::Starting;
            }
            p.spawned.send_replace(SpawnState::Started);
            p.stop.subscribe()
        })
        .expect("a reserved process stays until its supervisor ends");
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
    let env = environment(app, &vars, inner.process_env.as_ref())?;
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

type Exit<'a> = Pin<&'a mut (dyn Future<Output = ()> + Send)>;

impl Supervisor {
    async fn watch(mut self, mut drain: JoinHandle<()>) {
        let exited = self.child.exited(self.inner.sigchld.clone());
        tokio::pin!(exited);
        let ending = match self.until_ready(exited.as_mut()).await {
            Some(ending) => ending,
            None => self.until_end(exited.as_mut()).await,
        };
        if let Ending::Stopped = ending {
            self.stop_gracefully(exited.as_mut()).await;
        }
        self.inner.with_proc(&self.id, |p| p.phase = Phase::Ended);
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
        log::info!(
            "process {} of app {} {}",
            self.id,
            self.app.app_id,
            describe(&cause)
        );
        self.inner.finish(&self.id, cause);
    }

    /// Probes until it listens (`None`), exits, is asked to stop, or times out.
    async fn until_ready(&mut self, mut exited: Exit<'_>) -> Option<Ending> {
        let deadline = tokio::time::Instant::from_std(self.started + self.app.startup_timeout);
        let mut delay = FIRST_PROBE;
        loop {
            if self.stop.borrow().is_some() {
                return Some(Ending::Stopped);
            }
            let probed = tokio::time::Instant::now();
            if ready::listening(self.app.transport, self.port, self.child.pid).await {
                if self.inner.mark_ready(&self.id) {
                    log::info!(
                        "process {} of app {} ready on port {} ({:?}) after {} ms ({} ms since placed)",
                        self.id,
                        self.app.app_id,
                        self.port,
                        self.app.transport,
                        self.started.elapsed().as_millis(),
                        self.placed.elapsed().as_millis()
                    );
                }
                return None;
            }
            tokio::select! {
                () = &mut exited => return Some(Ending::Exited),
                Ok(()) = self.stop.changed() => {}
                () = sleep_until(deadline) => {
                    log::warn!(
                        "process {} of app {} did not listen on port {} ({:?}) within {:?}: stopping it",
                        self.id,
                        self.app.app_id,
                        self.port,
                        self.app.transport,
                        self.app.startup_timeout
                    );
                    self.inner.with_proc(&self.id, |p| p.request_stop(ExitCause::StartupTimeout));
                    return Some(Ending::Stopped);
                }
                () = sleep(delay) => delay = (delay * 2).min(MAX_PROBE_DELAY),
                () = self.output.notified() => sleep_until(probed + OUTPUT_PROBE_GAP).await,
            }
        }
    }

    async fn until_end(&mut self, exited: Exit<'_>) -> Ending {
        tokio::select! {
            () = exited => Ending::Exited,
            _ = self.stop.wait_for(Option::is_some) => Ending::Stopped,
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

fn describe(cause: &ExitCause) -> String {
    match cause {
        ExitCause::Exited(code) => format!("exited with code {code}"),
        ExitCause::Signaled(signal) => format!("was killed by signal {signal}"),
        ExitCause::StartupTimeout => {
            "was stopped: it did not listen within the startup timeout".into()
        }
        ExitCause::Idle => "was stopped: idle".into(),
        ExitCause::Shutdown => "was stopped: the server shuts down".into(),
        other => format!("ended: {other:?}"),
    }
}
