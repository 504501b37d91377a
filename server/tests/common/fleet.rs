//! A scripted [`Fleet`] for tests: each `place()` follows the next [`Step`] the test queued
//! (which process, ready or pending, an error, events to send first, a gate to wait at), and
//! the test sends `Ready` / `Exited` events when it wants. Every call is recorded. A process it
//! starts gets its process token from the server's `process_env` hook, as a real fleet's would.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use hathora_rooms_server::config::AppConfig;
use hathora_rooms_server::fleet::{
    BoxFuture, Endpoints, ExitCause, Fleet, FleetError, FleetEvent, KnownProcess, NewProcess,
    PlaceRoom, Placement, PortInfo, ProcessEnvHook, Readiness, Transport,
};
use hathora_rooms_server::{PROCESS_TOKEN_ENV, RoomsServer, ServerConfig, Token};
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

/// What one `place()` does.
pub struct Step {
    outcome: Result<(String, bool), FleetError>,
    /// Events sent before `place()` returns.
    first: Vec<FleetEvent>,
    /// `place()` waits here (after sending `first`) until the test opens it.
    gate: Option<Arc<Notify>>,
}

impl Step {
    /// On `process` (new unless already placed on), starting: a Ready event must follow.
    pub fn pending(process: &str) -> Step {
        Step::on(process, false)
    }

    /// On `process`, ready at once.
    pub fn ready(process: &str) -> Step {
        Step::on(process, true)
    }

    fn on(process: &str, ready: bool) -> Step {
        Step {
            outcome: Ok((process.to_string(), ready)),
            first: Vec::new(),
            gate: None,
        }
    }

    pub fn fails(error: FleetError) -> Step {
        Step {
            outcome: Err(error),
            first: Vec::new(),
            gate: None,
        }
    }

    /// Sends `event` before returning the placement.
    pub fn sending_first(mut self, event: FleetEvent) -> Step {
        self.first.push(event);
        self
    }

    /// Waits at `gate` before returning.
    pub fn gated(mut self, gate: Arc<Notify>) -> Step {
        self.gate = Some(gate);
        self
    }
}

#[derive(Default)]
struct Inner {
    steps: VecDeque<Step>,
    started: Vec<String>,
    places: Vec<PlaceRoom>,
    releases: Vec<(String, String)>,
    recovered: Vec<KnownProcess>,
    shutdowns: usize,
    /// Its processes outlive the server: `shutdown` ends none.
    outlive_server: bool,
    /// The environment the hook gave each process started.
    tokens: HashMap<String, String>,
}

pub struct TestFleet {
    events: UnboundedSender<FleetEvent>,
    /// What `recover()` reports alive.
    alive: Vec<String>,
    process_env: ProcessEnvHook,
    inner: Mutex<Inner>,
}

/// Where process `p` is reached: `game.test`, port from its name, one additional UDP port.
pub fn endpoints(process: &str) -> Endpoints {
    let port = 9000 + process.bytes().map(u16::from).sum::<u16>() % 1000;
    let info = |name: &str, transport, port| PortInfo {
        name: name.to_string(),
        transport,
        host: "game.test".to_string(),
        port,
    };
    Endpoints {
        default: info("default", Transport::Tcp, port),
        additional: vec![info("voice", Transport::Udp, port + 1000)],
    }
}

impl TestFleet {
    pub fn script(&self, step: Step) {
        self.inner.lock().unwrap().steps.push_back(step);
    }

    pub fn ready(&self, process: &str) {
        self.send(FleetEvent::Ready {
            process_id: process.to_string(),
            endpoints: endpoints(process),
        });
    }

    pub fn exited(&self, process: &str, cause: ExitCause) {
        self.send(FleetEvent::Exited {
            process_id: process.to_string(),
            cause,
        });
    }

    fn send(&self, event: FleetEvent) {
        self.events.send(event).expect("the server applies events");
    }

    pub fn places(&self) -> Vec<PlaceRoom> {
        self.inner.lock().unwrap().places.clone()
    }

    pub fn releases(&self) -> Vec<(String, String)> {
        self.inner.lock().unwrap().releases.clone()
    }

