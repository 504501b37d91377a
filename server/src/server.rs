//! The composition root: reads the TLS files, opens the state, binds (the API and the region
//! beacons), picks the fleet, recovers what the previous run left, then serves until stopped.
//! Stopping (drop, or the binary's SIGINT/SIGTERM) stops accepting, shuts the fleet down (every
//! process stopped and waited for), applies the fleet's last events, stops the beacons, and
//! returns.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Instant;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

use axum::Router;

use crate::api::{self, ApiState, Auth, Counters, FaultController, Operation, Simulated};
use crate::config::{AppConfig, ConfigError, Mode, ServerConfig};
use crate::discovery::Beacons;
use crate::fleet::simulated::{SimulatedApp, SimulatedFleet, SimulatedSettings};
use crate::fleet::{Fleet, FleetEvent, NewProcess, ProcessEnvHook};
use crate::process_tokens::{PROCESS_TOKEN_ENV, ProcessTokens};
use crate::rooms::Rooms;
use crate::store::{Store, StoreError};
use crate::telemetry::{Metrics, logger};
use crate::tls::Tls;

/// Why a server did not start.
#[derive(Debug)]
pub enum StartError {
    /// The configuration cannot run, TLS files included (the binary exits 2).
    Config(ConfigError),
    /// The state file cannot be used: damaged, newer, in use (the binary exits 2).
    State(StoreError),
    /// Binding, threads (the binary exits 1).
    Io(io::Error),
}

impl StartError {
    /// The binary's exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartError::Config(_) | StartError::State(_) => 2,
            StartError::Io(_) => 1,
        }
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Config(e) => e.fmt(f),
            StartError::State(e) => e.fmt(f),
            StartError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StartError {}

impl From<io::Error> for StartError {
    fn from(e: io::Error) -> Self {
        StartError::Io(e)
    }
}

/// What a fleet is built with.
pub struct FleetContext<'a> {
    pub config: &'a ServerConfig,
    /// The URL the API is served at, `https://` with TLS (`HATHORA_BASE_URL` unless the config
    /// names another).
    pub url: String,
    /// Where the fleet reports processes ready and ended, in order.
    pub events: UnboundedSender<FleetEvent>,
    tokens: Arc<ProcessTokens>,
    /// The API, once built (after the fleet): what a fleet's extra listeners serve.
    api: Arc<OnceLock<(Arc<ApiState>, Router)>>,
}

impl FleetContext<'_> {
    /// The variables the server adds to each new process's environment: its
    /// `HATHORA_PROCESS_TOKEN`. A fleet that starts processes passes this hook to its config's
    /// `process_env` (the local fleet's and the Docker fleet's configs take it), which calls it
    /// once per process it starts.
    pub fn process_env(&self) -> ProcessEnvHook {
        let tokens = self.tokens.clone();
        Arc::new(
            move |p: &NewProcess<'_>| match tokens.mint(p.process_id, p.app_id) {
                Ok(token) => vec![(PROCESS_TOKEN_ENV.to_owned(), token)],
                Err(e) => {
                    log::error!(
                        "process {} of app {} starts without a process token: {e}",
                        p.process_id,
                        p.app_id
                    );
                    Vec::new()
                }
            },
        )
    }
}

/// Serves the API, plain HTTP, on a listener a fleet opened (a container's own loopback), until
/// the returned sender is dropped. Called inside the server's runtime.
fn serve_extra_listener(
    api: &OnceLock<(Arc<ApiState>, Router)>,
    listener: std::net::TcpListener,
) -> oneshot::Sender<()> {
    let (stop, stopped) = oneshot::channel();
    let Some((state, router)) = api.get() else {
        // Processes start from API requests only: the API is there by then.
        log::error!("a fleet opened a listener before the API was built: not served");
        return stop;
    };
    match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => {
            tokio::spawn(api::serve(
                listener,
                state.clone(),
                router.clone(),
                None,
                stopped,
            ));
        }
        Err(e) => log::error!("cannot serve the API on a fleet's listener: {e}"),
    }
    stop
}

