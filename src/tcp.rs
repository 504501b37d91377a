//! The library's TCP layer under ureq (in place of ureq's `TcpConnector`; TLS and the CONNECT
//! proxy connector sit on top of it as before). What it does differently, per request on a
//! keep-alive connection:
//! - Timeouts change only when they must. ureq hands each read and write the time left before
//!   the call's deadline, never the same value twice, and ureq's transport sets the socket
//!   timeout whenever the value changes: two `setsockopt` calls per request. Here the value set
//!   last stays while it is within `slack` of the exact one.
//! - The liveness probe is one `recv(MSG_PEEK | MSG_DONTWAIT)` instead of a non-blocking read
//!   between two mode switches (three syscalls), and ureq's second probe in a row (when a
//!   connection returned to the pool is taken out again) reuses the first one's answer for
//!   `PROBE_FRESH` if nothing was read or written since.
//!
//! Sockets are registered with ureq's shutdown, so `Agent::shutdown` interrupts their I/O.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use ureq::Timeout;
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle,
    Transport,
};

/// How long a probe that found the connection open stands in for the next one: far below any
/// server's keep-alive timeout, far above the time from a return to the pool to the next call
/// under load.
const PROBE_FRESH: Duration = Duration::from_millis(1);

/// The least time each address of a host gets to connect, however many there are.
const MIN_PER_ADDRESS: Duration = Duration::from_millis(10);

/// How far the socket's timeout may be from the exact time left: a 64th of it, at most 10 ms
/// (a deadline is held to 10% or 50 ms).
fn slack(exact: Duration) -> Duration {
    (exact / 64).min(Duration::from_millis(10))
}

#[derive(Debug, Default)]
pub struct TcpConnector;

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        // A tunnel through a CONNECT proxy, opened by the connector before this one (its own
        // connection to the proxy came through here).
        if let Some(c) = chained {
            return Ok(Some(Either::A(c)));
        }
        let config = details.config;
        let stream = Arc::new(connect_any(&details.addrs, details.timeout)?);
        if config.no_delay() {
            stream.set_nodelay(true)?;
        }
        (details.register_shutdown)(Arc::downgrade(&stream) as Weak<dyn ShutdownHandle>)?;
        Ok(Some(Either::B(TcpTransport {
            stream,
            buffers: LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size()),
            read: None,
            write: None,
            probe: Probe::default(),
        })))
    }
}

/// Tries the host's addresses in order within `timeout`: each gets an equal share of the time
/// still left (at least `MIN_PER_ADDRESS`), so one that times out leaves time for the next.
fn connect_any(addrs: &[SocketAddr], timeout: NextTimeout) -> Result<TcpStream, ureq::Error> {
    let deadline = match timeout.after {
        UreqDuration::NotHappening => None,
        UreqDuration::Exact(d) if d.is_zero() => return Err(ureq::Error::Timeout(timeout.reason)),
        UreqDuration::Exact(d) => Some(Instant::now() + d),
    };
    let mut last = None;
    for (i, addr) in addrs.iter().enumerate() {
        let attempt = match deadline {
            None => TcpStream::connect(addr),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                let share = (left / (addrs.len() - i) as u32).max(MIN_PER_ADDRESS);
                TcpStream::connect_timeout(addr, share.min(left))
            }
        };
        match attempt {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if !is_timeout(&e) => ureq::Error::Io(e),
        // Every address timed out, or the deadline passed before the next one.
        _ if deadline.is_some() => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::ConnectionFailed,
    })
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

#[derive(Debug)]
pub struct TcpTransport {
    /// Shared (weakly) with ureq's shutdown, which shuts the socket down under a blocked read.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    /// The timeouts set on the socket last (`None`: none set, the socket blocks).
    read: Option<Duration>,
    write: Option<Duration>,
    probe: Probe,
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.probe.io();
        let timeout = timeout.for_write();
        let want = wanted(&self.write, &timeout)?;
        set_timeout(&mut self.write, want, |d| self.stream.set_write_timeout(d))?;
        let output = &self.buffers.output()[..amount];
        (&*self.stream)
            .write_all(output)
            .map_err(|e| io_error(e, timeout.reason))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.probe.io();
        let timeout = timeout.for_read();
        let want = wanted(&self.read, &timeout)?;
        set_timeout(&mut self.read, want, |d| self.stream.set_read_timeout(d))?;
        let started = Instant::now();
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match (&*self.stream).read(input) {
                // A signal: Linux does not restart a socket read that has a timeout.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if let Some(t) = self.read {
                        let left = t.saturating_sub(started.elapsed());
                        if left.is_zero() {
                            return Err(ureq::Error::Timeout(timeout.reason));
                        }
                        set_timeout(&mut self.read, Some(left), |d| {
                            self.stream.set_read_timeout(d)
                        })?;
                    }
                }
                r => break r.map_err(|e| io_error(e, timeout.reason))?,
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        let stream = &self.stream;
        self.probe.check(|| probe(stream))
    }
}

/// The socket timeout for an operation whose exact time left is `timeout`: the one set last
/// while it is close enough. An expired timeout is an error before any I/O.
fn wanted(last: &Option<Duration>, timeout: &NextTimeout) -> Result<Option<Duration>, ureq::Error> {
    let UreqDuration::Exact(exact) = timeout.after else {
        return Ok(None);
    };
    if exact.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    Ok(match *last {
        Some(prev) if prev.abs_diff(exact) <= slack(exact) => Some(prev),
        _ => Some(exact),
    })
}

