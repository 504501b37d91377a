//! The nine RoomsV2 operations, each written once as data (method, path, auth, success status,
//! payload), executed through the retry loop, plus wait-until-active.

use crate::cancel::CancelToken;
use crate::config::{ClientConfig, RetryPolicy};
use crate::error::HathoraResultCode;
use crate::log::log_at;
use crate::model::{
    ApiErrorBody, ConnectionInfo, CreateRoomParams, Room, RoomReadyStatus, UpdateRoomConfigParams,
};
use crate::outcome::{Outcome, Payload};
use crate::retry::{self, Attempts};
use crate::transport::{Failure, HttpRequest, Method, Transport};
use crate::validate;
use std::time::{Duration, Instant};

/// One operation with its arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    CreateRoom {
        /// Wire name of the region (see `model::Region::as_str`).
        region: String,
        /// Generated before the first attempt when `None`, so retries name the same room.
        room_id: Option<String>,
        room_config: Option<String>,
        deployment_id: Option<String>,
        client_ips: Option<Vec<String>>,
    },
    GetRoomInfo {
        room_id: String,
    },
    GetActiveRoomsForProcess {
        process_id: String,
    },
    GetInactiveRoomsForProcess {
        process_id: String,
    },
    GetConnectionInfo {
        room_id: String,
    },
    UpdateRoomConfig {
        room_id: String,
        room_config: String,
    },
    DestroyRoom {
        room_id: String,
    },
    SuspendRoomV2Deprecated {
        room_id: String,
    },
    ResumeRoom {
        room_id: String,
    },
}

/// Per-call overrides of the client's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallOptions {
    pub app_id: Option<String>,
    /// Overall deadline of this call.
    pub timeout: Option<Duration>,
    /// Deadline of each connect of this call.
    pub connect_timeout: Option<Duration>,
    /// Retries for this call; `Some(0)` switches them off.
    pub max_retries: Option<u32>,
}

#[derive(Clone, Copy, PartialEq)]
enum PayloadKind {
    None,
    Connection,
    Room,
    Rooms,
}

struct OpSpec {
    name: &'static str,
    method: Method,
    segment: &'static str,
    suffix: &'static str,
    auth: bool,
    payload: PayloadKind,
}

const fn op(
    name: &'static str,
    method: Method,
    segment: &'static str,
    suffix: &'static str,
    auth: bool,
    payload: PayloadKind,
) -> OpSpec {
    OpSpec {
        name,
        method,
        segment,
        suffix,
        auth,
        payload,
    }
}

/// The contract's operation table: name, method, path segment and suffix, auth, payload.
#[rustfmt::skip]
mod table {
    use super::{op, Method::{Get, Post}, OpSpec, PayloadKind as P};
    pub static CREATE: OpSpec     = op("CreateRoom",                 Post, "create",         "",          true,  P::Connection);
    pub static INFO: OpSpec       = op("GetRoomInfo",                Get,  "info",           "",          true,  P::Room);
    pub static ACTIVE: OpSpec     = op("GetActiveRoomsForProcess",   Get,  "list",           "/active",   true,  P::Rooms);
    pub static INACTIVE: OpSpec   = op("GetInactiveRoomsForProcess", Get,  "list",           "/inactive", true,  P::Rooms);
    pub static CONNECTION: OpSpec = op("GetConnectionInfo",          Get,  "connectioninfo", "",          false, P::Connection);
    pub static UPDATE: OpSpec     = op("UpdateRoomConfig",           Post, "update",         "",          true,  P::None);
    pub static DESTROY: OpSpec    = op("DestroyRoom",                Post, "destroy",        "",          true,  P::None);
    pub static SUSPEND: OpSpec    = op("SuspendRoomV2Deprecated",    Post, "suspend",        "",          true,  P::None);
    pub static RESUME: OpSpec     = op("ResumeRoom",                 Post, "resume",         "",          true,  P::Connection);
}
use table::*;

