//! One task per container, from its creation until it is removed: its output streamed into its
//! log, the API on its own loopback (with `LoopbackApi`), readiness probing while it starts,
//! the startup timeout, stops asked by the fleet (idle, shutdown), and the report of its end
//! (the engine's wait, never polling).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::query_parameters::{
    AttachContainerOptions, CreateContainerOptions, StopContainerOptions,
};
use futures_util::StreamExt;
use tokio::sync::{Notify, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use super::engine::{self, message, short};
use super::{DockerApp, Inner, container, loopback_api, ready};
use crate::fleet::probe::{self, Startup};
use crate::fleet::process_env::{ProcessVars, environment};
use crate::fleet::process_log::CappedLog;
use crate::fleet::table::Launch;
use crate::fleet::{ExitCause, PlaceRoom};

/// How long the output may take to drain once the container has ended.
const DRAIN_WAIT: Duration = Duration::from_secs(2);
/// Beyond the stop grace, how long a stopped container may take to be reported down.
const STOP_SLACK: Duration = Duration::from_secs(30);
/// How often, and how far apart, the OOM flag of a SIGKILLed container with a memory limit is
/// read (1 s in all).
const OOM_FLAG_CHECKS: u32 = 6;
const OOM_FLAG_PAUSE: Duration = Duration::from_millis(200);

enum Ending {
    /// It exited by itself, with this code (`None`: gone without one).
    Exited(Option<i64>),
    /// The fleet asked for a stop (the cause is in the stop channel).
    Stopped,
}

/// A created and started container.
struct Started {
    container: String,
    /// Its main process in this host's pid namespace; `None` when it had already ended.
    pid: Option<u32>,
    drain: JoinHandle<()>,
    output: Arc<Notify>,
    /// Dropped once the container is gone: the API on its loopback stops.
    api: Option<oneshot::Sender<()>>,
}

/// Creates and starts the reserved process's container, then watches it until it is removed.
pub(super) async fn run(inner: Arc<Inner>, launch: Launch<DockerApp>) {
    let placed = Instant::now();
    let Launch {
        process_id: id,
        app,
        room,
        ports,
    } = launch;
    let started = match start(&inner, &id, &app, &room, &ports).await {
        Ok(started) => started,
        Err(reason) => {
            inner.table.forget_unstarted(&id, reason);
            return;
        }
    };
    let stop = inner.table.started(&id, started.container.clone());
    let published: Vec<String> = app
        .container_ports()
        .zip(&ports)
        .map(|((port, _), host)| format!("{host}->{port}"))
        .collect();
    log::info!(
        "process {id} of app {} started: container {} of image {}, ports {}",
        app.app_id,
        short(&started.container),
        app.image,
        published.join(" ")
    );
    let supervisor = Supervisor {
        docker: inner.docker.clone(),
        inner,
        id,
        app,
        container: started.container,
        pid: started.pid,
        stop,
        output: started.output,
        _api: started.api,
        started: Instant::now(),
        placed,
    };
    supervisor.watch(started.drain).await;
}

async fn start(
    inner: &Inner,
    id: &str,
    app: &DockerApp,
    room: &PlaceRoom,
    host_ports: &[u16],
) -> Result<Started, String> {
    let container_ports: Vec<u16> = app.container_ports().map(|(port, _)| port).collect();
    let vars = ProcessVars {
        process_id: id,
        region: &room.region,
        room_id: &room.room_id,
        room_config: room.room_config.as_deref(),
        ports: &container_ports,
        public_host: &inner.public_host,
        base_url: &inner.base_url,
    };
    // The image's own variables (PATH...) stay: the engine sets these over them.
    let env = environment(BTreeMap::new(), app, &vars, inner.process_env.as_ref())?;
    let log = CappedLog::create(&app.log_dir, &format!("{id}.log"), app.log_max_bytes)
        .map_err(|e| format!("cannot open a log file in {}: {e}", app.log_dir.display()))?;
    let spec = container::Spec {
        process_id: id,
        instance_id: &inner.instance_id,
        owner: &inner.owner,
        env,
        host_ports,
        publish_address: inner.publish_address,
    };
    let options = CreateContainerOptions {
        name: Some(container::name(id)),
        ..Default::default()
    };
    let docker = &inner.docker;
    let created = docker
        .create_container(Some(options), container::body(app, spec))
        .await
        .map_err(|e| {
            format!(
                "cannot create a container of image {}: {}",
                app.image,
                message(&e)
            )
        })?;
    let container = created.id;
    let output_stream = match attach_and_start(docker, &container).await {
        Ok(output_stream) => output_stream,
        Err(e) => {
            engine::remove(docker, &container).await;
            return Err(format!(
                "cannot start container {} of image {}: {}",
                short(&container),
                app.image,
                message(&e)
            ));
        }
    };
    let output = Arc::new(Notify::new());
    let drain = tokio::spawn(drain(output_stream, log, output.clone(), id.to_owned()));
    let pid = engine::state(docker, &container)
        .await
        .and_then(|s| s.pid)
        .and_then(|pid| u32::try_from(pid).ok())
        .filter(|&pid| pid != 0);
    let api = match open_api(inner, pid) {
        Ok(api) => api,
        Err(e) => {
            drain.abort();
            engine::remove(docker, &container).await;
            return Err(format!(
                "cannot open the API on 127.0.0.1 in container {}: {e}",
                short(&container)
            ));
        }
    };
    Ok(Started {
        container,
        pid,
        drain,
        output,
        api,
    })
}

/// The API on the container's own loopback, served until the returned sender is dropped
/// (`None` without `LoopbackApi`, or when the container has ended already: its end comes).
fn open_api(inner: &Inner, pid: Option<u32>) -> std::io::Result<Option<oneshot::Sender<()>>> {
    let (Some(api), Some(pid)) = (&inner.loopback_api, pid) else {
        return Ok(None);
    };
    // A thread of its own enters the namespace and binds: a fraction of a millisecond.
    match loopback_api::listen_in(pid, api.port) {
        Ok(listener) => Ok(Some((api.serve)(listener))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(std::io::Error::new(
            e.kind(),
            format!("port {}: {e}", api.port),
        )),
    }
}

type Output = bollard::container::AttachContainerResults;

/// Attaches to its output before it starts (so that nothing it prints is missed), then
/// starts it.
async fn attach_and_start(
    docker: &Docker,
    container: &str,
) -> Result<Output, bollard::errors::Error> {
    let options = AttachContainerOptions {
        stdout: true,
        stderr: true,
        stream: true,
        ..Default::default()
    };
    let output = docker.attach_container(container, Some(options)).await?;
    docker
        .start_container(
            container,
            None::<bollard::query_parameters::StartContainerOptions>,
        )
        .await?;
    Ok(output)
}

/// Copies the container's stdout and stderr, in the order the engine sends them, to its log
/// until the stream ends (the container has ended). `output` is notified on each chunk (a hint
/// for the readiness probe).
async fn drain(attached: Output, mut log: CappedLog, output: Arc<Notify>, process_id: String) {
    // Kept open while reading: the engine ends the stream when the container ends.
    let _input = attached.input;
    let mut stream = attached.output;
    let mut failed = false;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                log::warn!("process {process_id}: reading its output failed: {e}");
                return;
            }
        };
        output.notify_one();
        // On a write error (disk full) keep draining, so that the container never blocks.
        if !failed && let Err(e) = log.write(chunk.as_ref()) {
            log::warn!(
                "process {process_id}: writing its log {} failed: {e}",
                log.path().display()
            );
            failed = true;
        }
    }
}

