//! Structured results as C structs, built once on the thread that finished the request. Every
//! pointer in them points into the owning `HathoraResult` and lives exactly as long as it.

use super::enums::{
    HathoraRegion, HathoraRoomReadyStatus, HathoraRoomStatus, HathoraTransportType,
};
use crate::model::{ConnectionInfo, ExposedPort, PingEndpoint, Room, RoomAllocation};
use crate::ping::RegionPing;
use std::ffi::c_char;
use std::ptr::null;

/// `ExposedPort`: where a game client connects.
#[repr(C)]
pub struct HathoraExposedPort {
    pub transport_type: HathoraTransportType,
    /// The wire string, e.g. "udp"; kept for values this version does not know.
    pub transport_type_raw: *const c_char,
    pub port: u32,
    pub host: *const c_char,
    pub name: *const c_char,
}

/// `ConnectionInfoV2` (GetConnectionInfo, wait-until-active), `RoomConnectionData` (CreateRoom)
/// or `RoomAllocationData` (ResumeRoom).
#[repr(C)]
pub struct HathoraConnectionInfo {
    pub room_id: *const c_char,
    /// NULL for GetConnectionInfo, which does not return it.
    pub process_id: *const c_char,
    pub status: HathoraRoomReadyStatus,
    pub status_raw: *const c_char,
    /// NULL until the room is active.
    pub exposed_port: *const HathoraExposedPort,
    /// `additional_exposed_ports_count` entries; NULL when there are none.
    pub additional_exposed_ports: *const HathoraExposedPort,
    pub additional_exposed_ports_count: usize,
}

/// `RoomAllocation`: one scheduling of a room on a process. Times are ISO-8601 text with offset.
#[repr(C)]
pub struct HathoraRoomAllocation {
    pub room_allocation_id: *const c_char,
    pub process_id: *const c_char,
    pub scheduled_at: *const c_char,
    /// NULL while the allocation is current.
    pub unscheduled_at: *const c_char,
}

/// `Room` (GetRoomInfo) or `RoomWithoutAllocations` (list operations: `allocations_count` is 0).
#[repr(C)]
pub struct HathoraRoom {
    pub app_id: *const c_char,
    pub room_id: *const c_char,
    pub status: HathoraRoomStatus,
    pub status_raw: *const c_char,
    /// NULL when the room has no config.
    pub room_config: *const c_char,
    /// NULL when the room is not scheduled (suspended or destroyed).
    pub current_allocation: *const HathoraRoomAllocation,
    /// `allocations_count` entries; NULL when there are none.
    pub allocations: *const HathoraRoomAllocation,
    pub allocations_count: usize,
}

/// `PingEndpoints` (DiscoveryV2 GetPingServiceEndpoints): one region's UDP echo beacon.
#[repr(C)]
pub struct HathoraPingEndpoint {
    pub region: HathoraRegion,
    /// The wire name, e.g. "Sao_Paulo"; kept for regions this version does not know.
    pub region_raw: *const c_char,
    pub host: *const c_char,
    pub port: u16,
}

/// One endpoint's round trips (`hathora_ping_regions`), in the order of the endpoints.
#[repr(C)]
pub struct HathoraRegionPing {
    pub region: HathoraRegion,
    /// The region's name as given (DiscoveryV2's wire name, or the caller's own name).
    pub region_raw: *const c_char,
    pub host: *const c_char,
    pub port: u16,
    /// The address pinged, e.g. "203.0.113.5:2000" or "[2001:db8::1]:2000"; NULL when the host
    /// has no address that could be used (see `failure`).
    pub address: *const c_char,
    /// The shortest round trip of the answered rounds, in nanoseconds; NULL when no round was
    /// answered (a silent region has no round trip, not 0).
    pub min_rtt_ns: *const u64,
    /// Datagrams sent: the rounds asked for, unless some could not be sent.
    pub sent: u32,
    /// Rounds whose own echo came back in time, each counted once.
    pub answered: u32,
    /// Why fewer datagrams than rounds went out (the name did not resolve or its lookup did not
    /// finish in time, no socket for its address family, a send failed); NULL when every round
    /// was sent, answered or not.
    pub failure: *const c_char,
}

/// Owns the strings the views point into: NUL-terminated copies packed into chunks that never
/// move once allocated, so a typical result costs one allocation rather than one per field.
#[derive(Default)]
pub(crate) struct Strings(Vec<Vec<u8>>);

const CHUNK: usize = 1024;

impl Strings {
    pub(crate) fn add(&mut self, s: &str) -> *const c_char {
        // A NUL inside (impossible in JSON text, possible in a room config) becomes U+FFFD.
        let owned;
        let text = if s.contains('\0') {
            owned = s.replace('\0', "\u{FFFD}");
            owned.as_str()
        } else {
            s
        };
        let need = text.len() + 1;
        let fits = self
            .0
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= need);
        if !fits {
            // Pushing within capacity never reallocates, so earlier pointers stay valid.
            self.0.push(Vec::with_capacity(need.max(CHUNK)));
        }
        let chunk = self
            .0
            .last_mut()
            .expect("a chunk with room was just ensured");
        let start = chunk.len();
        chunk.extend_from_slice(text.as_bytes());
        chunk.push(0);
        chunk[start..].as_ptr().cast()
    }

    pub(crate) fn add_opt(&mut self, s: Option<&str>) -> *const c_char {
        s.map_or(null(), |s| self.add(s))
    }
}

