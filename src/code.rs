//! The one result code of the library: the outcome class of every call. Its C numbers are in
//! `ffi::enums` (`HathoraResultCode`).

/// Outcome class of every call, blocking or asynchronous.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultCode {
    /// The call succeeded.
    Ok,
    /// An argument was NULL, not UTF-8, empty, too long, malformed or out of range.
    /// Nothing was sent. The message says which argument and why.
    InvalidArgument,
    /// The API answered with an error status (see the HTTP status and the API's message).
    ApiError,
    /// The request could not be sent or its answer could not be read (DNS, connect, reset, TLS).
    TransportError,
    /// The call's deadline passed before an answer arrived.
    Timeout,
    /// The API answered with a success status, but the body was not the expected JSON.
    DecodeError,
    /// The request was cancelled.
    Cancelled,
    /// The client was freed, or was shutting down, before the request completed.
    ShutDown,
    /// A bug in this library (a caught panic, a poisoned lock). Please report it.
    InternalError,
    /// The asynchronous queue is full: the request was refused and no callback will run.
    QueueFull,
    /// This process was not started by a host: `HATHORA_PROCESS_ID` is not set.
    NotUnderHost,
}

impl ResultCode {
    /// Short text for a code, the same for every binding ("timeout", "queue full"...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::InvalidArgument => "invalid argument",
            Self::ApiError => "API error",
            Self::TransportError => "transport error",
            Self::Timeout => "timeout",
            Self::DecodeError => "decode error",
            Self::Cancelled => "cancelled",
            Self::ShutDown => "shut down",
            Self::InternalError => "internal error",
            Self::QueueFull => "queue full",
            Self::NotUnderHost => "not under a host",
        }
    }
}

impl std::fmt::Display for ResultCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
