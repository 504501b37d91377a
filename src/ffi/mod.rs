//! The C ABI. Every unsafe pointer dereference of the library is in this module, every exported
//! body runs inside a panic boundary, and every function has one uniform shape per kind.

pub mod client;
pub mod config;
pub mod enums;
pub(crate) mod guard;
pub mod meta;
pub mod ops;
pub mod result;
pub mod view;

pub use crate::config::HathoraDispatchMode;
pub use crate::error::HathoraResultCode;
pub use crate::log::HathoraLogLevel;