struct Supervisor {
    inner: Arc<Inner>,
    docker: Docker,
    id: String,
    app: Arc<DockerApp>,
    container: String,
    pid: Option<u32>,
    stop: watch::Receiver<Option<ExitCause>>,
    /// Notified when the container writes output.
    output: Arc<Notify>,
    /// The API on its loopback, served as long as this is held.
    _api: Option<oneshot::Sender<()>>,
    started: Instant,
    placed: Instant,
}

type Exit<'a> = probe::Exit<'a, Option<i64>>;

impl Supervisor {
    async fn watch(mut self, mut drain: JoinHandle<()>) {
        let exited = engine::wait_exit(self.docker.clone(), self.container.clone());
        tokio::pin!(exited);
        let code = match self.until_ending(exited.as_mut()).await {
            Ending::Exited(code) => code,
            Ending::Stopped => self.stop_gracefully(exited.as_mut()).await,
        };
        self.inner.table.mark_ended(&self.id);
        let requested = self.stop.borrow().clone();
        let cause = match requested {
            Some(cause) => cause,
            None => exit_cause(code, self.oom_killed(code).await),
        };
        if timeout(DRAIN_WAIT, &mut drain).await.is_err() {
            drain.abort();
        }
        engine::remove(&self.docker, &self.container).await;
        self.inner.table.finish(&self.id, cause);
    }

