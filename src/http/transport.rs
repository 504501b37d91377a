//! One HTTP attempt on the client's ureq agent: keep-alive connections, TLS verification (rustls
//! with the bundled web roots and/or the caller's CAs), the auth rule, and the call's deadline on
//! every attempt.
//!
//! ureq does the work with its connector chain (CONNECT proxy, TCP, TLS). The library plugs in
//! only what users need and ureq does not do:
//! - `proxy`: the proxy read from the environment as curl reads it, and never one for loopback;
//! - `resolver`: name lookups bounded by the call's deadline without a thread per request;
//! - `tls`: the TLS step, trusting the caller's CA certificates and naming certificate failures.
//!
//! Freeing the client interrupts the attempts in progress with ureq's `Agent::shutdown`, which
//! shuts down the socket of every connection the agent made.

use super::resolver::CachingResolver;
use super::tls::{HandshakeFailed, TlsConnector};
use crate::config::{ClientConfig, Secret};
use std::time::{Duration, Instant};
use ureq::Agent;
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A request ready to send: `url` is the base URL plus the percent-encoded path.
pub struct HttpRequest<'a> {
    pub method: Method,
    pub url: String,
    /// This call's connect deadline, when it overrides the client's.
    pub connect_timeout: Option<Duration>,
    pub body: Option<&'a [u8]>,
    /// Whether the token goes in `Authorization` (false for GetConnectionInfo and DiscoveryV2).
    pub auth: bool,
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    /// The body exactly as received: not necessarily UTF-8 (the decoder checks).
    pub body: Vec<u8>,
    /// `Retry-After`, converted to a delay from now.
    pub retry_after: Option<Duration>,
}

/// Why an attempt produced no response.
#[derive(Debug, PartialEq)]
pub enum Failure {
    /// The deadline passed.
    Timeout(String),
    /// Connect refused or reset, DNS, a dropped or garbled exchange: worth retrying.
    Connection(String),
    /// Anything retrying cannot fix (a TLS handshake refused, a bad URL, a body over the limit).
    Fatal(String),
}

/// A failed attempt: why, the status of the status line when one arrived before the failure (a
/// body over the limit, cut off, or too slow) so that the result can report it, and whether the
/// request may have reached the server.
#[derive(Debug, PartialEq)]
pub struct AttemptError {
    pub failure: Failure,
    pub status: Option<u16>,
    /// False only when the connection never opened (refused, unreachable, a name that did not
    /// resolve, a connect that timed out, a proxy that refused the tunnel): nothing was sent.
    pub may_have_been_sent: bool,
}

impl From<Failure> for AttemptError {
    /// A failure before anything was sent.
    fn from(failure: Failure) -> Self {
        AttemptError {
            failure,
            status: None,
            may_have_been_sent: false,
        }
    }
}

const MAX_BODY: u64 = 16 * 1024 * 1024;

/// The least time left for an attempt to start: ureq gives a connect with no time left a whole
/// second, which would outlive the deadline.
const MIN_ATTEMPT: Duration = Duration::from_millis(1);

/// Input and output buffer of each connection: ureq's 128 KiB are zero-filled per connection,
/// and RoomsV2 requests and response headers are small (the input buffer grows when a header
/// needs more).
const CONNECTION_BUFFER: usize = 16 * 1024;

pub struct Transport {
    agent: Agent,
    base_url: String,
    authorization: Option<Secret>,
    connect_timeout: Duration,
}

