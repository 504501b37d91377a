//! JSON shapes of requests and responses (field names exactly as the contract spells them).

use super::{Region, RoomReadyStatus, RoomStatus, TransportType};
use serde::{Deserialize, Serialize};

/// `ApiError`: the body of every declared error.
#[derive(Clone, Debug, Deserialize)]
pub struct ApiErrorBody {
    pub message: String,
}

/// `CreateRoomParams`. `region` is the wire string so regions added later still work.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRoomParams {
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_config: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(rename = "clientIPs", skip_serializing_if = "Option::is_none")]
    pub client_ips: Option<Vec<String>>,
}

/// `UpdateRoomConfigParams`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRoomConfigParams {
    pub room_config: String,
}

/// `ExposedPort`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExposedPort {
    pub transport_type: TransportType,
    pub port: u32,
    pub host: String,
    pub name: String,
}

/// `ConnectionInfoV2`, `RoomConnectionData` (CreateRoom) and `RoomAllocationData` (ResumeRoom):
/// one type, since they differ only in whether `processId` is present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    pub status: RoomReadyStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_port: Option<ExposedPort>,
    #[serde(default)]
    pub additional_exposed_ports: Vec<ExposedPort>,
}

/// `RoomAllocation`. Times stay ISO-8601 strings, as sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomAllocation {
    pub room_allocation_id: String,
    pub process_id: String,
    pub scheduled_at: String,
    #[serde(default)]
    pub unscheduled_at: Option<String>,
}

/// `Room`, and `RoomWithoutAllocations` (then `allocations` is empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    pub app_id: String,
    pub room_id: String,
    pub status: RoomStatus,
    #[serde(default)]
    pub room_config: Option<String>,
    #[serde(default)]
    pub current_allocation: Option<RoomAllocation>,
    #[serde(default)]
    pub allocations: Vec<RoomAllocation>,
}

/// `PingEndpoints` (DiscoveryV2 GetPingServiceEndpoints): a region's UDP echo beacon. Also an
/// endpoint a caller names for region pings (a self-hosted region, another provider's beacon:
/// any name, as `Region::Unknown`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingEndpoint {
    pub region: Region,
    /// A host name, an IPv4 address, or an IPv6 address (with or without brackets).
    pub host: String,
    pub port: u16,
}

impl PingEndpoint {
    pub fn new(region: Region, host: impl Into<String>, port: u16) -> Self {
        PingEndpoint {
            region,
            host: host.into(),
            port,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_info_without_port_and_with_unknown_fields() {
        let c: ConnectionInfo = serde_json::from_str(
            r#"{"roomId":"r1","status":"starting","additionalExposedPorts":[],"future":1}"#,
        )
        .unwrap();
        assert_eq!(c.status, RoomReadyStatus::Starting);
        assert!(c.exposed_port.is_none() && c.process_id.is_none());
    }

    #[test]
    fn create_params_use_contract_names() {
        let p = CreateRoomParams {
            region: "Sao_Paulo".into(),
            room_config: None,
            deployment_id: Some("d1".into()),
            client_ips: Some(vec!["1.2.3.4".into()]),
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"region":"Sao_Paulo","deploymentId":"d1","clientIPs":["1.2.3.4"]}"#
        );
    }

    #[test]
    fn ping_endpoints_decode_any_region_and_refuse_a_port_out_of_range() {
        let list: Vec<PingEndpoint> = serde_json::from_str(
            r#"[{"region":"Seattle","host":"a.test","port":2000},{"region":"Mars","host":"::1","port":9,"x":1}]"#,
        )
        .unwrap();
        assert_eq!(list[0], PingEndpoint::new(Region::Seattle, "a.test", 2000));
        assert_eq!(list[1].region, Region::Unknown("Mars".into()));
        for bad in [
            r#"{"region":"Seattle","host":"h","port":70000}"#,
            r#"{"region":"Seattle","port":1}"#,
        ] {
            assert!(serde_json::from_str::<PingEndpoint>(bad).is_err(), "{bad}");
        }
    }
}