type MakeFleet<'a> = Box<dyn FnOnce(&FleetContext) -> Arc<dyn Fleet> + 'a>;
type Banner<'a> = Box<dyn FnOnce(&str) -> String + 'a>;

/// A running server. Dropping it stops it the way [`RoomsServer::shutdown`] does.
pub struct RoomsServer {
    addr: SocketAddr,
    url: String,
    api: Arc<ApiState>,
    tls: Option<Tls>,
    /// Stopped after the API.
    beacons: Option<Beacons>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RoomsServer {
    /// Starts serving on a background thread with its own tokio runtime (2 workers), on the
    /// fleet the config calls for. Returns once the previous run's state is recovered and the
    /// socket listens.
    pub fn start(config: ServerConfig) -> Result<RoomsServer, StartError> {
        Self::launch(config, None, None)
    }

    /// Like [`RoomsServer::start`], writing `banner(url)` to stdout (flushed) before anything
    /// is logged or served: the binary's first stdout line is the URL.
    pub fn start_with_banner(
        config: ServerConfig,
        banner: impl FnOnce(&str) -> String,
    ) -> Result<RoomsServer, StartError> {
        Self::launch(config, Some(Box::new(banner)), None)
    }

    /// Like [`RoomsServer::start`], on the fleet `make_fleet` builds (tests, other fleets).
    pub fn start_with_fleet(
        config: ServerConfig,
        make_fleet: impl FnOnce(&FleetContext) -> Arc<dyn Fleet>,
    ) -> Result<RoomsServer, StartError> {
        Self::launch(config, None, Some(Box::new(make_fleet)))
    }

    fn launch(
        config: ServerConfig,
        banner: Option<Banner>,
        make_fleet: Option<MakeFleet>,
    ) -> Result<RoomsServer, StartError> {
        config.validate().map_err(StartError::Config)?;
        if config.log_requests {
            logger::install(log::LevelFilter::Info);
        }
        let tls = match &config.tls {
            Some(files) => Some(Tls::load(files).map_err(|e| StartError::Config(ConfigError(e)))?),
            None => None,
        };
        let store = Store::open(config.state.as_deref()).map_err(StartError::State)?;
        let listener = std::net::TcpListener::bind((config.host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        let beacons = Beacons::start(&config.discovery, config.public_host())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hathora-rooms-server")
            .enable_all()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (events, events_rx) = unbounded_channel();
        let tokens = Arc::new(ProcessTokens::default());
        let api_slot = Arc::new(OnceLock::new());
        let context = FleetContext {
            config: &config,
            url: url.clone(),
            events,
            tokens: tokens.clone(),
            api: api_slot.clone(),
        };
        let Selected {
            fleet,
            simulated,
            notes,
        } = {
            // A fleet may start tasks: build it inside the runtime that runs it.
            let _guard = runtime.enter();
            match make_fleet {
                Some(make) => Selected::of(make(&context)),
                None => select_fleet(&context, &runtime)?,
            }
        };
        drop(context);
        // The fleet is built before the banner (a fleet that refuses its config exits before
        // a URL is printed); what is logged comes after it (the URL is the first line).
        if let Some(banner) = banner {
            let mut out = io::stdout().lock();
            let written = out.write_all(banner(&url).as_bytes());
            match written.and_then(|()| out.flush()) {
                // Nobody reads stdout any more: serve all the same (the log is then discarded).
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
        for note in notes {
            log::info!("{note}");
        }
        if config.mode() != Mode::Simulated {
            for app in &config.apps {
                let dir = game_server_log_dir(&config, app);
                log::info!("game server logs of app {}: {}", app.app_id, dir.display());
            }
        }

        let metrics = Arc::new(Metrics::new(&Operation::METRIC_NAMES));
        let regions: HashMap<String, Vec<String>> = config
            .apps
            .iter()
            .map(|a| (a.app_id.clone(), a.regions.clone()))
            .collect();
        let rooms = Arc::new(
            Rooms::new(
                store,
                fleet.clone(),
                tokens.clone(),
                regions,
                metrics.clone(),
            )
            .map_err(StartError::State)?,
        );
        let api = Arc::new(ApiState {
            rooms: rooms.clone(),
            auth: Auth::new(&config.apps, tokens),
            metrics,
            log_requests: config.log_requests,
            started: Instant::now(),
            ping_endpoints: beacons.endpoints().iter().map(Into::into).collect(),
            simulated: simulated.map(|fleet| Simulated {
                faults: FaultController::new(
                    config.simulated.faults.clone(),
                    config.simulated.drop_seed,
                ),
                counters: Counters::default(),
                reset_fleet: Box::new(move || fleet.reset()),
            }),
        });
        let router = api::router(api.clone());
        let _ = api_slot.set((api.clone(), router.clone()));
        let (shutdown, shutdown_rx) = oneshot::channel();
        let (ready, serving) = std::sync::mpsc::channel();
        let serve_api = api.clone();
        let acceptor = tls.as_ref().map(Tls::acceptor);
        let thread = std::thread::Builder::new()
            .name("hathora-rooms-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let (stop_events, stop_rx) = oneshot::channel();
                    let applier = tokio::spawn(apply_events(rooms.clone(), events_rx, stop_rx));
                    rooms.recover().await;
                    let _ = ready.send(());
                    api::serve(listener, serve_api, router, acceptor, shutdown_rx).await;
                    fleet.shutdown().await;
                    let _ = stop_events.send(());
                    let _ = applier.await;
                });
                // Dropping the runtime cancels every connection task.
                drop(runtime);
            })?;
        let server = RoomsServer {
            addr,
            url,
            api,
            tls,
            beacons: Some(beacons),
            shutdown: Some(shutdown),
            thread: Some(thread),
        };
        serving
            .recv()
            .map_err(|_| io::Error::other("the server thread ended while starting"))?;
        Ok(server)
    }

    /// `http://HOST:PORT`, e.g. `http://127.0.0.1:41234`; `https://` with TLS.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Stops serving, shuts the fleet down (every process stopped), and waits for it.
    pub fn shutdown(self) {
        drop(self);
    }

    /// Reads the TLS certificate and key files again: new connections use them when both are
    /// good; otherwise nothing changes and the error says why. An error too without TLS.
    pub fn reload_tls(&self) -> Result<(), String> {
        match &self.tls {
            Some(tls) => tls.reload(),
            None => Err("the server serves plain HTTP: there is no certificate to reload".into()),
        }
    }

    pub(crate) fn api(&self) -> &ApiState {
        &self.api
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.beacons.take();
        logger::flush();
    }
}

impl Drop for RoomsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for RoomsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomsServer")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

/// Applies the fleet's events one at a time, in order, until told to stop; then applies what
/// is still queued (the fleet's shutdown sent its processes' ends before it returned).
async fn apply_events(
    rooms: Arc<Rooms>,
    mut events: UnboundedReceiver<FleetEvent>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            biased;
            event = events.recv() => match event {
                Some(event) => rooms.apply(event),
                None => return,
            },
            _ = &mut stop => {
                while let Ok(event) = events.try_recv() {
                    rooms.apply(event);
                }
                return;
            }
        }
    }
}

