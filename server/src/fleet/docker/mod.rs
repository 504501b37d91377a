//! The Docker fleet: each process is one container of the app's image, run through the Docker
//! Engine API (`bollard`; never the `docker` command), on this host.
//!
//! - **Placement**, slots, limits, host ports and the idle reaper: the table shared with the
//!   local fleet (`fleet::table`).
//! - **Ports as Hathora mapped them**: the game server listens on its container port
//!   (`HATHORA_DEFAULT_PORT` is that port, additional ports likewise); the engine publishes it
//!   on a host port of the range, on the configured address (loopback by default), and the
//!   endpoint is the public host and that host port.
//! - **The API from a container**: 127.0.0.1 is the container's own loopback. With
//!   [`LoopbackApi`], the fleet opens a listener there, in each container's network namespace,
//!   and the server serves its API on it (`loopback_api`): `HATHORA_BASE_URL` is
//!   `http://127.0.0.1:PORT`, and a token never crosses an interface. Otherwise containers get
//!   `base_url`: a public `https://` name, or the host's bridge address, which every container
//!   maps as `host.docker.internal` (`host-gateway`; [`bridge_gateway`], [`container_base_url`]).
//! - **Ready means listening**, inside the container (`ready`): a connect to the published port
//!   would prove nothing, Docker's proxy accepts it whatever runs behind. Probed with the
//!   shared back-off while starting only.
//! - **Ends** come from the engine (a wait per container, no polling); the cause is recorded
//!   (`OutOfMemory` from the engine's OOM flag, a signal from an exit code above 128), then the
//!   container is removed and its ports freed. CPU and memory limits are the engine's.
//! - **Nothing left behind**: containers carry labels naming the server instance, the process,
//!   the app and the server process that runs them (`owner`). `shutdown` stops (the stop
//!   signal, the grace, SIGKILL: the engine's stop timeout) and removes them; `recover` removes
//!   every container of this instance that the current run did not start, i.e. what a crashed
//!   or `kill -9`ed previous run left. `connect` refuses an instance id whose containers belong
//!   to another server that still runs (two servers given one id by mistake).
//! - **Logs**: each container's stdout and stderr, attached before it starts, go to its own
//!   size-capped file (the engine keeps none); this fleet never logs an environment value.
//!   The server's log backend must drop `bollard`'s records below `info`: at `debug` that
//!   client logs request bodies, containers' environments (process tokens) included.
//!
//! Requirements: the engine runs on this host (the server publishes host ports it checks free
//! here, and reads the containers' sockets in /proc, so it must see the engine's processes: run
//! it on the host, or in a container with the host's pid namespace); root or the `docker`
//! group (root for [`LoopbackApi`]). A tokio runtime with I/O and time enabled.

mod config;
mod container;
mod engine;
mod loopback_api;
mod owner;
mod ready;
mod supervise;

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bollard::Docker;
use tokio::runtime::Handle;
use tokio::sync::mpsc::UnboundedSender;

pub use super::process_env::{NewProcess, ProcessEnvHook, port_variable};
pub use config::{
    ContainerPort, DockerApp, DockerFleetConfig, HOST_GATEWAY_NAME, LoopbackApi, MIN_MEMORY_BYTES,
    PullPolicy, ServeApi, container_base_url,
};
pub use loopback_api::loopback_base_url;

use super::table::{Limits, Table};
use super::{BoxFuture, Fleet, FleetError, FleetEvent, KnownProcess, PlaceRoom, Placement};
use engine::short;

/// Label naming the server instance whose container it is (`DockerFleetConfig::instance_id`).
pub const LABEL_INSTANCE: &str = "dev.hathora-rooms.instance";
/// Label holding the container's process id (`HATHORA_PROCESS_ID`).
pub const LABEL_PROCESS: &str = "dev.hathora-rooms.process-id";
/// Label holding the container's app id.
pub const LABEL_APP: &str = "dev.hathora-rooms.app-id";
/// Label naming the server process that runs the container: `PID:START_TICKS`.
pub const LABEL_OWNER: &str = "dev.hathora-rooms.owner";