impl Call {
    fn spec(&self) -> &'static OpSpec {
        match self {
            Call::CreateRoom { .. } => &CREATE,
            Call::GetRoomInfo { .. } => &INFO,
            Call::GetActiveRoomsForProcess { .. } => &ACTIVE,
            Call::GetInactiveRoomsForProcess { .. } => &INACTIVE,
            Call::GetConnectionInfo { .. } => &CONNECTION,
            Call::UpdateRoomConfig { .. } => &UPDATE,
            Call::DestroyRoom { .. } => &DESTROY,
            Call::SuspendRoomV2Deprecated { .. } => &SUSPEND,
            Call::ResumeRoom { .. } => &RESUME,
        }
    }

    /// The operation's name as the API reference spells it.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// The room or process the path names; empty for CreateRoom (its roomId is a query).
    fn target(&self) -> &str {
        match self {
            Call::CreateRoom { .. } => "",
            Call::GetActiveRoomsForProcess { process_id }
            | Call::GetInactiveRoomsForProcess { process_id } => process_id,
            Call::GetRoomInfo { room_id }
            | Call::GetConnectionInfo { room_id }
            | Call::UpdateRoomConfig { room_id, .. }
            | Call::DestroyRoom { room_id }
            | Call::SuspendRoomV2Deprecated { room_id }
            | Call::ResumeRoom { room_id } => room_id,
        }
    }

    /// Client-side checks of the documented limits.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Call::CreateRoom {
                region,
                room_id,
                room_config,
                deployment_id,
                client_ips,
            } => {
                validate::region_name("region", region)?;
                if let Some(id) = room_id {
                    validate::room_id("room_id", id)?;
                }
                if let Some(c) = room_config {
                    validate::room_config("room_config", c)?;
                }
                if let Some(d) = deployment_id {
                    validate::app_id("deployment_id", d)?;
                }
                for (i, ip) in client_ips.iter().flatten().enumerate() {
                    validate::client_ip(&format!("client_ips[{i}]"), ip)?;
                }
                Ok(())
            }
            Call::UpdateRoomConfig {
                room_id,
                room_config,
            } => {
                validate::room_id("room_id", room_id)?;
                validate::room_config("room_config", room_config)
            }
            Call::GetActiveRoomsForProcess { process_id }
            | Call::GetInactiveRoomsForProcess { process_id } => {
                validate::app_id("process_id", process_id)
            }
            other => validate::room_id("room_id", other.target()),
        }
    }

    fn body(&self) -> Option<Vec<u8>> {
        let json = match self {
            Call::CreateRoom {
                region,
                room_config,
                deployment_id,
                client_ips,
                ..
            } => serde_json::to_vec(&CreateRoomParams {
                region: region.clone(),
                room_config: room_config.clone(),
                deployment_id: deployment_id.clone(),
                client_ips: client_ips.clone(),
            }),
            Call::UpdateRoomConfig { room_config, .. } => {
                serde_json::to_vec(&UpdateRoomConfigParams {
                    room_config: room_config.clone(),
                })
            }
            _ => return None,
        };
        json.ok()
    }

    /// The request URL under `base`, built in one buffer (it is on every request's path).
    fn url(&self, base: &str, app_id: &str) -> String {
        let spec = self.spec();
        let mut url = String::with_capacity(base.len() + 64 + app_id.len());
        url.push_str(base);
        url.push_str("/rooms/v2/");
        encode_into(&mut url, app_id);
        url.push('/');
        url.push_str(spec.segment);
        match self {
            Call::CreateRoom {
                room_id: Some(id), ..
            } => {
                url.push_str("?roomId=");
                encode_into(&mut url, id);
            }
            _ => {
                url.push('/');
                encode_into(&mut url, self.target());
                url.push_str(spec.suffix);
            }
        }
        url
    }
}

/// Appends `s` percent-encoded: everything but RFC 3986 unreserved characters.
fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// A room id for CreateRoom when the caller gives none: 20 characters of `[a-z0-9]`.
fn generate_room_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut id = String::with_capacity(20);
    while id.len() < 20 {
        // 36^10 < 2^64: ten characters per random number.
        let mut bits = crate::random::next_u64();
        for _ in 0..10 {
            id.push(ALPHABET[(bits % 36) as usize] as char);
            bits /= 36;
        }
    }
    id
}

/// Configuration plus transport: everything needed to run a call on any thread.
pub struct Engine {
    pub config: ClientConfig,
    transport: Transport,
    /// Set when the client is freed: attempts cut short by it end as `ShutDown`.
    interrupted: std::sync::atomic::AtomicBool,
}

/// Progress of one wait-until-active: carried from poll to poll.
#[derive(Default)]
pub struct WaitState {
    polls: u32,
    attempts: u32,
    /// The last answer: the room, still starting.
    last: Option<Outcome>,
}

