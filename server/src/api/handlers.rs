//! Handlers of the nine RoomsV2 operations (`/rooms/v2/{appId}/...`).
//!
//! Checks run in this order: bearer token (401, skipped for connectioninfo), app id (404), what
//! a process token allows (401 for an operation or a process list it does not allow), request
//! body (400 for CreateRoom, 422 for UpdateRoomConfig, which declares no 400), field
//! validation (422), then the room / process itself (404; a taken roomId 422, resuming a room
//! that is not suspended 400; no capacity 429, a game server that cannot start 500). Every
//! error status is one the operation declares.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;

use super::ApiState;
use super::error::ApiError;
use super::wire::{self, CreateRoomParams, MAX_ROOM_CONFIG_CHARS, REGIONS, UpdateRoomConfigParams};
use crate::ids::valid_name;
use crate::rooms::{Placed, RoomsError};

type S = State<Arc<ApiState>>;
type ApiResult = Result<Response, ApiError>;

pub(super) fn router() -> Router<Arc<ApiState>> {
    Router::new()
        .route("/rooms/v2/{app_id}/create", post(create))
        .route("/rooms/v2/{app_id}/info/{room_id}", get(info))
        .route(
            "/rooms/v2/{app_id}/list/{process_id}/active",
            get(list_active),
        )
        .route(
            "/rooms/v2/{app_id}/list/{process_id}/inactive",
            get(list_inactive),
        )
        .route("/rooms/v2/{app_id}/destroy/{room_id}", post(destroy))
        .route("/rooms/v2/{app_id}/suspend/{room_id}", post(suspend))
        .route("/rooms/v2/{app_id}/resume/{room_id}", post(resume))
        .route(
            "/rooms/v2/{app_id}/connectioninfo/{room_id}",
            get(connection_info),
        )
        .route("/rooms/v2/{app_id}/update/{room_id}", post(update))
}

/// A body that does not parse is 400 where the operation declares 400 (CreateRoom), else 422
/// (UpdateRoomConfig declares no 400): an undeclared status would reach the official SDKs'
/// callers as a generic SDKError instead of ApiError.
fn parse_body<T: DeserializeOwned>(body: &Bytes, status: StatusCode) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::new(status, format!("Invalid request body: {e}")))
}

/// At most 10,000 characters, and no NUL: a room config becomes a game server's
/// `HATHORA_INITIAL_ROOM_CONFIG`, and no process environment can hold a NUL. Refused in the
/// simulated mode too, so that what works there works with real game servers.
fn check_room_config(config: &str) -> Result<(), ApiError> {
    let chars = config.chars().count();
    if chars > MAX_ROOM_CONFIG_CHARS {
        return Err(ApiError::unprocessable(format!(
            "roomConfig is {chars} characters long, at most {MAX_ROOM_CONFIG_CHARS} are allowed"
        )));
    }
    if let Some(at) = config.chars().position(|c| c == '\0') {
        return Err(ApiError::unprocessable(format!(
            "roomConfig contains a NUL character (at character {at}), which cannot reach a game server: it travels in the HATHORA_INITIAL_ROOM_CONFIG environment variable"
        )));
    }
    Ok(())
}

/// The optional `?roomId=` of CreateRoom; present but invalid (including empty) is a 422.
fn query_room_id(query: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(query) = query else {
        return Ok(None);
    };
    let Some((_, id)) = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "roomId")
    else {
        return Ok(None);
    };
    if !valid_name(&id, 100) {
        return Err(ApiError::unprocessable(
            "roomId must be 1 to 100 characters of [a-zA-Z0-9_-]",
        ));
    }
    Ok(Some(id.into_owned()))
}

/// Runs a placement to its end on its own task: a client that hangs up must not cancel it
/// halfway (a process started, its room not recorded).
async fn detached<F>(placement: F) -> Result<Placed, ApiError>
where
    F: Future<Output = Result<Placed, RoomsError>> + Send + 'static,
{
    match tokio::spawn(placement).await {
        Ok(placed) => Ok(placed?),
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the placement failed: {e}"),
        )),
    }
}

async fn create(
    State(s): S,
    headers: HeaderMap,
    Path(app_id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> ApiResult {
    s.auth
        .authorize(&headers, &app_id)?
        .app_only("CreateRoom")?;
    let params: CreateRoomParams = parse_body(&body, StatusCode::BAD_REQUEST)?;
    let room_id = query_room_id(query.as_deref())?;
    if !REGIONS.contains(&params.region.as_str()) {
        return Err(ApiError::unprocessable(format!(
            "Invalid region: {}",
            params.region
        )));
    }
    if let Some(config) = &params.room_config {
        check_room_config(config)?;
    }
    let rooms = s.rooms.clone();
    let placed = detached(async move {
        rooms
            .create(&app_id, room_id, &params.region, params.room_config)
            .await
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::RoomConnectionData::from(placed)),
    )
        .into_response())
}

async fn info(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    let caller = s.auth.authorize(&headers, &app_id)?;
    let room = s.rooms.info(&app_id, &room_id, caller.scope())?;
    Ok(Json(wire::Room::from(room)).into_response())
}

async fn list(
    s: &ApiState,
    headers: &HeaderMap,
    app_id: &str,
    process_id: &str,
    active: bool,
) -> ApiResult {
    let operation = if active {
        "GetActiveRoomsForProcess"
    } else {
        "GetInactiveRoomsForProcess"
    };
    s.auth
        .authorize(headers, app_id)?
        .lists_of(process_id, operation)?;
    let rooms: Vec<wire::RoomWithoutAllocations> = s
        .rooms
        .list(app_id, process_id, active)?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(rooms).into_response())
}

async fn list_active(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, process_id)): Path<(String, String)>,
) -> ApiResult {
    list(&s, &headers, &app_id, &process_id, true).await
}

async fn list_inactive(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, process_id)): Path<(String, String)>,
) -> ApiResult {
    list(&s, &headers, &app_id, &process_id, false).await
}

async fn destroy(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    let caller = s.auth.authorize(&headers, &app_id)?;
    s.rooms.destroy(&app_id, &room_id, caller.scope())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn suspend(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    s.auth
        .authorize(&headers, &app_id)?
        .app_only("SuspendRoomV2Deprecated")?;
    s.rooms.suspend(&app_id, &room_id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn resume(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    s.auth
        .authorize(&headers, &app_id)?
        .app_only("ResumeRoom")?;
    let rooms = s.rooms.clone();
    let placed = detached(async move { rooms.resume(&app_id, &room_id).await }).await?;
    Ok(Json(wire::RoomConnectionData::from(placed)).into_response())
}

/// No credential needed: game clients call this one. An `Authorization` header, well formed or
/// not, valid or not, is not looked at.
async fn connection_info(
    State(s): S,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    s.auth.check_app(&app_id)?;
    let info = s.rooms.connection_info(&app_id, &room_id)?;
    Ok(Json(wire::ConnectionInfoV2::from(info)).into_response())
}

async fn update(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let caller = s.auth.authorize(&headers, &app_id)?;
    let params: UpdateRoomConfigParams = parse_body(&body, StatusCode::UNPROCESSABLE_ENTITY)?;
    check_room_config(&params.room_config)?;
    s.rooms
        .update(&app_id, &room_id, params.room_config, caller.scope())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