impl Transport {
    /// Fails when the environment names a proxy that cannot be used (see `proxy`), or when a CA
    /// certificate of the configuration cannot be used (see `tls`).
    pub fn new(config: &ClientConfig) -> Result<Self, String> {
        let tls = super::tls::client_config(config)?;
        let proxy = super::proxy::for_base_url(&config.base_url, |n| std::env::var(n).ok())?;
        if let Some(c) = &proxy {
            crate::log::log_at!(
                Info,
                "requests to {} go through the proxy {}:{} (from {})",
                config.base_url,
                c.proxy.host(),
                c.proxy.port(),
                c.variable
            );
        }
        let agent_config = Agent::config_builder()
            // Always set: ureq's default config reads the environment its own way.
            .proxy(proxy.map(|c| c.proxy))
            .http_status_as_error(false)
            .user_agent(concat!("hathora-rooms-native/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .max_redirects(0)
            .input_buffer_size(CONNECTION_BUFFER)
            .output_buffer_size(CONNECTION_BUFFER)
            // A connection kept per worker: a burst of calls finds its connections open again.
            .max_idle_connections(config.max_workers)
            .max_idle_connections_per_host(config.max_workers)
            .build();
        // ureq's default chain, with the client's own TLS step (no SOCKS: `proxy` refuses it).
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(TlsConnector::new(tls));
        Ok(Transport {
            agent: Agent::with_parts(agent_config, connector, CachingResolver::default()),
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            authorization: config
                .token()
                .map(|t| Secret::new(format!("Bearer {}", t.expose()))),
            connect_timeout: config.connect_timeout,
        })
    }

    /// Adds the token when the request needs it, and bounds the attempt by the time `remaining`
    /// to the call's deadline.
    fn prepared<B>(
        &self,
        b: ureq::RequestBuilder<B>,
        req: &HttpRequest,
        remaining: Duration,
    ) -> ureq::RequestBuilder<B> {
        let b = match self.authorization.as_ref() {
            Some(a) if req.auth => b.header("Authorization", a.expose()),
            _ => b,
        };
        let connect = req.connect_timeout.unwrap_or(self.connect_timeout);
        b.config()
            .timeout_global(Some(remaining))
            .timeout_connect(Some(connect.min(remaining)))
            .build()
    }

    /// Closes every connection, interrupting the attempts in progress at once; later attempts
    /// fail. Used when the client is freed, so that freeing never waits out a slow server.
    pub fn interrupt(&self) {
        self.agent.clone().shutdown();
    }

    /// The base URL without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn has_token(&self) -> bool {
        self.authorization.is_some()
    }

    /// Sends one attempt that must finish by `deadline`.
    pub fn send(&self, req: &HttpRequest, deadline: Instant) -> Result<HttpResponse, AttemptError> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining < MIN_ATTEMPT {
            return Err(Failure::Timeout("the deadline passed before the attempt".into()).into());
        }
        let url = req.url.as_str();
        let agent = &self.agent;
        let result = match (req.method, req.body) {
            (Method::Get, _) => self.prepared(agent.get(url), req, remaining).call(),
            (Method::Post, None) => self.prepared(agent.post(url), req, remaining).send_empty(),
            (Method::Post, Some(body)) => self
                .prepared(agent.post(url), req, remaining)
                .header("Content-Type", "application/json")
                .send(body),
        };
        let mut response = result.map_err(|e| classify(e, deadline))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(super::retry_after::parse_retry_after);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| AttemptError {
                status: Some(status),
                may_have_been_sent: true,
                ..classify(e, deadline)
            })?;
        Ok(HttpResponse {
            status,
            body,
            retry_after,
        })
    }
}

