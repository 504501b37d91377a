//! Decoding: the retry loop's last response or failure becomes an `Outcome` with its code,
//! status, message, body and typed payload.

use super::call::{OpSpec, PayloadKind};
use crate::error::HathoraResultCode;
use crate::model::{ApiErrorBody, ConnectionInfo, Room};
use crate::outcome::{Outcome, Payload};
use crate::retry::Attempts;
use crate::transport::Failure;

/// Turns the retry loop's end into a result: code, status, message, body and payload.
pub(super) fn interpret(spec: &OpSpec, attempts: Attempts) -> Outcome {
    let count = attempts.count;
    let mut out = match attempts.last {
        Err(reason) => Outcome::failure(
            reason,
            match reason {
                HathoraResultCode::ShutDown => "the client was freed before the request completed",
                _ => "the request was cancelled",
            },
        ),
        Ok(Err(Failure::Timeout(m))) => Outcome::failure(HathoraResultCode::Timeout, m),
        Ok(Err(Failure::Connection(m) | Failure::Fatal(m))) => {
            Outcome::failure(HathoraResultCode::TransportError, m)
        }
        Ok(Ok(resp)) if (200..300).contains(&resp.status) => match decode(spec.payload, &resp.body)
        {
            Ok(payload) => Outcome {
                code: HathoraResultCode::Ok,
                http_status: resp.status,
                message: None,
                body: resp.body,
                payload,
                attempts: 0,
            },
            Err(e) => Outcome {
                code: HathoraResultCode::DecodeError,
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
            let message = serde_json::from_str::<ApiErrorBody>(&resp.body)
                .map(|e| e.message)
                .unwrap_or_else(|_| format!("HTTP {} without an API error body", resp.status));
            Outcome {
                code: HathoraResultCode::ApiError,
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

fn decode(kind: PayloadKind, body: &str) -> Result<Payload, serde_json::Error> {
    Ok(match kind {
        PayloadKind::None => Payload::None,
        PayloadKind::Connection => {
            Payload::Connection(serde_json::from_str::<ConnectionInfo>(body)?)
        }
        PayloadKind::Room => Payload::Room(serde_json::from_str::<Room>(body)?),
        PayloadKind::Rooms => Payload::Rooms(serde_json::from_str::<Vec<Room>>(body)?),
    })
}
