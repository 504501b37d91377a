//! Client handles. A handle is a key into a registry, not a pointer, so a stale, doubled or
//! garbage handle is refused with `INVALID_ARGUMENT` instead of touching freed memory.

use super::config::HathoraConfig;
use super::guard::{guard, guard_code, invalid, set_last_error};
use super::result::write_out;
use crate::client::Client;
use crate::error::HathoraResultCode;
use crate::sync;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

/// A RoomsV2 client: configuration, HTTP connections and worker threads. Opaque; created by
/// `hathora_client_new`, freed by `hathora_client_free`. Safe to use from many threads at once.
pub struct HathoraClient {
    _opaque: [u8; 0],
}

static CLIENTS: LazyLock<RwLock<HashMap<usize, Arc<Client>>>> = LazyLock::new(Default::default);
static NEXT_HANDLE: AtomicUsize = AtomicUsize::new(1);

/// The live client behind a handle, held for the duration of one call.
pub(super) fn lookup(
    handle: *mut HathoraClient,
) -> Result<Arc<Client>, (HathoraResultCode, String)> {
    if handle.is_null() {
        return Err(invalid("client must not be NULL"));
    }
    let clients = sync::read(&CLIENTS);
    clients
        .get(&(handle as usize))
        .cloned()
        .ok_or_else(|| invalid("client is not a live client handle (already freed?)"))
}

/// Creates a client from `config`, which is copied (free it whenever you like). On success
/// writes the handle to `*out_client`; the caller owns it and frees it with `hathora_client_free`.
/// A configuration that cannot work (no app id, malformed URL, zero threads...) is refused with
/// `INVALID_ARGUMENT`, `*out_client` set to NULL, and the reason in `hathora_last_error_message`.
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
        let handle = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
        sync::write(&CLIENTS).insert(handle, Arc::new(client));
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
        let removed = sync::write(&CLIENTS).remove(&(client as usize));
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
