//! What the server tells its operators: the log (request and lifecycle lines on stdout) and the
//! metrics behind `/metrics`. A leaf: it depends on no other part of the server.

pub mod logger;
pub(crate) mod metrics;

pub(crate) use metrics::{Census, Handshake, Metrics};