    /// Whether the kernel killed it for its memory limit (the engine's flag). The engine learns
    /// it from an event of its own, which may come just after the exit: a SIGKILL (137) of a
    /// container with a memory limit is looked at again for a moment before it counts as a
    /// signal.
    async fn oom_killed(&self, code: Option<i64>) -> bool {
        let mut again = if code == Some(137) && self.app.memory_bytes.is_some() {
            OOM_FLAG_CHECKS
        } else {
            1
        };
        loop {
            let state = engine::state(&self.docker, &self.container).await;
            if state.and_then(|s| s.oom_killed).unwrap_or(false) {
                return true;
            }
            again -= 1;
            if again == 0 {
                return false;
            }
            tokio::time::sleep(OOM_FLAG_PAUSE).await;
        }
    }

    /// Probes until it listens, then waits for its end; unless a stop is asked or the startup
    /// timeout passes first.
    async fn until_ending(&mut self, mut exited: Exit<'_>) -> Ending {
        let deadline = tokio::time::Instant::from_std(self.started + self.app.startup_timeout);
        let (transport, port, pid) = (self.app.transport, self.app.container_port, self.pid);
        let (id, container) = (&self.id, &self.container);
        let mut warned = false;
        let listening = || {
            let found = match pid.map(|pid| ready::listening(transport, port, pid)) {
                Some(Ok(found)) => found,
                Some(Err(e)) => {
                    if !std::mem::replace(&mut warned, true) {
                        log::warn!(
                            "process {id}: cannot read the sockets of container {} (pid {pid:?}): {e}",
                            short(container)
                        );
                    }
                    false
                }
                // It ended before its pid could be read: its end comes.
                None => false,
            };
            std::future::ready(found)
        };
        let startup = probe::until_listening(
            listening,
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
                        "process {} of app {} ready on container port {port} ({transport:?}) after {} ms ({} ms since placed)",
                        self.id,
                        self.app.app_id,
                        self.started.elapsed().as_millis(),
                        self.placed.elapsed().as_millis()
                    );
                }
                match probe::until_end(exited, &mut self.stop).await {
                    Some(code) => Ending::Exited(code),
                    None => Ending::Stopped,
                }
            }
            Startup::Exited(code) => Ending::Exited(code),
            Startup::StopAsked => Ending::Stopped,
            Startup::TimedOut => {
                log::warn!(
                    "process {} of app {} did not listen on container port {port} ({transport:?}) within {:?}: stopping it",
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

    /// The engine's stop: the stop signal, the grace period, then SIGKILL. Returns once the
    /// container is down, with its exit code.
    async fn stop_gracefully(&self, exited: Exit<'_>) -> Option<i64> {
        let options = StopContainerOptions {
            t: Some(i32::try_from(self.app.stop_grace_secs()).unwrap_or(i32::MAX)),
            signal: None,
        };
        if let Err(e) = self
            .docker
            .stop_container(&self.container, Some(options))
            .await
        {
            // Removal kills it anyway.
            log::warn!(
                "process {}: stopping container {} failed: {}",
                self.id,
                short(&self.container),
                message(&e)
            );
        }
        timeout(self.app.stop_grace + STOP_SLACK, exited)
            .await
            .unwrap_or(None)
    }
}

/// How a container that the server did not stop ended. Docker reports a process killed by
/// signal N as exit code 128 + N.
fn exit_cause(code: Option<i64>, oom_killed: bool) -> ExitCause {
    if oom_killed {
        return ExitCause::OutOfMemory;
    }
    match code {
        Some(code @ 129..=192) => ExitCause::Signaled((code - 128) as i32),
        Some(code) => ExitCause::Exited(i32::try_from(code).unwrap_or(-1)),
        None => ExitCause::Exited(-1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_become_causes() {
        assert_eq!(exit_cause(Some(0), false), ExitCause::Exited(0));
        assert_eq!(exit_cause(Some(3), false), ExitCause::Exited(3));
        assert_eq!(exit_cause(Some(137), false), ExitCause::Signaled(9));
        assert_eq!(exit_cause(Some(139), false), ExitCause::Signaled(11));
        assert_eq!(exit_cause(Some(137), true), ExitCause::OutOfMemory);
        assert_eq!(exit_cause(None, false), ExitCause::Exited(-1));
    }
}