/// Where the wait-until-active loop stands after one poll.
pub enum WaitStep {
    Done(Outcome),
    /// Not active yet: poll again after the delay.
    Again(Duration, WaitState),
}

/// First and largest delay between two GetConnectionInfo polls of wait-until-active.
const WAIT_FIRST_DELAY: Duration = Duration::from_millis(200);
const WAIT_MAX_DELAY: Duration = Duration::from_secs(2);

impl Engine {
    pub fn new(config: ClientConfig) -> Result<Engine, String> {
        config.validate()?;
        let transport = Transport::new(&config);
        Ok(Engine {
            config,
            transport,
            interrupted: Default::default(),
        })
    }

    /// Aborts every HTTP attempt in progress (the client is being freed).
    pub fn interrupt(&self) {
        self.interrupted
            .store(true, std::sync::atomic::Ordering::Release);
        self.transport.interrupt();
    }

    /// Fills in what a call needs before its first attempt (CreateRoom's roomId) and checks it.
    pub fn prepare(&self, mut call: Call, opts: &CallOptions) -> Result<Call, Outcome> {
        if let Some(app) = &opts.app_id {
            validate::app_id("app_id", app).map_err(Outcome::invalid)?;
        }
        if let Some(n) = opts.max_retries {
            crate::config::check_max_retries(n).map_err(Outcome::invalid)?;
        }
        if opts.timeout.is_some_and(|t| t.is_zero())
            || opts.connect_timeout.is_some_and(|t| t.is_zero())
        {
            return Err(Outcome::invalid(
                "timeout and connect_timeout must be greater than zero",
            ));
        }
        call.validate().map_err(Outcome::invalid)?;
        if call.spec().auth && !self.transport.has_token() {
            return Err(Outcome::invalid(format!(
                "{} needs a dev token, and this client was created without one",
                call.name()
            )));
        }
        if let Call::CreateRoom {
            room_id: id @ None, ..
        } = &mut call
        {
            *id = Some(generate_room_id());
        }
        Ok(call)
    }

    /// Runs a prepared call to its end on this thread.
    pub fn execute(&self, call: &Call, opts: &CallOptions, cancel: &CancelToken) -> Outcome {
        let deadline = Instant::now() + opts.timeout.unwrap_or(self.config.timeout);
        self.execute_until(call, opts, deadline, cancel)
    }

    fn policy(&self, opts: &CallOptions) -> RetryPolicy {
        let mut p = self.config.retry.clone();
        if let Some(n) = opts.max_retries {
            p.max_retries = n;
        }
        p
    }

