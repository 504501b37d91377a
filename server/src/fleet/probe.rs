//! The readiness probe while a process starts, the same for every fleet on this host: the
//! first probe soon after the start, then delays doubling up to a cap, and output of the
//! process waking it early. Probing stops once the process is ready (or has ended, or is being
//! stopped): a ready process is never polled. What "listening" means is the fleet's own check.

use std::pin::Pin;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::time::{Instant, sleep, sleep_until};

use super::ExitCause;

const FIRST_PROBE: Duration = Duration::from_millis(1);
const MAX_PROBE_DELAY: Duration = Duration::from_millis(20);
/// Output of the process wakes the probe at most this often, so that a chatty start costs
/// little (game servers tend to print when they listen).
const OUTPUT_PROBE_GAP: Duration = Duration::from_millis(1);

/// A process's end as its supervisor awaits it (`T`: what the fleet learns of it).
pub(crate) type Exit<'a, T> = Pin<&'a mut (dyn Future<Output = T> + Send)>;

/// How a start ended.
pub(crate) enum Startup<T> {
    /// The check found it listening.
    Listening,
    /// It ended by itself first.
    Exited(T),
    /// The fleet asked for a stop.
    StopAsked,
    /// It did not listen before the deadline.
    TimedOut,
}

/// Checks (`listening`) with the back-off until the process listens, ends, is asked to stop,
/// or the deadline passes. `output` is notified when the process writes.
pub(crate) async fn until_listening<T, P>(
    mut listening: impl FnMut() -> P,
    mut exited: Exit<'_, T>,
    stop: &mut watch::Receiver<Option<ExitCause>>,
    output: &Notify,
    deadline: Instant,
) -> Startup<T>
where
    P: Future<Output = bool>,
{
    let mut backoff = Backoff::new();
    loop {
        if stop.borrow().is_some() {
            return Startup::StopAsked;
        }
        let probed = Instant::now();
        if listening().await {
            return Startup::Listening;
        }
        tokio::select! {
            ended = &mut exited => return Startup::Exited(ended),
            Ok(()) = stop.changed() => {}
            () = sleep_until(deadline) => return Startup::TimedOut,
            () = sleep(backoff.delay()) => backoff.grow(),
            () = output.notified() => sleep_until(probed + OUTPUT_PROBE_GAP).await,
        }
    }
}

/// Once it is ready: its end (`Some`), or a stop asked by the fleet (`None`).
pub(crate) async fn until_end<T>(
    exited: Exit<'_, T>,
    stop: &mut watch::Receiver<Option<ExitCause>>,
) -> Option<T> {
    tokio::select! {
        ended = exited => Some(ended),
        _ = stop.wait_for(Option::is_some) => None,
    }
}

struct Backoff {
    delay: Duration,
}

impl Backoff {
    fn new() -> Self {
        Backoff { delay: FIRST_PROBE }
    }

    /// How long to wait before the next probe.
    fn delay(&self) -> Duration {
        self.delay
    }

    /// The wait passed without news: the next one is longer.
    fn grow(&mut self) {
        self.delay = (self.delay * 2).min(MAX_PROBE_DELAY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let mut backoff = Backoff::new();
        let mut delays = Vec::new();
        for _ in 0..7 {
            delays.push(backoff.delay().as_millis());
            backoff.grow();
        }
        assert_eq!(delays, [1, 2, 4, 8, 16, 20, 20]);
    }
}
