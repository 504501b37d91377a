//! The one result-code enum of the library. Its numbers are part of the ABI: never renumber.

/// Outcome class of every call, blocking or asynchronous.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HathoraResultCode {
    /// The call succeeded.
    Ok = 0,
    /// An argument was NULL, not UTF-8, empty, too long, malformed or out of range.
    /// Nothing was sent. The message says which argument and why.
    InvalidArgument = 1,
    /// The API answered with an error status (see the HTTP status and the API's message).
    ApiError = 2,
    /// The request could not be sent or its answer could not be read (DNS, connect, reset, TLS).
    TransportError = 3,
    /// The call's deadline passed before an answer arrived.
    Timeout = 4,
    /// The API answered with a success status, but the body was not the expected JSON.
    DecodeError = 5,
    /// The request was cancelled by `hathora_client_cancel`.
    Cancelled = 6,
    /// The client was freed, or was shutting down, before the request completed.
    ShutDown = 7,
    /// A bug in this library (a caught panic, a poisoned lock). Please report it.
    InternalError = 8,
    /// The asynchronous queue is full: the request was refused and no callback will run.
    QueueFull = 9,
}

impl HathoraResultCode {
    /// Static, NUL-terminated text for a code; the same text for C and Rust callers.
    pub const fn text(self) -> &'static str {
        match self {
            Self::Ok => "ok\0",
            Self::InvalidArgument => "invalid argument\0",
            Self::ApiError => "API error\0",
            Self::TransportError => "transport error\0",
            Self::Timeout => "timeout\0",
            Self::DecodeError => "decode error\0",
            Self::Cancelled => "cancelled\0",
            Self::ShutDown => "shut down\0",
            Self::InternalError => "internal error\0",
            Self::QueueFull => "queue full\0",
        }
    }

    /// The text without its NUL terminator.
    pub fn as_str(self) -> &'static str {
        let t = self.text();
        &t[..t.len() - 1]
    }

    /// Maps a raw number from C back to a code; `None` when out of range.
    pub fn from_u32(raw: u32) -> Option<Self> {
        use HathoraResultCode::*;
        [
            Ok,
            InvalidArgument,
            ApiError,
            TransportError,
            Timeout,
            DecodeError,
            Cancelled,
            ShutDown,
            InternalError,
            QueueFull,
        ]
        .get(raw as usize)
        .copied()
    }
}

impl std::fmt::Display for HathoraResultCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
