//! The configuration builder: an opaque object filled by setters, so the ABI can grow without
//! breaking callers. Setters check each value's type and range; `hathora_client_new` checks
//! the whole configuration.

use super::guard::{guard, guard_code, invalid, optional_str, required_str};
use crate::config::{ClientConfig, HathoraDispatchMode, Secret};
use crate::error::HathoraResultCode;
use std::ffi::c_char;
use std::time::Duration;

/// Settings for `hathora_client_new`. Opaque; created by `hathora_config_new`, owned by the
/// caller, freed with `hathora_config_free`. Not thread-safe: set it up on one thread.
pub struct HathoraConfig {
    pub(super) config: ClientConfig,
}

type Setter = Result<HathoraResultCode, (HathoraResultCode, String)>;

/// Applies `f` to a config pointer, refusing NULL.
///
/// # Safety
/// `cfg` is NULL or a live config from `hathora_config_new`.
unsafe fn with(
    cfg: *mut HathoraConfig,
    f: impl FnOnce(&mut ClientConfig) -> Result<(), String>,
) -> HathoraResultCode {
    guard_code(|| -> Setter {
        // SAFETY: per the contract above.
        let c = unsafe { cfg.as_mut() }.ok_or_else(|| invalid("config must not be NULL"))?;
        f(&mut c.config).map_err(invalid)?;
        Ok(HathoraResultCode::Ok)
    })
}

/// A new configuration with the defaults: no app id (set one), no dev token, base URL
/// `https://api.hathora.dev`, timeout 15000 ms, connect timeout 5000 ms, 3 retries from 500 ms
/// up to 10000 ms apart, 1 to 256 worker threads (idle ones above 1 exit after 10000 ms),
/// `HATHORA_DISPATCH_MODE_WORKER`, a queue of 65536
/// requests, plain http only to loopback. Owned by the caller: free it with `hathora_config_free`
/// (a client keeps its own copy). NULL only if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_config_new() -> *mut HathoraConfig {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(HathoraConfig {
            config: ClientConfig::new(""),
        }))
    })
}

/// Frees a configuration. NULL is ignored.
///
/// # Safety
/// `config` is NULL or a live config, freed only once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_free(config: *mut HathoraConfig) {
    guard((), || {
        if !config.is_null() {
            // SAFETY: a config is a leaked Box, freed once per the contract.
            drop(unsafe { Box::from_raw(config) });
        }
    })
}

/// Sets the default app id of every call (each call may override it). `app_id` is copied;
/// the caller keeps ownership. NULL or invalid UTF-8: `INVALID_ARGUMENT`.
///
/// # Safety
/// `config` is NULL or live; `app_id` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_app_id(
    config: *mut HathoraConfig,
    app_id: *const c_char,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            c.app_id = required_str(app_id, "app_id")?;
            Ok(())
        })
    }
}

/// Sets the dev token sent as `Authorization: Bearer` (never to GetConnectionInfo). NULL clears
/// it: such a client can only call GetConnectionInfo and wait-until-active, as a game client
/// should. Copied; the library's copies are wiped when the config and the client are freed, and
/// never logged. Invalid UTF-8: `INVALID_ARGUMENT`.
///
/// # Safety
/// `config` is NULL or live; `dev_token` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_dev_token(
    config: *mut HathoraConfig,
    dev_token: *const c_char,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            c.dev_token = optional_str(dev_token, "dev_token")?.map(Secret::new);
            Ok(())
        })
    }
}

/// Sets the API base URL, e.g. a local emulator's `http://127.0.0.1:PORT`. NULL restores the
/// default. Copied. `http://` is accepted for loopback hosts only, unless
/// `hathora_config_set_allow_insecure_http` is on; a malformed URL is refused by `hathora_client_new`.
///
/// # Safety
/// `config` is NULL or live; `base_url` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_base_url(
    config: *mut HathoraConfig,
    base_url: *const c_char,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            c.base_url = optional_str(base_url, "base_url")?
                .unwrap_or_else(|| crate::config::DEFAULT_BASE_URL.into());
            Ok(())
        })
    }
}

