//! The completion callback type of every asynchronous call. In a file of its own so that
//! build.rs can keep it from csbindgen: the C# stubs then take it by name (`HathoraCallback`),
//! one delegate type declared by hand in the C# layer, instead of one generated per function.

use super::result::HathoraResult;
use std::ffi::c_void;

/// Completion of an asynchronous call. `result` is owned by the callback: free it with
/// `hathora_result_free` (now or later, on any thread). `user_data` is the pointer given to the
/// call, passed back untouched.
pub type HathoraCallback = Option<
    unsafe extern "C" fn(user_data: *mut c_void, request_id: u64, result: *mut HathoraResult),
>;
