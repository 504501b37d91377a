//! The HTTP stack: one attempt (`transport`), the retry loop around it (`retry`), which proxy it
//! goes through (`proxy`), name lookups (`resolver`), TLS (`tls`) and the `Retry-After` header
//! (`retry_after`).

pub(crate) mod proxy;
pub(crate) mod resolver;
pub(crate) mod retry;
pub(crate) mod retry_after;
pub(crate) mod tls;
pub(crate) mod transport;
