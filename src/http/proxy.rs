//! Which proxy a client's requests go through: read once from the environment when the client
//! is created, with the conventions of curl and most HTTP tools, because ureq's own reading
//! (`Proxy::try_from_env`, in every default agent config) differs from them: it takes the first
//! of ALL_PROXY, HTTPS_PROXY, HTTP_PROXY set, for every URL whatever its scheme, skips a
//! malformed value silently, does not trim NO_PROXY entries (`a, b` never matches `b`), matches
//! a bare NO_PROXY domain only exactly, and without its `socks-proxy` feature (not enabled here)
//! connects directly when given a SOCKS proxy. And it proxies loopback too, which sends the dev
//! token to the proxy in clear text on `http://`.
//!
//! The rules here:
//! - loopback hosts (`localhost`, `*.localhost`, 127.0.0.0/8, ::1) are never proxied;
//! - an `https://` base URL uses `https_proxy`/`HTTPS_PROXY`, else `all_proxy`/`ALL_PROXY`; an
//!   `http://` one `http_proxy`/`HTTP_PROXY`, else `all_proxy`/`ALL_PROXY` (lowercase first;
//!   empty means unset);
//! - `no_proxy`/`NO_PROXY` (comma-separated, spaces trimmed): `*` matches everything; a name
//!   matches itself and its subdomains (`example.com`, `.example.com` and `*.example.com` alike);
//!   an IP address matches itself and a CIDR range (`10.0.0.0/8`) its addresses; a `:port` suffix
//!   is ignored;
//! - the proxy is `http://host:port` (also without scheme) or `https://host:port`, with optional
//!   `user:password@` (sent as `Proxy-Authorization: Basic`); the request is tunnelled with
//!   CONNECT. A SOCKS or malformed proxy makes the client refuse to start, naming the variable
//!   (not its value, which may hold a password), rather than silently connecting directly.

use std::net::IpAddr;

/// The proxy for requests to `base_url` (already validated by `config`), or None for direct.
/// `env` reads a variable (the process environment in production, a map in unit tests).
pub fn for_base_url(
    base_url: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Chosen>, String> {
    let (secure, host) = scheme_and_host(base_url);
    if is_loopback(host) {
        return Ok(None);
    }
    let names: [&str; 4] = if secure {
        ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    let set = |name: &'static str| {
        env(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (name, v))
    };
    let Some((variable, value)) = names.into_iter().find_map(set) else {
        return Ok(None);
    };
    let no_proxy = ["no_proxy", "NO_PROXY"]
        .iter()
        .find_map(|n| env(n))
        .unwrap_or_default();
    if no_proxy_matches(&no_proxy, host) {
        return Ok(None);
    }
    let value = value.trim();
    let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), None | Some("http") | Some("https")) {
        return Err(format!(
            "the proxy in {variable} is not an http:// or https:// proxy (SOCKS is not \
             supported); fix {variable} or set no_proxy for this host"
        ));
    }
    let proxy = ureq::Proxy::new(value).map_err(|_| {
        format!("the proxy in {variable} is not a valid proxy URL (http://host:port)")
    })?;
    Ok(Some(Chosen { variable, proxy }))
}

/// A proxy and the variable it came from (for the log line).
pub struct Chosen {
    pub variable: &'static str,
    pub proxy: ureq::Proxy,
}

/// The scheme and host of a validated base URL (`[v6]` without brackets, no port).
fn scheme_and_host(url: &str) -> (bool, &str) {
    let (secure, rest) = match url.strip_prefix("https://") {
        Some(r) => (true, r),
        None => (false, url.strip_prefix("http://").unwrap_or(url)),
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    (secure, host)
}

/// `localhost`, a name under `.localhost` (RFC 6761), or a loopback address.
pub fn is_loopback(host: &str) -> bool {
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let ip = host.parse::<IpAddr>().ok();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            if let Some(ip) = ip {
                return ip_matches(&entry, ip);
            }
            let entry = strip_port(&entry);
            let domain = entry.trim_start_matches('*').trim_start_matches('.');
            !domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}")))
        })
}

/// `host:port` → `host`, leaving IPv6 addresses (several colons) alone.
fn strip_port(entry: &str) -> &str {
    match entry.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.parse::<u16>().is_ok() => h,
        _ => entry,
    }
}

