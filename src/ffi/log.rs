//! The log hook: routes the library's log lines to a C callback.

use super::boundary::{guard_code, invalid, to_cstring};
use super::enums::{HathoraLogLevel, HathoraResultCode};
use crate::log::{self, LogLevel};
use std::ffi::{c_char, c_void};

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
    fn call(&self, level: LogLevel, text: &str) {
        let c = to_cstring(text);
        let level = HathoraLogLevel::from(level) as u32;
        // SAFETY: the caller registered a callback valid for these arguments.
        unsafe { (self.0)(self.1, level, c.as_ptr()) };
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
        let level: LogLevel = HathoraLogLevel::from_u32(max_level)
            .ok_or_else(|| invalid(format!("max_level {max_level} is not a HathoraLogLevel")))?
            .into();
        let sink: Option<log::LogSink> = match callback {
            Some(cb) if level != LogLevel::Off => {
                let target = LogTarget(cb, user_data);
                Some(Box::new(move |lvl, text| target.call(lvl, text)))
            }
            _ => None,
        };
        log::set_sink(level, sink);
        Ok(HathoraResultCode::Ok)
    })
}