/// Sets the overall deadline of one call in milliseconds (retries included; must be > 0) and the
/// deadline of one connect (must be > 0).
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_timeouts(
    config: *mut HathoraConfig,
    timeout_ms: u32,
    connect_timeout_ms: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            if timeout_ms == 0 || connect_timeout_ms == 0 {
                return Err("timeout_ms and connect_timeout_ms must be greater than zero".into());
            }
            c.timeout = Duration::from_millis(timeout_ms.into());
            c.connect_timeout = Duration::from_millis(connect_timeout_ms.into());
            Ok(())
        })
    }
}

/// Sets the retry policy for 429, 500, 502, 503, 504 and connection failures: at most
/// `max_retries` retries (0 switches retries off, at most 20), the first after
/// `initial_backoff_ms`, each next one 1.5 times later, capped at `max_backoff_ms`, plus up to
/// 25% jitter. A `Retry-After` header replaces the computed delay. No delay outlives the deadline.
/// More than 20 retries, or an initial backoff above the maximum: `INVALID_ARGUMENT`, unchanged.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_retry(
    config: *mut HathoraConfig,
    max_retries: u32,
    initial_backoff_ms: u32,
    max_backoff_ms: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            let policy = crate::config::RetryPolicy {
                max_retries,
                initial_backoff: Duration::from_millis(initial_backoff_ms.into()),
                max_backoff: Duration::from_millis(max_backoff_ms.into()),
            };
            crate::config::check_retry(&policy)?;
            c.retry = policy;
            Ok(())
        })
    }
}

/// Sets the most worker threads (1 to 1024; default 256). Asynchronous calls run one HTTP
/// attempt per worker: a worker is added while attempts waiting outnumber the idle workers, up
/// to this many; more calls queue (their deadlines still count). Out of range:
/// `INVALID_ARGUMENT`, unchanged. Below the minimum: refused by `hathora_client_new`.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_max_workers(
    config: *mut HathoraConfig,
    max_workers: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            crate::config::check_max_workers(max_workers as usize)?;
            c.max_workers = max_workers as usize;
            Ok(())
        })
    }
}

/// Sets the worker threads kept while idle (0 to 1024; default 1); they start with the client.
/// Out of range: `INVALID_ARGUMENT`, unchanged. Above the maximum: refused by
/// `hathora_client_new`.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_min_workers(
    config: *mut HathoraConfig,
    min_workers: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            crate::config::check_min_workers(min_workers as usize)?;
            c.min_workers = min_workers as usize;
            Ok(())
        })
    }
}

/// Sets how long a worker above the minimum stays without work before it exits, in
/// milliseconds (1 to 3600000; default 10000). Out of range: `INVALID_ARGUMENT`, unchanged.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_worker_idle_ms(
    config: *mut HathoraConfig,
    worker_idle_ms: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            let idle = Duration::from_millis(worker_idle_ms.into());
            crate::config::check_worker_idle(idle)?;
            c.worker_idle = idle;
            Ok(())
        })
    }
}

/// Sets where asynchronous callbacks run: a `HathoraDispatchMode` value. Out of range:
/// `INVALID_ARGUMENT`.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_dispatch_mode(
    config: *mut HathoraConfig,
    dispatch_mode: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            c.dispatch_mode = match dispatch_mode {
                0 => HathoraDispatchMode::Worker,
                1 => HathoraDispatchMode::Poll,
                other => {
                    return Err(format!(
                        "dispatch_mode {other} is not a HathoraDispatchMode"
                    ));
                }
            };
            Ok(())
        })
    }
}

/// Sets how many asynchronous requests may be accepted and not yet delivered (at least 1); past
/// it, async calls fail at once with `HATHORA_RESULT_CODE_QUEUE_FULL`. 0: `INVALID_ARGUMENT`.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_queue_capacity(
    config: *mut HathoraConfig,
    queue_capacity: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            crate::config::check_queue_capacity(queue_capacity as usize)?;
            c.queue_capacity = queue_capacity as usize;
            Ok(())
        })
    }
}

/// Allows `http://` to hosts that are not loopback (off by default; tokens would travel in clear).
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_allow_insecure_http(
    config: *mut HathoraConfig,
    allow: bool,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            c.allow_insecure_http = allow;
            Ok(())
        })
    }
}
