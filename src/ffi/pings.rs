//! Region pings through the C ABI: the options and endpoint list a caller gives, and the
//! blocking and asynchronous entry points (the shared forms of `ops`).

use super::boundary::{optional_str, required_str};
use super::callback::HathoraCallback;
use super::client::HathoraClient;
use super::enums::{HathoraRegion, HathoraResultCode};
use super::ops::{HathoraCallOptions, asynchronous, blocking, check_version};
use super::result::HathoraResult;
use crate::model::{PingEndpoint, Region};
use crate::ping::PingOptions;
use crate::rooms::PingRequest;
use std::ffi::{c_char, c_void};
use std::time::Duration;

/// The value `HathoraPingOptions.version` must hold.
pub const HATHORA_PING_OPTIONS_VERSION: u32 = 1;

/// One beacon to measure, named by the caller: a self-hosted region, another provider's beacon,
/// or an endpoint DiscoveryV2 returned earlier. Read during the call only; strings are copied.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HathoraPingTarget {
    /// A `HathoraRegion`; ignored when `region_name` is set.
    pub region: u32,
    /// The region's name as the results report it: any UTF-8 name (e.g. "home-lab"); NULL uses
    /// `region`.
    pub region_name: *const c_char,
    /// A host name, an IPv4 address or an IPv6 address (with or without brackets).
    pub host: *const c_char,
    /// The beacon's UDP port, 1 to 65535.
    pub port: u16,
}

/// How `hathora_ping_regions` measures. Read during the call only. Start from
/// `hathora_ping_options_init()`, then set the fields you change.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HathoraPingOptions {
    /// Must be `HATHORA_PING_OPTIONS_VERSION`, so that later fields can be added safely.
    pub version: u32,
    /// Datagrams sent to each endpoint, one after the other (1 to `HATHORA_MAX_PING_ROUNDS`);
    /// 0: 3.
    pub rounds: u32,
    /// How long each datagram's echo is awaited, in milliseconds (1 to
    /// `HATHORA_MAX_PING_TIMEOUT_MS`); 0: 1000.
    pub timeout_ms: u32,
    /// How long the name lookups (all at once) are awaited, in milliseconds (1 to
    /// `HATHORA_MAX_PING_TIMEOUT_MS`); 0: 2000.
    pub lookup_timeout_ms: u32,
    /// `targets_count` endpoints to measure (at most `HATHORA_MAX_PING_TARGETS`); NULL when the
    /// count is 0, and then DiscoveryV2's list is asked for first, on the client's base URL.
    pub targets: *const HathoraPingTarget,
    pub targets_count: usize,
}

/// `HathoraPingOptions` at the current version with every default: 3 rounds, 1000 ms per ping,
/// 2000 ms for lookups, no targets (DiscoveryV2's list).
#[unsafe(no_mangle)]
pub extern "C" fn hathora_ping_options_init() -> HathoraPingOptions {
    HathoraPingOptions {
        version: HATHORA_PING_OPTIONS_VERSION,
        rounds: 0,
        timeout_ms: 0,
        lookup_timeout_ms: 0,
        targets: std::ptr::null(),
        targets_count: 0,
    }
}

/// A millisecond field: 0 keeps the default.
fn ms_or(ms: u32, default: Duration) -> Duration {
    if ms == 0 {
        default
    } else {
        Duration::from_millis(ms.into())
    }
}

/// # Safety
/// `t` points to a readable `HathoraPingTarget` whose strings are NULL or NUL-terminated.
unsafe fn target(t: &HathoraPingTarget, i: usize) -> Result<PingEndpoint, String> {
    let name = format!("ping.targets[{i}]");
    let region = match unsafe { optional_str(t.region_name, &format!("{name}.region_name")) }? {
        Some(n) if n.is_empty() => return Err(format!("{name}.region_name is empty")),
        Some(n) => Region::parse(&n),
        None => HathoraRegion::from_u32(t.region)
            .and_then(HathoraRegion::known)
            .ok_or_else(|| {
                format!(
                    "{name}.region {} is not a HathoraRegion; set {name}.region_name for other regions",
                    t.region
                )
            })?,
    };
    let host = unsafe { required_str(t.host, &format!("{name}.host")) }?;
    if t.port == 0 {
        return Err(format!("{name}.port must be 1 to 65535"));
    }
    Ok(PingEndpoint::new(region, host, t.port))
}

