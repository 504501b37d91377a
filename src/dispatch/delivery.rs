//! Delivery of each completion exactly once: at once on the thread that finished the request
//! (worker mode), or queued until `poll` drains it on the polling thread (poll mode); and, when
//! a client shuts down, the wait for callbacks still running inside `poll` on other threads.

use super::ticket::Ticket;
use super::{Completion, Requests};
use crate::code::ResultCode;
use crate::config::DispatchMode;
use crate::locks::{self, lock};
use crate::outcome::Outcome;
use std::sync::atomic::Ordering;

/// Completes a request with `outcome` unless it was completed already; a cancel or shutdown
/// that came first decides its code.
pub(super) fn finish(requests: &Requests, ticket: &Ticket, mut outcome: Outcome) {
    let Some(done) = lock(&ticket.done).take() else {
        return;
    };
    {
        // The reason is read and the ticket removed under the tickets lock, under which `cancel`
        // also flips the token: a cancel comes either before (this request ends CANCELLED) or
        // after (it finds the request gone and says so), never in between.
        let mut tickets = lock(&requests.tickets);
        if let Some(reason) = ticket.cancel.reason()
            && outcome.code != reason
        {
            outcome.message = Some(match reason {
                ResultCode::ShutDown => crate::outcome::CLIENT_FREED.into(),
                _ => crate::outcome::CANCELLED.into(),
            });
            outcome.code = reason;
        }
        tickets.remove(&ticket.id);
    }
    match requests.mode {
        DispatchMode::Worker => deliver(requests, done, ticket.id, outcome),
        DispatchMode::Poll => lock(&requests.ready).push_back((done, ticket.id, outcome)),
    }
}

/// Runs a completion's callback on this thread.
fn deliver(requests: &Requests, done: Completion, id: u64, outcome: Outcome) {
    // Released before the callback runs: whatever the callback observes (a task it completes, a
    // next request it queues) already sees this request out of the count.
    requests.in_flight.fetch_sub(1, Ordering::AcqRel);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || done(id, outcome)));
}

/// Poll mode: runs up to `max` ready callbacks (0: all that are ready now) on this thread.
pub(super) fn poll(requests: &Requests, max: usize) -> usize {
    let limit = if max == 0 {
        lock(&requests.ready).len()
    } else {
        max
    };
    let me = std::thread::current().id();
    let mut ran = 0;
    let mut registered = false;
    while ran < limit {
        // Popped and (the first time) registered under the `ready` lock: a shutdown that finds
        // the queue empty also finds this thread registered, and waits for it.
        let Some((done, id, outcome)) = ({
            let mut ready = lock(&requests.ready);
            let next = ready.pop_front();
            if next.is_some() && !registered {
                lock(&requests.polling).push(me);
                registered = true;
            }
            next
        }) else {
            break;
        };
        deliver(requests, done, id, outcome);
        ran += 1;
    }
    if registered {
        let mut polling = lock(&requests.polling);
        if let Some(i) = polling.iter().position(|t| *t == me) {
            polling.swap_remove(i);
        }
        if requests.draining.load(Ordering::Acquire) {
            requests.polled.notify_all();
        }
    }
    ran
}

/// Shutdown, once nothing can be queued any more: runs what is left here, then waits until the
/// callbacks running inside `poll` on other threads end (one on this thread, a callback freeing
/// its own client, is not waited for).
pub(super) fn drain(requests: &Requests) {
    while poll(requests, 0) > 0 {}
    let me = std::thread::current().id();
    let mut polling = lock(&requests.polling);
    requests.draining.store(true, Ordering::Release);
    while polling.iter().any(|t| *t != me) {
        polling = locks::wait(&requests.polled, polling);
    }
}
