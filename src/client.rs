//! The safe Rust API: a client that runs calls blocking on the caller's thread or
//! asynchronously on its pool. The C surface in `ffi` is a thin layer over this type.

use crate::cancel::CancelToken;
use crate::code::ResultCode;
use crate::config::ClientConfig;
use crate::dispatch::{Completion, Dispatcher, Sizing, Task};
use crate::http::retry::Retries;
use crate::outcome::Outcome;
use crate::rooms::{
    Call, CallAfterAttempt, CallOptions, PingRequest, RoomsApi, WaitAfterAttempt, WaitState,
};
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

    /// GetActiveRoomsForProcess for the process this client was configured with
    /// (`ClientConfig::process_id`, from a game server's context): its rooms and their configs.
    pub fn rooms_of_this_process(&self, opts: &CallOptions) -> Outcome {
        match self.this_process() {
            Ok(call) => self.call(call, opts),
            Err(refused) => refused,
        }
    }

    /// The asynchronous form of `rooms_of_this_process`.
    pub fn submit_rooms_of_this_process(
        &self,
        opts: CallOptions,
        done: Completion,
    ) -> Result<u64, Outcome> {
        self.submit(self.this_process()?, opts, done)
    }

    /// Measures the round trip to every endpoint of `request` (DiscoveryV2's when it names none)
    /// on this thread. Freeing the client ends it at once (`ShutDown`).
    pub fn ping_regions(&self, request: &PingRequest, opts: &CallOptions) -> Outcome {
        if let Err(refused) = self.check_pings(request, opts) {
            return refused;
        }
        self.api.ping_regions(request, opts, &self.api.closing)
    }

    /// The asynchronous form of `ping_regions`: one job on the pool (a DiscoveryV2 attempt per
    /// step, then the whole measurement on one worker), ended at once by a cancel.
    pub fn submit_ping_regions(
        &self,
        request: PingRequest,
        opts: CallOptions,
        done: Completion,
    ) -> Result<u64, Outcome> {
        self.check_pings(&request, &opts)?;
        let now = Instant::now();
        let discovery_deadline = now + opts.timeout.unwrap_or(self.config().timeout);
        let deadline = request.ends_by(if request.discovers() {
            discovery_deadline
        } else {
            now
        });
        let api = Arc::clone(&self.api);
        self.dispatch(deadline, done, move |task| {
            ping_task(
                api,
                request,
                opts,
                discovery_deadline,
                Retries::default(),
                task,
            )
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

    /// GetActiveRoomsForProcess of the configured process, or why there is none.
    fn this_process(&self) -> Result<Call, Outcome> {
        let process_id = self.config().process_id.clone().ok_or_else(|| {
            Outcome::invalid(
                "this client has no process id: configure it from the game server's context \
                 (hathora_config_apply_server_context)",
            )
        })?;
        Ok(Call::GetActiveRoomsForProcess { process_id })
    }

    fn check_pings(&self, request: &PingRequest, opts: &CallOptions) -> Result<(), Outcome> {
        request.validate().map_err(Outcome::invalid)?;
        self.api
            .prepare(Call::GetPingServiceEndpoints, opts)
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

/// Region pings as one job: while DiscoveryV2 is asked, one attempt per step (waits between
/// attempts on the timer); then the measurement, whole, on this worker.
fn ping_task(
    api: Arc<RoomsApi>,
    request: PingRequest,
    opts: CallOptions,
    discovery_deadline: Instant,
    so_far: Retries,
    task: Task,
) {
    let discovered = if request.discovers() {
        let call = Call::GetPingServiceEndpoints;
        match api.attempt(
            &call,
            &opts,
            discovery_deadline,
            task.cancel_token(),
            so_far,
        ) {
            CallAfterAttempt::RetryIn(delay, next) => {
                return task.after(delay, next.count(), move |t| {
                    ping_task(api, request, opts, discovery_deadline, next, t)
                });
            }
            CallAfterAttempt::Finished(out) => Some(out),
        }
    } else {
        None
    };
    let out = api.measure_pings(&request, discovered, task.cancel_token());
    task.complete(out)
}
