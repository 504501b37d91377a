//! Client handles. A handle is a key into a registry, not a pointer, so a stale, doubled or
//! garbage handle is refused with `INVALID_ARGUMENT` instead of touching freed memory. Keys are
//! unguessable and never repeat (see `next_handle`), so a stale or uninitialised handle variable
//! cannot name whichever client happens to be live under a small number.

use super::boundary::{guard, guard_code, invalid, set_last_error, write_out};
use super::config::HathoraConfig;
use super::enums::HathoraResultCode;
use crate::client::Client;
use crate::locks;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

/// A RoomsV2 client: configuration, HTTP connections and worker threads. Opaque; created by
/// `hathora_client_new`, freed by `hathora_client_free`. Safe to use from many threads at once.
/// A handle is a key, not an address: never dereference it. Handle values are random-looking
/// (keyed per process), never below 65,536 and never reused within a process (on 32-bit
/// targets: not before 2^32 clients), so NULL, a small integer or a freed handle is refused with
/// `INVALID_ARGUMENT` (ignored, with a message, by `hathora_client_free`) instead of acting on
/// another client; any other garbage value names a live client only by a chance of about one in
/// 2^64 per live client (2^32 on 32-bit targets).
pub struct HathoraClient {
    _opaque: [u8; 0],
}

static CLIENTS: LazyLock<RwLock<HashMap<usize, Arc<Client>>>> = LazyLock::new(Default::default);

/// Handle values below this are never issued: the values a zeroed, small-counter or
/// uninitialised variable most often holds.
const SMALLEST_HANDLE: usize = 1 << 16;

/// The next handle value: a counter, offset by a per-process random key, through a bijective
/// mixer, XORed with a second key. A bijection of a counter never repeats, so a freed handle's
/// value never names a later client; the keys make values differ from run to run.
fn next_handle() -> usize {
    static KEYS: LazyLock<(u64, u64)> =
        LazyLock::new(|| (crate::random::next_u64(), crate::random::next_u64()));
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_add(KEYS.0);
        let h = mix(n) ^ KEYS.1 as usize;
        if h >= SMALLEST_HANDLE {
            return h;
        }
    }
}

/// splitmix64's finaliser: a bijection of u64 (xor-shifts and odd multipliers are invertible).
#[cfg(target_pointer_width = "64")]
fn mix(mut x: u64) -> usize {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    x as usize
}

/// murmur3's 32-bit finaliser, a bijection of u32: distinct for 2^32 consecutive counters.
#[cfg(not(target_pointer_width = "64"))]
fn mix(x: u64) -> usize {
    let mut x = x as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x85eb_ca6b);
    x ^= x >> 13;
    x = x.wrapping_mul(0xc2b2_ae35);
    x ^= x >> 16;
    x as usize
}

/// The live client behind a handle, held for the duration of one call.
pub(super) fn lookup(
    handle: *mut HathoraClient,
) -> Result<Arc<Client>, (HathoraResultCode, String)> {
    if handle.is_null() {
        return Err(invalid("client must not be NULL"));
    }
    let clients = locks::read(&CLIENTS);
    clients
        .get(&(handle as usize))
        .cloned()
        .ok_or_else(|| invalid("client is not a live client handle (already freed?)"))
}

