//! The configuration builder: an opaque object filled by setters, so the ABI can grow without
//! breaking callers. Setters check each value's type and range; `hathora_client_new` checks
//! the whole configuration.

use super::boundary::{guard, guard_code, invalid, optional_str, required_str};
use super::enums::HathoraDispatchMode;
use super::enums::HathoraResultCode;
use crate::config::{ClientConfig, Secret, TrustedCa};
use std::ffi::c_char;
use std::time::Duration;

/// Settings for `hathora_client_new`. Opaque; created by `hathora_config_new`, owned by the
/// caller, freed with `hathora_config_free`. Not thread-safe: set it up on one thread.
pub struct HathoraConfig {
    pub(super) config: ClientConfig,
}

/// A positive duration in milliseconds.
fn set_ms(field: &mut Duration, ms: u32, name: &str) -> Result<(), String> {
    if ms == 0 {
        return Err(format!("{name} must be greater than zero"));
    }
    set_any_ms(field, ms)
}

/// A duration in milliseconds, zero included.
fn set_any_ms(field: &mut Duration, ms: u32) -> Result<(), String> {
    *field = Duration::from_millis(ms.into());
    Ok(())
}

/// Applies `f` to a config pointer, refusing NULL.
///
/// # Safety
/// `cfg` is NULL or a live config from `hathora_config_new`.
pub(super) unsafe fn with(
    cfg: *mut HathoraConfig,
    f: impl FnOnce(&mut ClientConfig) -> Result<(), String>,
) -> HathoraResultCode {
    guard_code(|| {
        // SAFETY: per the contract above.
        let c = unsafe { cfg.as_mut() }.ok_or_else(|| invalid("config must not be NULL"))?;
        f(&mut c.config).map_err(invalid)?;
        Ok(HathoraResultCode::Ok)
    })
}

/// A new configuration with the defaults: no app id, no dev token, no process, base URL
/// `https://api.hathora.dev`, timeout 15000 ms, connect timeout 5000 ms, 3 retries from 500 ms
/// up to 10000 ms apart, 1 to 256 worker threads (idle ones above 1 exit after 10000 ms),
/// `HATHORA_DISPATCH_MODE_WORKER`, a queue of 65536 requests, plain http only to loopback, TLS
/// servers verified against the bundled web roots (Mozilla's) and no other CA. One
/// setter per property: set only what you change. Owned by the caller: free it with `hathora_config_free`
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

/// Sets the default app id of every RoomsV2 call (each call may override it). `app_id` is
/// copied; the caller keeps ownership. NULL, empty or invalid UTF-8: `INVALID_ARGUMENT`. An app
/// id that cannot be a path segment (over 256 bytes, whitespace or control characters, `.` or
/// `..`) is refused by `hathora_client_new`. A client without one is accepted: DiscoveryV2 and
/// region pings need none, and each RoomsV2 call then names one (`options.app_id`) or is refused
/// with `INVALID_ARGUMENT`.
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
            let id = required_str(app_id, "app_id")?;
            if id.is_empty() {
                return Err("app_id must not be empty".into());
            }
            c.app_id = id;
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
/// Proxies: `hathora_client_new` reads the environment once, as curl does. Requests to an
/// `https://` base URL go through `https_proxy` / `HTTPS_PROXY`, else `all_proxy` / `ALL_PROXY`;
/// to an `http://` one through `http_proxy` / `HTTP_PROXY`, else `all_proxy` / `ALL_PROXY`
/// (lowercase first; empty counts as unset). `no_proxy` / `NO_PROXY` lists exceptions, comma
/// separated: `*`, host names (each also matches its subdomains; a leading `.` or `*.` is
/// optional), IP addresses and CIDR ranges. A loopback base URL (`localhost`, `*.localhost`,
/// 127.0.0.0/8, `::1`: the emulator) never goes through a proxy, whatever the environment says,
/// so the dev token never reaches a proxy in clear text. The proxy is `http://host:port` or
/// `https://host:port`, optionally with `user:password@`; requests are tunnelled with CONNECT.
/// A SOCKS proxy, or one that is not a valid URL, makes `hathora_client_new` fail with
/// `INVALID_ARGUMENT` naming the variable (not its value) instead of connecting directly.
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

/// Sets the overall deadline of one call in milliseconds, retries and backoff included. 0:
/// `INVALID_ARGUMENT`, unchanged.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_timeout_ms(
    config: *mut HathoraConfig,
    timeout_ms: u32,
) -> HathoraResultCode {
    unsafe { with(config, |c| set_ms(&mut c.timeout, timeout_ms, "timeout_ms")) }
}

/// Sets the deadline of one TCP (and TLS) connect in milliseconds. 0: `INVALID_ARGUMENT`,
/// unchanged.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_connect_timeout_ms(
    config: *mut HathoraConfig,
    connect_timeout_ms: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            set_ms(
                &mut c.connect_timeout,
                connect_timeout_ms,
                "connect_timeout_ms",
            )
        })
    }
}

/// Sets how many times 429, 500, 502, 503, 504 and connection failures are retried: 0 switches
/// retries off; more than `HATHORA_MAX_RETRIES`: `INVALID_ARGUMENT`, unchanged. Each retry waits
/// the backoff (see `hathora_config_set_initial_backoff_ms`) or the server's `Retry-After`; no
/// wait outlives the call's deadline.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_max_retries(
    config: *mut HathoraConfig,
    max_retries: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            crate::config::check_max_retries(max_retries)?;
            c.retry.max_retries = max_retries;
            Ok(())
        })
    }
}

