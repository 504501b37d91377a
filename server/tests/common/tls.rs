//! Certificates for the HTTPS tests: a CA of the test's own (rcgen, on ring), server
//! certificates it issues, and ureq agents that trust it, or only the public web roots.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use super::TIMEOUT;

/// A private CA.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pub pem: String,
    der: Vec<u8>,
}

/// A server certificate and its key, as PEM.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa {
            pem: cert.pem(),
            der: cert.der().to_vec(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for `names` (DNS names or IP addresses), signed by this CA.
    pub fn issue(&self, names: &[&str]) -> Issued {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "hathora-rooms-server test");
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// An agent (statuses are not errors) that trusts these CAs and nothing else.
pub fn agent_trusting(cas: &[&TestCa]) -> ureq::Agent {
    let roots = cas
        .iter()
        .map(|ca| Certificate::from_der(&ca.der).to_owned())
        .collect();
    agent_with(RootCerts::Specific(Arc::new(roots)))
}

/// An agent that trusts the public web roots only, as a client given no CA would.
pub fn agent_without_the_ca() -> ureq::Agent {
    agent_with(RootCerts::WebPki)
}

fn agent_with(roots: RootCerts) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .build()
        .into()
}
