//! The ABI's numbers: limits and defaults the header publishes as `#define`s. The library's own
//! constants are the ones it checks against; the assertions below stop the build when the two
//! disagree.

use crate::{config, ping, validate};

/// Most retries a client or a call may ask for.
pub const HATHORA_MAX_RETRIES: u32 = 20;

/// One worker per call in flight: 256 calls at a realistic 100 ms round trip finish in about
/// one round trip. A busy worker costs about its touched stack and TLS state (see BENCHMARKS.md).
pub const HATHORA_DEFAULT_MAX_WORKERS: u32 = 256;

/// One warm worker: a game's occasional call starts without spawning a thread.
pub const HATHORA_DEFAULT_MIN_WORKERS: u32 = 1;

/// Long enough that a matchmaker's bursts a few seconds apart reuse their workers.
pub const HATHORA_DEFAULT_WORKER_IDLE_MS: u32 = 10_000;

/// Upper bound of `max_workers`.
pub const HATHORA_MAX_WORKERS_LIMIT: u32 = 1024;

/// Longest roomId the API accepts, in characters of `[a-zA-Z0-9_-]`.
pub const HATHORA_ROOM_ID_MAX_LEN: u32 = 100;

/// Longest roomConfig the API accepts, in characters.
pub const HATHORA_ROOM_CONFIG_MAX_CHARS: u32 = 10_000;

/// Largest PEM input a client reads: one `hathora_config_add_ca_pem` buffer, or one CA file.
pub const HATHORA_MAX_CA_PEM_BYTES: u32 = 4_194_304;
/// Most rounds (datagrams per endpoint) region pings may ask for.
pub const HATHORA_MAX_PING_ROUNDS: u32 = 100;

/// Most endpoints one region-ping call may measure.
pub const HATHORA_MAX_PING_TARGETS: u32 = 1024;

/// Longest per-ping and name-lookup timeout of region pings, in milliseconds.
pub const HATHORA_MAX_PING_TIMEOUT_MS: u32 = 60_000;

const _: () = {
    assert!(HATHORA_MAX_RETRIES == config::MAX_RETRIES);
    assert!(HATHORA_DEFAULT_MAX_WORKERS as usize == config::DEFAULT_MAX_WORKERS);
    assert!(HATHORA_DEFAULT_MIN_WORKERS as usize == config::DEFAULT_MIN_WORKERS);
    assert!(HATHORA_DEFAULT_WORKER_IDLE_MS as u128 == config::DEFAULT_WORKER_IDLE.as_millis());
    assert!(HATHORA_MAX_WORKERS_LIMIT as usize == config::MAX_WORKERS_LIMIT);
    assert!(HATHORA_ROOM_ID_MAX_LEN as usize == validate::ROOM_ID_MAX_LEN);
    assert!(HATHORA_ROOM_CONFIG_MAX_CHARS as usize == validate::ROOM_CONFIG_MAX_CHARS);
    assert!(HATHORA_MAX_CA_PEM_BYTES as usize == config::MAX_CA_PEM_BYTES);
    assert!(HATHORA_MAX_PING_ROUNDS == ping::MAX_ROUNDS);
    assert!(HATHORA_MAX_PING_TARGETS as usize == ping::MAX_ENDPOINTS);
    assert!(HATHORA_MAX_PING_TIMEOUT_MS as u128 == ping::MAX_TIMEOUT.as_millis());
};
