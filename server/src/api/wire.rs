//! JSON shapes of the RoomsV2 contract (camelCase field names, exactly as the SDKs decode them),
//! and how the rooms layer's answers become them.

use serde::{Deserialize, Serialize};

use crate::config::transport_name;
use crate::fleet::{Endpoints, PortInfo};
use crate::rooms::{Connection, Placed, RoomView};

// The contract's enum values as this server accepts or emits them, written once;
// tests/binding_drift.rs (in the library) checks them against the library's enums.

pub use crate::config::REGIONS;
pub use crate::rooms::ROOM_STATUSES;

/// `RoomReadyStatus` values: before and after the room's process is ready.
pub const READY_STATUSES: [&str; 2] = ["starting", "active"];

/// `TransportType` values of the ports the server may expose.
pub const TRANSPORT_TYPES: [&str; 3] = ["tcp", "udp", "tls"];

/// Maximum length of `roomConfig`, in characters (not bytes).
pub(crate) const MAX_ROOM_CONFIG_CHARS: usize = 10_000;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateRoomParams {
    pub(crate) region: String,
    #[serde(default)]
    pub(crate) room_config: Option<String>,
    // Accepted and ignored: one deployment per app here, no DDoS protection to configure.
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
    pub(crate) host: String,
    pub(crate) name: String,
}

impl From<&PortInfo> for ExposedPort {
    fn from(p: &PortInfo) -> Self {
        ExposedPort {
            transport_type: transport_name(p.transport),
            port: p.port,
            host: p.host.clone(),
            name: p.name.clone(),
        }
    }
}

/// (`status`, `exposedPort`, `additionalExposedPorts`) of a room with these endpoints (present
/// once it is active).
fn ports(endpoints: Option<&Endpoints>) -> (&'static str, Option<ExposedPort>, Vec<ExposedPort>) {
    match endpoints {
        Some(e) => (
            READY_STATUSES[1],
            Some((&e.default).into()),
            e.additional.iter().map(ExposedPort::from).collect(),
        ),
        None => (READY_STATUSES[0], None, Vec::new()),
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

impl From<Placed> for RoomConnectionData {
    fn from(p: Placed) -> Self {
        let (status, exposed_port, additional_exposed_ports) = ports(p.endpoints.as_deref());
        RoomConnectionData {
            room_id: p.room_id,
            process_id: p.process_id,
            status,
            exposed_port,
            additional_exposed_ports,
        }
    }
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

impl From<Connection> for ConnectionInfoV2 {
    fn from(c: Connection) -> Self {
        let (status, exposed_port, additional_exposed_ports) = ports(c.endpoints.as_deref());
        ConnectionInfoV2 {
            room_id: c.room_id,
            status,
            exposed_port,
            additional_exposed_ports,
        }
    }
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoomAllocation {
    pub(crate) room_allocation_id: String,
    pub(crate) process_id: String,
    pub(crate) scheduled_at: String,
    pub(crate) unscheduled_at: Option<String>,
}

impl From<crate::rooms::Allocation> for RoomAllocation {
    fn from(a: crate::rooms::Allocation) -> Self {
        RoomAllocation {
            room_allocation_id: a.id,
            process_id: a.process_id,
            scheduled_at: a.scheduled_at,
            unscheduled_at: a.unscheduled_at,
        }
    }
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

impl From<RoomView> for Room {
    fn from(r: RoomView) -> Self {
        Room {
            app_id: r.app_id,
            room_id: r.room_id,
            status: r.phase.name(),
            room_config: r.config,
            current_allocation: r.current.map(Into::into),
            allocations: r.allocations.into_iter().map(Into::into).collect(),
        }
    }
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

impl From<RoomView> for RoomWithoutAllocations {
    fn from(r: RoomView) -> Self {
        RoomWithoutAllocations {
            app_id: r.app_id,
            room_id: r.room_id,
            status: r.phase.name(),
            room_config: r.config,
            current_allocation: r.current.map(Into::into),
        }
    }
}

/// One entry of DiscoveryV2's `GET /discovery/v2/ping` (`PingEndpoints` in the SDKs).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub(crate) struct PingEndpoint {
    pub(crate) region: String,
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl From<&crate::discovery::PingEndpoint> for PingEndpoint {
    fn from(e: &crate::discovery::PingEndpoint) -> Self {
        PingEndpoint {
            region: e.region.clone(),
            host: e.host.clone(),
            port: e.port,
        }
    }
}
