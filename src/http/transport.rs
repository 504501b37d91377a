//! One HTTP attempt on an agent of its own (see `agents`): keep-alive connection reuse, TLS
//! verification (rustls with the bundled web roots), the auth rule, and per-attempt deadlines.

use crate::agents::Agents;
use crate::config::{ClientConfig, Secret};
use std::io::Read;
use std::time::{Duration, Instant};
use ureq::Agent;
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};

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
    /// Whether the dev token goes in `Authorization` (false only for GetConnectionInfo).
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
    /// Anything retrying cannot fix (TLS certificate rejected, a bad URL, a body over the limit).
    Fatal(String),
}

/// A failed attempt: why, and the status of the status line when one arrived before the
/// failure (a body over the limit, cut off, or too slow), so that the result can report it.
#[derive(Debug, PartialEq)]
pub struct AttemptError {
    pub failure: Failure,
    pub status: Option<u16>,
}

impl From<Failure> for AttemptError {
    fn from(failure: Failure) -> Self {
        AttemptError {
            failure,
            status: None,
        }
    }
}

/// An attempt after `interrupt`, worded as ureq words one whose connection it closed.
const SHUT_DOWN: &str = "connection failed: the client is shutting down";

const MAX_BODY: u64 = 16 * 1024 * 1024;

/// The most a body's buffer reserves before its bytes arrive: far above any RoomsV2 response.
const PREALLOCATE: u64 = 256 * 1024;

/// Input and output buffer of each connection.
const CONNECTION_BUFFER: usize = 16 * 1024;

pub struct Transport {
    agents: Agents,
    base_url: String,
    authorization: Option<Secret>,
    /// The client's call deadline and connect deadline, also set on the agent.
    timeout: Duration,
    connect_timeout: Duration,
}

/// How late an attempt that uses the agent's own deadline may end (instead of a per-request
/// deadline, which costs a config copy and two setsockopt calls per request). An asynchronous
/// call's deadline counts from its submission, so its first attempt starts a little after: 20 ms
/// keeps those on the agent's deadline, well inside the 10% / 50 ms a deadline is held to.
const AGENT_DEADLINE_SLACK: Duration = Duration::from_millis(20);

impl Transport {
    /// Fails only when the environment names a proxy that cannot be used (see `proxy`).
    pub fn new(config: &ClientConfig) -> Result<Self, String> {
        let proxy = crate::http::proxy::for_base_url(&config.base_url, |n| std::env::var(n).ok())?;
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
            // ureq's 128 KiB buffers are zero-filled per connection, and a pool at its maximum
            // keeps one connection per worker: RoomsV2 requests and response headers are small
            // (the input buffer grows when a header needs more).
            .input_buffer_size(CONNECTION_BUFFER)
            .output_buffer_size(CONNECTION_BUFFER)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout));
        let agents = Agents::new(
            agent_config,
            // ureq's default chain for this build (no SOCKS: `proxy` refuses it), with the
            // library's TCP layer in place of ureq's.
            ().chain(ConnectProxyConnector::default())
                .chain(crate::tcp::TcpConnector)
                .chain(RustlsConnector::default()),
            crate::http::resolver::CachingResolver::default(),
            crate::agents::IDLE,
        );
        Ok(Transport {
            agents,
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            authorization: config
                .dev_token
                .as_ref()
                .map(|t| Secret::new(format!("Bearer {}", t.expose()))),
            timeout: config.timeout,
            connect_timeout: config.connect_timeout,
        })
    }

    /// Adds the token when the request needs it, and bounds the request by `remaining`: a first
    /// attempt under the client's default deadlines uses the agent's timeouts as they are; any
    /// other gets its own.
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
        if remaining + AGENT_DEADLINE_SLACK >= self.timeout
            && connect == self.connect_timeout
            && connect <= remaining
        {
            return b;
        }
        b.config()
            .timeout_global(Some(remaining))
            .timeout_connect(Some(connect.min(remaining)))
            .build()
    }

    /// Closes every connection, interrupting the attempts in progress at once; later attempts
    /// fail. Used when the client is freed, so that freeing never waits out a slow server.
    pub fn interrupt(&self) {
        self.agents.shut_down();
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
        if remaining.is_zero() {
            return Err(Failure::Timeout("the deadline passed before the attempt".into()).into());
        }
        let Some(agent) = self.agents.lend() else {
            return Err(Failure::Connection(SHUT_DOWN.into()).into());
        };
        let url = req.url.as_str();
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
            .and_then(crate::http::retry_after::parse_retry_after);
        // Sized from Content-Length up front: growing the buffer as it fills costs reallocations,
        // and in poll dispatch those contend with the other thread that frees results. Bounded,
        // so that a Content-Length larger than what follows reserves little.
        let size_hint = response
            .body()
            .content_length()
            .map_or(0, |n| n.min(PREALLOCATE) as usize);
        // One byte more for the NUL the C result appends, so that is no reallocation either.
        let mut body = Vec::with_capacity(size_hint + 1);
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .reader()
            .read_to_end(&mut body)
            .map_err(|e| AttemptError {
                failure: classify(ureq::Error::from(e), deadline),
                status: Some(status),
            })?;
        Ok(HttpResponse {
            status,
            body,
            retry_after,
        })
    }
}

/// Sorts a ureq error into what the retry loop needs to know.
fn classify(e: ureq::Error, deadline: Instant) -> Failure {
    use ureq::Error as E;
    match e {
        // A connect (or lookup) that timed out before the call's deadline is a connection
        // failure like a refused one: worth another attempt while time remains.
        E::Timeout(t @ (ureq::Timeout::Connect | ureq::Timeout::Resolve))
            if Instant::now() + Duration::from_millis(1) < deadline =>
        {
            Failure::Connection(format!("connection failed: {t} timed out"))
        }
        E::Timeout(t) => Failure::Timeout(format!("timed out ({t})")),
        E::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            Failure::Timeout(format!("timed out ({io})"))
        }
        E::Io(io) => Failure::Connection(format!("connection failed: {io}")),
        E::HostNotFound => Failure::Connection("host not found".into()),
        E::ConnectionFailed => Failure::Connection("connection failed".into()),
        E::Protocol(p) => Failure::Connection(format!("malformed HTTP response: {p}")),
        E::BodyExceedsLimit(n) => Failure::Fatal(format!("response body larger than {n} bytes")),
        other => Failure::Fatal(other.to_string()),
    }
}
