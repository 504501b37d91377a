//! Enums whose set of values the API may grow (a new region, a new status).
//! Each keeps the raw wire string when the value is unknown, instead of failing the decode.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version of the library does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(raw) => raw,
                }
            }

            /// Parses a wire string; never fails.
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = std::borrow::Cow::<str>::deserialize(d)?;
                Ok(Self::parse(&raw))
            }
        }
    };
}

open_enum!(
    /// A Hathora region. Later regions decode as `Unknown` and can still be requested by name.
    Region {
        Seattle = "Seattle",
        LosAngeles = "Los_Angeles",
        WashingtonDc = "Washington_DC",
        Chicago = "Chicago",
        London = "London",
        Frankfurt = "Frankfurt",
        Mumbai = "Mumbai",
        Singapore = "Singapore",
        Tokyo = "Tokyo",
        Sydney = "Sydney",
        SaoPaulo = "Sao_Paulo",
        Dallas = "Dallas",
        Johannesburg = "Johannesburg",
        Dubai = "Dubai",
    }
);

open_enum!(
    /// `RoomStatus` of `Room` and `RoomWithoutAllocations`.
    RoomStatus {
        Scheduling = "scheduling",
        Active = "active",
        Suspended = "suspended",
        Destroyed = "destroyed",
    }
);

open_enum!(
    /// `RoomReadyStatus` of connection data: `starting` until the process is ready.
    RoomReadyStatus {
        Starting = "starting",
        Active = "active",
    }
);

open_enum!(
    /// Transport of an exposed port.
    TransportType {
        Tcp = "tcp",
        Udp = "udp",
        Tls = "tls",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_keep_their_raw_string() {
        let r: Region = serde_json::from_str("\"Atlantis\"").unwrap();
        assert_eq!(r, Region::Unknown("Atlantis".into()));
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"Atlantis\"");
    }

    #[test]
    fn known_values_round_trip_through_their_wire_string() {
        for r in Region::KNOWN {
            assert_eq!(&Region::parse(r.as_str()), r, "{r:?}");
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(&serde_json::from_str::<Region>(&json).unwrap(), r, "{r:?}");
        }
        assert_eq!(Region::SaoPaulo.as_str(), "Sao_Paulo");
    }
}
