//! Process tokens: each game-server process the server starts gets a bearer token of its own
//! (`HATHORA_PROCESS_TOKEN`), which lets it read and change its own rooms and nothing else (the
//! API layer applies that scope).
//!
//! A token is `hpt1.<process id>.<64 hex digits>`: 256 bits from the OS's RNG after a
//! selector that names its process. The server keeps only the SHA-256 digest of each live
//! token, never the token: the selector finds the digest to check, and the digests are compared
//! in constant time. A fast hash is enough because the secret is uniformly random: there is no
//! guessable password to slow down, only a 2^256 preimage search. Tokens are never logged.
//!
//! Lifetime: minted when the fleet starts a process (through the fleets' `process_env` hook),
//! persisted with the process when its first room is recorded, revoked when the process ends.
//! After a restart the tokens of the processes the fleet reports alive are restored from the
//! state; the others ended with the previous run, and so did their tokens.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use ring::digest::{SHA256, digest};

/// The variable a game server finds its token in.
pub const PROCESS_TOKEN_ENV: &str = "HATHORA_PROCESS_TOKEN";

const PREFIX: &str = "hpt1.";
const SECRET_BYTES: usize = 32;

/// A minted token whose process was never recorded (its start failed) is forgotten after this.
const UNRECORDED_TTL: Duration = Duration::from_secs(3600);

/// SHA-256 of a token.
pub(crate) type Digest = [u8; 32];

/// Who a valid process token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Holder {
    pub(crate) process_id: String,
    pub(crate) app_id: String,
}

struct Entry {
    app_id: String,
    digest: Digest,
    /// When it was minted, until the rooms layer recorded its process.
    unrecorded_since: Option<Instant>,
}

/// The digests of the live processes' tokens, by process id.
#[derive(Default)]
pub(crate) struct ProcessTokens {
    live: Mutex<HashMap<String, Entry>>,
}

impl ProcessTokens {
    /// A new token for a process about to start. Fails only when the OS has no randomness to
    /// give, and then no token is handed out.
    pub(crate) fn mint(&self, process_id: &str, app_id: &str) -> Result<String, String> {
        let mut secret = [0u8; SECRET_BYTES];
        getrandom::fill(&mut secret).map_err(|e| format!("no randomness from the OS: {e}"))?;
        let mut token =
            String::with_capacity(PREFIX.len() + process_id.len() + 1 + 2 * SECRET_BYTES);
        token.push_str(PREFIX);
        token.push_str(process_id);
        token.push('.');
        for b in secret {
            token.push_str(&format!("{b:02x}"));
        }
        let now = Instant::now();
        let mut live = self.live.lock();
        forget_unrecorded(&mut live, now);
        live.insert(
            process_id.to_owned(),
            Entry {
                app_id: app_id.to_owned(),
                digest: sha256(token.as_bytes()),
                unrecorded_since: Some(now),
            },
        );
        Ok(token)
    }

    /// The digest to persist with the process, when it has a live token.
    pub(crate) fn recorded(&self, process_id: &str) -> Option<Digest> {
        let mut live = self.live.lock();
        let entry = live.get_mut(process_id)?;
        entry.unrecorded_since = None;
        Some(entry.digest)
    }

    /// A token of the previous run whose process still serves.
    pub(crate) fn restore(&self, process_id: &str, app_id: &str, digest: Digest) {
        self.live.lock().insert(
            process_id.to_owned(),
            Entry {
                app_id: app_id.to_owned(),
                digest,
                unrecorded_since: None,
            },
        );
    }

    /// The process ended: its token stops working.
    pub(crate) fn revoke(&self, process_id: &str) {
        self.live.lock().remove(process_id);
    }

    /// The holder of `presented` when it is a live process token.
    pub(crate) fn verify(&self, presented: &[u8]) -> Option<Holder> {
        let rest = presented.strip_prefix(PREFIX.as_bytes())?;
        let dot = rest.iter().rposition(|b| *b == b'.')?;
        let process_id = std::str::from_utf8(&rest[..dot]).ok()?;
        let presented_digest = sha256(presented);
        let live = self.live.lock();
        let entry = live.get(process_id)?;
        same_digest(&entry.digest, &presented_digest).then(|| Holder {
            process_id: process_id.to_owned(),
            app_id: entry.app_id.clone(),
        })
    }
}

