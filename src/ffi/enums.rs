//! C enums of the wire enums. Each value is the model enum's ordinal: 0 means a value this
//! version does not know (its raw string is then in the matching `*_raw` field).

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

macro_rules! from_ordinal {
    ($c:ident, $model:ty, [$($v:ident),+]) => {
        impl $c {
            pub fn of(value: &$model) -> Self {
                const ALL: &[$c] = &[$c::Unknown, $($c::$v),+];
                ALL.get(value.ordinal() as usize).copied().unwrap_or($c::Unknown)
            }
        }
    };
}

from_ordinal!(
    HathoraRoomStatus,
    crate::model::RoomStatus,
    [Scheduling, Active, Suspended, Destroyed]
);
from_ordinal!(
    HathoraRoomReadyStatus,
    crate::model::RoomReadyStatus,
    [Starting, Active]
);
from_ordinal!(
    HathoraTransportType,
    crate::model::TransportType,
    [Tcp, Udp, Tls]
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Region, RoomStatus};

    #[test]
    fn c_values_match_model_ordinals() {
        assert_eq!(Region::SaoPaulo.ordinal(), HathoraRegion::SaoPaulo as u32);
        assert_eq!(Region::Dubai.ordinal(), HathoraRegion::Dubai as u32);
        assert_eq!(Region::KNOWN.len(), HathoraRegion::Dubai as usize);
        assert_eq!(
            HathoraRoomStatus::of(&RoomStatus::Destroyed),
            HathoraRoomStatus::Destroyed
        );
        assert_eq!(
            HathoraRoomStatus::of(&RoomStatus::Unknown("x".into())),
            HathoraRoomStatus::Unknown
        );
    }
}