/// The fleet, the simulated fleet again when it is that one (for its admin endpoints), and
/// what to log about it once the banner is out.
struct Selected {
    fleet: Arc<dyn Fleet>,
    simulated: Option<Arc<SimulatedFleet>>,
    notes: Vec<String>,
}

impl Selected {
    fn of(fleet: Arc<dyn Fleet>) -> Self {
        Selected {
            fleet,
            simulated: None,
            notes: Vec::new(),
        }
    }
}

/// ─── Fleet selection point ───────────────────────────────────────────────────────────────
/// The one place that decides where rooms run: apps with a command run real game servers as
/// child processes of this machine (`fleet/local/`), apps with an image as containers on this
/// host's Docker Engine (`fleet/docker/`), apps without either the simulated fleet. Another
/// fleet (Agones) is chosen here too.
fn select_fleet(
    context: &FleetContext,
    runtime: &tokio::runtime::Runtime,
) -> Result<Selected, StartError> {
    let config = context.config;
    match config.mode() {
        Mode::Simulated => {
            let settings = simulated_settings(config);
            let fleet = Arc::new(SimulatedFleet::new(settings, context.events.clone()));
            Ok(Selected {
                fleet: fleet.clone(),
                simulated: Some(fleet),
                notes: Vec::new(),
            })
        }
        Mode::Local => Ok(Selected::of(local_fleet(context)?)),
        Mode::Docker => docker_fleet(context, runtime),
    }
}