    /// Runs a prepared call to its end on this thread, by `deadline`.
    pub fn execute_until(
        &self,
        call: &Call,
        opts: &CallOptions,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Outcome {
        let spec = call.spec();
        let app_id = opts.app_id.as_deref().unwrap_or(&self.config.app_id);
        let body = call.body();
        let req = HttpRequest {
            method: spec.method,
            url: call.url(self.transport.base_url(), app_id),
            connect_timeout: opts.connect_timeout,
            body: body.as_deref(),
            auth: spec.auth,
        };
        let attempts = retry::run(
            &self.transport,
            &req,
            &self.policy(opts),
            deadline,
            cancel,
            spec.name,
        );
        let (count, uncertain) = (attempts.count, attempts.earlier_may_have_applied);
        let mut outcome = interpret(spec, attempts);
        if outcome.code == HathoraResultCode::TransportError
            && self.interrupted.load(std::sync::atomic::Ordering::Acquire)
        {
            outcome.code = HathoraResultCode::ShutDown;
            outcome.message = Some("the client was freed before the request completed".into());
        }
        log_at!(
            Debug,
            "{} {}: {} after {count} attempt(s), HTTP {}",
            spec.name,
            req.url,
            outcome.code,
            outcome.http_status
        );
        // A CreateRoom that failed after sending may still have made its room: name it, so the
        // caller can look it up or destroy it (the id may have been generated by the library).
        if let Call::CreateRoom {
            room_id: Some(id), ..
        } = call
            && matches!(
                outcome.code,
                HathoraResultCode::Timeout
                    | HathoraResultCode::TransportError
                    | HathoraResultCode::DecodeError
            )
        {
            let m = outcome.message.get_or_insert_default();
            m.push_str(&format!(" (the room may exist: roomId {id})"));
        }
        if outcome.code == HathoraResultCode::ApiError && uncertain {
            return self.resolve_lost_success(call, opts, deadline, cancel, outcome);
        }
        outcome
    }

    /// A retry that finds the effect of an earlier attempt already done (that attempt's response
    /// was lost or was a server failure) resolves to success: CreateRoom to the room it created,
    /// DestroyRoom to done. After only 429s and 503s nothing was done, so nothing is resolved.
    fn resolve_lost_success(
        &self,
        call: &Call,
        opts: &CallOptions,
        deadline: Instant,
        cancel: &CancelToken,
        failed: Outcome,
    ) -> Outcome {
        match call {
            Call::CreateRoom {
                room_id: Some(room_id),
                ..
            } if is_conflict(&failed) => {
                log_at!(
                    Info,
                    "CreateRoom {room_id}: a retry found the room taken; resolving to the room an earlier attempt created"
                );
                let attempts = failed.attempts;
                let info = Call::GetRoomInfo {
                    room_id: room_id.clone(),
                };
                let room = self.execute_until(&info, opts, deadline, cancel);
                let conn = Call::GetConnectionInfo {
                    room_id: room_id.clone(),
                };
                let mut out = self.execute_until(&conn, opts, deadline, cancel);
                out.attempts += attempts + room.attempts;
                if let (Payload::Room(r), Payload::Connection(c)) =
                    (&room.payload, &mut out.payload)
                {
                    c.process_id = r.current_allocation.as_ref().map(|a| a.process_id.clone());
                    out.body = serde_json::to_string(c).unwrap_or_default();
                    return out;
                }
                if room.is_ok() { out } else { room }
            }
            Call::DestroyRoom { room_id } if failed.http_status == 404 => {
                log_at!(
                    Info,
                    "DestroyRoom {room_id}: a retry found the room gone; an earlier attempt destroyed it"
                );
                Outcome {
                    code: HathoraResultCode::Ok,
                    http_status: 204,
                    message: None,
                    body: String::new(),
                    payload: Payload::None,
                    attempts: failed.attempts,
                }
            }
            _ => failed,
        }
    }

    /// One poll of wait-until-active.
    pub fn wait_step(
        &self,
        room_id: &str,
        opts: &CallOptions,
        deadline: Instant,
        mut state: WaitState,
        cancel: &CancelToken,
    ) -> WaitStep {
        let call = Call::GetConnectionInfo {
            room_id: room_id.to_owned(),
        };
        let per_call = Instant::now() + opts.timeout.unwrap_or(self.config.timeout);
        let mut out = self.execute_until(&call, opts, deadline.min(per_call), cancel);
        out.attempts += state.attempts;
        let active =
            matches!(&out.payload, Payload::Connection(c) if c.status == RoomReadyStatus::Active);
        let past_deadline = Instant::now() >= deadline;
        let timed_out = out.code == HathoraResultCode::Timeout;
        if timed_out && !past_deadline {
            // Only this poll's own timeout: the wait goes on.
            state.attempts = out.attempts;
            return WaitStep::Again(
                WAIT_FIRST_DELAY.min(deadline.saturating_duration_since(Instant::now())),
                state,
            );
        }
        if timed_out || (out.is_ok() && !active && past_deadline) {
            // Report the deadline with the last connection data we saw.
            let last = if out.is_ok() {
                Some(out)
            } else {
                state
                    .last
                    .take()
                    .map(|l| Outcome {
                        attempts: out.attempts,
                        ..l
                    })
                    .or(Some(out))
            };
            let mut timed_out = last.expect("set above");
            timed_out.code = HathoraResultCode::Timeout;
            timed_out.message = Some(format!("room {room_id} was not active before the deadline"));
            return WaitStep::Done(timed_out);
        }
        if !out.is_ok() || active {
            return WaitStep::Done(out);
        }
        let delay = WAIT_FIRST_DELAY
            .mul_f64(1.5f64.powi(state.polls.min(20) as i32))
            .min(WAIT_MAX_DELAY);
        let state = WaitState {
            polls: state.polls + 1,
            attempts: out.attempts,
            last: Some(out),
        };
        WaitStep::Again(
            delay.min(deadline.saturating_duration_since(Instant::now())),
            state,
        )
    }

    /// Polls GetConnectionInfo until the room is active or `timeout` passes, on this thread.
    pub fn wait_until_active(
        &self,
        room_id: &str,
        timeout: Duration,
        opts: &CallOptions,
        cancel: &CancelToken,
    ) -> Outcome {
        let deadline = Instant::now() + timeout;
        let mut state = WaitState::default();
        loop {
            match self.wait_step(room_id, opts, deadline, state, cancel) {
                WaitStep::Done(out) => return out,
                WaitStep::Again(delay, next) => {
                    if let Err(reason) = cancel.sleep(delay) {
                        let mut out = Outcome::failure(reason, "wait-until-active was cancelled");
                        out.attempts = next.attempts;
                        return out;
                    }
                    state = next;
                }
            }
        }
    }
}

fn is_conflict(o: &Outcome) -> bool {
    let says_exists = o.message.as_deref().is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("already exists") || m.contains("already taken") || m.contains("in use")
    });
    o.http_status == 409 || (matches!(o.http_status, 400 | 422) && says_exists)
}