/// The request `p` describes; NULL is every default.
///
/// # Safety
/// `p` is NULL or a readable `HathoraPingOptions` whose `targets` holds `targets_count` readable
/// entries.
unsafe fn ping_request(p: *const HathoraPingOptions) -> Result<PingRequest, String> {
    // SAFETY: per the contract above.
    let Some(p) = (unsafe { p.as_ref() }) else {
        return Ok(PingRequest::default());
    };
    check_version(
        "ping",
        p.version,
        "HATHORA_PING_OPTIONS_VERSION",
        HATHORA_PING_OPTIONS_VERSION,
    )?;
    let defaults = PingOptions::default();
    let options = PingOptions {
        rounds: if p.rounds == 0 {
            defaults.rounds
        } else {
            p.rounds
        },
        timeout: ms_or(p.timeout_ms, defaults.timeout),
        lookup_timeout: ms_or(p.lookup_timeout_ms, defaults.lookup_timeout),
    };
    let count = p.targets_count;
    let endpoints = if count == 0 {
        None
    } else if p.targets.is_null() {
        return Err(format!(
            "ping.targets is NULL but ping.targets_count is {count}"
        ));
    } else if count > crate::ping::MAX_ENDPOINTS {
        return Err(format!(
            "ping.targets_count {count} exceeds {}",
            crate::ping::MAX_ENDPOINTS
        ));
    } else {
        // SAFETY: the caller passes `targets_count` readable entries.
        let targets = unsafe { std::slice::from_raw_parts(p.targets, count) };
        let mut list = Vec::with_capacity(count);
        for (i, t) in targets.iter().enumerate() {
            list.push(unsafe { target(t, i) }?);
        }
        Some(list)
    };
    Ok(PingRequest { options, endpoints })
}

/// Region pings: the round trip from this machine to each region's UDP echo beacon, measured
/// over `rounds` datagrams per endpoint, to pick the nearest region before CreateRoom. The
/// endpoints are `ping->targets`, or, when there are none, DiscoveryV2's list
/// (`hathora_get_ping_service_endpoints` on the client's base URL, bounded by `options`'
/// timeout and retries; its failure is this call's result, with nothing measured). `ping`
/// NULL: every default. Invalid options or targets: `INVALID_ARGUMENT`, nothing sent.
///
/// Each datagram carries a fresh nonce, and only its own echo, byte for byte, from the
/// endpoint's address and within the timeout, counts (a late, duplicated, corrupted or replayed
/// echo never does); timestamps are taken on the thread that sends and receives. IPv4 and IPv6.
/// Name lookups come first (on up to 8 short-lived threads, bounded by the lookup timeout), then
/// every endpoint's rounds run side by side on one thread: the call ends within about
/// `lookup_timeout + rounds × timeout`, after DiscoveryV2 when it is asked.
///
/// Result: `OK` with one `HathoraRegionPing` per endpoint in their order
/// (`hathora_result_region_ping_count` / `hathora_result_region_ping_at`; a silent region has
/// `answered` 0 and `min_rtt_ns` NULL), the same as JSON in the body, and DiscoveryV2's HTTP
/// status and attempts when it was asked (else 0). A problem with one endpoint (its name does
/// not resolve) is in that endpoint's `failure`, not the call's code.
///
/// Blocking form: runs on the calling thread; `hathora_client_free` on another thread ends it
/// at once with `SHUT_DOWN`. Asynchronous form: one job on the client's worker pool, holding one
/// worker for the measurement however many endpoints there are, and none between DiscoveryV2's
/// attempts; `hathora_client_cancel` and `hathora_client_free` end it at once (`CANCELLED`,
/// `SHUT_DOWN`), wherever it waits.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `ping` is NULL or a readable `HathoraPingOptions` whose `targets` holds `targets_count`
/// readable entries with NULL or NUL-terminated strings; `options` is NULL or readable;
/// `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_ping_regions(
    client: *mut HathoraClient,
    ping: *const HathoraPingOptions,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        blocking(client, options, out_result, |c, o| {
            Ok(c.ping_regions(&ping_request(ping)?, o))
        })
    }
}

/// Asynchronous form of `hathora_ping_regions`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_ping_regions`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_ping_regions_async(
    client: *mut HathoraClient,
    ping: *const HathoraPingOptions,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        asynchronous(
            client,
            options,
            callback,
            user_data,
            out_request_id,
            |c, o, done| Ok(c.submit_ping_regions(ping_request(ping)?, o, done)),
        )
    }
}
