//! The simulated mode's admin endpoints under `/_emulator/` (JSON, no auth, never faulted, never
//! counted). Not routed when real game servers run.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::{ApiState, Simulated};

pub(super) fn router() -> Router<Arc<ApiState>> {
    Router::new()
        .route(
            "/_emulator/faults",
            post(set_faults).delete(clear_faults).get(get_faults),
        )
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/reset", post(reset))
}

/// Body of `POST /_emulator/faults`; every field optional, fields combinable.
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultRequest {
    status: Option<u16>,
    count: Option<u32>,
    retry_after: Option<serde_json::Value>,
    drop: Option<u32>,
    drop_after_commit: Option<u32>,
    garbage: Option<u32>,
    latency_ms: Option<u64>,
    drop_rate: Option<f64>,
    seed: Option<u64>,
}

/// The simulated mode's parts (the router only has these routes in that mode).
fn sim(s: &ApiState) -> &Simulated {
    s.simulated
        .as_ref()
        .expect("admin routes exist in the simulated mode only")
}

async fn set_faults(State(s): State<Arc<ApiState>>, body: Bytes) -> Result<Response, ApiError> {
    let req: FaultRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Invalid fault request: {e}")))?;
    if let Some(status) = req.status
        && !(100..=599).contains(&status)
    {
        return Err(ApiError::unprocessable("status must be 100..=599"));
    }
    if let Some(rate) = req.drop_rate
        && !(0.0..=1.0).contains(&rate)
    {
        return Err(ApiError::unprocessable("dropRate must be within 0..=1"));
    }
    let retry_after = match req.retry_after {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(v)) => Some(v),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "retryAfter must be a string or number",
            ));
        }
    };
    let f = &sim(&s).faults;
    if let Some(seed) = req.seed {
        f.set_drop_seed(seed);
    }
    if let Some(status) = req.status {
        f.fail_next_status(status, req.count.unwrap_or(1), retry_after);
    }
    if let Some(n) = req.drop {
        f.drop_next(n);
    }
    if let Some(n) = req.drop_after_commit {
        f.drop_after_commit(n);
    }
    if let Some(n) = req.garbage {
        f.garbage_next(n);
    }
    if let Some(ms) = req.latency_ms {
        f.set_latency(Duration::from_millis(ms));
    }
    if let Some(rate) = req.drop_rate {
        f.set_drop_rate(rate);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn clear_faults(State(s): State<Arc<ApiState>>) -> StatusCode {
    sim(&s).faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FaultView {
    status: u16,
    count: u32,
    retry_after: Option<String>,
    drop: u32,
    drop_after_commit: u32,
    garbage: u32,
    latency_ms: u128,
    drop_rate: f64,
}

/// What is still armed (handy when debugging a test).
async fn get_faults(State(s): State<Arc<ApiState>>) -> Json<FaultView> {
    let p = sim(&s).faults.plan();
    Json(FaultView {
        status: p.fail_status,
        count: p.fail_count,
        retry_after: p.retry_after,
        drop: p.drop_next,
        drop_after_commit: p.drop_after_commit,
        garbage: p.garbage_next,
        latency_ms: p.latency.as_millis(),
        drop_rate: p.drop_rate,
    })
}

async fn stats(State(s): State<Arc<ApiState>>) -> Response {
    Json(s.stats()).into_response()
}

async fn reset(State(s): State<Arc<ApiState>>) -> Result<StatusCode, ApiError> {
    s.reset()?;
    Ok(StatusCode::NO_CONTENT)
}
