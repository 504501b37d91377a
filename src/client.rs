//! The safe Rust API: a client that runs calls blocking on the caller's thread or
//! asynchronously on its pool. The C surface in `ffi` is a thin layer over this type.

use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::config::ClientConfig;
use crate::dispatch::{Completion, Dispatcher, Sizing, Task};
use crate::http::retry::Retries;
use crate::outcome::Outcome;
use crate::rooms::{Call, CallAfterAttempt, CallOptions, RoomsApi, WaitAfterAttempt, WaitState};
use crate::validate;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Client {
    api: Arc<RoomsApi>,
    dispatcher: Dispatcher,
}

impl Client {
    /// Checks the configuration and starts the worker threads.
    pub fn new(config: ClientConfig) -> Result<Client, String> {
        let (mode, capacity) = (config.dispatch_mode, config.queue_capacity);
        let sizing = Sizing {
            min: config.min_workers,
            max: config.max_workers,
            idle: config.worker_idle,
        };
        let api = Arc::new(RoomsApi::new(config)?);
        let dispatcher = Dispatcher::start(mode, sizing, capacity)
            .map_err(|e| format!("could not start worker threads: {e}"))?;
        Ok(Client { api, dispatcher })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.api.config
    }

    /// Runs one operation on this thread and returns its outcome.
    pub fn call(&self, call: Call, opts: &CallOptions) -> Outcome {
        match self.api.prepare(call, opts) {
            Ok(call) => self.api.execute(&call, opts, &CancelToken::default()),
            Err(refused) => refused,
        }
    }

    /// Queues one operation; `done` runs exactly once with its outcome. On refusal (invalid
    /// argument, queue full, shut down) `done` never runs and the outcome says why.
    pub fn submit(&self, call: Call, opts: CallOptions, done: Completion) -> Result<u64, Outcome> {
        let call = self.api.prepare(call, &opts)?;
        let api = Arc::clone(&self.api);
        // The overall deadline counts from now, not from when a worker picks the call up.
        let deadline = Instant::now() + opts.timeout.unwrap_or(self.config().timeout);
        self.dispatch(deadline, done, move |task| {
            call_task(api, call, opts, Retries::default(), task)
        })
    }

    /// Polls GetConnectionInfo with backoff until the room is active, or fails with `Timeout`
    /// when `timeout` passes first.
    pub fn wait_until_active(
        &self,
        room_id: &str,
        timeout: Duration,
        opts: &CallOptions,
    ) -> Outcome {
        if let Err(refused) = self.check_wait(room_id, timeout, opts) {
            return refused;
        }
        self.api
            .wait_until_active(room_id, timeout, opts, &CancelToken::default())
    }

    /// The asynchronous form of `wait_until_active`; no worker is held between two polls.
    pub fn submit_wait_until_active(
        &self,
        room_id: &str,
        timeout: Duration,
        opts: CallOptions,
        done: Completion,
    ) -> Result<u64, Outcome> {
        self.check_wait(room_id, timeout, &opts)?;
        let (api, room_id, deadline) = (
            Arc::clone(&self.api),
            room_id.to_owned(),
            Instant::now() + timeout,
        );
        self.dispatch(deadline, done, move |task| {
            wait_task(api, room_id, opts, deadline, WaitState::default(), task)
        })
    }

    /// Cancels an asynchronous request; false when the id is unknown or already completed.
    pub fn cancel(&self, request_id: u64) -> bool {
        self.dispatcher.cancel(request_id)
    }

    /// Poll mode: runs ready callbacks on this thread (up to `max`, 0 for all ready now).
    pub fn poll(&self, max: usize) -> usize {
        self.dispatcher.poll(max)
    }

    /// Asynchronous requests whose callback has not started yet.
    pub fn pending(&self) -> usize {
        self.dispatcher.pending()
    }

    /// Cancels everything in flight, runs each callback once, joins the threads. Idempotent;
    /// also done on drop.
    pub fn shutdown(&self) {
        self.dispatcher.shutdown(|| self.api.interrupt());
    }

    fn check_wait(
        &self,
        room_id: &str,
        timeout: Duration,
        opts: &CallOptions,
    ) -> Result<(), Outcome> {
        validate::room_id("room_id", room_id).map_err(Outcome::invalid)?;
        if timeout.is_zero() {
            return Err(Outcome::invalid("timeout must be greater than zero"));
        }
        self.api
            .prepare(
                Call::GetConnectionInfo {
                    room_id: room_id.to_owned(),
                },
                opts,
            )
            .map(|_| ())
    }

    fn dispatch(
        &self,
        deadline: Instant,
        done: Completion,
        work: impl FnOnce(Task) + Send + 'static,
    ) -> Result<u64, Outcome> {
        self.dispatcher.submit(deadline, done, work).map_err(|code| {
            Outcome::failure(code, match code {
                ResultCode::QueueFull => format!(
                    "the asynchronous queue is full ({} requests in flight); retry after some complete",
                    self.config().queue_capacity
                ),
                _ => "the client is shutting down".to_owned(),
            })
        })
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// One attempt of an asynchronous call; the wait before the next is the timer's. The call moves
/// from step to step inside each step's job.
fn call_task(api: Arc<RoomsApi>, call: Call, opts: CallOptions, so_far: Retries, task: Task) {
    match api.attempt(&call, &opts, task.deadline(), task.cancel_token(), so_far) {
        CallAfterAttempt::Finished(out) => task.complete(out),
        CallAfterAttempt::RetryIn(delay, next) => task.after(delay, next.count(), move |t| {
            call_task(api, call, opts, next, t)
        }),
    }
}

fn wait_task(
    api: Arc<RoomsApi>,
    room_id: String,
    opts: CallOptions,
    deadline: Instant,
    state: WaitState,
    task: Task,
) {
    match api.wait_step(&room_id, &opts, deadline, state, task.cancel_token()) {
        WaitAfterAttempt::Finished(out) => task.complete(out),
        WaitAfterAttempt::NextAttemptIn(delay, next) => {
            task.after(delay, next.attempts(), move |t| {
                wait_task(api, room_id, opts, deadline, next, t)
            })
        }
    }
}
