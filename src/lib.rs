//! hathora-rooms-native: the RoomsV2 API (Hathora Cloud's, now served by `hathora-rooms-server`)
//! for game engines, through a C ABI.
//!
//! Layers, each crossing one module boundary: `ffi` (the C ABI, all of it) → `client` (blocking
//! and asynchronous forms) → `rooms` (the operations as data) → `dispatch` (pool, ids,
//! cancellation, poll queue) → `http` (retry loop, transport) → `model` (wire types) →
//! `outcome`. Beside them: `game_server` (a game server's context), `ping` (region pings),
//! `config`, `code` (the result code), `log`, `validate`, `cancel`, `locks`, `random`.
//!
//! The Rust API is what this file re-exports, plus `model` (the payload types), `game_server`,
//! `ping` and `ffi` (the C functions and the types they take); every other module is internal.

mod cancel;
mod client;
mod code;
mod config;
mod dispatch;
pub mod ffi;
pub mod game_server;
mod http;
mod locks;
mod log;
pub mod model;
mod outcome;
pub mod ping;
mod random;
mod rooms;
mod validate;

pub use client::Client;
pub use code::ResultCode;
pub use config::{ClientConfig, DispatchMode, RetryPolicy, Secret};
pub use dispatch::Completion;
pub use log::{LogLevel, LogSink, set_sink as set_log_sink};
pub use outcome::{Outcome, Payload};
pub use rooms::{Call, CallOptions, PingRequest};
