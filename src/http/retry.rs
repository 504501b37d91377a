//! The retry loop: which failures are retried, exponential backoff with jitter, `Retry-After`
//! (seconds or HTTP date), all capped by the call's deadline and woken by cancellation. One
//! attempt is one step, so an asynchronous call waits between attempts on the timer.

use super::transport::{AttemptError, Failure, HttpRequest, HttpResponse, Transport};
use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::config::RetryPolicy;
use crate::log::log_at;
use std::time::{Duration, Instant};

/// What the loop ended with.
pub struct Attempts {
    /// The last attempt's response or failure, or the cancel reason.
    pub last: Result<Result<HttpResponse, AttemptError>, ResultCode>,
    pub count: u32,
    /// An earlier attempt may have taken effect without our seeing it: its connection failed
    /// after sending, or the server failed with 500, 502 or 504 (429 and 503 mean "not done").
    pub earlier_may_have_applied: bool,
    /// Some attempt may have reached the server: false only when every connection failed to
    /// open, so that nothing was sent.
    pub may_have_reached_server: bool,
}

pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Progress of one call's retries, carried from attempt to attempt.
#[derive(Clone, Copy, Debug, Default)]
pub struct Retries {
    count: u32,
    earlier_may_have_applied: bool,
    may_have_reached_server: bool,
}

impl Retries {
    /// Attempts made so far.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The loop's end: `last`, with the attempts made so far.
    fn end(self, last: Result<Result<HttpResponse, AttemptError>, ResultCode>) -> Attempts {
        Attempts {
            last,
            count: self.count,
            earlier_may_have_applied: self.earlier_may_have_applied,
            may_have_reached_server: self.may_have_reached_server,
        }
    }
}

/// Where a call's retry loop stands after one attempt.
pub enum AfterAttempt {
    /// No more attempts: the loop's end.
    Finished(Attempts),
    /// Try again after this delay (it ends before the deadline).
    RetryIn(Duration, Retries),
}

/// Makes one attempt and decides what comes next. The caller waits the delay of `RetryIn`: a
/// blocking call sleeps, an asynchronous one schedules its next attempt on the timer.
pub fn attempt(
    transport: &Transport,
    req: &HttpRequest,
    policy: &RetryPolicy,
    deadline: Instant,
    cancel: &CancelToken,
    operation: &str,
    mut so_far: Retries,
) -> AfterAttempt {
    let ended = |last, so_far: Retries| AfterAttempt::Finished(so_far.end(last));
    if let Some(reason) = cancel.reason() {
        return ended(Err(reason), so_far);
    }
    so_far.count += 1;
    let count = so_far.count;
    let result = transport.send(req, deadline);
    so_far.may_have_reached_server |= result
        .as_ref()
        .map_or_else(|e| e.may_have_been_sent, |_| true);
    let (delay, may_have_applied) = match &result {
        Ok(r) if is_retryable_status(r.status) => (
            Some(r.retry_after.unwrap_or_else(|| backoff(policy, count))),
            r.status != 429 && r.status != 503,
        ),
        Err(
            e @ AttemptError {
                failure: Failure::Connection(_),
                ..
            },
        ) => (Some(backoff(policy, count)), e.may_have_been_sent),
        _ => (None, false),
    };
    let describe = || match &result {
        Ok(r) => format!("HTTP {}", r.status),
        Err(e) => format!("{:?}", e.failure),
    };
    let Some(delay) = delay.filter(|_| count <= policy.max_retries) else {
        return ended(Ok(result), so_far);
    };
    if Instant::now() + delay >= deadline {
        // Waiting would outlive the caller's deadline: report what we have now.
        log_at!(
            Info,
            "{operation} {}: attempt {count} got {}; no retry, the deadline is nearer than {delay:?}",
            req.url,
            describe()
        );
        return ended(Ok(result), so_far);
    }
    log_at!(
        Info,
        "{operation} {}: attempt {count} got {}; retrying in {delay:?}",
        req.url,
        describe()
    );
    so_far.earlier_may_have_applied |= may_have_applied;
    AfterAttempt::RetryIn(delay, so_far)
}

/// The whole loop on this thread: attempts, with the waits between them slept here (woken by
/// cancellation).
pub fn run(
    transport: &Transport,
    req: &HttpRequest,
    policy: &RetryPolicy,
    deadline: Instant,
    cancel: &CancelToken,
    operation: &str,
) -> Attempts {
    let mut so_far = Retries::default();
    loop {
        match attempt(transport, req, policy, deadline, cancel, operation, so_far) {
            AfterAttempt::Finished(attempts) => return attempts,
            AfterAttempt::RetryIn(delay, next) => {
                if let Err(reason) = cancel.sleep(delay) {
                    return next.end(Err(reason));
                }
                so_far = next;
            }
        }
    }
}

/// `initial * 1.5^(n-1)`, capped, plus up to a quarter more of random jitter.
pub fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let base = policy.initial_backoff.as_secs_f64()
        * 1.5f64.powi(attempt.saturating_sub(1).min(60) as i32);
    let capped = base.min(policy.max_backoff.as_secs_f64());
    Duration::from_secs_f64(capped * (1.0 + 0.25 * crate::random::unit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        let first = backoff(&p, 1);
        assert!(first >= Duration::from_millis(500) && first <= Duration::from_millis(625));
        let third = backoff(&p, 3);
        assert!(third >= Duration::from_millis(1125) && third <= Duration::from_millis(1407));
        assert!(backoff(&p, 50) <= Duration::from_millis(12_500));
    }
}
