//! The nine RoomsV2 operations, each written once as data (method, path, auth, success status,
//! payload), executed through the retry loop, plus wait-until-active.
//!
//! `call` (operations as data) → `request` (URL, encoding, room ids) → `engine` (retries,
//! lost-response resolution) → `decode` (results); `wait` builds on the engine.

mod call;
mod decode;
mod api;
mod request;
mod wait;

pub use call::{Call, CallOptions};
pub(crate) use api::{CallStep, Engine};
pub(crate) use wait::{WaitState, WaitStep};
