//! Socket timeouts that change only when they must. ureq gives each read and write the time
//! left before the call's deadline, and its TCP transport sets the socket's timeout whenever
//! that value changes: two `setsockopt` calls per request, on every request, since the time
//! left is never the same twice. This layer, the last of the connector chain, hands the
//! transport below the value it set last while that stays within `slack` of the exact one, so
//! a keep-alive connection serving calls with the same deadline sets its timeouts once.

use std::time::Duration;
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// How far the socket's timeout may be from the exact time left: a 64th of it, at most 10 ms
/// (a deadline is held to 10% or 50 ms).
fn slack(exact: Duration) -> Duration {
    (exact / 64).min(Duration::from_millis(10))
}

#[derive(Debug, Default)]
pub struct SteadyTimeouts;

impl Connector<Box<dyn Transport>> for SteadyTimeouts {
    type Out = Steady;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<Steady>, ureq::Error> {
        Ok(chained.map(|inner| Steady {
            inner,
            read: None,
            write: None,
        }))
    }
}

#[derive(Debug)]
pub struct Steady {
    inner: Box<dyn Transport>,
    /// The time left last handed down for a read and for a write.
    read: Option<Duration>,
    write: Option<Duration>,
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

impl Transport for Steady {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = steady(&mut self.write, timeout);
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = steady(&mut self.read, timeout);
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
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

    #[test]
    fn keeps_the_last_value_while_it_is_close_and_follows_when_it_is_not() {
        let mut last = None;
        let s15 = Duration::from_secs(15);
        assert_eq!(exact(steady(&mut last, after(s15))), s15, "first value set");
        let near = s15 - Duration::from_micros(400);
        assert_eq!(
            exact(steady(&mut last, after(near))),
            s15,
            "400 µs off: kept"
        );
        let far = s15 - Duration::from_millis(11);
        assert_eq!(
            exact(steady(&mut last, after(far))),
            far,
            "11 ms off: followed"
        );
        let short = Duration::from_millis(100);
        assert_eq!(
            exact(steady(&mut last, after(short))),
            short,
            "a short deadline"
        );
        let nearly = short - Duration::from_millis(2);
        assert_eq!(
            exact(steady(&mut last, after(nearly))),
            nearly,
            "2 ms is more than a 64th of 98 ms: followed"
        );
        let mut none = None;
        let t = steady(&mut none, NextTimeout::default());
        assert!(
            t.after.is_not_happening() && none.is_none(),
            "no deadline stays none"
        );
    }
}
