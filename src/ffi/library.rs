//! Library-wide functions: version, result code text, last error, region names.

use super::boundary::{guard, last_error_ptr, to_cstring};
use super::enums::{HathoraRegion, HathoraResultCode};
use crate::code::ResultCode;
use std::ffi::{CString, c_char};
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
    static TEXTS: LazyLock<Vec<(HathoraResultCode, CString)>> = LazyLock::new(|| {
        (0..)
            .map_while(HathoraResultCode::from_u32)
            .map(|c| (c, to_cstring(ResultCode::from(c).as_str())))
            .collect()
    });
    guard(c"unknown result code".as_ptr(), || {
        HathoraResultCode::from_u32(code)
            .and_then(|c| TEXTS.iter().find(|(k, _)| *k == c))
            .map_or(c"unknown result code".as_ptr(), |(_, text)| text.as_ptr())
    })
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
    static NAMES: LazyLock<Vec<(HathoraRegion, CString)>> = LazyLock::new(|| {
        HathoraRegion::known_values()
            .filter_map(|r| Some((r, to_cstring(r.known()?.as_str()))))
            .collect()
    });
    guard(std::ptr::null(), || {
        HathoraRegion::from_u32(region)
            .and_then(|r| NAMES.iter().find(|(k, _)| *k == r))
            .map_or(std::ptr::null(), |(_, name)| name.as_ptr())
    })
}