/// The shortest bound on an answer from the engine (a stop answers after the stop grace).
const MIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Containers on this host's Docker engine. See the module documentation.
pub struct DockerFleet {
    inner: Arc<Inner>,
    /// What `connect` found and did, for the server to log (see [`DockerFleet::started_with`]).
    started_with: Vec<String>,
}

struct Inner {
    /// The handle on a process is its container id.
    table: Arc<Table<DockerApp, String>>,
    docker: Docker,
    instance_id: String,
    /// `owner::this_server()`, for [`LABEL_OWNER`].
    owner: String,
    publish_address: IpAddr,
    public_host: String,
    base_url: String,
    loopback_api: Option<LoopbackApi>,
    process_env: Option<ProcessEnvHook>,
}

impl DockerFleet {
    /// Checks the config (and, with [`LoopbackApi`], the privilege it takes), connects to the
    /// engine (negotiating the API version), refuses an instance id that another running server
    /// uses, and makes sure every app's image is there (pulled once when missing and allowed,
    /// else refused). Call inside the tokio runtime that will run the fleet; then `recover`
    /// before serving. `events` receives every `Ready` and `Exited`, in order.
    pub async fn connect(
        config: DockerFleetConfig,
        events: UnboundedSender<FleetEvent>,
    ) -> Result<DockerFleet, String> {
        config.validate()?;
        if config.loopback_api.is_some() {
            loopback_api::check_privilege()?;
        }
        let runtime = Handle::try_current()
            .map_err(|e| format!("the Docker fleet needs a tokio runtime: {e}"))?;
        let longest_grace = config.apps.iter().map(|a| a.stop_grace).max();
        let request_timeout =
            MIN_REQUEST_TIMEOUT.max(longest_grace.unwrap_or_default() + Duration::from_secs(60));
        let (docker, engine) = engine::connect(config.engine.as_deref(), request_timeout).await?;
        let mut started_with = vec![engine];
        let owner = owner::this_server();
        refuse_if_in_use(&docker, &config.instance_id).await?;
        let mut apps = Vec::with_capacity(config.apps.len());
        for mut app in config.apps {
            if engine::ensure_image(&docker, &app).await? {
                started_with.push(format!(
                    "app {}: the image {} was not on the Docker host: pulled it",
                    app.app_id, app.image
                ));
            }
            // A relative path is the server's working directory's, whatever happens later.
            app.log_dir = std::path::absolute(&app.log_dir)
                .map_err(|e| format!("app {}: {}: {e}", app.app_id, app.log_dir.display()))?;
            apps.push(app);
        }
        let limits = Limits {
            public_host: config.public_host.clone(),
            max_processes: config.max_processes,
            port_range: config.port_range,
        };
        let inner = Inner {
            table: Arc::new(Table::new(apps, limits, events, runtime)),
            docker,
            instance_id: config.instance_id,
            owner,
            publish_address: config.publish_address,
            public_host: config.public_host,
            base_url: match &config.loopback_api {
                Some(api) => loopback_base_url(api.port),
                None => config.base_url,
            },
            loopback_api: config.loopback_api,
            process_env: config.process_env,
        };
        Ok(DockerFleet {
            inner: Arc::new(inner),
            started_with,
        })
    }
}

impl DockerFleet {
    /// The instance id its containers are labelled with ([`LABEL_INSTANCE`]).
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// `HATHORA_BASE_URL` of its containers.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// What `connect` found and did (the engine and its API version, images pulled), which it
    /// does not log itself: a server may log only once its first stdout line is out.
    pub fn started_with(&self) -> &[String] {
        &self.started_with
    }
}

