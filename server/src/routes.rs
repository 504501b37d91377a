//! Handlers of the nine RoomsV2 operations (`/rooms/v2/{appId}/...`).
//!
//! Checks run in this order: bearer token (401, skipped for connectioninfo), app id (404),
//! request body (400 for CreateRoom, 422 for UpdateRoomConfig, which declares no 400), field
//! validation (422), then the room / process itself (404; a taken roomId 422, resuming a room
//! that is not suspended 400). Every error status is one the operation declares.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::ids::valid_room_id;
use crate::shared::Shared;
use crate::wire::{self, CreateRoomParams, MAX_ROOM_CONFIG_CHARS, REGIONS, UpdateRoomConfigParams};

type S = State<Arc<Shared>>;
type ApiResult = Result<Response, ApiError>;

pub(crate) fn router() -> Router<Arc<Shared>> {
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

fn check_app(s: &Shared, app_id: &str) -> Result<(), ApiError> {
    if app_id == s.app_id {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("App {app_id} not found")))
    }
}

/// 401 unless `Authorization: Bearer <token>` matches, then 404 for an unknown app.
fn authorize(s: &Shared, headers: &HeaderMap, app_id: &str) -> Result<(), ApiError> {
    let ok = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && token.trim() == s.token
        });
    if !ok {
        return Err(ApiError::unauthorized());
    }
    check_app(s, app_id)
}

/// A body that does not parse is 400 where the operation declares 400 (CreateRoom), else 422
/// (UpdateRoomConfig declares no 400): an undeclared status would reach the official SDKs'
/// callers as a generic SDKError instead of ApiError.
fn parse_body<T: DeserializeOwned>(body: &Bytes, status: StatusCode) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::new(status, format!("Invalid request body: {e}")))
}

fn check_room_config(config: &str) -> Result<(), ApiError> {
    let chars = config.chars().count();
    if chars > MAX_ROOM_CONFIG_CHARS {
        return Err(ApiError::unprocessable(format!(
            "roomConfig is {chars} characters long, at most {MAX_ROOM_CONFIG_CHARS} are allowed"
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
    if !valid_room_id(&id) {
        return Err(ApiError::unprocessable(
            "roomId must be 1 to 100 characters of [a-zA-Z0-9_-]",
        ));
    }
    Ok(Some(id.into_owned()))
}

async fn create(
    State(s): S,
    headers: HeaderMap,
    Path(app_id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
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
    let data = s
        .store
        .lock()
        .create(room_id, &params.region, params.room_config)?;
    Ok((StatusCode::CREATED, Json(data)).into_response())
}

async fn info(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    let room: wire::Room = s.store.lock().info(&room_id)?;
    Ok(Json(room).into_response())
}

async fn list_active(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, process_id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    let rooms = s.store.lock().list(&process_id, true)?;
    Ok(Json(rooms).into_response())
}

async fn list_inactive(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, process_id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    let rooms = s.store.lock().list(&process_id, false)?;
    Ok(Json(rooms).into_response())
}

async fn destroy(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    s.store.lock().destroy(&room_id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn suspend(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    s.store.lock().suspend(&room_id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn resume(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    let data = s.store.lock().resume(&room_id)?;
    Ok(Json(data).into_response())
}

/// No credential needed: game clients call this one.
async fn connection_info(
    State(s): S,
    Path((app_id, room_id)): Path<(String, String)>,
) -> ApiResult {
    check_app(&s, &app_id)?;
    let info = s.store.lock().connection_info(&room_id)?;
    Ok(Json(info).into_response())
}

async fn update(
    State(s): S,
    headers: HeaderMap,
    Path((app_id, room_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    authorize(&s, &headers, &app_id)?;
    let params: UpdateRoomConfigParams = parse_body(&body, StatusCode::UNPROCESSABLE_ENTITY)?;
    check_room_config(&params.room_config)?;
    s.store.lock().update(&room_id, params.room_config)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
