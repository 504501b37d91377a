//! Wire types of the RoomsV2 and DiscoveryV2 contracts. Decoding is tolerant the way the official SDKs are:
//! unknown fields are ignored and unknown enum values keep their raw string.

mod open_enum;
mod types;

pub use open_enum::{Region, RoomReadyStatus, RoomStatus, TransportType};
pub use types::{
    ApiErrorBody, ConnectionInfo, CreateRoomParams, ExposedPort, PingEndpoint, Room,
    RoomAllocation, UpdateRoomConfigParams,
};
