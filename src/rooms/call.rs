//! The nine RoomsV2 operations and DiscoveryV2's GetPingServiceEndpoints as data: each call's
//! arguments, and the contracts' table of method, path, auth and payload; plus the client-side
//! checks and the JSON body of each.

use crate::http::transport::Method;
use crate::model::{CreateRoomParams, UpdateRoomConfigParams};
use crate::validate;
use std::time::Duration;

/// One operation with its arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    CreateRoom {
        /// Wire name of the region (see `model::Region::as_str`).
        region: String,
        /// Generated before the first attempt when `None`, so retries name the same room.
        room_id: Option<String>,
        room_config: Option<String>,
        deployment_id: Option<String>,
        client_ips: Option<Vec<String>>,
    },
    GetRoomInfo {
        room_id: String,
    },
    GetActiveRoomsForProcess {
        process_id: String,
    },
    GetInactiveRoomsForProcess {
        process_id: String,
    },
    GetConnectionInfo {
        room_id: String,
    },
    UpdateRoomConfig {
        room_id: String,
        room_config: String,
    },
    DestroyRoom {
        room_id: String,
    },
    SuspendRoomV2Deprecated {
        room_id: String,
    },
    ResumeRoom {
        room_id: String,
    },
    /// DiscoveryV2: every region's UDP echo beacon. No app id, no token.
    GetPingServiceEndpoints,
}

/// Per-call overrides of the client's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallOptions {
    pub app_id: Option<String>,
    /// Overall deadline of this call.
    pub timeout: Option<Duration>,
    /// Deadline of each connect of this call.
    pub connect_timeout: Option<Duration>,
    /// Retries for this call; `Some(0)` switches them off.
    pub max_retries: Option<u32>,
}
#[derive(Clone, Copy, PartialEq)]
pub(super) enum PayloadKind {
    None,
    Connection,
    Room,
    Rooms,
    PingEndpoints,
}

/// Where an operation's path is.
pub(super) enum Route {
    /// `/rooms/v2/{appId}/{segment}/{target}{suffix}` (CreateRoom: `.../create?roomId=`).
    Rooms {
        segment: &'static str,
        suffix: &'static str,
    },
    /// A fixed path with no app id.
    Fixed(&'static str),
}

pub(super) struct OpSpec {
    pub(super) name: &'static str,
    pub(super) method: Method,
    pub(super) route: Route,
    pub(super) auth: bool,
    pub(super) payload: PayloadKind,
}

const fn op(
    name: &'static str,
    method: Method,
    segment: &'static str,
    suffix: &'static str,
    auth: bool,
    payload: PayloadKind,
) -> OpSpec {
    OpSpec {
        name,
        method,
        route: Route::Rooms { segment, suffix },
        auth,
        payload,
    }
}

/// The contract's operation table: name, method, path segment and suffix, auth, payload.
#[rustfmt::skip]
mod table {
    use super::{op, Method::{Get, Post}, OpSpec, PayloadKind as P, Route};
    pub static CREATE: OpSpec     = op("CreateRoom",                 Post, "create",         "",          true,  P::Connection);
    pub static INFO: OpSpec       = op("GetRoomInfo",                Get,  "info",           "",          true,  P::Room);
    pub static ACTIVE: OpSpec     = op("GetActiveRoomsForProcess",   Get,  "list",           "/active",   true,  P::Rooms);
    pub static INACTIVE: OpSpec   = op("GetInactiveRoomsForProcess", Get,  "list",           "/inactive", true,  P::Rooms);
    pub static CONNECTION: OpSpec = op("GetConnectionInfo",          Get,  "connectioninfo", "",          false, P::Connection);
    pub static UPDATE: OpSpec     = op("UpdateRoomConfig",           Post, "update",         "",          true,  P::None);
    pub static DESTROY: OpSpec    = op("DestroyRoom",                Post, "destroy",        "",          true,  P::None);
    pub static SUSPEND: OpSpec    = op("SuspendRoomV2Deprecated",    Post, "suspend",        "",          true,  P::None);
    pub static RESUME: OpSpec     = op("ResumeRoom",                 Post, "resume",         "",          true,  P::Connection);
    pub static PING_ENDPOINTS: OpSpec = OpSpec {
        name: "GetPingServiceEndpoints", method: Get, route: Route::Fixed("/discovery/v2/ping"),
        auth: false, payload: P::PingEndpoints,
    };
}
use table::*;

impl Call {
    pub(super) fn spec(&self) -> &'static OpSpec {
        match self {
            Call::CreateRoom { .. } => &CREATE,
            Call::GetRoomInfo { .. } => &INFO,
            Call::GetActiveRoomsForProcess { .. } => &ACTIVE,
            Call::GetInactiveRoomsForProcess { .. } => &INACTIVE,
            Call::GetConnectionInfo { .. } => &CONNECTION,
            Call::UpdateRoomConfig { .. } => &UPDATE,
            Call::DestroyRoom { .. } => &DESTROY,
            Call::SuspendRoomV2Deprecated { .. } => &SUSPEND,
            Call::ResumeRoom { .. } => &RESUME,
            Call::GetPingServiceEndpoints => &PING_ENDPOINTS,
        }
    }

