//! Client configuration, its defaults and the checks that refuse a configuration that cannot work.

use crate::validate::shown;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use zeroize::Zeroizing;

/// Where completion callbacks of asynchronous calls run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispatchMode {
    /// On one of the client's worker threads, as soon as the request completes.
    Worker,
    /// Queued; they run only inside `Client::poll`, on the thread that calls it.
    Poll,
}

/// Retry policy for 429, 500, 502, 503, 504 and connection failures.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 switches retries off.
    pub max_retries: u32,
    /// Delay before the first retry; each later delay is 1.5 times the one before.
    pub initial_backoff: Duration,
    /// Upper bound of one computed delay (a server's `Retry-After` may ask for more).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // The official SDKs' shape (500 ms, x1.5) with a budget that fits a game's matchmaking
        // step: 3 retries, never more than 10 s between two attempts.
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// A dev token or a process token. Wiped from memory when dropped; never printed.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

pub const DEFAULT_BASE_URL: &str = "https://api.hathora.dev";

/// CA certificates the client trusts, as the caller gave them. Parsed (and a file read) when
/// the client is created, by `http::tls`, which refuses what is not a certificate.
#[derive(Clone, PartialEq)]
pub enum TrustedCa {
    /// PEM text: one or more `CERTIFICATE` blocks.
    Pem(Vec<u8>),
    /// A PEM file's path.
    File(PathBuf),
}

impl fmt::Debug for TrustedCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustedCa::Pem(pem) => write!(f, "Pem({} bytes)", pem.len()),
            TrustedCa::File(path) => write!(f, "File({})", path.display()),
        }
    }
}

/// Largest PEM input (given in memory, or a file) a client reads: far more than any CA bundle.
pub const MAX_CA_PEM_BYTES: usize = 4 * 1024 * 1024;

/// Everything a client is created from.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The default app id of RoomsV2 calls; empty for none (then each such call names one, and
    /// a client for DiscoveryV2 and region pings needs none).
    pub app_id: String,
    /// Needed by every operation except GetConnectionInfo (game clients have none).
    pub dev_token: Option<Secret>,
    /// The process whose rooms "the rooms of this process" lists: a game server's own.
    pub process_id: Option<String>,
    /// A token scoped to one process's rooms, which a host gives each game-server process; sent
    /// instead of the dev token when set.
    pub process_token: Option<Secret>,
    pub base_url: String,
    /// Overall deadline of one call, retries and backoff included.
    pub timeout: Duration,
    /// Deadline of one TCP (and TLS) connect.
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Worker threads kept while idle.
    pub min_workers: usize,
    /// Most worker threads: one per HTTP attempt in flight, up to this many.
    pub max_workers: usize,
    /// How long a worker above `min_workers` stays without work before it exits.
    pub worker_idle: Duration,
    pub dispatch_mode: DispatchMode,
    /// Most asynchronous requests accepted and not yet completed; more fail with `QueueFull`.
    pub queue_capacity: usize,
    /// Allows `http://` to a host that is not loopback.
    pub allow_insecure_http: bool,
    /// Whether the bundled web roots (Mozilla's, from webpki-roots) are trusted.
    pub builtin_roots: bool,
    /// CA certificates trusted besides (or, without the built-in roots, instead of) those.
    pub trusted_cas: Vec<TrustedCa>,
}

impl ClientConfig {
    pub fn new(app_id: impl Into<String>) -> Self {
        ClientConfig {
            app_id: app_id.into(),
            dev_token: None,
            process_id: None,
            process_token: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            min_workers: DEFAULT_MIN_WORKERS,
            max_workers: DEFAULT_MAX_WORKERS,
            worker_idle: DEFAULT_WORKER_IDLE,
            dispatch_mode: DispatchMode::Worker,
            queue_capacity: 65_536,
            allow_insecure_http: false,
            builtin_roots: true,
            trusted_cas: Vec::new(),
        }
    }

    /// The token calls that need one send: the process token when there is one, else the dev
    /// token.
    pub fn token(&self) -> Option<&Secret> {
        self.process_token.as_ref().or(self.dev_token.as_ref())
    }

