//! Region pings as a call of the client: the endpoints (the caller's, or DiscoveryV2's from the
//! client's base URL), then the measurement (`crate::ping`), into one result whose body is the
//! measurement as JSON.

use super::api::RoomsApi;
use super::call::{Call, CallOptions};
use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::model::PingEndpoint;
use crate::outcome::{Outcome, Payload};
use crate::ping::{self, MAX_ENDPOINTS, PingError, PingOptions, RegionPing};
use serde::Serialize;
use std::time::{Duration, Instant};

/// What region pings measure and how.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PingRequest {
    pub options: PingOptions,
    /// The endpoints to measure; `None` asks DiscoveryV2 (GetPingServiceEndpoints) first.
    pub endpoints: Option<Vec<PingEndpoint>>,
}

/// Beyond the lookups and rounds, for the work around them (sockets, results).
const SLACK: Duration = Duration::from_secs(1);

impl PingRequest {
    pub(crate) fn validate(&self) -> Result<(), String> {
        self.options.validate()?;
        match &self.endpoints {
            Some(list) if list.len() > MAX_ENDPOINTS => Err(format!(
                "at most {MAX_ENDPOINTS} endpoints, got {}",
                list.len()
            )),
            _ => Ok(()),
        }
    }

    /// The latest the measurement ends when it starts at `start`: its lookups and every round.
    pub(crate) fn ends_by(&self, start: Instant) -> Instant {
        start + self.options.lookup_timeout + self.options.timeout * self.options.rounds + SLACK
    }

    /// Whether DiscoveryV2 is asked for the endpoints first.
    pub(crate) fn discovers(&self) -> bool {
        self.endpoints.is_none()
    }
}

impl RoomsApi {
    /// Region pings on this thread: DiscoveryV2 first when the request names no endpoints.
    pub(crate) fn ping_regions(
        &self,
        request: &PingRequest,
        opts: &CallOptions,
        cancel: &CancelToken,
    ) -> Outcome {
        let discovered = request
            .discovers()
            .then(|| self.execute(&Call::GetPingServiceEndpoints, opts, cancel));
        self.measure_pings(request, discovered, cancel)
    }

    /// The measurement, once DiscoveryV2 answered (`discovered`, when it was asked): a failed
    /// DiscoveryV2 call is the result, with nothing measured.
    pub(crate) fn measure_pings(
        &self,
        request: &PingRequest,
        discovered: Option<Outcome>,
        cancel: &CancelToken,
    ) -> Outcome {
        if discovered.as_ref().is_some_and(|d| !d.is_ok()) {
            return discovered.expect("checked just above");
        }
        let endpoints = match (&discovered, &request.endpoints) {
            (
                Some(Outcome {
                    payload: Payload::PingEndpoints(list),
                    ..
                }),
                _,
            ) => list,
            (None, Some(list)) => list,
            _ => {
                return Outcome::failure(
                    ResultCode::InternalError,
                    "region pings have no endpoints to measure",
                );
            }
        };
        let measured = ping::measure(endpoints, &request.options, cancel);
        pings_outcome(measured, discovered.as_ref())
    }
}

/// One region's measurement as the result body shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PingJson<'a> {
    region: &'a str,
    host: &'a str,
    port: u16,
    address: Option<String>,
    min_rtt_ns: Option<u64>,
    sent: u32,
    answered: u32,
    failure: Option<&'a str>,
}

/// The result of a measurement: its pings (with the JSON body), or why there are none; the
/// HTTP status and attempts are DiscoveryV2's, when it was asked.
fn pings_outcome(
    measured: Result<Vec<RegionPing>, PingError>,
    discovery: Option<&Outcome>,
) -> Outcome {
    let mut out = match measured {
        Ok(pings) => {
            let json: Vec<PingJson> = pings
                .iter()
                .map(|p| PingJson {
                    region: p.region.as_str(),
                    host: &p.host,
                    port: p.port,
                    address: p.address.map(|a| a.to_string()),
                    min_rtt_ns: p
                        .min_rtt
                        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
                    sent: p.sent,
                    answered: p.answered,
                    failure: p.failure.as_deref(),
                })
                .collect();
            Outcome {
                code: ResultCode::Ok,
                http_status: 0,
                message: None,
                body: serde_json::to_vec(&json).unwrap_or_default(),
                payload: Payload::RegionPings(pings),
                attempts: 0,
            }
        }
        Err(e) => Outcome::failure(e.code(), e.to_string()),
    };
    if let Some(d) = discovery {
        out.http_status = d.http_status;
        out.attempts = d.attempts;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Region;

    #[test]
    fn a_measurement_becomes_a_result_with_its_json_and_discoverys_status() {
        let silent = RegionPing {
            region: Region::Unknown("Mars".into()),
            host: "h".into(),
            port: 9,
            address: Some("127.0.0.1:9".parse().unwrap()),
            min_rtt: None,
            sent: 3,
            answered: 0,
            failure: None,
        };
        let discovery = Outcome {
            http_status: 200,
            attempts: 2,
            ..Outcome::failure(ResultCode::Ok, "")
        };
        let out = pings_outcome(Ok(vec![silent.clone()]), Some(&discovery));
        assert_eq!(
            (out.code, out.http_status, out.attempts),
            (ResultCode::Ok, 200, 2)
        );
        assert_eq!(out.payload, Payload::RegionPings(vec![silent]));
        let json: serde_json::Value = serde_json::from_slice(&out.body).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"region": "Mars", "host": "h", "port": 9, "address": "127.0.0.1:9",
                "minRttNs": null, "sent": 3, "answered": 0, "failure": null}])
        );
        let cancelled = pings_outcome(Err(PingError::Cancelled(ResultCode::ShutDown)), None);
        assert_eq!(
            (cancelled.code, cancelled.http_status),
            (ResultCode::ShutDown, 0)
        );
    }
}