/// Refuses an instance id whose containers belong to another server that runs: its `recover`
/// would remove them.
async fn refuse_if_in_use(docker: &Docker, instance_id: &str) -> Result<(), String> {
    let listed = engine::labelled(docker, LABEL_INSTANCE, instance_id).await?;
    for container in listed {
        let labels = container.labels.unwrap_or_default();
        if let Some(pid) = labels
            .get(LABEL_OWNER)
            .and_then(|o| owner::running_other(o))
        {
            return Err(format!(
                "the instance id {instance_id} is in use: container {} belongs to another \
                 server that runs (pid {pid}); give each server that shares a Docker engine an \
                 instance id of its own",
                short(container.id.as_deref().unwrap_or("?"))
            ));
        }
    }
    Ok(())
}

/// The address of the engine's default bridge on this host: where containers reach the host
/// (`host.docker.internal`). The server listens there (as well as where clients reach it) for
/// containers to reach its API at [`container_base_url`].
pub async fn bridge_gateway(engine: Option<&str>) -> Result<IpAddr, String> {
    let (docker, _) = engine::connect(engine, MIN_REQUEST_TIMEOUT).await?;
    engine::bridge_gateway(&docker).await
}

impl Drop for DockerFleet {
    /// Without `shutdown`: no new room, and every container is stopped and removed in the
    /// background (its supervisor holds what it needs). `shutdown` is the way to wait for it.
    fn drop(&mut self) {
        self.inner.table.close_and_stop_all();
    }
}

impl Fleet for DockerFleet {
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

    /// Removes every container of this instance that the current run did not start: what the
    /// previous run left (after a crash or `kill -9` they keep running). None is adopted, so
    /// none is reported alive; the rooms they held end as a crash would end them.
    fn recover(&self, previous: Vec<KnownProcess>) -> BoxFuture<'_, Vec<String>> {
        Box::pin(async move {
            self.inner.remove_previous(previous).await;
            Vec::new()
        })
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.inner.table.shutdown().await;
        })
    }
}

impl Inner {
    async fn remove_previous(&self, previous: Vec<KnownProcess>) {
        let listed = match engine::labelled(&self.docker, LABEL_INSTANCE, &self.instance_id).await {
            Ok(listed) => listed,
            Err(e) => {
                log::error!("recover: the previous run's containers are left: {e}");
                return;
            }
        };
        let current: HashSet<String> = self.table.process_ids().into_iter().collect();
        let known: HashSet<String> = previous.into_iter().map(|p| p.process_id).collect();
        let removals = listed.into_iter().filter_map(|c| {
            let labels = c.labels.unwrap_or_default();
            let process = labels.get(LABEL_PROCESS).cloned().unwrap_or_default();
            if current.contains(&process) {
                return None;
            }
            let id = c.id?;
            log::warn!(
                "container {} (process {process} of app {}{}) is left from this server's previous run: removing it",
                short(&id),
                labels.get(LABEL_APP).map_or("?", String::as_str),
                if known.contains(&process) {
                    ""
                } else {
                    ", unknown to the state"
                },
            );
            let docker = self.docker.clone();
            Some(async move { engine::remove(&docker, &id).await })
        });
        futures_util::future::join_all(removals).await;
    }
}

impl Drop for Inner {
    /// Reached with containers left only when the runtime was dropped under their supervisors:
    /// remove them here (on a runtime of its own, on a thread of its own, as this may run
    /// inside the dying runtime), so that none outlives the fleet. By name, so that one whose
    /// start was under way goes too.
    fn drop(&mut self) {
        let names: Vec<String> = self
            .table
            .process_ids()
            .iter()
            .map(|id| container::name(id))
            .collect();
        if names.is_empty() {
            return;
        }
        let docker = self.docker.clone();
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(futures_util::future::join_all(
                names.iter().map(|name| engine::remove(&docker, name)),
            ));
            Ok::<_, std::io::Error>(())
        });
        if let Ok(Err(e)) = cleanup.join() {
            log::error!("cannot remove the fleet's last containers: {e}");
        }
    }
}
