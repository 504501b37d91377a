//! Accept loop and the per-request wrapper: metrics, the request log, JSON-only errors, and in
//! the simulated mode statistics and faults.
//!
//! Connections are served by hyper's HTTP/1 connection builder, over TLS when the server has a
//! certificate (the handshake on the connection's own task, bounded by [`HANDSHAKE_TIMEOUT`]).
//! A request whose fault says "drop" makes the service return `Err`, on which hyper closes the
//! connection without writing a single byte of response.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::ApiState;
use super::error::json_message;
use super::faults::Fault;
use super::stats::Operation;
use crate::telemetry::Handshake;
use crate::telemetry::logger::REQUEST;

/// The service's error: hyper aborts the connection without a response.
#[derive(Debug)]
pub(crate) struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DroppedConnection {}

/// A client that has not finished its TLS handshake by then is disconnected.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<ApiState>,
    router: Router,
    tls: Option<TlsAcceptor>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // e.g. out of file descriptors: back off briefly instead of spinning.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let router = router.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(stream, shared, router).await,
                Some(tls) => {
                    // A failed handshake (a client that does not trust the certificate, a
                    // scanner) is the client's business: nothing to log or answer, only
                    // counted (many at once say a certificate went wrong, or a scan).
                    let (result, stream) =
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await {
                            Ok(Ok(stream)) => (Handshake::Completed, Some(stream)),
                            Ok(Err(_)) => (Handshake::Failed, None),
                            Err(_) => (Handshake::TimedOut, None),
                        };
                    shared.metrics.tls_handshake(result);
                    if let Some(stream) = stream {
                        serve_connection(stream, shared, router).await;
                    }
                }
            }
        });
    }
}

async fn serve_connection<S>(stream: S, shared: Arc<ApiState>, router: Router)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| handle(shared.clone(), router.clone(), req));
    let _ = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), svc)
        .await;
}

async fn handle(
    shared: Arc<ApiState>,
    router: Router,
    req: Request<Incoming>,
) -> Result<Response<Body>, DroppedConnection> {
    let started = Instant::now();
    let logged = shared.log_requests.then(|| {
        let target = req.uri().path_and_query().map(|p| p.as_str().to_string());
        (req.method().clone(), target.unwrap_or_default())
    });
    let op = req
        .uri()
        .path()
        .starts_with("/rooms/v2/")
        .then(|| Operation::classify(req.method(), req.uri().path()));
    let result = dispatch(&shared, router, req, op).await;
    let status = result.as_ref().ok().map(|r| r.status().as_u16());
    let elapsed = started.elapsed();
    if let Some(op) = op {
        shared
            .metrics
            .request(Operation::metric_index(op), status, elapsed.as_secs_f64());
    }
    if let Some((method, target)) = logged {
        let ms = elapsed.as_secs_f64() * 1000.0;
        match status {
            Some(s) => log::info!(target: REQUEST, "{method} {target} {s} {ms:.3}ms"),
            None => log::info!(target: REQUEST, "{method} {target} dropped {ms:.3}ms"),
        }
    }
    result
}

/// Runs the request; API requests (`op` is `Some`) go through the simulated mode's statistics
/// and faults first.
async fn dispatch(
    shared: &ApiState,
    router: Router,
    req: Request<Incoming>,
    op: Option<Option<Operation>>,
) -> Result<Response<Body>, DroppedConnection> {
    let (Some(op), Some(sim)) = (op, &shared.simulated) else {
        return Ok(call(router, req).await);
    };
    sim.counters
        .record(op, req.headers().contains_key(header::AUTHORIZATION));
    let (fault, latency) = sim.faults.next();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        None => Ok(call(router, req).await),
        Some(Fault::Drop) => Err(DroppedConnection),
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            // Read the request as a real server would: hyper closes a connection whose request
            // body was not read, and a client would then find its pooled connection dead.
            let _ = req.into_body().collect().await;
            Ok(injected(status, retry_after))
        }
        Some(Fault::DropAfterCommit) => {
            let _ = call(router, req).await;
            Err(DroppedConnection)
        }
        Some(Fault::Garbage) => Ok(garbage(call(router, req).await)),
    }
}

async fn call(router: Router, req: Request<Incoming>) -> Response<Body> {
    let resp = match router.oneshot(req.map(Body::new)).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    json_errors_only(resp).await
}

/// Rewrites any non-JSON error (e.g. an extractor rejection) to `{"message": ...}`.
async fn json_errors_only(resp: Response<Body>) -> Response<Body> {
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return resp;
    }
    let text = match resp.into_body().collect().await {
        Ok(collected) => String::from_utf8_lossy(&collected.to_bytes())
            .trim()
            .to_string(),
        Err(_) => String::new(),
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    json_message(status, &message)
}

fn injected(status: u16, retry_after: Option<String>) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = json_message(status, "injected fault");
    if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

fn garbage(resp: Response<Body>) -> Response<Body> {
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    Response::from_parts(parts, Body::from("<html>oops"))
}