#[cfg(unix)]
fn local_fleet(context: &FleetContext) -> Result<Arc<dyn Fleet>, StartError> {
    use crate::fleet::local::{AdditionalPort, LocalApp, LocalFleet, LocalFleetConfig};
    let config = context.config;
    let base_url = config
        .base_url
        .clone()
        .unwrap_or_else(|| context.url.clone());
    let mut local = LocalFleetConfig::new(base_url);
    local.port_range = config.port_range.0..=config.port_range.1;
    local.public_host = config.public_host().to_string();
    local.max_processes = config.max_processes.unwrap_or(usize::MAX);
    local.process_env = Some(context.process_env());
    for app in &config.apps {
        let Some(command) = &app.command else {
            return Err(StartError::Config(ConfigError(format!(
                "app {:?} has no command, and other apps run real game servers",
                app.app_id
            ))));
        };
        let log_dir = game_server_log_dir(config, app);
        let mut l = LocalApp::new(&app.app_id, &command.program, log_dir);
        l.args = command.args.clone();
        l.env = app
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        l.rooms_per_process = u32::try_from(app.rooms_per_process).unwrap_or(u32::MAX);
        l.transport = app.transport;
        l.additional_ports = app
            .additional_ports
            .iter()
            .map(|p| AdditionalPort {
                name: p.name.clone(),
                transport: p.transport,
            })
            .collect();
        l.max_processes = app.max_processes.unwrap_or(usize::MAX);
        l.startup_timeout = app.startup_timeout;
        l.idle_timeout = app.idle_timeout;
        l.stop_grace = app.stop_grace;
        l.deployment_id = app.deployment_id.clone();
        l.build_tag = app.build_tag.clone();
        l.log_max_bytes = app.log_max_bytes;
        local.apps.push(l);
    }
    let fleet = LocalFleet::new(local, context.events.clone())
        .map_err(|e| StartError::Config(ConfigError(e)))?;
    Ok(Arc::new(fleet))
}

#[cfg(not(unix))]
fn local_fleet(_context: &FleetContext) -> Result<Arc<dyn Fleet>, StartError> {
    Err(StartError::Config(ConfigError(
        "running game servers as child processes needs a Unix system".into(),
    )))
}

