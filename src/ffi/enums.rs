//! Every C enum of the ABI. Each number is written once, in the enum's definition here; the
//! conversions to the library's own enums below go variant by variant, by name. The numbers are
//! published: never renumber (the test at the end pins every one).
//!
//! Wire enums (region, statuses, transport) have `UNKNOWN = 0` for a value this version does not
//! know; its raw string is then in the matching `*_raw` field.

use crate::code::ResultCode;
use crate::config::DispatchMode;
use crate::log::LogLevel;
use crate::model::{Region, RoomReadyStatus, RoomStatus, TransportType};

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
    /// `hathora_server_context`: this process was not started by a host (`HATHORA_PROCESS_ID`
    /// is not set), so there is no context to read.
    NotUnderHost = 10,
}

/// Where completion callbacks of asynchronous calls run.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HathoraDispatchMode {
    /// On one of the client's worker threads, as soon as the request completes.
    Worker = 0,
    /// Queued; they run only inside `hathora_client_poll`, on the thread that calls it.
    Poll = 1,
}

/// Severity of a log message; a hook receives messages at or below its level.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HathoraLogLevel {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

/// A Hathora region. Pass `HATHORA_REGION_UNKNOWN` with a region name to request a region
/// added after this library was built.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HathoraRegion {
    Unknown = 0,
    Seattle = 1,
    LosAngeles = 2,
    WashingtonDc = 3,
    Chicago = 4,
    London = 5,
    Frankfurt = 6,
    Mumbai = 7,
    Singapore = 8,
    Tokyo = 9,
    Sydney = 10,
    SaoPaulo = 11,
    Dallas = 12,
    Johannesburg = 13,
    Dubai = 14,
}

/// `RoomStatus` of a room.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HathoraRoomStatus {
    Unknown = 0,
    Scheduling = 1,
    Active = 2,
    Suspended = 3,
    Destroyed = 4,
}

/// `RoomReadyStatus` of connection info: `STARTING` until the room's process is ready.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HathoraRoomReadyStatus {
    Unknown = 0,
    Starting = 1,
    Active = 2,
}

/// Transport of an exposed port.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HathoraTransportType {
    Unknown = 0,
    Tcp = 1,
    Udp = 2,
    Tls = 3,
}

/// A C enum that mirrors one of the library's enums value for value: the conversions both ways
/// and the value of a number from C.
macro_rules! same_values {
    ($c:ident, $core:ident, [$($v:ident),+ $(,)?]) => {
        impl $c {
            const ALL: &'static [$c] = &[$($c::$v),+];

            /// The value of a number from C; `None` when it names none.
            pub fn from_u32(raw: u32) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| *v as u32 == raw)
            }
        }

        impl From<$core> for $c {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$v => $c::$v,)+
                }
            }
        }

        impl From<$c> for $core {
            fn from(value: $c) -> Self {
                match value {
                    $($c::$v => $core::$v,)+
                }
            }
        }
    };
}

same_values!(
    HathoraResultCode,
    ResultCode,
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
        NotUnderHost,
    ]
);
same_values!(HathoraDispatchMode, DispatchMode, [Worker, Poll]);
same_values!(HathoraLogLevel, LogLevel, [Off, Error, Warn, Info, Debug]);

/// A C enum of a wire enum: its known values by name, `Unknown` for a value the model keeps as
/// a raw string.
macro_rules! wire_values {
    ($c:ident, $model:ident, [$($v:ident),+ $(,)?]) => {
        impl $c {
            const ALL: &'static [$c] = &[$c::Unknown, $($c::$v),+];

            /// The value of a number from C; `None` when it names none.
            pub fn from_u32(raw: u32) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| *v as u32 == raw)
            }

            /// The C value of a decoded wire value.
            pub fn of(value: &$model) -> Self {
                match value {
                    $($model::$v => $c::$v,)+
                    $model::Unknown(_) => $c::Unknown,
                }
            }

            /// The wire value; `None` for `Unknown`.
            pub fn known(self) -> Option<$model> {
                match self {
                    $($c::$v => Some($model::$v),)+
                    $c::Unknown => None,
                }
            }
        }
    };
}

