//! The nine operations, and the simulated mode's request statistics (`/_emulator/stats`,
//! `Emulator::stats`): every `/rooms/v2/...` attempt is counted, faulted ones included.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::Method;
use serde::Serialize;

/// The nine RoomsV2 operations, named as in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    CreateRoom,
    GetRoomInfo,
    GetActiveRoomsForProcess,
    GetInactiveRoomsForProcess,
    DestroyRoom,
    SuspendRoomV2Deprecated,
    ResumeRoom,
    GetConnectionInfo,
    UpdateRoomConfig,
}

impl Operation {
    pub(crate) const ALL: [Operation; 9] = [
        Operation::CreateRoom,
        Operation::GetRoomInfo,
        Operation::GetActiveRoomsForProcess,
        Operation::GetInactiveRoomsForProcess,
        Operation::DestroyRoom,
        Operation::SuspendRoomV2Deprecated,
        Operation::ResumeRoom,
        Operation::GetConnectionInfo,
        Operation::UpdateRoomConfig,
    ];

    /// Names under which `/metrics` counts requests: the nine, then `unknown` for a
    /// `/rooms/v2/...` request that is no operation.
    pub(crate) const METRIC_NAMES: [&'static str; 10] = {
        let mut names = ["unknown"; 10];
        let mut i = 0;
        while i < Operation::ALL.len() {
            names[i] = Operation::ALL[i].name();
            i += 1;
        }
        names
    };

    /// Index in [`Operation::METRIC_NAMES`].
    pub(crate) fn metric_index(op: Option<Operation>) -> usize {
        op.map_or(9, |op| op as usize)
    }

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Operation::CreateRoom => "CreateRoom",
            Operation::GetRoomInfo => "GetRoomInfo",
            Operation::GetActiveRoomsForProcess => "GetActiveRoomsForProcess",
            Operation::GetInactiveRoomsForProcess => "GetInactiveRoomsForProcess",
            Operation::DestroyRoom => "DestroyRoom",
            Operation::SuspendRoomV2Deprecated => "SuspendRoomV2Deprecated",
            Operation::ResumeRoom => "ResumeRoom",
            Operation::GetConnectionInfo => "GetConnectionInfo",
            Operation::UpdateRoomConfig => "UpdateRoomConfig",
        }
    }

    /// Which operation a request addresses, judged from method and path alone (before routing,
    /// so that faulted requests are counted too). `None` for anything that is no operation.
    pub(crate) fn classify(method: &Method, path: &str) -> Option<Operation> {
        let rest = path.strip_prefix("/rooms/v2/")?;
        let segs: Vec<&str> = rest.split('/').collect();
        let get = method == Method::GET;
        let post = method == Method::POST;
        let nonempty = |s: &str| !s.is_empty();
        match segs.as_slice() {
            [app, "create"] if post && nonempty(app) => Some(Operation::CreateRoom),
            [app, op, id] if nonempty(app) && nonempty(id) => match (*op, get, post) {
                ("info", true, _) => Some(Operation::GetRoomInfo),
                ("connectioninfo", true, _) => Some(Operation::GetConnectionInfo),
                ("destroy", _, true) => Some(Operation::DestroyRoom),
                ("suspend", _, true) => Some(Operation::SuspendRoomV2Deprecated),
                ("resume", _, true) => Some(Operation::ResumeRoom),
                ("update", _, true) => Some(Operation::UpdateRoomConfig),
                _ => None,
            },
            [app, "list", pid, "active"] if get && nonempty(app) && nonempty(pid) => {
                Some(Operation::GetActiveRoomsForProcess)
            }
            [app, "list", pid, "inactive"] if get && nonempty(app) && nonempty(pid) => {
                Some(Operation::GetInactiveRoomsForProcess)
            }
            _ => None,
        }
    }
}

/// Lock-free counters updated on every API request.
#[derive(Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    by_operation: [AtomicU64; 9],
    connection_info_with_auth: AtomicU64,
}

impl Counters {
    pub(crate) fn record(&self, op: Option<Operation>, has_auth: bool) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Some(op) = op {
            self.by_operation[op as usize].fetch_add(1, Ordering::Relaxed);
            if op == Operation::GetConnectionInfo && has_auth {
                self.connection_info_with_auth
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn reset(&self) {
        self.requests.store(0, Ordering::Relaxed);
        for c in &self.by_operation {
            c.store(0, Ordering::Relaxed);
        }
        self.connection_info_with_auth.store(0, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, rooms: usize) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            by_operation: Operation::ALL
                .iter()
                .map(|op| {
                    (
                        op.name().to_string(),
                        self.by_operation[*op as usize].load(Ordering::Relaxed),
                    )
                })
                .collect(),
            rooms,
            connection_info_with_auth: self.connection_info_with_auth.load(Ordering::Relaxed),
        }
    }
}

/// A snapshot of the simulated mode's statistics (also served as JSON by `GET /_emulator/stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Every `/rooms/v2/...` request seen, faulted ones included.
    pub requests: u64,
    /// Attempts per operation name (all nine names present, zero when unused).
    pub by_operation: BTreeMap<String, u64>,
    /// Rooms the server knows, destroyed ones included.
    pub rooms: usize,
    /// GetConnectionInfo requests that carried an `Authorization` header (the SDKs send none).
    pub connection_info_with_auth: u64,
}

impl Stats {
    /// Attempts of one operation (0 for an unknown name).
    pub fn count(&self, op: &str) -> u64 {
        self.by_operation.get(op).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let c = Operation::classify;
        assert_eq!(
            c(&Method::POST, "/rooms/v2/a/create"),
            Some(Operation::CreateRoom)
        );
        assert_eq!(
            c(&Method::GET, "/rooms/v2/a/list/p/inactive"),
            Some(Operation::GetInactiveRoomsForProcess)
        );
        assert_eq!(
            c(&Method::GET, "/rooms/v2/a/connectioninfo/r"),
            Some(Operation::GetConnectionInfo)
        );
        assert_eq!(c(&Method::GET, "/rooms/v2/a/destroy/r"), None);
        assert_eq!(c(&Method::GET, "/rooms/v2/a/info/"), None);
        assert_eq!(c(&Method::GET, "/_emulator/stats"), None);
    }

    #[test]
    fn metric_names_are_the_operation_names() {
        for op in Operation::ALL {
            assert_eq!(
                Operation::METRIC_NAMES[Operation::metric_index(Some(op))],
                op.name()
            );
        }
        assert_eq!(
            Operation::METRIC_NAMES[Operation::metric_index(None)],
            "unknown"
        );
    }
}
