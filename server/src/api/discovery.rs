//! DiscoveryV2 `GET /discovery/v2/ping`: the regions this server serves and the UDP echo
//! beacon of each (`[{"region", "host", "port"}]`; `[]` without beacons). No token: players
//! call it before they have anything, as on Hathora.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::ApiState;
use super::wire::PingEndpoint;

pub(super) fn router() -> Router<Arc<ApiState>> {
    Router::new().route("/discovery/v2/ping", get(ping_endpoints))
}

async fn ping_endpoints(State(s): State<Arc<ApiState>>) -> Json<Vec<PingEndpoint>> {
    Json(s.ping_endpoints.clone())
}
