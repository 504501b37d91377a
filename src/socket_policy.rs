//! What the library changes about ureq's sockets, as the last layer of the connector chain:
//! - Timeouts that change only when they must. ureq gives each read and write the time left
//!   before the call's deadline, and its TCP transport sets the socket's timeout whenever that
//!   value changes: two `setsockopt` calls per request, since the time left is never the same
//!   twice. This layer hands the transport below the value it set last while that stays within
//!   `slack` of the exact one, so a keep-alive connection serving calls with the same deadline
//!   sets its timeouts once.
//! - No second liveness probe in a row. ureq probes a connection (three syscalls: a
//!   non-blocking read between two mode switches) when it goes back to the pool and again when
//!   it is taken out; taken out within `PROBE_FRESH` of a probe that found it open, with no I/O
//!   since, it is not probed again. At 32 calls in flight that probe ran under ureq's pool lock.

use std::time::{Duration, Instant};
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// How long a probe that found the connection open stands in for the next one: far below any
/// server's keep-alive timeout, far above the time from a return to the pool to the next call
/// under load.
const PROBE_FRESH: Duration = Duration::from_millis(1);

/// How far the socket's timeout may be from the exact time left: a 64th of it, at most 10 ms
/// (a deadline is held to 10% or 50 ms).
fn slack(exact: Duration) -> Duration {
    (exact / 64).min(Duration::from_millis(10))
}

#[derive(Debug, Default)]
pub struct SocketPolicy;

impl Connector<Box<dyn Transport>> for SocketPolicy {
    type Out = PolicyTransport;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<PolicyTransport>, ureq::Error> {
        Ok(chained.map(|inner| PolicyTransport {
            inner,
            read: None,
            write: None,
            probed_open: None,
        }))
    }
}

#[derive(Debug)]
pub struct PolicyTransport {
    inner: Box<dyn Transport>,
    /// The time left last handed down for a read and for a write.
    read: Option<Duration>,
    write: Option<Duration>,
    /// When a probe last found the connection open, if nothing was read or written since.
    probed_open: Option<Instant>,
}

/// `timeout` with the value handed down last instead of the exact one when they are close.
fn steady(last: &mut Option<Duration>, mut timeout: NextTimeout) -> NextTimeout {
    let UreqDuration::Exact(exact) = timeout.after else {
        return timeout;
    };
    match *last {
        Some(prev) if !exact.is_zero() && prev.abs_diff(exact) <= slack(exact) => {
            timeout.after = UreqDuration::Exact(prev);
        }
        _ => *last = Some(exact),
    }
    timeout
}

impl Transport for PolicyTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.probed_open = None;
        let timeout = steady(&mut self.write, timeout);
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.probed_open = None;
        let timeout = steady(&mut self.read, timeout);
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        if self
            .probed_open
            .is_some_and(|at| at.elapsed() < PROBE_FRESH)
        {
            return true;
        }
        let open = self.inner.is_open();
        self.probed_open = open.then(Instant::now);
        open
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(d: Duration) -> NextTimeout {
        NextTimeout {
            after: UreqDuration::Exact(d),
            ..NextTimeout::default()
        }
    }

    fn exact(t: NextTimeout) -> Duration {
        match t.after {
            UreqDuration::Exact(d) => d,
            UreqDuration::NotHappening => panic!("expected an exact timeout"),
        }
    }

    /// Counts the probes that reach it; always open.
    #[derive(Debug)]
    struct Counting {
        buffers: ureq::unversioned::transport::LazyBuffers,
        probes: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Transport for Counting {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, _: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            self.probes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            true
        }
    }

    #[test]
    fn a_probe_that_found_the_connection_open_stands_in_for_the_next_one_briefly() {
        let probes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut t = PolicyTransport {
            inner: Box::new(Counting {
                buffers: ureq::unversioned::transport::LazyBuffers::new(64, 64),
                probes: std::sync::Arc::clone(&probes),
            }),
            read: None,
            write: None,
            probed_open: None,
        };
        let count = || probes.load(std::sync::atomic::Ordering::SeqCst);
        assert!(t.is_open());
        assert!(t.is_open());
        assert_eq!(
            count(),
            1,
            "the second probe in a row is the first one's answer"
        );
        t.transmit_output(0, NextTimeout::default()).unwrap();
        assert!(t.is_open());
        assert_eq!(count(), 2, "after a write the connection is probed again");
        std::thread::sleep(PROBE_FRESH * 2);
        assert!(t.is_open());
        assert_eq!(count(), 3, "an old answer is not used");
        t.await_input(NextTimeout::default()).unwrap();
        assert!(t.is_open());
        assert_eq!(count(), 4, "after a read the connection is probed again");
    }

    #[test]
    fn keeps_the_last_value_while_it_is_close_and_follows_when_it_is_not() {
        let s15 = Duration::from_secs(15);
        let short = Duration::from_millis(100);
        // (time left, value handed down, why), in this order on one connection.
        let steps = [
            (s15, s15, "first value set"),
            (s15 - Duration::from_micros(400), s15, "400 µs off: kept"),
            (
                s15 - Duration::from_millis(11),
                s15 - Duration::from_millis(11),
                "11 ms off: followed",
            ),
            (short, short, "a short deadline"),
            (
                short - Duration::from_millis(2),
                short - Duration::from_millis(2),
                "2 ms is more than a 64th of 98 ms: followed",
            ),
        ];
        let mut last = None;
        for (left, handed, why) in steps {
            assert_eq!(exact(steady(&mut last, after(left))), handed, "{why}");
        }
        let mut none = None;
        let t = steady(&mut none, NextTimeout::default());
        assert!(
            t.after.is_not_happening() && none.is_none(),
            "no deadline stays none"
        );
    }
}
