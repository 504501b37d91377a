//! `hathora-rooms-server`: the Hathora RoomsV2 API, self-hosted. Rooms run on real game-server
//! processes (`-- COMMAND`), or on a simulated fleet for tests and for trying the API.
//!
//! ```no_run
//! use hathora_rooms_server::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).unwrap();
//! println!("{} app={} token={}", emu.url(), emu.app_id(), emu.token());
//! emu.faults().fail_next_status(503, 2, Some("1".into()));
//! ```
//!
//! Layers, each depending only on the ones after it: `api` (HTTP) → `rooms` (RoomsV2
//! semantics) → `store` (SQLite) and `fleet` (where game servers run); `config` and
//! `telemetry` are leaves. `server` assembles them.
//!
//! It lives in its own workspace member crate so that the shipped library's dependency tree
//! carries no server code: only the tests (as a dev-dependency) and the binary pull it in.

mod api;
mod clock;
pub mod config;
mod discovery;
mod emulator;
pub mod fleet;
mod ids;
mod process_tokens;
mod rooms;
mod server;
mod store;
pub mod telemetry;
mod tls;

pub use api::{FaultController, READY_STATUSES, REGIONS, ROOM_STATUSES, Stats, TRANSPORT_TYPES};
pub use config::{
    AppConfig, DEFAULT_APP_ID, DEFAULT_DROP_SEED, DEFAULT_TOKEN, EmulatorConfig, FaultPlan,
    ServerConfig, Token,
};
pub use emulator::Emulator;
pub use process_tokens::PROCESS_TOKEN_ENV;
pub use server::{FleetContext, RoomsServer, StartError};
pub use store::StoreError;