/// Sorts a ureq error into what the retry loop needs to know, and tells a connection that never
/// opened (nothing sent) from one that failed later.
fn classify(e: ureq::Error, deadline: Instant) -> AttemptError {
    use std::io::ErrorKind as K;
    use ureq::Error as E;
    let not_connected = |why: String| AttemptError {
        failure: Failure::Connection(format!("could not connect: {why}")),
        status: None,
        may_have_been_sent: false,
    };
    let sent = |failure| AttemptError {
        failure,
        status: None,
        may_have_been_sent: true,
    };
    match e {
        // A connect (or lookup) that timed out before the call's deadline is a connection
        // failure like a refused one: worth another attempt while time remains.
        E::Timeout(t @ (ureq::Timeout::Connect | ureq::Timeout::Resolve)) => {
            if Instant::now() + Duration::from_millis(1) < deadline {
                not_connected(format!("{t} timed out"))
            } else {
                Failure::Timeout(format!("timed out ({t})")).into()
            }
        }
        E::Timeout(t) => sent(Failure::Timeout(format!("timed out ({t})"))),
        E::Io(io) if matches!(io.kind(), K::TimedOut | K::WouldBlock) => {
            sent(Failure::Timeout(format!("timed out ({io})")))
        }
        E::Io(io)
            if matches!(
                io.kind(),
                K::ConnectionRefused
                    | K::HostUnreachable
                    | K::NetworkUnreachable
                    | K::NetworkDown
                    | K::AddrNotAvailable
                    | K::NotConnected
            ) =>
        {
            not_connected(io.to_string())
        }
        E::Io(io) => sent(Failure::Connection(format!("connection failed: {io}"))),
        E::HostNotFound => not_connected("host not found".into()),
        E::ConnectionFailed => not_connected("connection failed".into()),
        E::ConnectProxyFailed(why) => AttemptError {
            failure: Failure::Fatal(format!("the proxy refused the tunnel: {why}")),
            status: None,
            may_have_been_sent: false,
        },
        // The handshake came before the request: nothing was sent. A certificate refused (or a
        // server that speaks no TLS) stays refused, so it is not retried.
        E::Other(e) if e.is::<HandshakeFailed>() => AttemptError {
            failure: Failure::Fatal(e.to_string()),
            status: None,
            may_have_been_sent: false,
        },
        E::Protocol(p) => sent(Failure::Connection(format!("malformed HTTP response: {p}"))),
        E::BodyExceedsLimit(n) => sent(Failure::Fatal(format!(
            "response body larger than {n} bytes"
        ))),
        other => sent(Failure::Fatal(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};
    use ureq::Error as E;

    fn handshake(error: rustls::Error) -> E {
        E::Other(Box::new(HandshakeFailed {
            host: "h".into(),
            error,
        }))
    }

    #[derive(Debug, PartialEq)]
    enum Class {
        Timeout,
        Connection,
        Fatal,
    }

    #[test]
    fn failures_tell_a_connection_that_never_opened_from_one_that_may_have_sent() {
        let later = Instant::now() + Duration::from_secs(60);
        let passed = Instant::now();
        #[rustfmt::skip]
        let cases: Vec<(&str, E, Instant, Class, bool)> = vec![
            ("refused", E::Io(IoError::from(ErrorKind::ConnectionRefused)), later, Class::Connection, false),
            ("unreachable", E::Io(IoError::from(ErrorKind::HostUnreachable)), later, Class::Connection, false),
            ("after shutdown", E::Io(IoError::from(ErrorKind::NotConnected)), later, Class::Connection, false),
            ("host not found", E::HostNotFound, later, Class::Connection, false),
            ("connect timed out early", E::Timeout(ureq::Timeout::Connect), later, Class::Connection, false),
            ("connect timed out at the deadline", E::Timeout(ureq::Timeout::Connect), passed, Class::Timeout, false),
            ("lookup timed out early", E::Timeout(ureq::Timeout::Resolve), later, Class::Connection, false),
            ("proxy refused the tunnel", E::ConnectProxyFailed("403".into()), later, Class::Fatal, false),
            ("reset", E::Io(IoError::from(ErrorKind::ConnectionReset)), later, Class::Connection, true),
            ("no answer in time", E::Timeout(ureq::Timeout::Global), later, Class::Timeout, true),
            ("read timed out", E::Io(IoError::from(ErrorKind::WouldBlock)), later, Class::Timeout, true),
            ("body over the limit", E::BodyExceedsLimit(5), later, Class::Fatal, true),
            ("certificate refused", handshake(rustls::CertificateError::UnknownIssuer.into()), later, Class::Fatal, false),
            ("no TLS server", handshake(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)), later, Class::Fatal, false),
        ];
        for (case, error, deadline, class, sent) in cases {
            let e = classify(error, deadline);
            let got = match e.failure {
                Failure::Timeout(_) => Class::Timeout,
                Failure::Connection(_) => Class::Connection,
                Failure::Fatal(_) => Class::Fatal,
            };
            assert_eq!((got, e.may_have_been_sent), (class, sent), "{case}: {e:?}");
        }
    }

    #[test]
    fn an_attempt_with_no_time_left_fails_at_once_without_connecting() {
        // A port that was just free: a connect would be refused, not time out.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut config = ClientConfig::new("app");
        config.base_url = format!("http://127.0.0.1:{port}");
        let transport = Transport::new(&config).unwrap();
        let req = HttpRequest {
            method: Method::Get,
            url: format!("{}/x", config.base_url),
            connect_timeout: None,
            body: None,
            auth: false,
        };
        let e = transport.send(&req, Instant::now()).unwrap_err();
        assert!(matches!(e.failure, Failure::Timeout(_)), "{e:?}");
        assert!(!e.may_have_been_sent, "nothing was sent: {e:?}");
    }
}