/// Starts that failed leave a token nobody holds: forget those after a while.
fn forget_unrecorded(live: &mut HashMap<String, Entry>, now: Instant) {
    live.retain(|_, e| {
        e.unrecorded_since
            .is_none_or(|t| now.saturating_duration_since(t) < UNRECORDED_TTL)
    });
}

fn sha256(bytes: &[u8]) -> Digest {
    digest(&SHA256, bytes)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

/// Equal digests, in a time that does not depend on where they differ.
fn same_digest(a: &Digest, b: &Digest) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// A digest as stored (a BLOB of 32 bytes); `None` for anything else.
pub(crate) fn digest_from_bytes(bytes: &[u8]) -> Option<Digest> {
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_process_and_holds_256_random_bits() {
        let tokens = ProcessTokens::default();
        let a = tokens.mint("p-1", "app").unwrap();
        let b = tokens.mint("p-1", "app").unwrap();
        assert_ne!(a, b);
        let secret = a.strip_prefix("hpt1.p-1.").expect(&a);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
        // The second mint of the same process replaced the first.
        assert_eq!(tokens.verify(a.as_bytes()), None);
        assert_eq!(
            tokens.verify(b.as_bytes()),
            Some(Holder {
                process_id: "p-1".into(),
                app_id: "app".into()
            })
        );
    }

    #[test]
    fn only_the_exact_live_token_verifies() {
        let tokens = ProcessTokens::default();
        let t = tokens.mint("p-1", "app").unwrap();
        let other = tokens.mint("p-2", "app").unwrap();
        let mut flipped = t.clone().into_bytes();
        *flipped.last_mut().unwrap() ^= 1;
        // p-2's secret under p-1's selector.
        let swapped = format!("hpt1.p-1.{}", other.rsplit('.').next().unwrap());
        for bad in [
            &b""[..],
            b"hpt1.",
            b"hpt1.p-1.",
            b"hpt1.p-1",
            &flipped,
            swapped.as_bytes(),
            &t.as_bytes()[..t.len() - 1],
            format!("{t}0").as_bytes(),
            format!(" {t}").as_bytes(),
        ] {
            assert_eq!(
                tokens.verify(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(tokens.verify(t.as_bytes()).is_some());
        tokens.revoke("p-1");
        assert_eq!(tokens.verify(t.as_bytes()), None);
        assert!(tokens.verify(other.as_bytes()).is_some());
    }

    #[test]
    fn a_restored_digest_verifies_the_token_it_was_made_from() {
        let first = ProcessTokens::default();
        let t = first.mint("p-1", "app").unwrap();
        let digest = first.recorded("p-1").unwrap();
        let restarted = ProcessTokens::default();
        assert_eq!(restarted.verify(t.as_bytes()), None);
        restarted.restore("p-1", "app", digest);
        assert_eq!(restarted.verify(t.as_bytes()).unwrap().app_id, "app");
        assert_eq!(digest_from_bytes(&digest), Some(digest));
        assert_eq!(digest_from_bytes(&digest[1..]), None);
    }

    #[test]
    fn unrecorded_tokens_are_forgotten_after_a_while() {
        let tokens = ProcessTokens::default();
        tokens.mint("recorded", "app").unwrap();
        tokens.recorded("recorded");
        tokens.mint("failed-start", "app").unwrap();
        let mut live = tokens.live.lock();
        forget_unrecorded(&mut live, Instant::now() + UNRECORDED_TTL / 2);
        assert_eq!(live.len(), 2);
        forget_unrecorded(&mut live, Instant::now() + UNRECORDED_TTL);
        let left: Vec<&String> = live.keys().collect();
        assert_eq!(left, ["recorded"]);
    }
}
