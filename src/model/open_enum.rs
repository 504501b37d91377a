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
            /// Every known value, in ordinal order (ordinal = index + 1; 0 is "unknown").
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

            /// Stable number for the C enum: 0 for unknown, then the known values from 1.
            pub fn ordinal(&self) -> u32 {
                Self::KNOWN.iter().position(|k| k == self).map_or(0, |i| i as u32 + 1)
            }

            /// The known value with this ordinal, if any.
            pub fn from_ordinal(ordinal: u32) -> Option<Self> {
                (ordinal as usize).checked_sub(1).and_then(|i| Self::KNOWN.get(i)).cloned()
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
        assert_eq!(r.ordinal(), 0);
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"Atlantis\"");
    }

    #[test]
    fn ordinals_round_trip() {
        for (i, r) in Region::KNOWN.iter().enumerate() {
            assert_eq!(r.ordinal(), i as u32 + 1);
            assert_eq!(Region::from_ordinal(r.ordinal()).as_ref(), Some(r));
            assert_eq!(&Region::parse(r.as_str()), r);
        }
        assert_eq!(Region::from_ordinal(0), None);
        assert_eq!(Region::from_ordinal(15), None);
        assert_eq!(Region::SaoPaulo.as_str(), "Sao_Paulo");
    }
}
