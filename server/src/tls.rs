//! HTTPS: the certificate chain and private key (PEM files) the API is served with, through
//! rustls on ring. The files are read and checked when the server starts (a missing or
//! unreadable file, PEM that holds no certificate or no key, a key that is not the
//! certificate's: an error naming the file and the problem), and again on [`Tls::reload`]
//! (the binary's SIGHUP), which swaps them for new connections only when both are good, so that
//! a renewed certificate needs no restart (a restart would stop every game server).

use std::path::Path;
use std::sync::Arc;

use parking_lot::RwLock;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::crypto::{CryptoProvider, ring};
use tokio_rustls::rustls::pki_types::pem::{self, PemObject};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, ServerConfig};

use crate::config::TlsFiles;

/// The TLS side of a server that serves HTTPS.
pub(crate) struct Tls {
    files: TlsFiles,
    current: Arc<Current>,
    acceptor: TlsAcceptor,
}

impl Tls {
    /// Reads and checks both files. The error names the file and the problem.
    pub(crate) fn load(files: &TlsFiles) -> Result<Tls, String> {
        let provider = Arc::new(ring::default_provider());
        let current = Arc::new(Current(RwLock::new(Arc::new(certified_key(
            files, &provider,
        )?))));
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_cert_resolver(current.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            files: files.clone(),
            current,
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        self.acceptor.clone()
    }

    /// Reads both files again; new connections use them when they are good, else nothing
    /// changes and the error says why.
    pub(crate) fn reload(&self) -> Result<(), String> {
        let key = certified_key(&self.files, &ring::default_provider())?;
        *self.current.0.write() = Arc::new(key);
        Ok(())
    }
}

/// The certificate and key new connections get.
#[derive(Debug)]
struct Current(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for Current {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().clone())
    }
}

fn certified_key(files: &TlsFiles, provider: &CryptoProvider) -> Result<CertifiedKey, String> {
    let chain = read_chain(&files.cert)?;
    let key = read_key(&files.key)?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => format!(
            "TLS key file {} does not match the certificate in {}: the first certificate of the file must be the server's own, and the key its private key",
            files.key.display(),
            files.cert.display()
        ),
        rustls::Error::InvalidCertificate(e) => format!(
            "TLS certificate file {}: the first certificate is not a usable X.509 certificate ({e:?})",
            files.cert.display()
        ),
        e => format!(
            "TLS key file {}: the private key cannot be used: {e}",
            files.key.display()
        ),
    })
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("TLS {what} file {}: {e}", path.display()))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = read(path, "certificate")?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_pem(path, "certificate", e))?;
    if chain.is_empty() {
        return Err(format!(
            "TLS certificate file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let bytes = read(path, "key")?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        pem::Error::NoItemsFound => format!(
            "TLS key file {} holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)",
            path.display()
        ),
        // The markers only: a decoding error's details could quote the key.
        e @ (pem::Error::MissingSectionEnd { .. } | pem::Error::IllegalSectionStart { .. }) => {
            bad_pem(path, "key", e)
        }
        _ => format!(
            "TLS key file {} is not valid PEM: its base64 does not decode (contents not shown)",
            path.display()
        ),
    })
}

fn bad_pem(path: &Path, what: &str, e: pem::Error) -> String {
    format!("TLS {what} file {} is not valid PEM: {e}", path.display())
}
