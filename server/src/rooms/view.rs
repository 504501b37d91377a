//! What the rooms layer answers: plain values, no JSON (the API layer writes the wire shapes).

use std::sync::Arc;

use crate::fleet::Endpoints;

/// `RoomStatus` values, in the order of [`Phase`].
pub const ROOM_STATUSES: [&str; 4] = ["scheduling", "active", "suspended", "destroyed"];

/// Where a room is in its lifecycle (computed when asked: an activation time that has passed
/// makes a scheduling room active without any timer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Its open allocation's process is not ready yet (ready status `starting`).
    Scheduling,
    Active,
    /// No open allocation (SuspendRoomV2Deprecated); ResumeRoom places it again.
    Suspended,
    Destroyed,
}

impl Phase {
    pub(crate) const ALL: [Phase; 4] = [
        Phase::Scheduling,
        Phase::Active,
        Phase::Suspended,
        Phase::Destroyed,
    ];

    pub(crate) fn name(self) -> &'static str {
        ROOM_STATUSES[self as usize]
    }
}

/// CreateRoom's and ResumeRoom's answer.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub(crate) room_id: String,
    pub(crate) process_id: String,
    /// Present once the room is active.
    pub(crate) endpoints: Option<Arc<Endpoints>>,
}

/// GetConnectionInfo's answer.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub(crate) room_id: String,
    /// Present once the room is active.
    pub(crate) endpoints: Option<Arc<Endpoints>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Allocation {
    pub(crate) id: String,
    pub(crate) process_id: String,
    pub(crate) scheduled_at: String,
    pub(crate) unscheduled_at: Option<String>,
}

/// GetRoomInfo's answer; the lists' entries leave `allocations` empty.
#[derive(Debug, Clone)]
pub(crate) struct RoomView {
    pub(crate) app_id: String,
    pub(crate) room_id: String,
    pub(crate) phase: Phase,
    pub(crate) config: Option<String>,
    pub(crate) current: Option<Allocation>,
    pub(crate) allocations: Vec<Allocation>,
}