    /// Refuses a configuration that cannot work, with a message that says why.
    pub fn validate(&self) -> Result<(), String> {
        if !self.app_id.is_empty() {
            crate::validate::app_id("app_id", &self.app_id)?;
        }
        if let Some(p) = &self.process_id {
            crate::validate::app_id("process_id", p)?;
        }
        for (name, token) in [
            ("dev_token", &self.dev_token),
            ("process_token", &self.process_token),
        ] {
            if let Some(token) = token {
                check_token(name, token.expose())?;
            }
        }
        check_base_url(&self.base_url, self.allow_insecure_http)?;
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err("timeout and connect_timeout must be greater than zero".into());
        }
        check_workers(self.min_workers, self.max_workers, self.worker_idle)?;
        check_queue_capacity(self.queue_capacity)?;
        check_retry(&self.retry)?;
        if !self.builtin_roots
            && self.trusted_cas.is_empty()
            && self.base_url.starts_with("https://")
        {
            return Err("the built-in roots are off and no CA certificate was added: \
                        no https server could be trusted; add a CA certificate or keep the built-in roots"
                .into());
        }
        Ok(())
    }
}

/// The rules of a dev or process token (`name` says which); the message never shows the value.
pub fn check_token(name: &str, token: &str) -> Result<(), String> {
    if token.is_empty() || token.len() > 4096 || token.chars().any(|c| c.is_control()) {
        return Err(format!(
            "{name} must be 1 to 4096 bytes and contain no control characters"
        ));
    }
    Ok(())
}

/// Most retries a client or a call may ask for.
pub const MAX_RETRIES: u32 = 20;

/// One worker per call in flight: 256 calls at a realistic 100 ms round trip finish in about
/// one round trip. A busy worker costs about its touched stack and TLS state (see BENCHMARKS.md).
pub const DEFAULT_MAX_WORKERS: usize = 256;
/// One warm worker: a game's occasional call starts without spawning a thread.
pub const DEFAULT_MIN_WORKERS: usize = 1;
/// Long enough that a matchmaker's bursts a few seconds apart reuse their workers.
pub const DEFAULT_WORKER_IDLE: Duration = Duration::from_secs(10);
/// Upper bound of `max_workers` (and `min_workers`).
pub const MAX_WORKERS_LIMIT: usize = 1024;
/// Upper bound of `worker_idle`.
pub const MAX_WORKER_IDLE: Duration = Duration::from_secs(3600);

pub fn check_max_workers(n: usize) -> Result<(), String> {
    if !(1..=MAX_WORKERS_LIMIT).contains(&n) {
        return Err(format!(
            "max_workers must be 1 to {MAX_WORKERS_LIMIT}, got {n}"
        ));
    }
    Ok(())
}

pub fn check_min_workers(n: usize) -> Result<(), String> {
    if n > MAX_WORKERS_LIMIT {
        return Err(format!(
            "min_workers must be 0 to {MAX_WORKERS_LIMIT}, got {n}"
        ));
    }
    Ok(())
}

pub fn check_worker_idle(d: Duration) -> Result<(), String> {
    if d.is_zero() || d > MAX_WORKER_IDLE {
        return Err(format!(
            "worker_idle_ms must be 1 to {}, got {}",
            MAX_WORKER_IDLE.as_millis(),
            d.as_millis()
        ));
    }
    Ok(())
}

/// The pool's sizes together: each in range, and the minimum not above the maximum.
pub fn check_workers(min: usize, max: usize, idle: Duration) -> Result<(), String> {
    check_min_workers(min)?;
    check_max_workers(max)?;
    check_worker_idle(idle)?;
    if min > max {
        return Err(format!(
            "min_workers ({min}) must not exceed max_workers ({max})"
        ));
    }
    Ok(())
}

pub fn check_queue_capacity(n: usize) -> Result<(), String> {
    if n == 0 {
        return Err("queue_capacity must be at least 1".into());
    }
    Ok(())
}

pub fn check_max_retries(n: u32) -> Result<(), String> {
    if n > MAX_RETRIES {
        return Err(format!(
            "max_retries must be at most {MAX_RETRIES}, got {n}"
        ));
    }
    Ok(())
}

pub fn check_retry(policy: &RetryPolicy) -> Result<(), String> {
    check_max_retries(policy.max_retries)?;
    if policy.initial_backoff > policy.max_backoff {
        return Err("initial backoff must not exceed the maximum backoff".into());
    }
    Ok(())
}

