//! Ports of the configured range: each given to one live process at a time, and only after a
//! bind shows that nothing else on the host holds it.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::RangeInclusive;

use socket2::{Domain, Socket, Type};

pub(crate) struct PortPool {
    first: u16,
    /// Indexed by `port - first`.
    taken: Vec<bool>,
    /// Next-fit: a port just freed is the last to come back, so that what its previous
    /// process left (TIME_WAIT connections, a slow client) has time to go.
    cursor: usize,
}

impl PortPool {
    pub(crate) fn new(range: &RangeInclusive<u16>) -> Self {
        let len = usize::from(range.end() - range.start()) + 1;
        PortPool {
            first: *range.start(),
            taken: vec![false; len],
            cursor: 0,
        }
    }

    /// `n` ports free here and on the host, or `None` (nothing taken) when the range has fewer.
    pub(crate) fn take(&mut self, n: usize) -> Option<Vec<u16>> {
        self.take_with(n, free_on_host)
    }

    fn take_with(&mut self, n: usize, free: impl Fn(u16) -> bool) -> Option<Vec<u16>> {
        let len = self.taken.len();
        let mut got = Vec::with_capacity(n);
        for step in 0..len {
            let i = (self.cursor + step) % len;
            let port = self.first + i as u16;
            if !self.taken[i] && free(port) {
                self.taken[i] = true;
                got.push(port);
                if got.len() == n {
                    self.cursor = (i + 1) % len;
                    return Some(got);
                }
            }
        }
        self.give_back(&got);
        None
    }

    pub(crate) fn give_back(&mut self, ports: &[u16]) {
        for &port in ports {
            if let Some(slot) = port
                .checked_sub(self.first)
                .and_then(|i| self.taken.get_mut(usize::from(i)))
            {
                *slot = false;
            }
        }
    }

    /// `FIRST-LAST`, for error messages.
    pub(crate) fn describe(&self) -> String {
        format!(
            "{}-{}",
            self.first,
            self.first as usize + self.taken.len() - 1
        )
    }
}

/// Nothing holds the port over TCP or UDP, IPv4 or IPv6 (when the host has IPv6). The TCP probe
/// sets SO_REUSEADDR as servers do, so that connections of a previous process still in
/// TIME_WAIT do not hold the port for a minute; a listener or a bound socket does.
fn free_on_host(port: u16) -> bool {
    let v4 = SocketAddr::from((Ipv4Addr::UNSPECIFIED, port));
    let v6 = SocketAddr::from((Ipv6Addr::UNSPECIFIED, port));
    [Type::STREAM, Type::DGRAM].into_iter().all(|kind| {
        bindable(Domain::IPV4, kind, v4).unwrap_or(false)
            // No IPv6 on this host (the socket cannot be made): nothing can hold the port there.
            && bindable(Domain::IPV6, kind, v6).unwrap_or(true)
    })
}

/// `Some(bound?)`, or `None` when no socket of that kind can be made.
fn bindable(domain: Domain, kind: Type, addr: SocketAddr) -> Option<bool> {
    let socket = Socket::new(domain, kind, None).ok()?;
    if kind == Type::STREAM {
        socket.set_reuse_address(true).ok()?;
    }
    Some(socket.bind(&addr.into()).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_go_round_the_range_and_come_back_when_given_back() {
        let mut pool = PortPool::new(&(100..=103));
        assert_eq!(pool.take_with(2, |_| true), Some(vec![100, 101]));
        assert_eq!(pool.take_with(1, |_| true), Some(vec![102]));
        pool.give_back(&[100]);
        // Next-fit: 103 first, then the freed 100.
        assert_eq!(pool.take_with(2, |_| true), Some(vec![103, 100]));
        assert_eq!(pool.take_with(1, |_| true), None, "range exhausted");
        assert_eq!(pool.describe(), "100-103");
    }

    #[test]
    fn ports_held_on_the_host_are_skipped_and_a_short_range_takes_nothing() {
        let mut pool = PortPool::new(&(100..=102));
        assert_eq!(pool.take_with(2, |p| p != 100), Some(vec![101, 102]));
        pool.give_back(&[101, 102]);
        assert_eq!(pool.take_with(3, |p| p != 101), None);
        // Nothing was kept by the failed take.
        assert_eq!(pool.take_with(3, |_| true), Some(vec![100, 101, 102]));
    }
}
