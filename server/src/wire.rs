//! JSON shapes of the RoomsV2 contract (camelCase field names, exactly as the SDKs decode them).

use serde::{Deserialize, Serialize};

// The contract's enum values as this emulator accepts or emits them, written once here;
// tests/binding_drift.rs (in the library) checks them against the library's enums.

/// The 14 regions of the contract (wire values).
pub const REGIONS: [&str; 14] = [
    "Seattle",
    "Los_Angeles",
    "Washington_DC",
    "Chicago",
    "London",
    "Frankfurt",
    "Mumbai",
    "Singapore",
    "Tokyo",
    "Sydney",
    "Sao_Paulo",
    "Dallas",
    "Johannesburg",
    "Dubai",
];

/// `RoomStatus` values, in the order of the emulator's room phases.
pub const ROOM_STATUSES: [&str; 4] = ["scheduling", "active", "suspended", "destroyed"];

/// `RoomReadyStatus` values: before and after the room's process is ready.
pub const READY_STATUSES: [&str; 2] = ["starting", "active"];

/// `TransportType` values of the ports the emulator exposes.
pub const TRANSPORT_TYPES: [&str; 1] = ["tcp"];

/// Maximum length of `roomConfig`, in characters (not bytes).
pub(crate) const MAX_ROOM_CONFIG_CHARS: usize = 10_000;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateRoomParams {
    pub(crate) region: String,
    #[serde(default)]
    pub(crate) room_config: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) deployment_id: Option<String>,
    #[serde(default, rename = "clientIPs")]
    #[allow(dead_code)]
    pub(crate) client_ips: Option<Vec<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateRoomConfigParams {
    pub(crate) room_config: String,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExposedPort {
    pub(crate) transport_type: &'static str,
    pub(crate) port: u16,
    pub(crate) host: &'static str,
    pub(crate) name: &'static str,
}

impl ExposedPort {
    pub(crate) fn tcp(port: u16) -> Self {
        ExposedPort {
            transport_type: TRANSPORT_TYPES[0],
            port,
            host: "localhost",
            name: "default",
        }
    }
}

/// CreateRoom's 201 body; also ResumeRoom's 200 body (`RoomAllocationData`, same fields).
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoomConnectionData {
    pub(crate) room_id: String,
    pub(crate) process_id: String,
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exposed_port: Option<ExposedPort>,
    pub(crate) additional_exposed_ports: Vec<ExposedPort>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConnectionInfoV2 {
    pub(crate) room_id: String,
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exposed_port: Option<ExposedPort>,
    pub(crate) additional_exposed_ports: Vec<ExposedPort>,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoomAllocation {
    pub(crate) room_allocation_id: String,
    pub(crate) process_id: String,
    pub(crate) scheduled_at: String,
    pub(crate) unscheduled_at: Option<String>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Room {
    pub(crate) app_id: String,
    pub(crate) room_id: String,
    pub(crate) status: &'static str,
    pub(crate) room_config: Option<String>,
    pub(crate) current_allocation: Option<RoomAllocation>,
    pub(crate) allocations: Vec<RoomAllocation>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoomWithoutAllocations {
    pub(crate) app_id: String,
    pub(crate) room_id: String,
    pub(crate) status: &'static str,
    pub(crate) room_config: Option<String>,
    pub(crate) current_allocation: Option<RoomAllocation>,
}
