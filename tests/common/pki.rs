//! Certificates made at run time for the HTTPS tests: a CA, and server certificates it signs
//! for chosen names (IP addresses or host names) and validity (current, expired, not yet valid).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};
use rustls::pki_types::CertificateDer;

/// When a server certificate is valid.
#[derive(Clone, Copy, Debug)]
pub enum Validity {
    /// From 1975 to 4096 (rcgen's default).
    Current,
    /// From 2019-01-01 to 2020-01-01.
    Expired,
    /// From 4000-01-01.
    NotYet,
}

pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    /// The CA's certificate: what a client adds to trust the servers it signs.
    pub pem: String,
}

/// A server's certificate (signed by a `TestCa`) and private key.
pub struct ServerCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_der: CertificateDer<'static>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names` (the first is also its common name).
    pub fn issue(&self, names: &[&str], validity: Validity) -> ServerCert {
        let sans: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(sans).expect("server params");
        params.distinguished_name.push(DnType::CommonName, names[0]);
        match validity {
            Validity::Current => {}
            Validity::Expired => {
                params.not_before = date_time_ymd(2019, 1, 1);
                params.not_after = date_time_ymd(2020, 1, 1);
            }
            Validity::NotYet => params.not_before = date_time_ymd(4000, 1, 1),
        }
        let key = KeyPair::generate().expect("server key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("server certificate");
        ServerCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().clone(),
        }
    }
}