wire_values!(
    HathoraRegion,
    Region,
    [
        Seattle,
        LosAngeles,
        WashingtonDc,
        Chicago,
        London,
        Frankfurt,
        Mumbai,
        Singapore,
        Tokyo,
        Sydney,
        SaoPaulo,
        Dallas,
        Johannesburg,
        Dubai,
    ]
);
wire_values!(
    HathoraRoomStatus,
    RoomStatus,
    [Scheduling, Active, Suspended, Destroyed]
);
wire_values!(HathoraRoomReadyStatus, RoomReadyStatus, [Starting, Active]);
wire_values!(HathoraTransportType, TransportType, [Tcp, Udp, Tls]);

impl HathoraRegion {
    /// Every known region, in number order.
    pub fn known_values() -> impl Iterator<Item = HathoraRegion> {
        Self::ALL.iter().copied().skip(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a C value stands for: a result code's text, a mode or level's name, a wire string.
    trait Named: Copy + PartialEq + std::fmt::Debug {
        fn name(self) -> String;
        fn from_u32(raw: u32) -> Option<Self>;
        /// The C value of a name; `None` when it names none.
        fn from_name(name: &str) -> Option<Self>;
    }

    macro_rules! named_by_core {
        ($c:ident, $core:ident, $name:expr) => {
            impl Named for $c {
                fn name(self) -> String {
                    $name($core::from(self))
                }
                fn from_u32(raw: u32) -> Option<Self> {
                    $c::from_u32(raw)
                }
                fn from_name(name: &str) -> Option<Self> {
                    $c::ALL.iter().copied().find(|v| v.name() == name)
                }
            }
        };
    }
    named_by_core!(HathoraResultCode, ResultCode, |c: ResultCode| c
        .as_str()
        .to_owned());
    named_by_core!(HathoraDispatchMode, DispatchMode, |m| format!("{m:?}"));
    named_by_core!(HathoraLogLevel, LogLevel, |l| format!("{l:?}"));

    macro_rules! named_by_wire {
        ($c:ident, $model:ident) => {
            impl Named for $c {
                fn name(self) -> String {
                    self.known()
                        .map_or(String::new(), |m| m.as_str().to_owned())
                }
                fn from_u32(raw: u32) -> Option<Self> {
                    $c::from_u32(raw)
                }
                fn from_name(name: &str) -> Option<Self> {
                    Some($c::of(&$model::parse(name)))
                }
            }
        };
    }
    named_by_wire!(HathoraRegion, Region);
    named_by_wire!(HathoraRoomStatus, RoomStatus);
    named_by_wire!(HathoraRoomReadyStatus, RoomReadyStatus);
    named_by_wire!(HathoraTransportType, TransportType);

    /// One row per C value: its published number and what it stands for ("" for an unknown wire
    /// value). Checked: the number, the value of that number, and the name both ways.
    macro_rules! check_table {
        ($($c:ident :: $v:ident = $n:literal $name:literal,)+) => {{
            let mut problems = Vec::new();
            $(
                let (value, case) = ($c::$v, concat!(stringify!($c), "::", stringify!($v)));
                if value as u32 != $n {
                    problems.push(format!("{case} is {}, published as {}", value as u32, $n));
                }
                if Named::from_u32($n) != Some(value) {
                    problems.push(format!("{case}: {} reads back as {:?}", $n, <$c as Named>::from_u32($n)));
                }
                if value.name() != $name {
                    problems.push(format!("{case} stands for {:?}, expected {:?}", value.name(), $name));
                }
                let unknown_wire = $name.is_empty();
                if !unknown_wire && <$c as Named>::from_name($name) != Some(value) {
                    problems.push(format!("{case}: {:?} converts to {:?}", $name, <$c as Named>::from_name($name)));
                }
            )+
            problems
        }};
    }

    #[test]
    fn every_c_value_keeps_its_published_number_and_meaning() {
        #[rustfmt::skip]
        let problems = check_table! {
            HathoraResultCode::Ok = 0 "ok",
            HathoraResultCode::InvalidArgument = 1 "invalid argument",
            HathoraResultCode::ApiError = 2 "API error",
            HathoraResultCode::TransportError = 3 "transport error",
            HathoraResultCode::Timeout = 4 "timeout",
            HathoraResultCode::DecodeError = 5 "decode error",
            HathoraResultCode::Cancelled = 6 "cancelled",
            HathoraResultCode::ShutDown = 7 "shut down",
            HathoraResultCode::InternalError = 8 "internal error",
            HathoraResultCode::QueueFull = 9 "queue full",
            HathoraResultCode::NotUnderHost = 10 "not under a host",
            HathoraDispatchMode::Worker = 0 "Worker",
            HathoraDispatchMode::Poll = 1 "Poll",
            HathoraLogLevel::Off = 0 "Off",
            HathoraLogLevel::Error = 1 "Error",
            HathoraLogLevel::Warn = 2 "Warn",
            HathoraLogLevel::Info = 3 "Info",
            HathoraLogLevel::Debug = 4 "Debug",
            HathoraRegion::Unknown = 0 "",
            HathoraRegion::Seattle = 1 "Seattle",
            HathoraRegion::LosAngeles = 2 "Los_Angeles",
            HathoraRegion::WashingtonDc = 3 "Washington_DC",
            HathoraRegion::Chicago = 4 "Chicago",
            HathoraRegion::London = 5 "London",
            HathoraRegion::Frankfurt = 6 "Frankfurt",
            HathoraRegion::Mumbai = 7 "Mumbai",
            HathoraRegion::Singapore = 8 "Singapore",
            HathoraRegion::Tokyo = 9 "Tokyo",
            HathoraRegion::Sydney = 10 "Sydney",
            HathoraRegion::SaoPaulo = 11 "Sao_Paulo",
            HathoraRegion::Dallas = 12 "Dallas",
            HathoraRegion::Johannesburg = 13 "Johannesburg",
            HathoraRegion::Dubai = 14 "Dubai",
            HathoraRoomStatus::Unknown = 0 "",
            HathoraRoomStatus::Scheduling = 1 "scheduling",
            HathoraRoomStatus::Active = 2 "active",
            HathoraRoomStatus::Suspended = 3 "suspended",
            HathoraRoomStatus::Destroyed = 4 "destroyed",
            HathoraRoomReadyStatus::Unknown = 0 "",
            HathoraRoomReadyStatus::Starting = 1 "starting",
            HathoraRoomReadyStatus::Active = 2 "active",
            HathoraTransportType::Unknown = 0 "",
            HathoraTransportType::Tcp = 1 "tcp",
            HathoraTransportType::Udp = 2 "udp",
            HathoraTransportType::Tls = 3 "tls",
        };
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn numbers_past_the_table_name_nothing_and_unknown_wire_strings_are_unknown() {
        let past: [(&str, bool); 7] = [
            (
                "HathoraResultCode 11",
                HathoraResultCode::from_u32(11).is_none(),
            ),
            (
                "HathoraDispatchMode 2",
                HathoraDispatchMode::from_u32(2).is_none(),
            ),
            ("HathoraLogLevel 5", HathoraLogLevel::from_u32(5).is_none()),
            ("HathoraRegion 15", HathoraRegion::from_u32(15).is_none()),
            (
                "HathoraRoomStatus 5",
                HathoraRoomStatus::from_u32(5).is_none(),
            ),
            (
                "HathoraRoomReadyStatus 3",
                HathoraRoomReadyStatus::from_u32(3).is_none(),
            ),
            (
                "HathoraTransportType 4",
                HathoraTransportType::from_u32(4).is_none(),
            ),
        ];
        for (case, none) in past {
            assert!(none, "{case} names a value");
        }
        assert_eq!(
            HathoraRoomStatus::of(&RoomStatus::Unknown("x".into())),
            HathoraRoomStatus::Unknown,
            "an unknown wire string"
        );
        assert_eq!(
            HathoraRegion::Unknown.known(),
            None,
            "UNKNOWN names no region"
        );
        assert_eq!(HathoraRegion::known_values().count(), 14, "known regions");
    }
}
