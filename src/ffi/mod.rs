//! The C ABI. Every unsafe pointer dereference of the library is in this module, every exported
//! body runs inside a panic boundary, and every function has one uniform shape per kind.

pub mod client;
pub mod config;
pub mod enums;
pub mod library;
pub mod ops;
pub mod result;
pub(crate) mod boundary;
pub mod view;

pub use crate::config::{HATHORA_MAX_RETRIES, HathoraDispatchMode};
pub use crate::code::HathoraResultCode;
pub use crate::log::HathoraLogLevel;
