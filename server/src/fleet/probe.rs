//! The readiness probe's schedule while a process starts, the same for every fleet on this
//! host: the first probe soon after the start, then delays doubling up to a cap. Probing stops
//! once the process is ready (or has ended): a ready process is never polled.

use std::time::Duration;

const FIRST_PROBE: Duration = Duration::from_millis(1);
const MAX_PROBE_DELAY: Duration = Duration::from_millis(20);
/// Output of the process wakes the probe at most this often, so that a chatty start costs
/// little (game servers tend to print when they listen).
pub(crate) const OUTPUT_PROBE_GAP: Duration = Duration::from_millis(1);

pub(crate) struct Backoff {
    delay: Duration,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Backoff { delay: FIRST_PROBE }
    }

    /// How long to wait before the next probe.
    pub(crate) fn delay(&self) -> Duration {
        self.delay
    }

    /// The wait passed without news: the next one is longer.
    pub(crate) fn grow(&mut self) {
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
