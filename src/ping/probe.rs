//! One endpoint's rounds: which datagram is out, and whether an echo answers it.
//!
//! A round's datagram is a 4-byte tag and a fresh 16-byte nonce. An echo counts only when it
//! comes from the endpoint's address, repeats the outstanding datagram byte for byte, and
//! arrives within the timeout; the round then closes, so a duplicate, a replay of an earlier
//! round, a late echo, a corrupted one or one from elsewhere never counts.

use crate::random;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const TAG: &[u8; 4] = b"HRP1";
pub(super) const DATAGRAM_LEN: usize = TAG.len() + 16;

pub(super) type Datagram = [u8; DATAGRAM_LEN];

pub(super) struct Probe {
    pub addr: SocketAddr,
    rounds_left: u32,
    outstanding: Option<(Datagram, Instant)>,
    pub sent: u32,
    pub answered: u32,
    pub min_rtt: Option<Duration>,
    /// The last reason a round went out without a datagram.
    pub failure: Option<String>,
}

impl Probe {
    pub fn new(addr: SocketAddr, rounds: u32) -> Self {
        Probe {
            addr,
            rounds_left: rounds,
            outstanding: None,
            sent: 0,
            answered: 0,
            min_rtt: None,
            failure: None,
        }
    }

    /// Whether a round should start now: none is out (or the one out has expired) and rounds
    /// remain. Expires the outstanding round when its deadline has passed.
    pub fn wants_round(&mut self, now: Instant, timeout: Duration) -> bool {
        if let Some((_, at)) = self.outstanding {
            if now < at + timeout {
                return false;
            }
            self.outstanding = None;
        }
        self.rounds_left > 0
    }

    /// Starts a round: its datagram, with a fresh nonce.
    pub fn start_round(&mut self) -> Datagram {
        self.rounds_left -= 1;
        let mut d = [0u8; DATAGRAM_LEN];
        d[..TAG.len()].copy_from_slice(TAG);
        d[TAG.len()..TAG.len() + 8].copy_from_slice(&random::next_u64().to_le_bytes());
        d[TAG.len() + 8..].copy_from_slice(&random::next_u64().to_le_bytes());
        d
    }

    /// The round's datagram left at `at` (taken just before the send).
    pub fn sent(&mut self, datagram: Datagram, at: Instant) {
        self.sent += 1;
        self.outstanding = Some((datagram, at));
    }

    /// The round's datagram could not be sent; the round is lost.
    pub fn send_failed(&mut self, reason: String) {
        self.failure = Some(reason);
    }

    /// When the outstanding round expires.
    pub fn deadline(&self, timeout: Duration) -> Option<Instant> {
        self.outstanding.map(|(_, at)| at + timeout)
    }

    /// Counts `bytes`, received from `from` at `at`, if it answers the outstanding round in
    /// time. Returns whether it did.
    pub fn accept(
        &mut self,
        from: SocketAddr,
        bytes: &[u8],
        at: Instant,
        timeout: Duration,
    ) -> bool {
        let Some((datagram, sent_at)) = &self.outstanding else {
            return false;
        };
        let rtt = at.saturating_duration_since(*sent_at);
        if bytes != datagram
            || from.ip() != self.addr.ip()
            || from.port() != self.addr.port()
            || rtt > timeout
        {
            return false;
        }
        self.outstanding = None;
        self.answered += 1;
        self.min_rtt = Some(self.min_rtt.map_or(rtt, |m| m.min(rtt)));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(1);

    fn probe() -> Probe {
        Probe::new("127.0.0.1:9".parse().unwrap(), 3)
    }

    #[test]
    fn an_echo_counts_once_and_only_for_its_round() {
        let mut p = probe();
        let t0 = Instant::now();
        assert!(p.wants_round(t0, T));
        let first = p.start_round();
        p.sent(first, t0);
        assert!(!p.wants_round(t0, T), "a round is out");
        let at = t0 + Duration::from_millis(5);
        assert!(p.accept(p.addr, &first, at, T));
        assert!(!p.accept(p.addr, &first, at, T), "duplicate counted");
        assert!(p.wants_round(at, T));
        let second = p.start_round();
        assert_ne!(first, second, "nonces repeat");
        p.sent(second, at);
        assert!(!p.accept(p.addr, &first, at, T), "earlier round counted");
        assert_eq!((p.sent, p.answered), (2, 1));
        assert_eq!(p.min_rtt, Some(Duration::from_millis(5)));
    }

    #[test]
    fn wrong_bytes_wrong_source_and_late_echoes_never_count() {
        let mut p = probe();
        let t0 = Instant::now();
        let d = p.start_round();
        p.sent(d, t0);
        let mut flipped = d;
        flipped[7] ^= 1;
        assert!(!p.accept(p.addr, &flipped, t0, T), "corrupted");
        assert!(!p.accept(p.addr, &d[..10], t0, T), "truncated");
        assert!(
            !p.accept("127.0.0.1:10".parse().unwrap(), &d, t0, T),
            "wrong port"
        );
        assert!(
            !p.accept("127.0.0.2:9".parse().unwrap(), &d, t0, T),
            "wrong host"
        );
        assert!(
            !p.accept(p.addr, &d, t0 + T + Duration::from_nanos(1), T),
            "late"
        );
        assert!(
            p.wants_round(t0 + T, T),
            "the round expires at its deadline"
        );
        assert!(!p.accept(p.addr, &d, t0, T), "expired round");
        assert_eq!(p.answered, 0);
    }

    #[test]
    fn rounds_run_out() {
        let mut p = probe();
        let now = Instant::now();
        for _ in 0..3 {
            assert!(p.wants_round(now, T));
            p.start_round();
            p.send_failed("no route".into());
        }
        assert!(!p.wants_round(now, T));
        assert_eq!(p.sent, 0);
        assert_eq!(p.failure.as_deref(), Some("no route"));
        assert_eq!(p.deadline(T), None);
    }
}
