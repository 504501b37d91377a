//! hathora-rooms-native: the Hathora Cloud RoomsV2 API for game engines, through a C ABI.
//!
//! Layers, each crossing one module boundary: `ffi` (the C surface) → `client` (blocking and
//! asynchronous forms) → `rooms` (the operations as data) → `dispatch` (pool, ids, cancellation,
//! poll queue) → `retry` + `transport` (HTTP) → `model` (wire types) → `outcome`.

// An `Outcome` is returned by value on purpose: it is the result object, built once per call.
#![allow(clippy::result_large_err)]

pub mod cancel;
pub mod client;
pub mod config;
pub mod dispatch;
pub mod error;
pub mod ffi;
pub mod log;
pub mod model;
pub mod outcome;
mod random;
mod resolver;
pub mod retry;
pub mod rooms;
pub mod transport;
pub mod validate;

pub use client::Client;
pub use config::{ClientConfig, HathoraDispatchMode, RetryPolicy, Secret};
pub use error::HathoraResultCode;
pub use outcome::{Outcome, Payload};
pub use rooms::{Call, CallOptions};
