//! The result object every call produces, and its accessors.

use super::boundary::{Refusal, guard, guard_code, into_cstring, invalid, write_out};
use super::enums::HathoraResultCode;
use super::view::{
    ConnectionView, HathoraConnectionInfo, HathoraPingEndpoint, HathoraRegionPing, HathoraRoom,
    RegionPingsView, RoomView, Strings, ping_endpoint,
};
use crate::outcome::{Outcome, Payload};
use std::ffi::{CString, c_char};
use std::ptr::null;

/// The result of one call: code, HTTP status, message, JSON body and structured data. Opaque.
/// Owned by whoever received it (the blocking call's caller, or the async callback) until
/// passed to `hathora_result_free`. Read-only, so it may be read from any thread.
pub struct HathoraResult {
    request_id: u64,
    code: HathoraResultCode,
    http_status: u16,
    attempts: u32,
    message: Option<CString>,
    /// The body as received plus a terminating NUL (not a `CString`: it may hold NUL bytes).
    body: Vec<u8>,
    view: View,
    _strings: Strings,
}

enum View {
    None,
    Connection(ConnectionView),
    Room(RoomView),
    Rooms(Vec<RoomView>),
    PingEndpoints(Vec<HathoraPingEndpoint>),
    RegionPings(RegionPingsView),
}

// SAFETY: the raw pointers inside the views point only into data this value owns and never
// mutates; nothing in it is tied to the thread that built it.
unsafe impl Send for HathoraResult {}

impl HathoraResult {
    /// Builds the C views once; the decoded model is dropped after, and the body moves into its
    /// C string without a copy. Public so that a Rust host (and the tests) can hand an `Outcome`
    /// to C code as the same object the C functions return.
    pub fn new(request_id: u64, outcome: Outcome) -> Box<HathoraResult> {
        let mut strings = Strings::default();
        let view = match &outcome.payload {
            Payload::None => View::None,
            Payload::Connection(c) => View::Connection(ConnectionView::new(&mut strings, c)),
            Payload::Room(r) => View::Room(RoomView::new(&mut strings, r)),
            Payload::Rooms(rs) => {
                View::Rooms(rs.iter().map(|r| RoomView::new(&mut strings, r)).collect())
            }
            Payload::PingEndpoints(es) => {
                View::PingEndpoints(es.iter().map(|e| ping_endpoint(&mut strings, e)).collect())
            }
            Payload::RegionPings(ps) => View::RegionPings(RegionPingsView::new(&mut strings, ps)),
        };
        Box::new(HathoraResult {
            request_id,
            code: outcome.code.into(),
            http_status: outcome.http_status,
            attempts: outcome.attempts,
            message: outcome.message.map(into_cstring),
            body: nul_terminated(outcome.body),
            view,
            _strings: strings,
        })
    }
}

/// `bytes` plus a NUL, reusing the buffer (a body is moved, not copied; kept a `Vec`, since
/// shrinking it to a boxed slice would copy it again).
fn nul_terminated(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.push(0);
    bytes
}

/// Borrows a result pointer for reading.
///
/// # Safety
/// `r` is NULL or a live result from this library.
unsafe fn read<'a>(r: *const HathoraResult) -> Option<&'a HathoraResult> {
    // SAFETY: per the contract above.
    unsafe { r.as_ref() }
}

/// `read` for the accessors that return a code: NULL is refused with a message.
///
/// # Safety
/// As for `read`.
unsafe fn required<'a>(r: *const HathoraResult) -> Result<&'a HathoraResult, Refusal> {
    unsafe { read(r) }.ok_or_else(|| invalid("result must not be NULL"))
}

/// Frees a result. NULL is ignored. Call it exactly once per result, from any thread; every
/// pointer obtained from the result becomes invalid.
///
/// # Safety
/// `result` is NULL or a result from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_free(result: *mut HathoraResult) {
    guard((), || {
        if !result.is_null() {
            // SAFETY: a result from this library is a leaked Box, freed once per the contract.
            drop(unsafe { Box::from_raw(result) });
        }
    })
}

