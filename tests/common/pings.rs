//! Region pings through the C ABI: the targets a test names (beacons), the options, and the
//! measurements read back from a result's views.

use super::udp_beacon::Beacon;
use super::*;
use std::ffi::CString;
use std::ptr::null;
use std::time::Duration;

/// `HathoraPingTarget`s with the strings they point to.
pub struct Targets {
    pub list: Vec<HathoraPingTarget>,
    _keep: Vec<CString>,
}

impl Targets {
    /// One target per (region name, beacon).
    pub fn of(beacons: &[(&str, &Beacon)]) -> Targets {
        let keep: Vec<CString> = beacons
            .iter()
            .flat_map(|(name, b)| [c(name), c(&b.addr().ip().to_string())])
            .collect();
        let list = beacons
            .iter()
            .enumerate()
            .map(|(i, (_, b))| HathoraPingTarget {
                region: 0,
                region_name: keep[2 * i].as_ptr(),
                host: keep[2 * i + 1].as_ptr(),
                port: b.addr().port(),
            })
            .collect();
        Targets { list, _keep: keep }
    }

    /// Options measuring these targets: `rounds` of `timeout_ms` each.
    pub fn options(&self, rounds: u32, timeout_ms: u32) -> HathoraPingOptions {
        HathoraPingOptions {
            rounds,
            timeout_ms,
            targets: self.list.as_ptr(),
            targets_count: self.list.len(),
            ..hathora_ping_options_init()
        }
    }
}

/// One `HathoraRegionPing`, copied out.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub region: HathoraRegion,
    pub region_raw: String,
    pub host: String,
    pub port: u16,
    pub address: Option<String>,
    pub min_rtt: Option<Duration>,
    pub sent: u32,
    pub answered: u32,
    pub failure: Option<String>,
}

/// The measurements of a result, in order; None when it holds none.
pub fn measured(r: &Res) -> Option<Vec<Measured>> {
    let list = r.list(
        hathora_result_region_ping_count,
        hathora_result_region_ping_at,
    )?;
    Some(
        list.into_iter()
            .map(|p| Measured {
                region: p.region,
                region_raw: s(p.region_raw).unwrap(),
                host: s(p.host).unwrap(),
                port: p.port,
                address: s(p.address),
                min_rtt: (!p.min_rtt_ns.is_null())
                    .then(|| Duration::from_nanos(unsafe { *p.min_rtt_ns })),
                sent: p.sent,
                answered: p.answered,
                failure: s(p.failure),
            })
            .collect(),
    )
}

/// `hathora_ping_regions` in the given form; `ping` NULL asks DiscoveryV2.
pub fn ping(cl: &CClient, form: Form, ping: Option<&HathoraPingOptions>) -> Res {
    let p = ping.map_or(null(), |p| p as *const _);
    match form {
        Form::Blocking => blocking(|o| unsafe { hathora_ping_regions(cl.0, p, null(), o) }),
        Form::Async => {
            let col = Collector::new();
            let id = submit(&col, |cb, ud, id| unsafe {
                hathora_ping_regions_async(cl.0, p, null(), cb, ud, id)
            });
            col.one(cl, id)
        }
    }
}
