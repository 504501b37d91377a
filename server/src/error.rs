//! `ApiError`: every error the emulator answers is `{"message": "..."}` as application/json.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
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
    /// CreateRoom with a roomId that is taken: 422 (declared), and a message that says so.
    pub(crate) fn room_id_taken(room_id: &str) -> Self {
        Self::unprocessable(format!(
            "roomId {room_id} is taken: a room with this id already exists"
        ))
    }
    pub(crate) fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
    pub(crate) fn room_not_found(room_id: &str) -> Self {
        Self::not_found(format!("Room {room_id} not found"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_message(self.status, &self.message)
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