/// Sets the delay before the first retry in milliseconds; each later one is 1.5 times the one
/// before, capped at the maximum backoff, plus up to 25% jitter. An initial backoff above the
/// maximum is refused by `hathora_client_new`, so the two may be set in either order.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_initial_backoff_ms(
    config: *mut HathoraConfig,
    initial_backoff_ms: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            set_any_ms(&mut c.retry.initial_backoff, initial_backoff_ms)
        })
    }
}

/// Sets the longest computed delay between two attempts in milliseconds (a server's
/// `Retry-After` may ask for more). See `hathora_config_set_initial_backoff_ms`.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_max_backoff_ms(
    config: *mut HathoraConfig,
    max_backoff_ms: u32,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            set_any_ms(&mut c.retry.max_backoff, max_backoff_ms)
        })
    }
}

/// Sets the most worker threads (1 to 1024; default 256). Asynchronous calls run one HTTP
/// attempt per worker. An attempt queued while no worker is busy gets one at once; queued
/// while others are busy, it is left for the first of them to finish, and an idle or new worker
/// takes it once it has waited 250 µs (within 1 ms while every busy worker stays busy): a
/// loopback round trip is shorter than waking a thread, a network one far longer. Up to this
/// many; more calls queue (their deadlines still count). Out of range:
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
            c.dispatch_mode = HathoraDispatchMode::from_u32(dispatch_mode)
                .ok_or_else(|| {
                    format!("dispatch_mode {dispatch_mode} is not a HathoraDispatchMode")
                })?
                .into();
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

/// Adds CA certificates that the client trusts when it verifies a server's certificate
/// (`https://` base URLs, and an `https://` proxy), besides the bundled web roots unless
/// `hathora_config_set_builtin_roots` turns those off. Each call adds; none replaces.
///
/// `pem` holds `pem_len` bytes of PEM text, not NUL-terminated: one or more
/// `-----BEGIN CERTIFICATE-----` blocks (text outside the blocks is ignored). Copied: the caller
/// keeps ownership and may free it when this returns. NULL `pem`, or `pem_len` over
/// `HATHORA_MAX_CA_PEM_BYTES`: `INVALID_ARGUMENT`, nothing added.
///
/// The content is checked by `hathora_client_new`, which refuses the configuration with
/// `INVALID_ARGUMENT` and a message naming the PEM by its position among the CAs added
/// (`CA certificate PEM #1 (from memory)`: the first) and the problem: empty, not PEM, a block
/// that is not a certificate (a private key...), malformed PEM, a certificate that does not
/// parse. No message repeats the input.
///
/// Certificate verification cannot be turned off: a private or self-signed server is trusted
/// by adding its CA (or its self-signed certificate) here.
///
/// # Safety
/// `config` is NULL or live; `pem` is NULL or readable for `pem_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_add_ca_pem(
    config: *mut HathoraConfig,
    pem: *const u8,
    pem_len: usize,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            if pem.is_null() {
                return Err("pem must not be NULL".into());
            }
            if pem_len > crate::config::MAX_CA_PEM_BYTES {
                return Err(format!(
                    "pem is {pem_len} bytes; a CA PEM is at most {} bytes",
                    crate::config::MAX_CA_PEM_BYTES
                ));
            }
            // SAFETY: non-NULL and readable for pem_len bytes per the contract.
            let bytes = std::slice::from_raw_parts(pem, pem_len);
            c.trusted_cas.push(TrustedCa::Pem(bytes.to_vec()));
            Ok(())
        })
    }
}

/// Adds the CA certificates of a PEM file, as `hathora_config_add_ca_pem` adds those of a
/// buffer. `path` is copied; the file is read by `hathora_client_new` (by each client created
/// from this configuration), which refuses the configuration with `INVALID_ARGUMENT` and a
/// message naming the path when the file cannot be read (missing, not permitted, a directory),
/// is empty, is larger than `HATHORA_MAX_CA_PEM_BYTES`, or holds anything `hathora_config_add_ca_pem`
/// refuses. NULL, empty or invalid UTF-8 `path`: `INVALID_ARGUMENT`, nothing added. A relative
/// path is relative to the working directory when the client is created.
///
/// # Safety
/// `config` is NULL or live; `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_add_ca_file(
    config: *mut HathoraConfig,
    path: *const c_char,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            let path = required_str(path, "path")?;
            if path.is_empty() {
                return Err("path must not be empty".into());
            }
            c.trusted_cas.push(TrustedCa::File(path.into()));
            Ok(())
        })
    }
}

/// Whether the bundled web roots (Mozilla's, from webpki-roots) are trusted: on by default.
/// Off, a client trusts only the CAs added with `hathora_config_add_ca_pem` and
/// `hathora_config_add_ca_file`; `hathora_client_new` refuses an `https://` base URL with neither.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_set_builtin_roots(
    config: *mut HathoraConfig,
    use_builtin_roots: bool,
) -> HathoraResultCode {
    unsafe {
        with(config, |c| {
            c.builtin_roots = use_builtin_roots;
            Ok(())
        })
    }
}
