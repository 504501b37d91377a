//! Request building: the URL of each call (percent-encoded path and query) and the room id
//! CreateRoom generates when the caller names none.

use super::call::{Call, Route};

impl Call {
    /// The request URL under `base`, built in one buffer (it is on every request's path).
    pub(super) fn url(&self, base: &str, app_id: &str) -> String {
        let (segment, suffix) = match self.spec().route {
            Route::Rooms { segment, suffix } => (segment, suffix),
            Route::Fixed(path) => return format!("{base}{path}"),
        };
        let mut url = String::with_capacity(base.len() + 64 + app_id.len());
        url.push_str(base);
        url.push_str("/rooms/v2/");
        encode_into(&mut url, app_id);
        url.push('/');
        url.push_str(segment);
        match self {
            Call::CreateRoom {
                room_id: Some(id), ..
            } => {
                url.push_str("?roomId=");
                encode_into(&mut url, id);
            }
            _ => {
                url.push('/');
                encode_into(&mut url, self.target());
                url.push_str(suffix);
            }
        }
        url
    }
}

/// Appends `s` percent-encoded: everything but RFC 3986 unreserved characters.
fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// A room id for CreateRoom when the caller gives none: 20 characters of `[a-z0-9]`.
pub(super) fn generate_room_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut id = String::with_capacity(20);
    while id.len() < 20 {
        // 36^10 < 2^64: ten characters per random number.
        let mut bits = crate::random::next_u64();
        for _ in 0..10 {
            id.push(ALPHABET[(bits % 36) as usize] as char);
            bits /= 36;
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate;

    #[test]
    fn paths_are_encoded() {
        let create = Call::CreateRoom {
            region: "Tokyo".into(),
            room_id: Some("r-1".into()),
            room_config: None,
            deployment_id: None,
            client_ips: None,
        };
        let active = Call::GetActiveRoomsForProcess {
            process_id: "p/1 x".into(),
        };
        let resume = Call::ResumeRoom {
            room_id: "r".into(),
        };
        #[rustfmt::skip]
        let cases = [
            (&active, "http://h", "app 1", "http://h/rooms/v2/app%201/list/p%2F1%20x/active"),
            (&create, "", "a", "/rooms/v2/a/create?roomId=r-1"),
            (&resume, "", "a", "/rooms/v2/a/resume/r"),
            (&Call::GetPingServiceEndpoints, "http://h/p", "a", "http://h/p/discovery/v2/ping"),
        ];
        for (call, base, app, url) in cases {
            assert_eq!(call.url(base, app), url, "{}", call.name());
        }
    }

    #[test]
    fn generated_room_ids_are_valid_and_distinct() {
        let a = generate_room_id();
        let b = generate_room_id();
        assert!(validate::room_id("r", &a).is_ok());
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
    }
}
