//! Wait-until-active: GetConnectionInfo polled with growing delays until the room is active,
//! one poll per step so that the asynchronous form holds no worker between polls.

use super::api::{CallAfterAttempt, RoomsApi};
use super::call::{Call, CallOptions};
use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::http::retry::Retries;
use crate::model::RoomReadyStatus;
use crate::outcome::{Outcome, Payload};
use std::time::{Duration, Instant};

/// Progress of one wait-until-active: carried from poll to poll.
#[derive(Default)]
pub(crate) struct WaitState {
    polls: u32,
    attempts: u32,
    /// The last answer: the room, still starting.
    last: Option<Outcome>,
    /// The poll in progress between two of its attempts: its retries so far and its deadline.
    poll: Option<(Retries, Instant)>,
}

impl WaitState {
    /// Attempts made so far, those of the poll in progress included.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts + self.poll.map_or(0, |(r, _)| r.count())
    }
}

/// Where the wait-until-active loop stands after one attempt of a poll.
pub(crate) enum WaitAfterAttempt {
    Finished(Outcome),
    /// Not active yet (or the poll's attempt is retried): the next attempt after the delay.
    NextAttemptIn(Duration, WaitState),
}

/// First and largest delay between two GetConnectionInfo polls of wait-until-active.
const WAIT_FIRST_DELAY: Duration = Duration::from_millis(200);
const WAIT_MAX_DELAY: Duration = Duration::from_secs(2);

impl RoomsApi {
    /// One poll of wait-until-active.
    pub(crate) fn wait_step(
        &self,
        room_id: &str,
        opts: &CallOptions,
        deadline: Instant,
        mut state: WaitState,
        cancel: &CancelToken,
    ) -> WaitAfterAttempt {
        let call = Call::GetConnectionInfo {
            room_id: room_id.to_owned(),
        };
        // One attempt per step: a retry's wait, like the wait between polls, is the caller's.
        let (so_far, poll_deadline) = state.poll.take().unwrap_or_else(|| {
            let per_call = Instant::now() + opts.timeout.unwrap_or(self.config.timeout);
            (Retries::default(), deadline.min(per_call))
        });
        let mut out = match self.attempt(&call, opts, poll_deadline, cancel, so_far) {
            CallAfterAttempt::RetryIn(delay, next) => {
                state.poll = Some((next, poll_deadline));
                return WaitAfterAttempt::NextAttemptIn(delay, state);
            }
            CallAfterAttempt::Finished(out) => out,
        };
        out.attempts += state.attempts;
        let active =
            matches!(&out.payload, Payload::Connection(c) if c.status == RoomReadyStatus::Active);
        let past_deadline = Instant::now() >= deadline;
        let timed_out = out.code == ResultCode::Timeout;
        if timed_out && !past_deadline {
            // Only this poll's own timeout: the wait goes on.
            state.attempts = out.attempts;
            return WaitAfterAttempt::NextAttemptIn(
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
            timed_out.code = ResultCode::Timeout;
            timed_out.message = Some(format!("room {room_id} was not active before the deadline"));
            return WaitAfterAttempt::Finished(timed_out);
        }
        if !out.is_ok() || active {
            return WaitAfterAttempt::Finished(out);
        }
        let delay = WAIT_FIRST_DELAY
            .mul_f64(1.5f64.powi(state.polls.min(20) as i32))
            .min(WAIT_MAX_DELAY);
        let state = WaitState {
            polls: state.polls + 1,
            attempts: out.attempts,
            last: Some(out),
            poll: None,
        };
        WaitAfterAttempt::NextAttemptIn(
            delay.min(deadline.saturating_duration_since(Instant::now())),
            state,
        )
    }

    /// Polls GetConnectionInfo until the room is active or `timeout` passes, on this thread.
    pub(crate) fn wait_until_active(
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
                WaitAfterAttempt::Finished(out) => return out,
                WaitAfterAttempt::NextAttemptIn(delay, next) => {
                    if let Err(reason) = cancel.sleep(delay) {
                        let mut out = Outcome::failure(reason, "wait-until-active was cancelled");
                        out.attempts = next.attempts();
                        return out;
                    }
                    state = next;
                }
            }
        }
    }
}