/// Containers of each app's image on this host's Docker Engine, connected (and the images
/// there) before the banner; `recover` later removes what a previous run of this instance left.
#[cfg(target_os = "linux")]
fn docker_fleet(
    context: &FleetContext,
    runtime: &tokio::runtime::Runtime,
) -> Result<Selected, StartError> {
    use crate::fleet::docker::{
        ContainerPort, DockerApp, DockerFleet, DockerFleetConfig, LoopbackApi, PullPolicy,
    };
    let config = context.config;
    let refuse = |m: String| StartError::Config(ConfigError(m));
    let instance_id = crate::config::instance_id(config);
    let mut docker = DockerFleetConfig::new(
        instance_id.clone(),
        config.base_url.clone().unwrap_or_default(),
    );
    docker.port_range = config.port_range.0..=config.port_range.1;
    docker.public_host = config.public_host().to_string();
    docker.max_processes = config.max_processes.unwrap_or(usize::MAX);
    docker.publish_address = config.docker.publish_address;
    docker.engine = config.docker.engine.clone();
    docker.process_env = Some(context.process_env());
    if config.base_url.is_none() {
        let api = context.api.clone();
        docker.loopback_api = Some(LoopbackApi {
            port: config.docker.api_port,
            serve: Arc::new(move |listener| serve_extra_listener(&api, listener)),
        });
    }
    for app in &config.apps {
        let image = app
            .container
            .as_ref()
            .ok_or_else(|| refuse(format!("app {:?} has no image", app.app_id)))?;
        let port_of = |name: &str| {
            image.additional_ports.get(name).copied().ok_or_else(|| {
                refuse(format!(
                    "app {:?}: additional port {name:?} has no container port",
                    app.app_id
                ))
            })
        };
        let mut d = DockerApp::new(
            &app.app_id,
            &image.image,
            image.container_port.unwrap_or(0),
            game_server_log_dir(config, app),
        );
        d.transport = app.transport;
        d.additional_ports = app
            .additional_ports
            .iter()
            .map(|p| {
                Ok(ContainerPort {
                    name: p.name.clone(),
                    container_port: port_of(&p.name)?,
                    transport: p.transport,
                })
            })
            .collect::<Result<_, StartError>>()?;
        d.cpus = image.cpus;
        d.memory_bytes = image.memory_bytes;
        d.pull = match image.pull {
            crate::config::PullPolicy::Missing => PullPolicy::Missing,
            crate::config::PullPolicy::Never => PullPolicy::Never,
        };
        d.env = app
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        d.rooms_per_process = u32::try_from(app.rooms_per_process).unwrap_or(u32::MAX);
        d.max_processes = app.max_processes.unwrap_or(usize::MAX);
        d.startup_timeout = app.startup_timeout;
        d.idle_timeout = app.idle_timeout;
        d.stop_grace = app.stop_grace;
        d.deployment_id = app.deployment_id.clone();
        d.build_tag = app.build_tag.clone();
        d.log_max_bytes = app.log_max_bytes;
        docker.apps.push(d);
    }
    let fleet = runtime
        .block_on(DockerFleet::connect(docker, context.events.clone()))
        .map_err(refuse)?;
    let mut notes = fleet.started_with().to_vec();
    notes.push(format!(
        "containers: instance id {instance_id}; game servers reach the API at {}",
        fleet.base_url()
    ));
    Ok(Selected {
        fleet: Arc::new(fleet),
        simulated: None,
        notes,
    })
}

#[cfg(not(target_os = "linux"))]
fn docker_fleet(
    _context: &FleetContext,
    _runtime: &tokio::runtime::Runtime,
) -> Result<Selected, StartError> {
    Err(StartError::Config(ConfigError(
        "running game servers as containers needs Linux".into(),
    )))
}

/// Where an app's game-server logs go: its `log_dir`, else `logs/APP` beside the state file, or
/// under the temporary directory without one.
fn game_server_log_dir(config: &ServerConfig, app: &AppConfig) -> std::path::PathBuf {
    if let Some(dir) = &app.log_dir {
        return dir.clone();
    }
    let base = match &config.state {
        Some(state) => std::path::absolute(state)
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("logs")))
            .unwrap_or_else(|| "logs".into()),
        None => std::env::temp_dir()
            .join("hathora-rooms-server")
            .join("logs"),
    };
    base.join(&app.app_id)
}

fn simulated_settings(config: &ServerConfig) -> SimulatedSettings {
    SimulatedSettings {
        activation_delay: config.simulated.activation_delay,
        public_host: config.public_host().to_string(),
        max_processes: config.max_processes,
        apps: config
            .apps
            .iter()
            .map(|a| SimulatedApp {
                app_id: a.app_id.clone(),
                rooms_per_process: a.rooms_per_process,
                max_processes: a.max_processes,
                transport: a.transport,
                additional_ports: a
                    .additional_ports
                    .iter()
                    .map(|p| (p.name.clone(), p.transport))
                    .collect(),
            })
            .collect(),
    }
}
