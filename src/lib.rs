//! hathora-rooms-native: the Hathora Cloud RoomsV2 API for game engines, through a C ABI.
//!
//! Layers, each crossing one module boundary: `ffi` (the C surface) → `client` (blocking and
//! asynchronous forms) → `rooms` (the operations as data) → `dispatch` (pool, ids, cancellation,
//! poll queue) → `retry` + `transport` (HTTP) → `model` (wire types) → `outcome`.
//!
//! The Rust API is what this file re-exports, plus `model` (the payload types) and `ffi` (the
//! C functions and the types they take); every other module is internal.

// An `Outcome` is returned by value on purpose: it is the result object, built once per call.
#![allow(clippy::result_large_err)]

mod agents;
mod cancel;
mod client;
mod config;
mod dispatch;
mod error;
pub mod ffi;
pub mod game_server;
mod log;
pub mod model;
mod outcome;
pub mod ping;
mod proxy;
mod random;
mod resolver;
mod retry;
mod retry_after;
mod rooms;
mod sync;
mod tcp;
mod transport;
mod validate;

pub use client::Client;
pub use config::{ClientConfig, HathoraDispatchMode, RetryPolicy, Secret};
pub use dispatch::Completion;
pub use error::HathoraResultCode;
pub use log::{HathoraLogLevel, LogSink, set_sink as set_log_sink};
pub use outcome::{Outcome, Payload};
pub use rooms::{Call, CallOptions};
