//! The nine RoomsV2 operations, each written once as data (method, path, auth, success status,
//! payload), executed through the retry loop, plus wait-until-active.
//!
//! `call` (operations as data) → `request` (URL, encoding, room ids) → `api` (retries,
//! lost-response resolution) → `decode` (results); `wait` builds on the api.

mod api;
mod call;
mod decode;
mod request;
mod wait;

pub(crate) use api::{CallAfterAttempt, RoomsApi};
pub use call::{Call, CallOptions};
pub(crate) use wait::{WaitAfterAttempt, WaitState};