    pub fn recovered(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .inner
            .lock()
            .unwrap()
            .recovered
            .iter()
            .map(|p| p.process_id.clone())
            .collect();
        ids.sort();
        ids
    }

    pub fn shutdowns(&self) -> usize {
        self.inner.lock().unwrap().shutdowns
    }

    /// From now on its processes outlive the server, as containers or Agones game servers
    /// could: `shutdown` reports no end, and the state keeps them live for the next run.
    pub fn processes_outlive_the_server(&self) {
        self.inner.lock().unwrap().outlive_server = true;
    }

    /// The `HATHORA_PROCESS_TOKEN` the server gave `process` when this fleet started it.
    pub fn token(&self, process: &str) -> String {
        self.inner.lock().unwrap().tokens[process].clone()
    }
}

impl Fleet for TestFleet {
    fn place(&self, room: PlaceRoom) -> BoxFuture<'_, Result<Placement, FleetError>> {
        let step = {
            let mut inner = self.inner.lock().unwrap();
            inner.places.push(room.clone());
            inner
                .steps
                .pop_front()
                .unwrap_or_else(|| panic!("no step scripted for placing {}", room.room_id))
        };
        Box::pin(async move {
            for event in step.first {
                self.send(event);
            }
            if let Some(gate) = step.gate {
                gate.notified().await;
            }
            let (process_id, ready) = step.outcome?;
            let started = {
                let mut inner = self.inner.lock().unwrap();
                let new = !inner.started.contains(&process_id);
                if new {
                    inner.started.push(process_id.clone());
                    let env = (self.process_env)(&NewProcess {
                        process_id: &process_id,
                        app_id: &room.app_id,
                        region: &room.region,
                    });
                    let token = env
                        .into_iter()
                        .find(|(k, _)| k == PROCESS_TOKEN_ENV)
                        .map(|(_, v)| v)
                        .expect("the hook gives each process its token");
                    inner.tokens.insert(process_id.clone(), token);
                }
                new
            };
            let readiness = if ready {
                Readiness::Ready(endpoints(&process_id))
            } else {
                Readiness::Pending
            };
            Ok(Placement {
                process_id,
                started,
                readiness,
            })
        })
    }

    fn release(&self, process_id: &str, room_id: &str) {
        self.inner
            .lock()
            .unwrap()
            .releases
            .push((process_id.to_string(), room_id.to_string()));
    }

    fn recover(&self, previous: Vec<KnownProcess>) -> BoxFuture<'_, Vec<String>> {
        let alive: Vec<String> = previous
            .iter()
            .filter(|p| self.alive.contains(&p.process_id))
            .map(|p| p.process_id.clone())
            .collect();
        self.inner.lock().unwrap().recovered = previous;
        Box::pin(async move { alive })
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        let started = {
            let mut inner = self.inner.lock().unwrap();
            inner.shutdowns += 1;
            if inner.outlive_server {
                Vec::new()
            } else {
                std::mem::take(&mut inner.started)
            }
        };
        for process_id in started {
            let _ = self.events.send(FleetEvent::Exited {
                process_id,
                cause: ExitCause::Shutdown,
            });
        }
        Box::pin(async {})
    }
}

/// One app `app-test` (token `test-token`) in the simulated mode's config, run on a TestFleet.
pub fn test_config() -> ServerConfig {
    ServerConfig {
        apps: vec![AppConfig::new("app-test", vec![Token::new("test-token")])],
        ..ServerConfig::default()
    }
}

/// Starts a server on a new TestFleet (`alive`: what its `recover()` reports alive).
pub fn start(config: ServerConfig, alive: &[&str]) -> (RoomsServer, Arc<TestFleet>) {
    let mut fleet = None;
    let server = RoomsServer::start_with_fleet(config, |ctx| {
        let f = Arc::new(TestFleet {
            events: ctx.events.clone(),
            alive: alive.iter().map(|s| s.to_string()).collect(),
            process_env: ctx.process_env(),
            inner: Mutex::new(Inner::default()),
        });
        fleet = Some(f.clone());
        f
    })
    .expect("server starts");
    (server, fleet.expect("the fleet was built"))
}