    /// The operation's name as the API reference spells it.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// Whether the path names an app (every RoomsV2 operation).
    pub(super) fn needs_app_id(&self) -> bool {
        matches!(self.spec().route, Route::Rooms { .. })
    }

    /// The room or process the path names; empty for CreateRoom (its roomId is a query) and
    /// for DiscoveryV2.
    pub(super) fn target(&self) -> &str {
        match self {
            Call::CreateRoom { .. } | Call::GetPingServiceEndpoints => "",
            Call::GetActiveRoomsForProcess { process_id }
            | Call::GetInactiveRoomsForProcess { process_id } => process_id,
            Call::GetRoomInfo { room_id }
            | Call::GetConnectionInfo { room_id }
            | Call::UpdateRoomConfig { room_id, .. }
            | Call::DestroyRoom { room_id }
            | Call::SuspendRoomV2Deprecated { room_id }
            | Call::ResumeRoom { room_id } => room_id,
        }
    }

    /// Client-side checks of the documented limits.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Call::CreateRoom {
                region,
                room_id,
                room_config,
                deployment_id,
                client_ips,
            } => {
                validate::region_name("region", region)?;
                if let Some(id) = room_id {
                    validate::room_id("room_id", id)?;
                }
                if let Some(c) = room_config {
                    validate::room_config("room_config", c)?;
                }
                if let Some(d) = deployment_id {
                    validate::app_id("deployment_id", d)?;
                }
                for (i, ip) in client_ips.iter().flatten().enumerate() {
                    validate::client_ip(&format!("client_ips[{i}]"), ip)?;
                }
                Ok(())
            }
            Call::UpdateRoomConfig {
                room_id,
                room_config,
            } => {
                validate::room_id("room_id", room_id)?;
                validate::room_config("room_config", room_config)
            }
            Call::GetActiveRoomsForProcess { process_id }
            | Call::GetInactiveRoomsForProcess { process_id } => {
                validate::app_id("process_id", process_id)
            }
            Call::GetPingServiceEndpoints => Ok(()),
            other => validate::room_id("room_id", other.target()),
        }
    }

    pub(super) fn body(&self) -> Option<Vec<u8>> {
        let json = match self {
            Call::CreateRoom {
                region,
                room_config,
                deployment_id,
                client_ips,
                ..
            } => serde_json::to_vec(&CreateRoomParams {
                region: region.clone(),
                room_config: room_config.clone(),
                deployment_id: deployment_id.clone(),
                client_ips: client_ips.clone(),
            }),
            Call::UpdateRoomConfig { room_config, .. } => {
                serde_json::to_vec(&UpdateRoomConfigParams {
                    room_config: room_config.clone(),
                })
            }
            _ => return None,
        };
        json.ok()
    }
}
