//! The HTTP layer: the nine RoomsV2 operations, auth (dev and process tokens), errors, wire
//! types, the request log and metrics, `/healthz` and `/metrics`, DiscoveryV2's
//! `/discovery/v2/ping`, serving over TLS or not, and (simulated mode only) the `/_emulator`
//! admin endpoints and fault injection. It knows rooms, never processes: everything about where
//! a room runs comes from the rooms layer (a process token only names its process).

mod admin;
mod auth;
mod discovery;
mod error;
mod faults;
mod handlers;
mod ops;
mod serve;
mod stats;
pub(crate) mod wire;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;

pub use faults::FaultController;
pub use stats::Stats;
pub use wire::{READY_STATUSES, REGIONS, ROOM_STATUSES, TRANSPORT_TYPES};

pub(crate) use auth::Auth;
pub(crate) use serve::serve;
pub(crate) use stats::{Counters, Operation};

use crate::rooms::Rooms;
use crate::telemetry::Metrics;
use error::{ApiError, json_message};

/// What every request handler shares.
pub(crate) struct ApiState {
    pub(crate) rooms: Arc<Rooms>,
    pub(crate) auth: Auth,
    pub(crate) metrics: Arc<Metrics>,
    /// One log line per request.
    pub(crate) log_requests: bool,
    pub(crate) started: Instant,
    /// The `/discovery/v2/ping` answer.
    pub(crate) ping_endpoints: Vec<wire::PingEndpoint>,
    /// The simulated mode's admin endpoints, faults and statistics; `None` with real game
    /// servers.
    pub(crate) simulated: Option<Simulated>,
}

pub(crate) struct Simulated {
    pub(crate) faults: FaultController,
    pub(crate) counters: Counters,
    /// Forgets the simulated fleet's processes (part of `/_emulator/reset`).
    pub(crate) reset_fleet: Box<dyn Fn() + Send + Sync>,
}

impl ApiState {
    pub(crate) fn stats(&self) -> Stats {
        let rooms = self.rooms.room_count();
        match &self.simulated {
            Some(sim) => sim.counters.snapshot(rooms),
            None => Counters::default().snapshot(rooms),
        }
    }

    /// Clears rooms, processes, statistics and faults (simulated mode).
    pub(crate) fn reset(&self) -> Result<(), ApiError> {
        if let Some(sim) = &self.simulated {
            self.rooms.reset()?;
            (sim.reset_fleet)();
            sim.counters.reset();
            sim.faults.clear();
        }
        Ok(())
    }
}

/// The whole HTTP surface: API, operations, the simulated mode's admin, and JSON 404/405 for
/// anything else.
pub(crate) fn router(state: Arc<ApiState>) -> Router {
    let mut router = handlers::router()
        .merge(ops::router())
        .merge(discovery::router());
    if state.simulated.is_some() {
        router = router.merge(admin::router());
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found() -> Response {
    json_message(StatusCode::NOT_FOUND, "Not found")
}

async fn method_not_allowed() -> Response {
    json_message(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}
