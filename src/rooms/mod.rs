//! The nine RoomsV2 operations and DiscoveryV2's GetPingServiceEndpoints, each written once as
//! data (method, path, auth, success status, payload), executed through the retry loop, plus
//! wait-until-active and region pings.
//!
//! `call` (operations as data) → `request` (URL, encoding, room ids) → `api` (retries,
//! lost-response resolution) → `decode` (results); `wait` and `pings` build on the api.

mod api;
mod call;
mod decode;
mod pings;
mod request;
mod wait;

pub(crate) use api::{CallAfterAttempt, RoomsApi};
pub use call::{Call, CallOptions};
pub use pings::PingRequest;
pub(crate) use wait::{WaitAfterAttempt, WaitState};