fn slice_ptr<T>(v: &[T]) -> *const T {
    if v.is_empty() { null() } else { v.as_ptr() }
}

fn port(s: &mut Strings, p: &ExposedPort) -> HathoraExposedPort {
    HathoraExposedPort {
        transport_type: HathoraTransportType::of(&p.transport_type),
        transport_type_raw: s.add(p.transport_type.as_str()),
        port: p.port,
        host: s.add(&p.host),
        name: s.add(&p.name),
    }
}

/// A connection view with the port storage it points into (heap storage: moving the view
/// keeps every pointer valid).
pub(crate) struct ConnectionView {
    pub info: HathoraConnectionInfo,
    _main: Option<Box<HathoraExposedPort>>,
    _extra: Vec<HathoraExposedPort>,
}

impl ConnectionView {
    pub(crate) fn new(s: &mut Strings, c: &ConnectionInfo) -> Self {
        let main = c.exposed_port.as_ref().map(|p| Box::new(port(s, p)));
        let extra: Vec<_> = c
            .additional_exposed_ports
            .iter()
            .map(|p| port(s, p))
            .collect();
        let info = HathoraConnectionInfo {
            room_id: s.add(&c.room_id),
            process_id: s.add_opt(c.process_id.as_deref()),
            status: HathoraRoomReadyStatus::of(&c.status),
            status_raw: s.add(c.status.as_str()),
            exposed_port: main.as_deref().map_or(null(), |p| p as *const _),
            additional_exposed_ports: slice_ptr(&extra),
            additional_exposed_ports_count: extra.len(),
        };
        ConnectionView {
            info,
            _main: main,
            _extra: extra,
        }
    }
}

fn allocation(s: &mut Strings, a: &RoomAllocation) -> HathoraRoomAllocation {
    HathoraRoomAllocation {
        room_allocation_id: s.add(&a.room_allocation_id),
        process_id: s.add(&a.process_id),
        scheduled_at: s.add(&a.scheduled_at),
        unscheduled_at: s.add_opt(a.unscheduled_at.as_deref()),
    }
}

/// A room view with the allocation storage it points into.
pub(crate) struct RoomView {
    pub room: HathoraRoom,
    _current: Option<Box<HathoraRoomAllocation>>,
    _all: Vec<HathoraRoomAllocation>,
}

impl RoomView {
    pub(crate) fn new(s: &mut Strings, r: &Room) -> Self {
        let current = r
            .current_allocation
            .as_ref()
            .map(|a| Box::new(allocation(s, a)));
        let all: Vec<_> = r.allocations.iter().map(|a| allocation(s, a)).collect();
        let room = HathoraRoom {
            app_id: s.add(&r.app_id),
            room_id: s.add(&r.room_id),
            status: HathoraRoomStatus::of(&r.status),
            status_raw: s.add(r.status.as_str()),
            room_config: s.add_opt(r.room_config.as_deref()),
            current_allocation: current.as_deref().map_or(null(), |a| a as *const _),
            allocations: slice_ptr(&all),
            allocations_count: all.len(),
        };
        RoomView {
            room,
            _current: current,
            _all: all,
        }
    }
}

pub(crate) fn ping_endpoint(s: &mut Strings, e: &PingEndpoint) -> HathoraPingEndpoint {
    HathoraPingEndpoint {
        region: HathoraRegion::of(&e.region),
        region_raw: s.add(e.region.as_str()),
        host: s.add(&e.host),
        port: e.port,
    }
}

/// Region ping views with the round-trip storage their `min_rtt_ns` point into.
pub(crate) struct RegionPingsView {
    pub pings: Vec<HathoraRegionPing>,
    _rtts: Vec<u64>,
}

impl RegionPingsView {
    pub(crate) fn new(s: &mut Strings, pings: &[RegionPing]) -> Self {
        // Filled before any pointer into it is taken, and never grown after.
        let rtts: Vec<u64> = pings
            .iter()
            .map(|p| {
                p.min_rtt
                    .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
            })
            .collect();
        let pings = pings
            .iter()
            .zip(&rtts)
            .map(|(p, rtt)| HathoraRegionPing {
                region: HathoraRegion::of(&p.region),
                region_raw: s.add(p.region.as_str()),
                host: s.add(&p.host),
                port: p.port,
                address: s.add_opt(p.address.map(|a| a.to_string()).as_deref()),
                min_rtt_ns: if p.min_rtt.is_some() { rtt } else { null() },
                sent: p.sent,
                answered: p.answered,
                failure: s.add_opt(p.failure.as_deref()),
            })
            .collect();
        RegionPingsView { pings, _rtts: rtts }
    }
}

#[cfg(test)]
mod tests {
    use super::Strings;
    use std::ffi::CStr;

    #[test]
    fn strings_stay_put_across_chunks_and_lose_inner_nuls() {
        let mut s = Strings::default();
        let inputs: Vec<String> = (0..300)
            .map(|i| format!("value-{i}"))
            .chain(["a\0b".to_owned(), "x".repeat(5000), String::new()])
            .collect();
        let ptrs: Vec<_> = inputs.iter().map(|v| s.add(v)).collect();
        for (v, p) in inputs.iter().zip(ptrs) {
            let read = unsafe { CStr::from_ptr(p) }.to_str().unwrap();
            assert_eq!(read, v.replace('\0', "\u{FFFD}"));
        }
        assert!(s.0.len() > 1, "the values spanned several chunks");
    }
}
