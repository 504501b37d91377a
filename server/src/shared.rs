//! State shared by every connection: config, rooms, faults, counters, logger.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use parking_lot::Mutex;

use crate::config::EmulatorConfig;
use crate::error::json_message;
use crate::faults::FaultController;
use crate::logger::RequestLogger;
use crate::state::Store;
use crate::stats::{Counters, Stats};
use crate::{admin, routes};

pub(crate) struct Shared {
    pub(crate) app_id: String,
    pub(crate) token: String,
    pub(crate) store: Mutex<Store>,
    pub(crate) faults: FaultController,
    pub(crate) counters: Counters,
    pub(crate) logger: Option<RequestLogger>,
}

impl Shared {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Shared {
            app_id: config.app_id.clone(),
            token: config.token.clone(),
            store: Mutex::new(Store::new(
                &config.app_id,
                config.activation_delay,
                config.rooms_per_process,
            )),
            faults: FaultController::new(config.faults.clone(), config.drop_seed),
            counters: Counters::default(),
            logger: config.log_requests.then(RequestLogger::start),
        }
    }

    pub(crate) fn stats(&self) -> Stats {
        let rooms = self.store.lock().room_count();
        self.counters.snapshot(rooms)
    }

    /// Clear rooms, processes, statistics and faults.
    pub(crate) fn reset(&self) {
        self.store.lock().reset();
        self.counters.reset();
        self.faults.clear();
    }
}

/// The whole HTTP surface: API, admin, and JSON 404/405 for anything else.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    routes::router()
        .merge(admin::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

async fn not_found() -> Response {
    json_message(StatusCode::NOT_FOUND, "Not found")
}

async fn method_not_allowed() -> Response {
    json_message(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}
