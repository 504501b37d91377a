//! Name lookups bounded by the call's deadline, without a thread per request. Once a deadline is
//! set, ureq's own resolver looks the host up on a new thread for every request (IP literals and
//! requests that reuse a kept-alive connection included), so the process would hold more threads
//! than the pool's maximum. Here an IP literal needs no lookup, and a host's addresses are kept
//! for a minute; a new name is looked up by ureq's resolver, within the deadline.
//!
//! A lookup that leaves the call less than `MIN_CONNECT` ends it with a timeout: ureq gives a
//! connect with no time left a whole second, which would outlive the deadline.
//! (`ureq::unversioned` is outside ureq's semver promise: Cargo.toml pins ureq's minor version.)

use crate::locks;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::unversioned::transport::time::Duration as UreqDuration;

const CACHE_FOR: Duration = Duration::from_secs(60);

/// The least time a lookup leaves for the connect that follows.
const MIN_CONNECT: Duration = Duration::from_millis(1);

#[derive(Debug, Default)]
pub struct CachingResolver {
    lookup: DefaultResolver,
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(authority), Some(scheme)) = (uri.authority(), uri.scheme_str()) else {
            return self.lookup.resolve(uri, config, timeout);
        };
        let default_port = if scheme == "https" { 443 } else { 80 };
        let port = authority.port_u16().unwrap_or(default_port);
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut one = self.empty();
            one.push(SocketAddr::new(ip, port));
            return Ok(one);
        }
        let key = format!("{host}:{port}");
        if let Some((at, addrs)) = locks::lock(&self.cache).get(&key)
            && at.elapsed() < CACHE_FOR
        {
            return Ok(addrs.clone());
        }
        let started = Instant::now();
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        locks::lock(&self.cache).insert(key, (Instant::now(), addrs.clone()));
        if let UreqDuration::Exact(left) = timeout.after
            && started.elapsed() + MIN_CONNECT > left
        {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(r: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let timeout = NextTimeout {
            after: UreqDuration::Exact(Duration::from_secs(30)),
            ..NextTimeout::default()
        };
        let addrs = r
            .resolve(&uri, &Config::default(), timeout)
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        addrs.iter().copied().collect()
    }

    #[test]
    fn ip_literals_need_no_lookup_and_names_are_kept() {
        let r = CachingResolver::default();
        for (url, want) in [
            ("http://127.0.0.1:8080/x", "127.0.0.1:8080"),
            ("https://10.1.2.3/", "10.1.2.3:443"),
            ("http://[::1]:9/", "[::1]:9"),
        ] {
            assert_eq!(resolve(&r, url), [want.parse().unwrap()], "{url}");
        }
        assert!(
            locks::lock(&r.cache).is_empty(),
            "IP literals are not cached"
        );
        let first = resolve(&r, "http://localhost:7/");
        assert!(!first.is_empty(), "localhost resolves");
        assert_eq!(
            locks::lock(&r.cache).keys().collect::<Vec<_>>(),
            ["localhost:7"],
            "a looked-up name is kept"
        );
        assert_eq!(resolve(&r, "http://localhost:7/"), first, "from the cache");
    }
}
