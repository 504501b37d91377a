//! The rooms server serving HTTPS in-process (its simulated rooms, with the emulator's app id
//! and token: `DEFAULT_APP_ID`, `DEFAULT_TOKEN`) with a certificate made at run time (`pki`), and what a test reads of it: its URL
//! for a host name, and its `/metrics`: the TLS handshakes it completed and failed, and the API
//! requests it answered. `/metrics` is read over TLS by a scraper that trusts exactly the
//! server's certificate (expired, for another host or from an unknown CA as it may be), and
//! every scrape is one completed handshake, which [`Metrics`] subtracts.

use super::pki::ServerCert;
use hathora_rooms_server::config::TlsFiles;
use hathora_rooms_server::{
    AppConfig, DEFAULT_APP_ID, DEFAULT_TOKEN, RoomsServer, ServerConfig, Token,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct HttpsServer {
    server: RoomsServer,
    dir: PathBuf,
    scraper: Arc<ClientConfig>,
    scrapes: AtomicU64,
}

/// What `/metrics` said, without the scraper's own connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metrics {
    /// TLS handshakes that clients other than the scraper completed.
    pub completed: u64,
    /// TLS handshakes that failed (a client refused the certificate, or hung up).
    pub failed: u64,
    /// API requests answered (or dropped), every operation and status.
    pub requests: u64,
}

impl HttpsServer {
    /// Serves HTTPS with `cert` on an ephemeral port of 127.0.0.1; rooms are simulated and
    /// active 100 ms after they are created.
    pub fn start(cert: &ServerCert) -> HttpsServer {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hathora-https-server-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let files = TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        std::fs::write(&files.cert, &cert.cert_pem).unwrap();
        std::fs::write(&files.key, &cert.key_pem).unwrap();
        let mut config = ServerConfig {
            apps: vec![AppConfig::new(
                DEFAULT_APP_ID,
                vec![Token::new(DEFAULT_TOKEN)],
            )],
            tls: Some(files),
            ..ServerConfig::default()
        };
        config.simulated.activation_delay = Duration::from_millis(100);
        let server = RoomsServer::start(config).expect("the HTTPS rooms server starts");
        HttpsServer {
            server,
            dir,
            scraper: Arc::new(pinned_client(cert.cert_der.clone())),
            scrapes: AtomicU64::new(0),
        }
    }

    /// The server's URL with `host` (an address or name its certificate may or may not hold).
    pub fn url_for(&self, host: &str) -> String {
        format!("https://{host}:{}", self.server.port())
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Reads `/metrics` on a connection of its own.
    pub fn metrics(&self) -> Metrics {
        let text = self.scrape("/metrics");
        let scrapes = self.scrapes.fetch_add(1, Ordering::SeqCst) + 1;
        let sum = |prefix: &str| -> u64 {
            text.lines()
                .filter(|l| l.starts_with(prefix))
                .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
                .sum()
        };
        let completed = sum("hathora_tls_handshakes_total{result=\"completed\"}");
        assert!(
            completed >= scrapes,
            "{completed} handshakes, {scrapes} scrapes:\n{text}"
        );
        Metrics {
            completed: completed - scrapes,
            failed: sum("hathora_tls_handshakes_total{result=\"failed\"}"),
            requests: sum("hathora_requests_total{"),
        }
    }

    /// GET `path` over TLS, `Connection: close`: the whole answer.
    fn scrape(&self, path: &str) -> String {
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let tls = ClientConnection::new(self.scraper.clone(), name).unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", self.server.port())).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut stream = StreamOwned::new(tls, tcp);
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .expect("send the scrape");
        let mut answer = Vec::new();
        // The server may close without a close_notify once it has answered: what came counts.
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8(answer).expect("UTF-8 metrics");
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        answer
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A TLS client that accepts exactly `cert` as the server's certificate, whatever its names,
/// dates or issuer (signatures still checked): the test's own view of a server it set up.
fn pinned_client(cert: CertificateDer<'static>) -> ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned { cert, provider }))
        .with_no_client_auth()
}

#[derive(Debug)]
struct Pinned {
    cert: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the test server's certificate".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