/// An address entry (`10.1.2.3`, `[::1]`, `10.0.0.0/8`, `fd00::/8`) against an address.
fn ip_matches(entry: &str, ip: IpAddr) -> bool {
    let entry = entry.trim_start_matches('[').replace(']', "");
    let (addr, bits) = match entry.split_once('/') {
        Some((a, b)) => (a, b.parse::<u32>().ok()),
        None => (strip_port(&entry), None),
    };
    let Ok(net) = addr.parse::<IpAddr>() else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => prefix_eq(&n.octets(), &i.octets(), bits.unwrap_or(32)),
        (IpAddr::V6(n), IpAddr::V6(i)) => prefix_eq(&n.octets(), &i.octets(), bits.unwrap_or(128)),
        _ => false,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u32) -> bool {
    let bits = bits.min(a.len() as u32 * 8) as usize;
    let (full, rest) = (bits / 8, bits % 8);
    a[..full] == b[..full] && (rest == 0 || (a[full] ^ b[full]) >> (8 - rest) == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn choose(url: &str, vars: &[(&str, &str)]) -> Result<Option<&'static str>, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for_base_url(url, |n| map.get(n).cloned()).map(|c| c.map(|c| c.variable))
    }

    #[test]
    fn scheme_picks_the_variable() {
        let all = [
            ("HTTP_PROXY", "http://p:1"),
            ("HTTPS_PROXY", "http://p:2"),
            ("ALL_PROXY", "http://p:3"),
        ];
        type Vars<'a> = &'a [(&'a str, &'a str)];
        #[rustfmt::skip]
        let cases: [(&str, Vars, Option<&str>); 6] = [
            ("https://api.hathora.dev", &all, Some("HTTPS_PROXY")),
            ("http://h.example", &all, Some("HTTP_PROXY")),
            ("https://api.hathora.dev", &all[..1], None),
            ("https://a.b", &[("ALL_PROXY", "p:3")], Some("ALL_PROXY")),
            ("https://a.b", &[("https_proxy", "p:1"), ("HTTPS_PROXY", "p:2")], Some("https_proxy")),
            ("https://a.b", &[("HTTPS_PROXY", " ")], None),
        ];
        for (url, vars, variable) in cases {
            assert_eq!(choose(url, vars), Ok(variable), "{url} with {vars:?}");
        }
    }

    #[test]
    fn loopback_is_never_proxied() {
        let all = [("HTTP_PROXY", "http://p:1"), ("ALL_PROXY", "http://p:3")];
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:1",
            "http://LocalHost.",
            "http://emu.localhost:9",
            "http://[::1]:80/x",
        ] {
            assert_eq!(choose(url, &all), Ok(None), "{url}");
        }
        assert_eq!(
            choose("http://127.0.0.1.example:1", &all),
            Ok(Some("HTTP_PROXY"))
        );
    }

    #[test]
    fn no_proxy_entries() {
        let p = ("HTTPS_PROXY", "http://p:1");
        // (host, NO_PROXY, whether it goes direct)
        #[rustfmt::skip]
        let cases: [(&str, &str, bool); 13] = [
            ("api.hathora.dev", "other, hathora.dev", true),
            ("api.hathora.dev", " .hathora.dev ", true),
            ("api.hathora.dev", "*.hathora.dev", true),
            ("hathora.dev", ".hathora.dev", true),
            ("api.hathora.dev", "api.hathora.dev:443", true),
            ("x.y", "*", true),
            ("10.1.2.3", "10.0.0.0/8", true),
            ("10.1.2.3", "10.1.2.3", true),
            ("[fd00::5]", "fd00::/8", true),
            ("api.hathora.dev", "ora.dev", false),
            ("api.hathora.dev", "", false),
            ("11.1.2.3", "10.0.0.0/8", false),
            ("10.1.2.3", "10.1.2.4", false),
        ];
        for (host, list, direct) in cases {
            let got = choose(&format!("https://{host}"), &[p, ("NO_PROXY", list)]);
            assert_eq!(
                got == Ok(None),
                direct,
                "{host} with NO_PROXY={list:?}: {got:?}"
            );
        }
        assert_eq!(
            choose("https://a.b", &[p, ("no_proxy", "a.b"), ("NO_PROXY", "")]),
            Ok(None),
            "lowercase no_proxy first"
        );
    }

    #[test]
    fn socks_and_garbage_are_refused_without_echoing_the_value() {
        for value in ["socks5h://user:secret@p:1080", "http://user:secret@[bad"] {
            let e = choose("https://a.b", &[("ALL_PROXY", value)]).unwrap_err();
            assert!(e.contains("ALL_PROXY") && !e.contains("secret"), "{e}");
        }
    }
}
