//! Client-side checks of call arguments, following the documented limits, so that a bad
//! argument fails at once with a clear message instead of a round trip.

/// Longest roomId the API accepts, in characters of `[a-zA-Z0-9_-]`.
pub const ROOM_ID_MAX_LEN: usize = 100;
/// Longest roomConfig the API accepts, in characters.
pub const ROOM_CONFIG_MAX_CHARS: usize = 10_000;
const ID_MAX: usize = 256;

/// A value quoted in a message, cut short so that a huge argument makes no huge message.
pub fn shown(v: &str) -> String {
    const MAX: usize = 64;
    match v.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}...", &v[..cut]),
        None => format!("{v:?}"),
    }
}

/// roomId: 1 to 100 characters of `[a-zA-Z0-9_-]`.
pub fn room_id(name: &str, v: &str) -> Result<(), String> {
    if v.is_empty() || v.len() > ROOM_ID_MAX_LEN {
        return Err(format!(
            "{name} must be 1 to {ROOM_ID_MAX_LEN} characters, got {}",
            v.chars().count()
        ));
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "{name} may only contain [a-zA-Z0-9_-], found {c:?}"
        ));
    }
    Ok(())
}

/// roomConfig: at most 10,000 characters.
pub fn room_config(name: &str, v: &str) -> Result<(), String> {
    let n = v.chars().count();
    if n > ROOM_CONFIG_MAX_CHARS {
        return Err(format!(
            "{name} must be at most {ROOM_CONFIG_MAX_CHARS} characters, got {n}"
        ));
    }
    Ok(())
}

/// appId, processId, deploymentId: non-empty, bounded, printable, and not `.` or `..`. The
/// first two are path segments: a dot segment would go out raw (dots are unreserved, and
/// percent-encoding them does not help: `%2E` is equivalent to `.`), and a server, proxy or CDN
/// that normalises the path would route the request elsewhere.
pub fn app_id(name: &str, v: &str) -> Result<(), String> {
    if v.is_empty() || v.len() > ID_MAX {
        return Err(format!("{name} must be 1 to {ID_MAX} bytes"));
    }
    if v == "." || v == ".." {
        return Err(format!(
            "{name} must not be {v:?}: a dot segment would change the request path"
        ));
    }
    if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "{name} must not contain whitespace or control characters"
        ));
    }
    Ok(())
}

/// A region's wire name: letters, digits and `_`, starting with a letter. Any such name is
/// accepted, so a region Hathora adds later works without a new library.
pub fn region_name(name: &str, v: &str) -> Result<(), String> {
    let well_formed = (1..=64).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed {
        return Err(format!(
            "{name} {} is not a region name (1 to 64 of [A-Za-z0-9_], starting with a letter)",
            shown(v)
        ));
    }
    Ok(())
}

/// One entry of clientIPs: an IPv4 or IPv6 address.
pub fn client_ip(name: &str, v: &str) -> Result<(), String> {
    v.parse::<std::net::IpAddr>()
        .map(|_| ())
        .map_err(|_| format!("{name} {} is not an IP address", shown(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_id_limits() {
        assert!(room_id("roomId", "a").is_ok());
        assert!(room_id("roomId", &"a".repeat(100)).is_ok());
        assert!(room_id("roomId", &"a".repeat(101)).is_err());
        assert!(room_id("roomId", "").is_err());
        assert!(room_id("roomId", "a b").unwrap_err().contains("' '"));
        assert!(room_id("roomId", "é").is_err());
    }

    #[test]
    fn room_config_counts_characters() {
        assert!(room_config("roomConfig", &"é".repeat(10_000)).is_ok());
        assert!(room_config("roomConfig", &"a".repeat(10_001)).is_err());
    }

    #[test]
    fn dot_segments_are_not_ids() {
        assert!(app_id("app_id", ".").unwrap_err().contains("dot segment"));
        assert!(
            app_id("process_id", "..")
                .unwrap_err()
                .contains("process_id")
        );
        for ok in ["...", "a.b", ".x", "x."] {
            assert!(app_id("app_id", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn regions() {
        assert!(region_name("region", "Sao_Paulo").is_ok());
        assert!(region_name("region", "Mars_1").is_ok());
        assert!(region_name("region", "").is_err());
        assert!(region_name("region", "Sao Paulo").is_err());
        assert!(region_name("region", "1x").is_err());
    }
}