/// The result's code. `HATHORA_RESULT_CODE_INVALID_ARGUMENT` for NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_code(result: *const HathoraResult) -> HathoraResultCode {
    guard(HathoraResultCode::InvalidArgument, || {
        unsafe { read(result) }.map_or(HathoraResultCode::InvalidArgument, |r| r.code)
    })
}

/// HTTP status of the last response (e.g. 201, 404, 503); 0 when no response arrived or for NULL.
/// A response whose status line arrived but whose body then failed (over the 16 MiB limit, cut
/// off, too slow) keeps its status, with the code saying what failed.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_http_status(result: *const HathoraResult) -> u16 {
    guard(0, || unsafe { read(result) }.map_or(0, |r| r.http_status))
}

/// Why the call failed: the API's `message` for API errors, else the library's explanation.
/// NULL on success and for NULL. Owned by the result; valid until it is freed.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_message(result: *const HathoraResult) -> *const c_char {
    guard(null(), || {
        unsafe { read(result) }
            .and_then(|r| r.message.as_ref())
            .map_or(null(), |m| m.as_ptr())
    })
}

/// The last response body, byte for byte as received, followed by a NUL ("" when there was
/// none). NULL only for NULL. Owned by the result; valid until it is freed. It is the UTF-8 JSON
/// the structured views were decoded from whenever the code is `OK` with a payload. Otherwise
/// (`DECODE_ERROR`, `API_ERROR`, or a 2xx of an operation without a payload, whose body is not
/// read) it is whatever the server sent: possibly not UTF-8 and possibly with NUL bytes inside,
/// so read it as `hathora_result_body_len` bytes. Nothing is repaired: a 2xx body that an
/// operation decodes and that is not UTF-8 gives `DECODE_ERROR`. For `hathora_ping_regions` it
/// is the measurement as JSON (`[{"region","host","port","address","minRttNs","sent",
/// "answered","failure"}]`, absent values as null), not an HTTP body.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_body(result: *const HathoraResult) -> *const c_char {
    guard(null(), || {
        unsafe { read(result) }.map_or(null(), |r| r.body.as_ptr().cast())
    })
}

/// Length in bytes of `hathora_result_body`, without its terminating NUL (NUL bytes inside the
/// body count); 0 for NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_body_len(result: *const HathoraResult) -> usize {
    guard(0, || {
        unsafe { read(result) }.map_or(0, |r| r.body.len() - 1)
    })
}

/// The id the asynchronous call returned; 0 for a blocking call's result and for NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_request_id(result: *const HathoraResult) -> u64 {
    guard(0, || unsafe { read(result) }.map_or(0, |r| r.request_id))
}

/// HTTP attempts the call made, retries and wait-until-active polls included; 0 for NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_attempts(result: *const HathoraResult) -> u32 {
    guard(0, || unsafe { read(result) }.map_or(0, |r| r.attempts))
}