/// Sets a socket timeout unless `last` (the one set last) already is `want`, and records it.
/// Apple systems refuse to change it (`InvalidInput`) on a socket whose peer closed with request
/// data unread, while the response may still be readable: there the read or write reports the
/// outcome instead, as in ureq's own transport, and `last` stays as it was.
fn set_timeout(
    last: &mut Option<Duration>,
    want: Option<Duration>,
    set: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    if want == *last {
        return Ok(());
    }
    match set(want) {
        Ok(()) => *last = want,
        Err(e) if cfg!(target_vendor = "apple") && e.kind() == io::ErrorKind::InvalidInput => {}
        Err(e) => return Err(e),
    }
    Ok(())
}

/// A timed-out read or write (the socket timeout reports `WouldBlock` on Unix) is the call's
/// timeout; anything else an I/O error.
fn io_error(e: io::Error, reason: Timeout) -> ureq::Error {
    if is_timeout(&e) {
        ureq::Error::Timeout(reason)
    } else {
        ureq::Error::Io(e)
    }
}

/// Remembers a probe that found the connection open, until I/O or `PROBE_FRESH` makes it stale.
#[derive(Debug, Default)]
struct Probe {
    open_at: Option<Instant>,
}

impl Probe {
    fn io(&mut self) {
        self.open_at = None;
    }

    fn check(&mut self, probe: impl FnOnce() -> bool) -> bool {
        if self.open_at.is_some_and(|at| at.elapsed() < PROBE_FRESH) {
            return true;
        }
        let open = probe();
        self.open_at = open.then(Instant::now);
        open
    }
}

/// Whether an idle connection can carry a request: nothing to read yet. Bytes waiting (the
/// server sent what we did not ask for), end of stream or an error all mean it cannot.
#[cfg(unix)]
fn probe(stream: &TcpStream) -> bool {
    use std::os::fd::AsRawFd;
    let mut byte = 0u8;
    // SAFETY: a one-byte buffer we own, on a socket that lives as long as `stream`.
    let n = unsafe {
        libc::recv(
            stream.as_raw_fd(),
            (&raw mut byte).cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
}

#[cfg(not(unix))]
fn probe(stream: &TcpStream) -> bool {
    let mut byte = [0u8];
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let idle = matches!(stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).is_ok() && idle
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn after(d: Duration) -> NextTimeout {
        NextTimeout {
            after: UreqDuration::Exact(d),
            ..NextTimeout::default()
        }
    }

    #[test]
    fn keeps_the_last_timeout_while_it_is_close_and_follows_when_it_is_not() {
        let s15 = Duration::from_secs(15);
        let short = Duration::from_millis(100);
        // (time left, timeout set, why), in this order on one connection.
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
        for (left, set, why) in steps {
            last = wanted(&last, &after(left)).unwrap();
            assert_eq!(last, Some(set), "{why}");
        }
        assert_eq!(
            wanted(&last, &NextTimeout::default()).unwrap(),
            None,
            "no deadline: no timeout"
        );
        assert!(
            matches!(
                wanted(&last, &after(Duration::ZERO)),
                Err(ureq::Error::Timeout(_))
            ),
            "an expired deadline fails before any I/O"
        );
    }

    #[test]
    fn a_probe_that_found_the_connection_open_stands_in_for_the_next_one_briefly() {
        let mut p = Probe::default();
        let probes = std::cell::Cell::new(0);
        let check = |p: &mut Probe| {
            p.check(|| {
                probes.set(probes.get() + 1);
                true
            })
        };
        assert!(check(&mut p) && check(&mut p));
        p.io();
        assert!(check(&mut p));
        std::thread::sleep(PROBE_FRESH * 2);
        assert!(check(&mut p));
        assert_eq!(
            probes.get(),
            3,
            "probed: first, after I/O, after the answer aged; the second in a row reused"
        );
        let mut closed = Probe::default();
        let mut probes = 0;
        for _ in 0..2 {
            assert!(!closed.check(|| {
                probes += 1;
                false
            }));
        }
        assert_eq!(probes, 2, "a closed answer is never reused");
    }

    /// A connected pair: (client side, server side).
    fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (s, _) = l.accept().unwrap();
        (c, s)
    }

    #[test]
    fn the_probe_tells_an_idle_connection_from_a_closed_or_chatty_one() {
        let (c, _s) = pair();
        assert!(probe(&c), "idle and open");
        let (c, mut s) = pair();
        s.write_all(b"x").unwrap();
        let t0 = Instant::now();
        while probe(&c) && t0.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!probe(&c), "bytes nobody asked for");
        let mut byte = [0u8];
        assert_eq!(
            (&c).read(&mut byte).unwrap(),
            1,
            "the probe only peeked: the byte is still there"
        );
        let (c, s) = pair();
        drop(s);
        let t0 = Instant::now();
        while probe(&c) && t0.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!probe(&c), "closed by the server");
    }

    #[test]
    fn connect_tries_the_next_address_after_a_refusal_and_reports_the_last_error() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        // A port that was just free: connecting to it is refused.
        let refused = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let ok = l.local_addr().unwrap();
        let s = connect_any(&[refused, ok], after(Duration::from_secs(30))).unwrap();
        assert_eq!(s.peer_addr().unwrap(), ok, "the second address");
        match connect_any(&[refused], after(Duration::from_secs(30))) {
            Err(ureq::Error::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused),
            other => panic!("expected the refusal, got {other:?}"),
        }
        assert!(
            matches!(
                connect_any(&[ok], after(Duration::ZERO)),
                Err(ureq::Error::Timeout(_))
            ),
            "no time left: no connect at all"
        );
    }
}
