//! The C ABI, and all of it: every exported function, every type and number the header shows.
//! Every unsafe pointer dereference of the library is here, every exported body runs inside a
//! panic boundary, and every function has one uniform shape per kind. build.rs generates the C
//! header and the C# stubs from this folder alone.

pub mod callback;
pub mod client;
pub mod config;
pub mod enums;
pub mod library;
pub mod limits;
pub mod log;
pub mod ops;
pub mod pings;
pub mod result;
pub mod server_context;
pub mod view;

pub(crate) mod boundary;

pub use enums::{
    HathoraDispatchMode, HathoraLogLevel, HathoraRegion, HathoraResultCode, HathoraRoomReadyStatus,
    HathoraRoomStatus, HathoraTransportType,
};
pub use limits::*;
