//! `ApiError`: every error the server answers is `{"message": "..."}` as application/json, with
//! a status the operation declares in the contract (the official SDKs raise `ApiError` for a
//! declared status, a generic `SDKError` for any other).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::rooms::RoomsError;

/// Seconds a client waits before retrying a CreateRoom or ResumeRoom refused for capacity.
pub(crate) const CAPACITY_RETRY_AFTER_SECS: &str = "5";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) retry_after: Option<&'static str>,
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: missing or invalid bearer token",
        )
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub(crate) fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
    pub(crate) fn app_not_found(app_id: &str) -> Self {
        Self::not_found(format!("App {app_id} not found"))
    }
}

impl From<RoomsError> for ApiError {
    fn from(e: RoomsError) -> Self {
        match e {
            RoomsError::RoomNotFound(id) => Self::not_found(format!("Room {id} not found")),
            RoomsError::ProcessNotFound(id) => Self::not_found(format!("Process {id} not found")),
            // 422, not 409: 409 is not declared for CreateRoom (see README "Statuses the
            // contract leaves open"); "already exists" is what the library's lost-response
            // recovery recognises.
            RoomsError::RoomIdTaken(id) => Self::unprocessable(format!(
                "roomId {id} is taken: a room with this id already exists"
            )),
            RoomsError::NotSuspended(id) => Self::bad_request(format!(
                "Room {id} is not suspended: only a suspended room can be resumed"
            )),
            RoomsError::RegionNotServed { app_id, region } => {
                Self::unprocessable(format!("App {app_id} does not serve region {region}"))
            }
            RoomsError::Capacity(m) => ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                message: format!("No capacity for a new room: {m}. Retry later."),
                retry_after: Some(CAPACITY_RETRY_AFTER_SECS),
            },
            RoomsError::Spawn(m) => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The game server could not be started: {m}"),
            ),
            RoomsError::Storage(m) => Self::new(StatusCode::INTERNAL_SERVER_ERROR, m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = json_message(self.status, &self.message);
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(secs));
        }
        resp
    }
}

/// A `{"message": ...}` JSON response with the given status.
pub(crate) fn json_message(status: StatusCode, message: &str) -> Response {
    let mut resp = (status, Json(Body { message })).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
