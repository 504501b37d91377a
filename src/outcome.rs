//! The result of one call, as the safe Rust API returns it and the C result object wraps it.

use crate::code::ResultCode;
use crate::model::{ConnectionInfo, PingEndpoint, Room};
use crate::ping::RegionPing;

/// The message of a request ended by freeing its client (`ShutDown`), written once for every layer.
pub(crate) const CLIENT_FREED: &str = "the client was freed before the request completed";

/// The message of a request ended by `hathora_client_cancel` (`Cancelled`).
pub(crate) const CANCELLED: &str = "the request was cancelled";

/// What a successful response decoded into.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Payload {
    /// No body (204) or a failed call.
    #[default]
    None,
    /// `RoomConnectionData`, `ConnectionInfoV2` or `RoomAllocationData`.
    Connection(Box<ConnectionInfo>),
    /// Boxed like `Connection`, so that an `Outcome` (returned by value everywhere, failures
    /// included) stays small.
    Room(Box<Room>),
    Rooms(Vec<Room>),
    /// DiscoveryV2 GetPingServiceEndpoints.
    PingEndpoints(Vec<PingEndpoint>),
    /// Region pings, in the order of the endpoints.
    RegionPings(Vec<RegionPing>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub code: ResultCode,
    /// Status of the last HTTP response, 0 when none arrived.
    pub http_status: u16,
    /// The API's error message, or the library's explanation of a failure.
    pub message: Option<String>,
    /// The last response body exactly as received; empty when none. UTF-8 JSON whenever the
    /// code is `Ok` with a payload; otherwise whatever the server sent (see `body_text`).
    pub body: Vec<u8>,
    pub payload: Payload,
    /// HTTP attempts made (retries and wait-until-active polls included).
    pub attempts: u32,
}

impl Outcome {
    /// A failure that carries no HTTP exchange.
    pub fn failure(code: ResultCode, message: impl Into<String>) -> Self {
        Outcome {
            code,
            http_status: 0,
            message: Some(message.into()),
            body: Vec::new(),
            payload: Payload::None,
            attempts: 0,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::failure(ResultCode::InvalidArgument, message)
    }

    pub fn is_ok(&self) -> bool {
        self.code == ResultCode::Ok
    }

    /// The body as text, for display: invalid UTF-8 shown as U+FFFD (the bytes stay in `body`).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}
