//! The measuring loop: every endpoint's rounds at once, on the calling thread alone.
//!
//! Each endpoint runs its rounds back to back: a round ends when its echo arrives or its timeout
//! passes, and the next one starts at once, so the whole measurement lasts at most rounds ×
//! timeout. Between sends the thread sleeps in one `poll(2)` over the (at most two) sockets and
//! the cancel token's wake-up descriptor, until the nearest round deadline or a cancel.
//!
//! Timestamps are taken on this thread, just before `send_to` and just after `recv_from`, so
//! an RTT can only be over-estimated (by the two calls), never under-estimated. After each send
//! the sockets are drained at once, so an echo that came back while the other endpoints were
//! being sent to is stamped then rather than after the whole batch.

use super::PingError;
use super::poll::{self, Wakeup};
use super::probe::{DATAGRAM_LEN, Probe};
use super::sockets::Sockets;
use crate::cancel::CancelToken;
use std::io;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

/// Room for any datagram a beacon sends back: longer than ours means not ours.
const RECV_BUF: usize = 2048;

pub(super) fn run(
    probes: &mut [&mut Probe],
    sockets: &Sockets,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<(), PingError> {
    let wakeup = Wakeup::new(cancel)
        .map_err(|e| PingError::Io(format!("could not set up the wait for echoes: {e}")))?;
    let mut buf = [0u8; RECV_BUF];
    let open = sockets.open();
    loop {
        if let Some(reason) = cancel.reason() {
            return Err(PingError::Cancelled(reason));
        }
        // Until no endpoint wants a round: the drain after a send may answer an endpoint
        // already passed over, which then starts its next round here rather than never.
        let mut sending = true;
        while sending {
            sending = false;
            for i in 0..probes.len() {
                while probes[i].wants_round(Instant::now(), timeout) {
                    send_round(probes, i, sockets, &open, timeout, &mut buf);
                    sending = true;
                }
            }
        }
        let Some(next) = probes.iter().filter_map(|p| p.deadline(timeout)).min() else {
            return Ok(());
        };
        let wait = next.saturating_duration_since(Instant::now());
        let ready = poll::readable(&open, &wakeup, wait)
            .map_err(|e| PingError::Io(format!("waiting for echoes failed: {e}")))?;
        for (socket, _) in open.iter().zip(ready).filter(|(_, r)| *r) {
            drain(socket, probes, timeout, &mut buf);
        }
    }
}

fn send_round(
    probes: &mut [&mut Probe],
    i: usize,
    sockets: &Sockets,
    open: &[&UdpSocket],
    timeout: Duration,
    buf: &mut [u8],
) {
    let probe = &mut *probes[i];
    let datagram = probe.start_round();
    let Some(socket) = sockets.for_addr(&probe.addr) else {
        probe.send_failed("no socket for the address family".into());
        return;
    };
    let at = Instant::now();
    match socket.send_to(&datagram, probe.addr) {
        Ok(DATAGRAM_LEN) => probe.sent(datagram, at),
        Ok(n) => probe.send_failed(format!("sent {n} of {DATAGRAM_LEN} bytes")),
        Err(e) => probe.send_failed(format!("send to {} failed: {e}", probe.addr)),
    }
    for socket in open {
        drain(socket, probes, timeout, buf);
    }
}

/// Reads every datagram waiting on `socket`, counting those that answer a round.
fn drain(socket: &UdpSocket, probes: &mut [&mut Probe], timeout: Duration, buf: &mut [u8]) {
    loop {
        match socket.recv_from(buf) {
            Ok((n, from)) => {
                let at = Instant::now();
                for p in probes.iter_mut() {
                    if p.accept(from, &buf[..n], at, timeout) {
                        break;
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // WouldBlock: nothing left. Any other error (an ICMP report on some systems) is
            // consumed by the read; poll says when there is more.
            Err(_) => return,
        }
    }
}