/// Turns the retry loop's end into a result: code, status, message, body and payload.
fn interpret(spec: &OpSpec, attempts: Attempts) -> Outcome {
    let count = attempts.count;
    let mut out = match attempts.last {
        Err(reason) => Outcome::failure(
            reason,
            match reason {
                HathoraResultCode::ShutDown => "the client was freed before the request completed",
                _ => "the request was cancelled",
            },
        ),
        Ok(Err(Failure::Timeout(m))) => Outcome::failure(HathoraResultCode::Timeout, m),
        Ok(Err(Failure::Connection(m) | Failure::Fatal(m))) => {
            Outcome::failure(HathoraResultCode::TransportError, m)
        }
        Ok(Ok(resp)) if (200..300).contains(&resp.status) => match decode(spec.payload, &resp.body)
        {
            Ok(payload) => Outcome {
                code: HathoraResultCode::Ok,
                http_status: resp.status,
                message: None,
                body: resp.body,
                payload,
                attempts: 0,
            },
            Err(e) => Outcome {
                code: HathoraResultCode::DecodeError,
                http_status: resp.status,
                message: Some(format!(
                    "{} answered HTTP {} with a body that is not the expected JSON: {e}",
                    spec.name, resp.status
                )),
                body: resp.body,
                payload: Payload::None,
                attempts: 0,
            },
        },
        Ok(Ok(resp)) => {
            let message = serde_json::from_str::<ApiErrorBody>(&resp.body)
                .map(|e| e.message)
                .unwrap_or_else(|_| format!("HTTP {} without an API error body", resp.status));
            Outcome {
                code: HathoraResultCode::ApiError,
                http_status: resp.status,
                message: Some(message),
                body: resp.body,
                payload: Payload::None,
                attempts: 0,
            }
        }
    };
    out.attempts = count;
    out
}

fn decode(kind: PayloadKind, body: &str) -> Result<Payload, serde_json::Error> {
    Ok(match kind {
        PayloadKind::None => Payload::None,
        PayloadKind::Connection => {
            Payload::Connection(serde_json::from_str::<ConnectionInfo>(body)?)
        }
        PayloadKind::Room => Payload::Room(serde_json::from_str::<Room>(body)?),
        PayloadKind::Rooms => Payload::Rooms(serde_json::from_str::<Vec<Room>>(body)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded() {
        let c = Call::GetActiveRoomsForProcess {
            process_id: "p/1 x".into(),
        };
        assert_eq!(
            c.url("http://h", "app 1"),
            "http://h/rooms/v2/app%201/list/p%2F1%20x/active"
        );
        let c = Call::CreateRoom {
            region: "Tokyo".into(),
            room_id: Some("r-1".into()),
            room_config: None,
            deployment_id: None,
            client_ips: None,
        };
        assert_eq!(c.url("", "a"), "/rooms/v2/a/create?roomId=r-1");
        assert_eq!(
            Call::ResumeRoom {
                room_id: "r".into()
            }
            .url("", "a"),
            "/rooms/v2/a/resume/r"
        );
    }

    #[test]
    fn generated_room_ids_are_valid_and_distinct() {
        let a = generate_room_id();
        let b = generate_room_id();
        assert!(validate::room_id("r", &a).is_ok());
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
    }
}
