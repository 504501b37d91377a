//! TLS: the certificates a client trusts and the handshake on each connection.
//!
//! - `roots`: the bundled web roots and/or the caller's CA certificates, each checked when the
//!   client is created, so that bad PEM is refused then, by name;
//! - `connector`: the TLS step of the client's connector chain, with the client's own rustls
//!   configuration (ureq's own takes extra roots only as whole certificates, which would need a
//!   second copy of the web roots, and builds its configuration only at the first connection);
//! - `refusal`: a failed handshake in words: a certificate for another host, an expired one, one
//!   from a CA the client does not trust. No retry can fix these, so none is made.
//!
//! Verification is always on: nothing in the library's configuration turns it off.

mod connector;
mod refusal;
mod roots;

pub(crate) use connector::TlsConnector;
pub(crate) use refusal::HandshakeFailed;

use crate::config::ClientConfig;
use std::sync::Arc;

/// The rustls configuration of a client: its trusted roots, TLS 1.2 and 1.3, no client
/// certificate. Refuses a CA certificate that cannot be used, naming it and why.
pub(crate) fn client_config(config: &ClientConfig) -> Result<Arc<rustls::ClientConfig>, String> {
    let roots = roots::root_store(config.builtin_roots, &config.trusted_cas)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(tls))
}