/// Connection data of a successful CreateRoom, GetConnectionInfo, ResumeRoom or
/// wait-until-active (also present on a wait that timed out with the room still starting).
/// Writes a pointer owned by the result, valid until it is freed. `INVALID_ARGUMENT` when
/// `result` or `out_info` is NULL or the result holds no connection data (`*out_info` untouched).
///
/// # Safety
/// `result` is NULL or a live result; `out_info` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_connection_info(
    result: *const HathoraResult,
    out_info: *mut *const HathoraConnectionInfo,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::Connection(c) = &r.view else {
            return Err(invalid("this result holds no connection info"));
        };
        unsafe { write_out(out_info, &c.info as *const _, "out_info") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// The room of a successful GetRoomInfo. Writes a pointer owned by the result, valid until it is
/// freed. `INVALID_ARGUMENT` for NULL arguments or a result without a single room.
///
/// # Safety
/// `result` is NULL or a live result; `out_room` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_room(
    result: *const HathoraResult,
    out_room: *mut *const HathoraRoom,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::Room(v) = &r.view else {
            return Err(invalid(
                "this result holds no room (use hathora_result_room_at for lists)",
            ));
        };
        unsafe { write_out(out_room, &v.room as *const _, "out_room") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Number of rooms in a successful GetActiveRoomsForProcess or GetInactiveRoomsForProcess.
/// `INVALID_ARGUMENT` for NULL arguments or a result that is not a room list.
///
/// # Safety
/// `result` is NULL or a live result; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_room_count(
    result: *const HathoraResult,
    out_count: *mut usize,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::Rooms(list) = &r.view else {
            return Err(invalid("this result holds no room list"));
        };
        unsafe { write_out(out_count, list.len(), "out_count") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Room `index` (0-based) of a room list. Writes a pointer owned by the result, valid until it
/// is freed. `INVALID_ARGUMENT` for NULL arguments, a result that is not a list, or an index
/// out of range.
///
/// # Safety
/// `result` is NULL or a live result; `out_room` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_room_at(
    result: *const HathoraResult,
    index: usize,
    out_room: *mut *const HathoraRoom,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::Rooms(list) = &r.view else {
            return Err(invalid("this result holds no room list"));
        };
        let v = item(list, index)?;
        unsafe { write_out(out_room, &v.room as *const _, "out_room") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// The item `index` of a result's list, with the list's length in the message when it is out of
/// range.
fn item<T>(list: &[T], index: usize) -> Result<&T, Refusal> {
    list.get(index).ok_or_else(|| {
        invalid(format!(
            "index {index} is out of range (count {})",
            list.len()
        ))
    })
}

/// Number of endpoints in a successful GetPingServiceEndpoints (DiscoveryV2).
/// `INVALID_ARGUMENT` for NULL arguments or a result that holds no endpoint list.
///
/// # Safety
/// `result` is NULL or a live result; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_ping_endpoint_count(
    result: *const HathoraResult,
    out_count: *mut usize,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::PingEndpoints(list) = &r.view else {
            return Err(invalid("this result holds no ping endpoint list"));
        };
        unsafe { write_out(out_count, list.len(), "out_count") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Endpoint `index` (0-based) of a GetPingServiceEndpoints result. Writes a pointer owned by the
/// result, valid until it is freed. `INVALID_ARGUMENT` for NULL arguments, a result that is not
/// an endpoint list, or an index out of range.
///
/// # Safety
/// `result` is NULL or a live result; `out_endpoint` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_ping_endpoint_at(
    result: *const HathoraResult,
    index: usize,
    out_endpoint: *mut *const HathoraPingEndpoint,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::PingEndpoints(list) = &r.view else {
            return Err(invalid("this result holds no ping endpoint list"));
        };
        let e = item(list, index)?;
        unsafe { write_out(out_endpoint, e as *const _, "out_endpoint") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Number of measured endpoints in a successful `hathora_ping_regions`.
/// `INVALID_ARGUMENT` for NULL arguments or a result that holds no region pings.
///
/// # Safety
/// `result` is NULL or a live result; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_region_ping_count(
    result: *const HathoraResult,
    out_count: *mut usize,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::RegionPings(v) = &r.view else {
            return Err(invalid("this result holds no region pings"));
        };
        unsafe { write_out(out_count, v.pings.len(), "out_count") }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Measurement `index` (0-based) of a `hathora_ping_regions` result, in the order of the
/// endpoints. Writes a pointer owned by the result, valid until it is freed. `INVALID_ARGUMENT`
/// for NULL arguments, a result without region pings, or an index out of range.
///
/// # Safety
/// `result` is NULL or a live result; `out_ping` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_result_region_ping_at(
    result: *const HathoraResult,
    index: usize,
    out_ping: *mut *const HathoraRegionPing,
) -> HathoraResultCode {
    guard_code(|| {
        let r = unsafe { required(result) }?;
        let View::RegionPings(v) = &r.view else {
            return Err(invalid("this result holds no region pings"));
        };
        let p = item(&v.pings, index)?;
        unsafe { write_out(out_ping, p as *const _, "out_ping") }?;
        Ok(HathoraResultCode::Ok)
    })
}
