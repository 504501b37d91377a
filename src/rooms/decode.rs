//! Decoding: the retry loop's last response or failure becomes an `Outcome` with its code,
//! status, message, body and typed payload.

use super::call::{OpSpec, PayloadKind};
use crate::code::ResultCode;
use crate::http::retry::Attempts;
use crate::http::transport::{AttemptError, Failure};
use crate::model::{ApiErrorBody, ConnectionInfo, PingEndpoint, Room};
use crate::outcome::{Outcome, Payload};

/// Turns the retry loop's end into a result: code, status, message, body and payload.
pub(super) fn interpret(spec: &OpSpec, attempts: Attempts) -> Outcome {
    let count = attempts.count;
    let mut out = match attempts.last {
        Err(reason) => Outcome::failure(
            reason,
            match reason {
                ResultCode::ShutDown => crate::outcome::CLIENT_FREED,
                _ => crate::outcome::CANCELLED,
            },
        ),
        Ok(Err(AttemptError {
            failure, status, ..
        })) => {
            let mut out = match failure {
                Failure::Timeout(m) => Outcome::failure(ResultCode::Timeout, m),
                Failure::Connection(m) | Failure::Fatal(m) => {
                    Outcome::failure(ResultCode::TransportError, m)
                }
            };
            // The status line arrived before the body failed (e.g. it was over the limit).
            out.http_status = status.unwrap_or(0);
            out
        }
        Ok(Ok(resp)) if (200..300).contains(&resp.status) => match decode(spec.payload, &resp.body)
        {
            Ok(payload) => Outcome {
                code: ResultCode::Ok,
                http_status: resp.status,
                message: None,
                body: resp.body,
                payload,
                attempts: 0,
            },
            Err(e) => Outcome {
                code: ResultCode::DecodeError,
                http_status: resp.status,
                message: Some(format!(
                    "{} answered HTTP {} with a body that is not the expected JSON: {e}",
                    spec.name, resp.status
                )),
                body: resp.body,
                payload: Payload::None,
                attempts: 0,
            },
        },
        Ok(Ok(resp)) => {
            let message = serde_json::from_slice::<ApiErrorBody>(&resp.body)
                .map(|e| e.message)
                .unwrap_or_else(|_| format!("HTTP {} without an API error body", resp.status));
            Outcome {
                code: ResultCode::ApiError,
                http_status: resp.status,
                message: Some(message),
                body: resp.body,
                payload: Payload::None,
                attempts: 0,
            }
        }
    };
    out.attempts = count;
    out
}

/// Why a success body did not decode.
enum DecodeFailure {
    /// Not UTF-8: reported, never repaired (a repaired id would name another room).
    NotUtf8(std::str::Utf8Error),
    Json(serde_json::Error),
}

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeFailure::NotUtf8(e) => write!(
                f,
                "it is not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
            DecodeFailure::Json(e) => e.fmt(f),
        }
    }
}

/// Decodes a success body into the operation's payload. An operation without a payload
/// ignores its body (the status is the whole answer), which stays available as received.
fn decode(kind: PayloadKind, bytes: &[u8]) -> Result<Payload, DecodeFailure> {
    if kind == PayloadKind::None {
        return Ok(Payload::None);
    }
    let body = std::str::from_utf8(bytes).map_err(DecodeFailure::NotUtf8)?;
    let json = |e| DecodeFailure::Json(e);
    Ok(match kind {
        PayloadKind::None => Payload::None,
        PayloadKind::Connection => Payload::Connection(Box::new(
            serde_json::from_str::<ConnectionInfo>(body).map_err(json)?,
        )),
        PayloadKind::Room => {
            Payload::Room(Box::new(serde_json::from_str::<Room>(body).map_err(json)?))
        }
        PayloadKind::Rooms => {
            Payload::Rooms(serde_json::from_str::<Vec<Room>>(body).map_err(json)?)
        }
        PayloadKind::PingEndpoints => {
            Payload::PingEndpoints(serde_json::from_str::<Vec<PingEndpoint>>(body).map_err(json)?)
        }
    })
}
