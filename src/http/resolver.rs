//! Name resolution without a thread per connection. ureq's default resolver spawns a lookup
//! thread for every new connection when a deadline is set, even for an IP address. Here IP
//! literals need no lookup at all, and a host's addresses are kept for a minute, so the thread
//! count stays at the pool's size plus its timer in steady state.
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

const CACHE_FOR: Duration = Duration::from_secs(60);

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
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut cache = locks::lock(&self.cache);
        cache.insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}
