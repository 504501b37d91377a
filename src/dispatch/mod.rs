//! Asynchronous requests: ids, cancellation, the elastic worker pool, delayed steps, deadlines
//! counted from submission, and delivery of each completion exactly once, on a worker (or the
//! timer thread, for a request that ends before its step starts) or inside `poll`.
//!
//! - `dispatcher`: accepting, cancelling and shutting down requests;
//! - `ticket`: where one request stands (queued, running, waiting, ended) and ending it early;
//! - `task`: the running side of a request: finishing it, or continuing it after a delay;
//! - `busy`: the submits and cancels in progress, which a shutdown waits out;
//! - `delivery`: each completion delivered once, on a worker or queued for `poll`, which
//!   drains it;
//! - `pool` and `timer`: the threads.

mod busy;
mod delivery;
mod dispatcher;
mod pool;
mod task;
mod ticket;
mod timer;

use crate::config::DispatchMode;
use crate::outcome::Outcome;
pub use dispatcher::Dispatcher;
use pool::Pool;
pub use pool::Sizing;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Condvar, Mutex};
pub use task::Task;
use ticket::Ticket;
use timer::Timer;

/// Receives the request id and the outcome, exactly once.
pub type Completion = Box<dyn FnOnce(u64, Outcome) + Send + 'static>;

/// The requests a dispatcher accepted and has not delivered yet: their tickets and count, and in
/// poll mode the completions waiting for `poll`.
struct Requests {
    mode: DispatchMode,
    capacity: usize,
    /// Accepted and not yet delivered; bounded by `capacity`.
    in_flight: AtomicUsize,
    next_id: AtomicU64,
    /// Guarded together with `tickets`, so no request slips in while shutdown cancels them all.
    open: AtomicBool,
    tickets: Mutex<HashMap<u64, Arc<Ticket>>>,
    /// Poll mode: completions waiting for `poll`.
    ready: Mutex<VecDeque<(Completion, u64, Outcome)>>,
    /// Poll mode: the threads running a callback inside `poll` right now (one entry per
    /// callback), so that shutdown can wait for those running on other threads.
    polling: Mutex<Vec<std::thread::ThreadId>>,
    polled: Condvar,
    /// `submit` and `cancel` calls in progress: they may still add work to the pool or the timer
    /// after the tickets lock, so shutdown waits for them before closing those.
    busy: AtomicUsize,
    /// Set (under `polling`) while a shutdown waits on `polled`: only then does a callback's end
    /// notify it, so that polling costs no wake-up syscall per callback.
    draining: AtomicBool,
}

/// What a dispatcher runs requests with, shared by every task: the requests, the worker pool
/// and the timer thread.
struct Runtime {
    requests: Arc<Requests>,
    pool: Arc<Pool>,
    timer: Arc<Timer>,
}
