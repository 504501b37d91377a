//! Library-wide functions: version, code text, last error, log hook, region names.

use super::boundary::{guard, guard_code, invalid, last_error_ptr, to_cstring};
use crate::code::HathoraResultCode;
use crate::log::{self, HathoraLogLevel};
use crate::model::Region;
use std::ffi::{c_char, c_void};
use std::sync::LazyLock;

/// The library version, e.g. "0.1.0". Static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Static text for a `HathoraResultCode`, e.g. "timeout"; "unknown result code" when out of
/// range. Never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_result_code_to_string(code: u32) -> *const c_char {
    HathoraResultCode::from_u32(code)
        .map_or("unknown result code\0", |c| c.text())
        .as_ptr()
        .cast()
}

/// The message of the last failure on this thread (an argument refused, a client not created,
/// an async call not accepted); NULL if none yet. Owned by the library; valid until the next
/// failing `hathora_` call on the same thread.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_last_error_message() -> *const c_char {
    guard(std::ptr::null(), last_error_ptr)
}

/// Wire name of a `HathoraRegion` (e.g. "Sao_Paulo"). Static; NULL when out of range or `UNKNOWN`.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_region_name(region: u32) -> *const c_char {
    static NAMES: LazyLock<Vec<std::ffi::CString>> = LazyLock::new(|| {
        Region::KNOWN
            .iter()
            .map(|r| to_cstring(r.as_str()))
            .collect()
    });
    guard(std::ptr::null(), || {
        Region::from_ordinal(region).map_or(std::ptr::null(), |r| {
            NAMES[r.ordinal() as usize - 1].as_ptr()
        })
    })
}

/// Receives one log line. `message` is owned by the library and valid during the call only.
pub type HathoraLogCallback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: u32, message: *const c_char)>;

struct LogTarget(
    unsafe extern "C" fn(*mut c_void, u32, *const c_char),
    *mut c_void,
);
// SAFETY: the caller registers a callback that accepts calls from any thread, as documented.
unsafe impl Send for LogTarget {}
unsafe impl Sync for LogTarget {}

impl LogTarget {
    fn call(&self, level: HathoraLogLevel, text: &str) {
        let c = to_cstring(text);
        // SAFETY: the caller registered a callback valid for these arguments.
        unsafe { (self.0)(self.1, level as u32, c.as_ptr()) };
    }
}

/// Routes the library's log lines (retries, refusals, resolutions) to `callback` for levels up to
/// `max_level` (a `HathoraLogLevel`; `OFF` or a NULL callback removes the hook). Process-wide.
/// The callback runs on the thread that logs: a worker thread or the caller's, possibly several
/// at once, so it must be thread-safe. Lines never contain the dev token.
///
/// When this returns, no call of the previous callback is still running on another thread (it
/// waits for those calls to finish), so its `user_data` may be released.
///
/// The callback may call this function itself, e.g. to remove itself after the first line or to
/// install another callback: that never deadlocks. It still waits for the previous callback's
/// calls on other threads; the call it is made from is, of course, still running until it
/// returns, so release `user_data` only after that. Lines that library functions called from
/// inside the callback would log on the same thread are dropped, not delivered re-entrantly.
/// Do not call this from inside the callback while holding a lock that another thread's call of
/// the callback waits for (that would be a deadlock of the caller's making).
/// A `max_level` that is not a `HathoraLogLevel`: `INVALID_ARGUMENT`, the hook unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_set_log_callback(
    callback: HathoraLogCallback,
    user_data: *mut c_void,
    max_level: u32,
) -> HathoraResultCode {
    guard_code(|| {
        let level = match max_level {
            0 => HathoraLogLevel::Off,
            1 => HathoraLogLevel::Error,
            2 => HathoraLogLevel::Warn,
            3 => HathoraLogLevel::Info,
            4 => HathoraLogLevel::Debug,
            other => {
                return Err(invalid(format!(
                    "max_level {other} is not a HathoraLogLevel"
                )));
            }
        };
        let sink: Option<log::LogSink> = match callback {
            Some(cb) if level != HathoraLogLevel::Off => {
                let target = LogTarget(cb, user_data);
                Some(Box::new(move |lvl, text| target.call(lvl, text)))
            }
            _ => None,
        };
        log::set_sink(level, sink);
        Ok(HathoraResultCode::Ok)
    })
}
