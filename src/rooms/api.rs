//! The RoomsV2 API of one client: prepares a call, runs it through the retry loop and turns the
//! end into a result, resolving a success whose response was lost (CreateRoom that made its
//! room, DestroyRoom that destroyed it).

use super::call::{Call, CallOptions};
use super::decode::interpret;
use super::request::generate_room_id;
use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::config::{ClientConfig, RetryPolicy};
use crate::http::retry::{self, Retries};
use crate::http::transport::{HttpRequest, Transport};
use crate::log::log_at;
use crate::outcome::{Outcome, Payload};
use crate::validate;
use std::time::{Duration, Instant};

/// Where a call stands after one attempt.
pub(crate) enum CallAfterAttempt {
    Finished(Outcome),
    /// Make the next attempt after this delay.
    RetryIn(Duration, Retries),
}

/// A client's configuration and HTTP transport: everything needed to run a call on any thread.
pub(crate) struct RoomsApi {
    pub(crate) config: ClientConfig,
    transport: Transport,
    /// Cancelled (`ShutDown`) when the client is freed: attempts cut short by it end as
    /// `ShutDown`, and blocking region pings end at once.
    pub(crate) closing: CancelToken,
}

impl RoomsApi {
    pub(crate) fn new(config: ClientConfig) -> Result<RoomsApi, String> {
        config.validate()?;
        let transport = Transport::new(&config)?;
        Ok(RoomsApi {
            config,
            transport,
            closing: CancelToken::default(),
        })
    }

    /// Aborts every HTTP attempt in progress (the client is being freed).
    pub(crate) fn interrupt(&self) {
        self.closing.cancel(ResultCode::ShutDown);
        self.transport.interrupt();
    }

    /// Fills in what a call needs before its first attempt (CreateRoom's roomId) and checks it.
    pub(crate) fn prepare(&self, mut call: Call, opts: &CallOptions) -> Result<Call, Outcome> {
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
        if call.needs_app_id() && opts.app_id.is_none() && self.config.app_id.is_empty() {
            return Err(Outcome::invalid(format!(
                "{} needs an app_id: the client has none (hathora_config_set_app_id) and the call names none (options.app_id)",
                call.name()
            )));
        }
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
    pub(crate) fn execute(&self, call: &Call, opts: &CallOptions, cancel: &CancelToken) -> Outcome {
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

    /// Runs a prepared call to its end on this thread, by `deadline`, sleeping between attempts.
    pub(crate) fn execute_until(
        &self,
        call: &Call,
        opts: &CallOptions,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Outcome {
        let body = call.body();
        let req = self.request(call, opts, body.as_deref());
        let spec = call.spec();
        let attempts = retry::run(
            &self.transport,
            &req,
            &self.policy(opts),
            deadline,
            cancel,
            spec.name,
        );
        self.conclude(call, opts, deadline, cancel, &req.url, attempts)
    }

    /// Makes the next attempt of a prepared call (`so_far` counts the earlier ones): the result,
    /// or the delay after which to make the next. An asynchronous call waits that delay on the
    /// timer, holding no worker.
    pub(crate) fn attempt(
        &self,
        call: &Call,
        opts: &CallOptions,
        deadline: Instant,
        cancel: &CancelToken,
        so_far: Retries,
    ) -> CallAfterAttempt {
        let body = call.body();
        let req = self.request(call, opts, body.as_deref());
        let policy = self.policy(opts);
        match retry::attempt(
            &self.transport,
            &req,
            &policy,
            deadline,
            cancel,
            call.name(),
            so_far,
        ) {
            retry::AfterAttempt::RetryIn(delay, next) => CallAfterAttempt::RetryIn(delay, next),
            retry::AfterAttempt::Finished(attempts) => CallAfterAttempt::Finished(
                self.conclude(call, opts, deadline, cancel, &req.url, attempts),
            ),
        }
    }

    fn request<'a>(
        &self,
        call: &Call,
        opts: &CallOptions,
        body: Option<&'a [u8]>,
    ) -> HttpRequest<'a> {
        let spec = call.spec();
        let app_id = opts.app_id.as_deref().unwrap_or(&self.config.app_id);
        HttpRequest {
            method: spec.method,
            url: call.url(self.transport.base_url(), app_id),
            connect_timeout: opts.connect_timeout,
            body,
            auth: spec.auth,
        }
    }

    /// Turns the end of the attempts into the call's result.
    fn conclude(
        &self,
        call: &Call,
        opts: &CallOptions,
        deadline: Instant,
        cancel: &CancelToken,
        url: &str,
        attempts: retry::Attempts,
    ) -> Outcome {
        let spec = call.spec();
        let (count, uncertain, reached) = (
            attempts.count,
            attempts.earlier_may_have_applied,
            attempts.may_have_reached_server,
        );
        let mut outcome = interpret(spec, attempts);
        if outcome.code == ResultCode::TransportError && self.closing.reason().is_some() {
            outcome.code = ResultCode::ShutDown;
            outcome.message = Some(crate::outcome::CLIENT_FREED.into());
        }
        log_at!(
            Debug,
            "{} {}: {} after {count} attempt(s), HTTP {}",
            spec.name,
            url,
            outcome.code,
            outcome.http_status
        );
        // A CreateRoom that failed after a request may have reached the server may still have
        // made its room: name it, so the caller can look it up or destroy it (the id may have
        // been generated by the library). When no connection ever opened, nothing was made.
        if let Call::CreateRoom {
            room_id: Some(id), ..
        } = call
            && reached
            && matches!(
                outcome.code,
                ResultCode::Timeout | ResultCode::TransportError | ResultCode::DecodeError
            )
        {
            let m = outcome.message.get_or_insert_default();
            m.push_str(&format!(" (the room may exist: roomId {id})"));
        }
        if outcome.code == ResultCode::ApiError && uncertain {
            // Rare (a retry after a lost response): its look-ups run here, blocking.
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
                    out.body = serde_json::to_vec(c).unwrap_or_default();
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
                    code: ResultCode::Ok,
                    http_status: 204,
                    message: None,
                    body: Vec::new(),
                    payload: Payload::None,
                    attempts: failed.attempts,
                }
            }
            _ => failed,
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