/// Accepts `https://host[:port][/prefix]`, and `http://` only for loopback or with the opt-in.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<(), String> {
    if url.len() > 2048 {
        return Err(format!(
            "base_url must be at most 2048 bytes, got {}",
            url.len()
        ));
    }
    let bad = |why: &str| Err(format!("base_url {} is malformed: {why}", shown(url)));
    let (secure, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return bad("it must start with https:// or http://");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains(['?', '#']) {
        return bad("it must not contain whitespace, a query or a fragment");
    }
    let authority = rest.split('/').next().unwrap_or("");
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => return bad("unclosed '[' in the host"),
        },
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if host.is_empty() || authority.contains('@') {
        return bad("it needs a host and no user info");
    }
    if let Some(p) = port
        && p.parse::<u16>().ok().is_none_or(|n| n == 0)
    {
        return bad("the port must be 1 to 65535");
    }
    if !secure && !allow_insecure_http && !is_loopback(host) {
        return Err(format!(
            "base_url {} uses plain http to a host that is not loopback; \
             use https, or set allow_insecure_http",
            shown(url)
        ));
    }
    Ok(())
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (base URL, allow_insecure_http, None when accepted or a word of the refusal)
    #[test]
    fn base_urls() {
        #[rustfmt::skip]
        let cases: [(&str, bool, Option<&str>); 11] = [
            ("https://api.hathora.dev", false, None),
            ("http://127.0.0.1:8080", false, None),
            ("http://[::1]:8080/prefix", false, None),
            ("http://localhost:1", false, None),
            ("http://example.com", false, Some("loopback")),
            ("http://example.com", true, None),
            ("ftp://x", false, Some("https://")),
            ("https://", false, Some("host")),
            ("https://h:0", false, Some("port")),
            ("https://h:99999", false, Some("port")),
            ("https://h/x?y", false, Some("query")),
        ];
        for (url, allow_insecure_http, refused) in cases {
            let mut c = ClientConfig::new("app-1");
            c.base_url = url.into();
            c.allow_insecure_http = allow_insecure_http;
            match (c.validate(), refused) {
                (Ok(()), None) => {}
                (Err(e), Some(word)) => assert!(e.contains(word), "{url}: {e}"),
                (got, _) => panic!("{url} (allow_insecure_http {allow_insecure_http}): {got:?}"),
            }
        }
    }

    #[test]
    fn refuses_what_cannot_work() {
        type Change = fn(&mut ClientConfig);
        let cases: [(&str, Change, &str); 5] = [
            (
                "an app id with a space",
                |c| c.app_id = "a b".into(),
                "app_id",
            ),
            (
                "an empty process token",
                |c| c.process_token = Some(Secret::new(String::new())),
                "process_token",
            ),
            ("no worker", |c| c.max_workers = 0, "max_workers"),
            (
                "a minimum above the maximum",
                |c| (c.min_workers, c.max_workers) = (5, 4),
                "must not exceed",
            ),
            (
                "no idle time",
                |c| c.worker_idle = Duration::ZERO,
                "worker_idle_ms",
            ),
        ];
        for (case, change, word) in cases {
            let mut c = ClientConfig::new("a");
            change(&mut c);
            let e = c.validate().expect_err(case);
            assert!(e.contains(word), "{case}: {e}");
        }
    }

    #[test]
    fn debug_hides_the_tokens() {
        let mut c = ClientConfig::new("a");
        c.dev_token = Some(Secret::new("s3cr3t-token".into()));
        c.process_token = Some(Secret::new("pr0cess-token".into()));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("pr0cess"),
            "{shown}"
        );
    }

    #[test]
    fn the_process_token_wins_over_the_dev_token() {
        let mut c = ClientConfig::new("");
        assert!(
            c.validate().is_ok(),
            "a client without an app id is accepted"
        );
        assert!(c.token().is_none());
        c.dev_token = Some(Secret::new("dev".into()));
        assert_eq!(c.token().map(Secret::expose), Some("dev"));
        c.process_token = Some(Secret::new("proc".into()));
        assert_eq!(c.token().map(Secret::expose), Some("proc"));
    }
}
