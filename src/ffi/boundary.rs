//! The FFI toolkit every exported function shares: the panic boundary, the thread's last error
//! message, C strings in (NULL and invalid UTF-8 become errors, not crashes) and out, and
//! out-parameters.

use super::enums::HathoraResultCode;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records the message that `hathora_last_error_message` returns on this thread.
pub(crate) fn set_last_error(message: &str) {
    let c = to_cstring(message);
    LAST_ERROR.with(|slot| *slot.borrow_mut() = Some(c));
}

pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|slot| {
        slot.borrow()
            .as_ref()
            .map_or(std::ptr::null(), |c| c.as_ptr())
    })
}

/// A C copy of `s`; a NUL inside (impossible in JSON text, possible in a room config) becomes U+FFFD.
pub(crate) fn to_cstring(s: &str) -> CString {
    CString::new(s)
        .unwrap_or_else(|_| CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default())
}

/// `to_cstring` for an owned string: reuses its buffer when it holds no NUL.
pub(crate) fn into_cstring(s: String) -> CString {
    CString::new(s).unwrap_or_else(|e| to_cstring(&String::from_utf8_lossy(&e.into_vec())))
}

/// Runs an exported body; a panic becomes `fallback` and a last-error message, never an unwind into C.
pub(crate) fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            set_last_error(&format!(
                "internal error (a panic was caught; please report it): {what}"
            ));
            fallback
        }
    }
}

/// A refused call: the code to return and the message for `hathora_last_error_message`.
pub(crate) type Refusal = (HathoraResultCode, String);

/// Like `guard` for functions that return a result code; an `Err` message becomes the last error.
pub(crate) fn guard_code(
    body: impl FnOnce() -> Result<HathoraResultCode, Refusal>,
) -> HathoraResultCode {
    guard(HathoraResultCode::InternalError, || match body() {
        Ok(code) => code,
        Err((code, message)) => {
            set_last_error(&message);
            code
        }
    })
}

pub(crate) fn invalid(message: impl Into<String>) -> Refusal {
    (HathoraResultCode::InvalidArgument, message.into())
}

/// A required string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn required_str(p: *const c_char, name: &str) -> Result<String, String> {
    if p.is_null() {
        return Err(format!("{name} must not be NULL"));
    }
    // SAFETY: non-NULL and NUL-terminated per the function's contract.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| {
        format!(
            "{name} is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })
}

/// An optional string argument: NULL means absent.
///
/// # Safety
/// As for `required_str`.
pub(crate) unsafe fn optional_str(p: *const c_char, name: &str) -> Result<Option<String>, String> {
    if p.is_null() {
        Ok(None)
    } else {
        unsafe { required_str(p, name) }.map(Some)
    }
}

/// Writes through an out-pointer, refusing NULL.
///
/// # Safety
/// `out` is NULL or valid for one write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, name: &str) -> Result<(), Refusal> {
    if out.is_null() {
        return Err(invalid(format!("{name} must not be NULL")));
    }
    // SAFETY: non-NULL and writable per the contract above.
    unsafe { out.write(value) };
    Ok(())
}

/// Writes through an optional out-pointer: NULL means the caller does not want the value.
///
/// # Safety
/// `out` is NULL or valid for one write of `T`.
pub(crate) unsafe fn write_optional<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the contract above.
        unsafe { out.write(value) };
    }
}
