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

    /// (check, value, None when accepted or a word of the refusal)
    #[test]
    fn each_check_accepts_and_refuses_what_the_documented_limits_say() {
        type Check = fn(&str, &str) -> Result<(), String>;
        let (a100, a101) = ("a".repeat(100), "a".repeat(101));
        let (e10k, a10k1) = ("é".repeat(10_000), "a".repeat(10_001));
        #[rustfmt::skip]
        let cases: Vec<(&str, Check, &str, Option<&str>)> = vec![
            ("room_id", room_id, "a", None),
            ("room_id", room_id, &a100, None),
            ("room_id", room_id, &a101, Some("1 to 100")),
            ("room_id", room_id, "", Some("1 to 100")),
            ("room_id", room_id, "a b", Some("' '")),
            ("room_id", room_id, "é", Some("[a-zA-Z0-9_-]")),
            ("room_config", room_config, &e10k, None),
            ("room_config", room_config, &a10k1, Some("10000")),
            ("app_id", app_id, ".", Some("dot segment")),
            ("process_id", app_id, "..", Some("process_id")),
            ("app_id", app_id, "...", None),
            ("app_id", app_id, "a.b", None),
            ("app_id", app_id, ".x", None),
            ("app_id", app_id, "x.", None),
            ("region", region_name, "Sao_Paulo", None),
            ("region", region_name, "Mars_1", None),
            ("region", region_name, "", Some("not a region name")),
            ("region", region_name, "Sao Paulo", Some("not a region name")),
            ("region", region_name, "1x", Some("not a region name")),
        ];
        for (name, check, value, refused) in cases {
            let case = format!("{name} {}", shown(value));
            match (check(name, value), refused) {
                (Ok(()), None) => {}
                (Err(e), Some(word)) => assert!(e.contains(word), "{case}: {e}"),
                (got, _) => panic!("{case}: {got:?}"),
            }
        }
    }
}
