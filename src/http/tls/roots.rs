//! The trust anchors of a client: the bundled web roots (Mozilla's, from webpki-roots) and/or
//! the CA certificates the caller gave, as PEM in memory or PEM files. Every block of every
//! source must be a certificate that parses; anything else is refused, naming the source (the
//! path of a file, the position of a PEM given in memory) and the problem. Nothing of a
//! refused input is echoed: a private key given by mistake must not end up in a message.

use crate::config::{MAX_CA_PEM_BYTES, TrustedCa};
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject, SectionKind};
use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

pub(super) fn root_store(builtin: bool, cas: &[TrustedCa]) -> Result<RootCertStore, String> {
    let mut store = if builtin {
        RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        }
    } else {
        RootCertStore::empty()
    };
    for (i, ca) in cas.iter().enumerate() {
        let (source, pem) = match ca {
            TrustedCa::Pem(bytes) => (
                format!("CA certificate PEM #{} (from memory)", i + 1),
                Cow::Borrowed(bytes.as_slice()),
            ),
            TrustedCa::File(path) => {
                let source = format!("CA file {}", path.display());
                let bytes = read_capped(path).map_err(|why| format!("{source} {why}"))?;
                (source, Cow::Owned(bytes))
            }
        };
        for (n, der) in certificates(&pem)
            .map_err(|why| format!("{source} {why}"))?
            .into_iter()
            .enumerate()
        {
            store.add(der).map_err(|_| {
                format!(
                    "{source}: certificate {} does not parse as an X.509 certificate",
                    n + 1
                )
            })?;
        }
    }
    Ok(store)
}

/// A file's bytes, refused when it cannot be read or is larger than any CA bundle.
fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_CA_PEM_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    Ok(bytes)
}

/// The certificates of one PEM source; a message (to follow its name) when there is none, when
/// a block is something else, or when the PEM itself is malformed.
fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    if pem.iter().all(u8::is_ascii_whitespace) {
        return Err("is empty".into());
    }
    if pem.len() > MAX_CA_PEM_BYTES {
        return Err(format!(
            "is larger than {MAX_CA_PEM_BYTES} bytes: not a CA certificate"
        ));
    }
    let mut certs = Vec::new();
    for (n, block) in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem).enumerate() {
        let block_no = n + 1;
        match block.map_err(|e| malformed(e, block_no))? {
            (SectionKind::Certificate, der) => certs.push(CertificateDer::from(der)),
            (kind, _) => {
                return Err(format!(
                    "is not only certificates: PEM block {block_no} is a {}, not a CERTIFICATE",
                    label(kind)
                ));
            }
        }
    }
    if certs.is_empty() {
        // DER starts with a SEQUENCE tag: the likeliest binary a user hands over by mistake.
        return Err(if pem.windows(11).any(|w| w == b"-----BEGIN ") {
            "has no PEM CERTIFICATE block".into()
        } else if pem[0] == 0x30 {
            "is not PEM (it looks like binary DER: convert it with `openssl x509 -inform der`)"
                .into()
        } else {
            "is not PEM: it has no -----BEGIN CERTIFICATE----- line".into()
        });
    }
    Ok(certs)
}

fn malformed(e: pem::Error, block_no: usize) -> String {
    match e {
        pem::Error::MissingSectionEnd { .. } => {
            format!("is malformed PEM: block {block_no} has no -----END line")
        }
        pem::Error::IllegalSectionStart { .. } => {
            format!("is malformed PEM: the -----BEGIN line of block {block_no} is malformed")
        }
        pem::Error::Base64Decode(_) => {
            format!("is malformed PEM: block {block_no} is not valid base64")
        }
        other => format!("is malformed PEM at block {block_no}: {other}"),
    }
}

/// The PEM label of a block that is not a certificate.
fn label(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Certificate => "CERTIFICATE",
        SectionKind::PublicKey => "PUBLIC KEY",
        SectionKind::RsaPrivateKey => "RSA PRIVATE KEY",
        SectionKind::PrivateKey => "PRIVATE KEY",
        SectionKind::EcPrivateKey => "EC PRIVATE KEY",
        SectionKind::Crl => "X509 CRL",
        SectionKind::Csr => "CERTIFICATE REQUEST",
        SectionKind::EchConfigList => "ECHCONFIG",
        _ => "block of another kind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOT_A_CERT: &str = "-----BEGIN CERTIFICATE-----\nAAECAwQ=\n-----END CERTIFICATE-----\n";

    /// (case, PEM, a word of the refusal)
    #[test]
    fn refuses_each_kind_of_bad_pem_by_name() {
        #[rustfmt::skip]
        let cases: [(&str, &[u8], &str); 8] = [
            ("empty", b"", "is empty"),
            ("blank", b" \n\t\n", "is empty"),
            ("text", b"hello", "no -----BEGIN CERTIFICATE----- line"),
            ("DER", &[0x30, 0x82, 0x01, 0x0a], "binary DER"),
            ("a key", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "block 1 is a PRIVATE KEY"),
            ("unknown label only", b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", "no PEM CERTIFICATE block"),
            ("no end", b"-----BEGIN CERTIFICATE-----\nAAAA\n", "no -----END line"),
            ("bad base64", b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "not valid base64"),
        ];
        for (case, pem, word) in cases {
            let ca = TrustedCa::Pem(pem.to_vec());
            let e = root_store(false, &[ca]).expect_err(case);
            assert!(e.contains(word), "{case}: {e}");
            assert!(e.starts_with("CA certificate PEM #1"), "{case}: {e}");
        }
    }

    #[test]
    fn each_source_and_block_is_named_by_its_position() {
        let cert = rcgen::generate_simple_self_signed(vec!["ca.test".into()]).unwrap();
        let (pem, key) = (cert.cert.pem(), cert.signing_key.serialize_pem());
        let good = TrustedCa::Pem(format!("{pem}{pem}").into());
        #[rustfmt::skip]
        let cases = [
            ("a block that does not parse", NOT_A_CERT.to_owned(), "CA certificate PEM #2 (from memory): certificate 1 does not parse"),
            ("a certificate and its key", format!("{pem}{key}"), "CA certificate PEM #2 (from memory) is not only certificates: PEM block 2 is a PRIVATE KEY"),
        ];
        assert_eq!(
            root_store(false, std::slice::from_ref(&good))
                .unwrap()
                .len(),
            2
        );
        for (case, second, message) in cases {
            let e =
                root_store(false, &[good.clone(), TrustedCa::Pem(second.into())]).expect_err(case);
            assert!(e.starts_with(message), "{case}: {e}");
            assert!(
                !e.contains("-----"),
                "{case}: nothing of the input is echoed: {e}"
            );
        }
    }

    #[test]
    fn files_are_named_by_path() {
        let missing = std::env::temp_dir().join("hathora-no-such-ca.pem");
        let e = root_store(true, &[TrustedCa::File(missing.clone())]).unwrap_err();
        assert!(
            e.starts_with(&format!("CA file {} cannot be read", missing.display())),
            "{e}"
        );
    }

    #[test]
    fn the_builtin_roots_alone_need_no_certificate() {
        assert!(!root_store(true, &[]).unwrap().is_empty());
        assert!(root_store(false, &[]).unwrap().is_empty());
    }
}