/// Creates a client from `config`, which is copied (free it whenever you like). On success
/// writes the handle to `*out_client`; the caller owns it and frees it with `hathora_client_free`.
/// A configuration that cannot work (no app id, malformed URL, zero threads, a CA certificate
/// that cannot be used...) is refused with `INVALID_ARGUMENT`, `*out_client` set to NULL, and the
/// reason in `hathora_last_error_message`. The proxy environment variables are read here, once
/// (rules: `hathora_config_set_base_url`); a proxy variable that cannot be used is refused the
/// same way. CA files (`hathora_config_add_ca_file`) are read here too.
///
/// # Safety
/// `config` is NULL or live; `out_client` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_client_new(
    config: *const HathoraConfig,
    out_client: *mut *mut HathoraClient,
) -> HathoraResultCode {
    guard_code(|| {
        unsafe { write_out(out_client, std::ptr::null_mut(), "out_client") }?;
        // SAFETY: NULL or live per the contract.
        let cfg = unsafe { config.as_ref() }.ok_or_else(|| invalid("config must not be NULL"))?;
        let client = Client::new(cfg.config.clone()).map_err(invalid)?;
        let handle = {
            let mut clients = locks::write(&CLIENTS);
            // Only a 32-bit counter that wrapped could meet a live value; skip it if so.
            let handle = std::iter::repeat_with(next_handle)
                .find(|h| !clients.contains_key(h))
                .expect("an endless iterator finds a free value");
            clients.insert(handle, Arc::new(client));
            handle
        };
        unsafe { write_out(out_client, handle as *mut HathoraClient, "out_client") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Frees a client. Requests in flight are cancelled and each callback still runs exactly once,
/// with `HATHORA_RESULT_CODE_SHUT_DOWN` unless it had already finished: in worker mode on a
/// worker thread (or the timer thread, for one still queued), in poll mode on this thread before this function returns (finished results are
/// delivered as they are). HTTP attempts in progress are interrupted by closing their
/// connections, not waited for (a TCP connect in progress is bounded by the connect timeout);
/// then the worker and timer threads are joined. After it returns, no callback of this client runs again.
/// NULL is ignored; a handle already freed is ignored and reported by
/// `hathora_last_error_message`. May be called from inside a callback.
///
/// # Safety
/// `client` is any value; only handles from `hathora_client_new` are acted upon.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_client_free(client: *mut HathoraClient) {
    guard((), || {
        let removed = locks::write(&CLIENTS).remove(&(client as usize));
        match removed {
            Some(c) => c.shutdown(),
            None if client.is_null() => {}
            None => {
                set_last_error("hathora_client_free: not a live client handle (already freed?)")
            }
        }
    })
}

/// Poll mode: runs the callbacks of completed asynchronous requests on this thread, at most
/// `max_callbacks` of them (0: all that are ready now), and returns how many ran. Call it once
/// per frame from the game loop. Returns 0 at once in worker mode, for NULL and for a freed handle.
///
/// # Safety
/// `client` is any value; only live handles are acted upon.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_client_poll(
    client: *mut HathoraClient,
    max_callbacks: usize,
) -> usize {
    guard(0, || match lookup(client) {
        Ok(c) => c.poll(max_callbacks),
        Err((_, m)) => {
            set_last_error(&m);
            0
        }
    })
}

/// Cancels the asynchronous request `request_id`. Its callback still runs exactly once, with
/// `HATHORA_RESULT_CODE_CANCELLED`: at once when it was queued or waiting between attempts or
/// polls, whatever the workers are doing (in worker mode on the client's timer thread, in poll
/// mode in the next `hathora_client_poll`), else when its current HTTP attempt returns. `OK` when the
/// request was cancelled; `INVALID_ARGUMENT` when the client is not live or the id is unknown or
/// already completed.
///
/// # Safety
/// `client` is any value; only live handles are acted upon.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_client_cancel(
    client: *mut HathoraClient,
    request_id: u64,
) -> HathoraResultCode {
    guard_code(|| {
        if lookup(client)?.cancel(request_id) {
            Ok(HathoraResultCode::Ok)
        } else {
            Err(invalid(format!(
                "request {request_id} is unknown, already completed or already cancelled"
            )))
        }
    })
}

/// Number of asynchronous requests accepted whose callback has not started yet (a callback that
/// is running no longer counts); 0 for NULL.
///
/// # Safety
/// `client` is any value; only live handles are acted upon.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_client_pending(client: *mut HathoraClient) -> usize {
    guard(0, || lookup(client).map_or(0, |c| c.pending()))
}
