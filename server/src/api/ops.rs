//! For operators: `GET /healthz` (liveness and a few counts, JSON) and `GET /metrics`
//! (Prometheus text format). No token: bind the server to an address only operators reach, or
//! put a proxy in front, if these counts are not for everyone.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Serialize;

use super::ApiState;

pub(super) fn router() -> Router<Arc<ApiState>> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    ok: bool,
    uptime_seconds: u64,
    /// Rooms not destroyed (scheduling, active, suspended).
    rooms: u64,
    /// Processes that have not ended.
    processes: u64,
}

async fn healthz(State(s): State<Arc<ApiState>>) -> Json<Health> {
    let census = s.rooms.census();
    let count = |pairs: &[(&str, u64)], skip: &str| {
        pairs
            .iter()
            .filter(|(k, _)| *k != skip)
            .map(|(_, n)| n)
            .sum()
    };
    Json(Health {
        ok: true,
        uptime_seconds: s.started.elapsed().as_secs(),
        rooms: count(&census.rooms, "destroyed"),
        processes: count(&census.processes, ""),
    })
}

async fn metrics(State(s): State<Arc<ApiState>>) -> Response {
    let text = s
        .metrics
        .render(&s.rooms.census(), s.started.elapsed().as_secs_f64());
    let mut resp = text.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}
