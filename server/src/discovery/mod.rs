//! DiscoveryV2: the regions this server answers `GET /discovery/v2/ping` with, and one UDP
//! echo beacon per region, where players measure their round trip to that region (the client
//! sends a datagram, the beacon returns it byte for byte).

mod beacon;

pub(crate) use beacon::Beacons;

/// One entry of the `/discovery/v2/ping` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PingEndpoint {
    pub(crate) region: String,
    pub(crate) host: String,
    pub(crate) port: u16,
}
