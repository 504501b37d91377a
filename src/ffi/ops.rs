//! One blocking and one asynchronous entry point per operation. Each only turns its C
//! arguments into a `Call`; the shared helpers below do the rest the same way for all. The
//! contract of both forms is written once, in the header's preamble (cbindgen.toml), and each
//! operation's doc points to it.

use super::boundary::{
    Refusal, guard_code, invalid, optional_str, required_str, set_last_error, write_optional,
    write_out,
};
use super::callback::HathoraCallback;
use super::client::{HathoraClient, lookup};
use super::enums::HathoraRegion;
use super::enums::HathoraResultCode;
use super::result::HathoraResult;
use crate::outcome::Outcome;
use crate::rooms::{Call, CallOptions};
use std::ffi::{c_char, c_void};
use std::time::Duration;

/// The value `HathoraCallOptions.version` must hold.
pub const HATHORA_CALL_OPTIONS_VERSION: u32 = 1;

/// Per-call overrides of the client's settings. Pass NULL for none. Read during the call only.
/// Start from `hathora_call_options_init()`, then set the fields you change.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HathoraCallOptions {
    /// Must be `HATHORA_CALL_OPTIONS_VERSION`, so that later fields can be added safely.
    pub version: u32,
    /// App id for this call; NULL uses the client's. Must be UTF-8; `.` and `..` (dot path
    /// segments) are refused with `INVALID_ARGUMENT`, like the client's app id.
    pub app_id: *const c_char,
    /// Overall deadline of this call in milliseconds, retries included; 0 uses the client's.
    pub timeout_ms: u32,
    /// Retries for this call (at most `HATHORA_MAX_RETRIES`); negative uses the client's policy, 0
    /// switches them off.
    pub max_retries: i32,
    /// Deadline of each connect of this call in milliseconds; 0 uses the client's.
    pub connect_timeout_ms: u32,
}

/// The value `HathoraCreateRoomParams.version` must hold.
pub const HATHORA_CREATE_ROOM_PARAMS_VERSION: u32 = 1;

/// CreateRoom's arguments. Read during the call only; strings are copied. Start from
/// `hathora_create_room_params_init()`, then set the fields you need.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HathoraCreateRoomParams {
    /// Must be `HATHORA_CREATE_ROOM_PARAMS_VERSION`, so that later fields can be added safely.
    pub version: u32,
    /// A `HathoraRegion`; ignored when `region_name` is set.
    pub region: u32,
    /// Wire name of the region (e.g. "Sao_Paulo"), so regions added later work; NULL uses `region`.
    pub region_name: *const c_char,
    /// NULL: the library generates one before the first attempt, so a retry never creates a
    /// second room, and a retry that finds the room taken resolves to it.
    pub room_id: *const c_char,
    /// At most `HATHORA_ROOM_CONFIG_MAX_CHARS` characters; NULL for none.
    pub room_config: *const c_char,
    /// NULL: the app's latest deployment.
    pub deployment_id: *const c_char,
    /// `client_ips_count` IP address strings (at most 1024); NULL when the count is 0.
    pub client_ips: *const *const c_char,
    pub client_ips_count: usize,
}

/// `HathoraCallOptions` with every field at "use the client's": the current version, no app id,
/// timeouts 0, `max_retries` -1.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_call_options_init() -> HathoraCallOptions {
    HathoraCallOptions {
        version: HATHORA_CALL_OPTIONS_VERSION,
        app_id: std::ptr::null(),
        timeout_ms: 0,
        max_retries: -1,
        connect_timeout_ms: 0,
    }
}

/// `HathoraCreateRoomParams` at the current version with no region (set `region` or
/// `region_name`), no room id, config or deployment, and no client IPs.
#[unsafe(no_mangle)]
pub extern "C" fn hathora_create_room_params_init() -> HathoraCreateRoomParams {
    HathoraCreateRoomParams {
        version: HATHORA_CREATE_ROOM_PARAMS_VERSION,
        region: 0,
        region_name: std::ptr::null(),
        room_id: std::ptr::null(),
        room_config: std::ptr::null(),
        deployment_id: std::ptr::null(),
        client_ips: std::ptr::null(),
        client_ips_count: 0,
    }
}

struct UserData(*mut c_void);
// SAFETY: the library only hands the pointer back to the caller's callback; what it points to
// is the caller's to synchronise, as the callback documentation says.
unsafe impl Send for UserData {}

/// # Safety
/// `p` is NULL or points to a readable `HathoraCallOptions`.
unsafe fn call_options(p: *const HathoraCallOptions) -> Result<CallOptions, String> {
    // SAFETY: per the contract above.
    let Some(o) = (unsafe { p.as_ref() }) else {
        return Ok(CallOptions::default());
    };
    check_version(
        "options",
        o.version,
        "HATHORA_CALL_OPTIONS_VERSION",
        HATHORA_CALL_OPTIONS_VERSION,
    )?;
    Ok(CallOptions {
        app_id: unsafe { optional_str(o.app_id, "options.app_id") }?,
        timeout: (o.timeout_ms > 0).then(|| Duration::from_millis(o.timeout_ms.into())),
        connect_timeout: (o.connect_timeout_ms > 0)
            .then(|| Duration::from_millis(o.connect_timeout_ms.into())),
        max_retries: u32::try_from(o.max_retries).ok(),
    })
}

/// Refuses a versioned struct whose `version` is not the one this library was built with.
pub(super) fn check_version(
    name: &str,
    version: u32,
    constant: &str,
    expected: u32,
) -> Result<(), String> {
    if version != expected {
        return Err(format!(
            "{name}.version is {version}, expected {constant} ({expected}); start from the matching _init() function"
        ));
    }
    Ok(())
}

/// The blocking form shared by every operation: `run` gets the client and the parsed options.
///
/// # Safety
/// `options` is NULL or readable; `out_result` is NULL or writable.
pub(super) unsafe fn blocking(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
    run: impl FnOnce(&crate::Client, &CallOptions) -> Result<Outcome, String>,
) -> HathoraResultCode {
    guard_code(|| {
        unsafe { write_out(out_result, std::ptr::null_mut(), "out_result") }?;
        let outcome = match lookup(client) {
            Err((_, m)) => Outcome::invalid(m),
            Ok(c) => match unsafe { call_options(options) }.and_then(|o| run(&c, &o)) {
                Ok(outcome) => outcome,
                Err(m) => Outcome::invalid(m),
            },
        };
        let code = HathoraResultCode::from(outcome.code);
        if let Some(m) = outcome
            .message
            .as_deref()
            .filter(|_| code != HathoraResultCode::Ok)
        {
            set_last_error(m);
        }
        unsafe {
            write_out(
                out_result,
                Box::into_raw(HathoraResult::new(0, outcome)),
                "out_result",
            )
        }?;
        Ok(code)
    })
}

/// The asynchronous form shared by every operation: `submit` queues the work with `done`.
///
/// # Safety
/// `options` is NULL or readable; `out_request_id` is NULL or writable.
pub(super) unsafe fn asynchronous(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
    submit: impl FnOnce(
        &crate::Client,
        CallOptions,
        crate::dispatch::Completion,
    ) -> Result<Result<u64, Outcome>, String>,
) -> HathoraResultCode {
    guard_code(|| {
        let Some(cb) = callback else {
            return Err(invalid("callback must not be NULL"));
        };
        let client = lookup(client)?;
        let opts = unsafe { call_options(options) }.map_err(invalid)?;
        let user_data = UserData(user_data);
        let done: crate::dispatch::Completion = Box::new(move |id, outcome| {
            let user_data = user_data;
            let result = Box::into_raw(HathoraResult::new(id, outcome));
            // SAFETY: the caller promised `cb` is callable with these arguments.
            unsafe { cb(user_data.0, id, result) };
        });
        let id = submit(&client, opts, done)
            .map_err(invalid)?
            .map_err(|o| -> Refusal { (o.code.into(), o.message.unwrap_or_default()) })?;
        unsafe { write_optional(out_request_id, id) };
        Ok(HathoraResultCode::Ok)
    })
}

/// # Safety
/// As for the exported functions that call it.
unsafe fn run_call(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
    build: impl FnOnce() -> Result<Call, String>,
) -> HathoraResultCode {
    unsafe { blocking(client, options, out, |c, o| Ok(c.call(build()?, o))) }
}

/// # Safety
/// As for the exported functions that call it.
unsafe fn queue_call(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
    build: impl FnOnce() -> Result<Call, String>,
) -> HathoraResultCode {
    unsafe {
        asynchronous(
            client,
            options,
            callback,
            user_data,
            out_request_id,
            |c, o, done| Ok(c.submit(build()?, o, done)),
        )
    }
}

/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn room(p: *const c_char) -> Result<String, String> {
    unsafe { required_str(p, "room_id") }
}

/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn process(p: *const c_char) -> Result<String, String> {
    unsafe { required_str(p, "process_id") }
}

/// CreateRoom's arguments.
///
/// # Safety
/// `params` is NULL or readable, its strings NULL or NUL-terminated, and `client_ips` holds
/// `client_ips_count` such pointers.
unsafe fn create_call(params: *const HathoraCreateRoomParams) -> Result<Call, String> {
    // SAFETY: per the contract above.
    let Some(p) = (unsafe { params.as_ref() }) else {
        return Err("params must not be NULL".into());
    };
    check_version(
        "params",
        p.version,
        "HATHORA_CREATE_ROOM_PARAMS_VERSION",
        HATHORA_CREATE_ROOM_PARAMS_VERSION,
    )?;
    let region = match unsafe { optional_str(p.region_name, "params.region_name") }? {
        Some(name) => name,
        None => HathoraRegion::from_u32(p.region)
            .and_then(HathoraRegion::known)
            .ok_or_else(|| format!("params.region {} is not a HathoraRegion; set params.region_name for regions this library does not know", p.region))?
            .as_str()
            .to_owned(),
    };
    let count = p.client_ips_count;
    let client_ips = if count == 0 {
        None
    } else if p.client_ips.is_null() {
        return Err(format!(
            "params.client_ips is NULL but params.client_ips_count is {count}"
        ));
    } else if count > 1024 {
        return Err(format!("params.client_ips_count {count} exceeds 1024"));
    } else {
        let mut ips = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: the caller passes `client_ips_count` readable entries.
            ips.push(unsafe {
                required_str(*p.client_ips.add(i), &format!("params.client_ips[{i}]"))
            }?);
        }
        Some(ips)
    };
    Ok(Call::CreateRoom {
        region,
        room_id: unsafe { optional_str(p.room_id, "params.room_id") }?,
        room_config: unsafe { optional_str(p.room_config, "params.room_config") }?,
        deployment_id: unsafe { optional_str(p.deployment_id, "params.deployment_id") }?,
        client_ips,
    })
}

/// CreateRoom: creates a room as `params` describe (see `HathoraCreateRoomParams`). A resolved
/// retry reports the follow-up GetConnectionInfo's status (200), not 201. Result: connection data
/// (status `STARTING`). NULL `params`: `INVALID_ARGUMENT`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `params` is NULL or a readable `HathoraCreateRoomParams` whose pointers are NULL or valid;
/// `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_create_room(
    client: *mut HathoraClient,
    params: *const HathoraCreateRoomParams,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe { run_call(client, options, out_result, || create_call(params)) }
}

/// CreateRoom, asynchronous form of `hathora_create_room`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_create_room`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_create_room_async(
    client: *mut HathoraClient,
    params: *const HathoraCreateRoomParams,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            create_call(params)
        })
    }
}

/// GetRoomInfo: the room with its current and past allocations (`hathora_result_room`).
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `room_id` is NULL or a NUL-terminated string; `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_room_info(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::GetRoomInfo {
                room_id: room(room_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_get_room_info`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_get_room_info`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_room_info_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::GetRoomInfo {
                room_id: room(room_id)?,
            })
        })
    }
}

/// GetActiveRoomsForProcess: the process's scheduling and active rooms
/// (`hathora_result_room_count` / `hathora_result_room_at`).
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `process_id` is NULL or a NUL-terminated string (copied; `.` and `..` are refused);
/// `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_active_rooms_for_process(
    client: *mut HathoraClient,
    process_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::GetActiveRoomsForProcess {
                process_id: process(process_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_get_active_rooms_for_process`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_get_active_rooms_for_process`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_active_rooms_for_process_async(
    client: *mut HathoraClient,
    process_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::GetActiveRoomsForProcess {
                process_id: process(process_id)?,
            })
        })
    }
}

/// GetInactiveRoomsForProcess: the process's destroyed and suspended rooms (a room list).
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `process_id` is NULL or a NUL-terminated string (copied; `.` and `..` are refused);
/// `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_inactive_rooms_for_process(
    client: *mut HathoraClient,
    process_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::GetInactiveRoomsForProcess {
                process_id: process(process_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_get_inactive_rooms_for_process`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_get_inactive_rooms_for_process`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_inactive_rooms_for_process_async(
    client: *mut HathoraClient,
    process_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::GetInactiveRoomsForProcess {
                process_id: process(process_id)?,
            })
        })
    }
}

/// GetConnectionInfo: where to connect (`hathora_result_connection_info`); `exposed_port` is NULL
/// until the room is active. Sent without the dev token; works on a client without one.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `room_id` is NULL or a NUL-terminated string; `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_connection_info(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::GetConnectionInfo {
                room_id: room(room_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_get_connection_info`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_get_connection_info`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_connection_info_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::GetConnectionInfo {
                room_id: room(room_id)?,
            })
        })
    }
}

/// UpdateRoomConfig: replaces the room's config (`room_config`, at most
/// `HATHORA_ROOM_CONFIG_MAX_CHARS` characters). No structured data; the body is empty on success.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_update_room_config(
    client: *mut HathoraClient,
    room_id: *const c_char,
    room_config: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::UpdateRoomConfig {
                room_id: room(room_id)?,
                room_config: required_str(room_config, "room_config")?,
            })
        })
    }
}

/// Asynchronous form of `hathora_update_room_config`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_update_room_config`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_update_room_config_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    room_config: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::UpdateRoomConfig {
                room_id: room(room_id)?,
                room_config: required_str(room_config, "room_config")?,
            })
        })
    }
}

/// DestroyRoom: destroys the room. A retry that finds the room already gone (an earlier
/// attempt's response was lost) counts as success.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `room_id` is NULL or a NUL-terminated string; `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_destroy_room(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::DestroyRoom {
                room_id: room(room_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_destroy_room`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_destroy_room`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_destroy_room_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::DestroyRoom {
                room_id: room(room_id)?,
            })
        })
    }
}

/// SuspendRoomV2Deprecated (deprecated by Hathora): unschedules the room's current allocation;
/// ResumeRoom schedules it again.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `room_id` is NULL or a NUL-terminated string; `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_suspend_room_v2_deprecated(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::SuspendRoomV2Deprecated {
                room_id: room(room_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_suspend_room_v2_deprecated`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_suspend_room_v2_deprecated`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_suspend_room_v2_deprecated_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::SuspendRoomV2Deprecated {
                room_id: room(room_id)?,
            })
        })
    }
}

/// ResumeRoom: schedules a suspended room on a process again. Result: connection data
/// (`RoomAllocationData`, status `STARTING`).
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `room_id` is NULL or a NUL-terminated string; `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_resume_room(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::ResumeRoom {
                room_id: room(room_id)?,
            })
        })
    }
}

/// Asynchronous form of `hathora_resume_room`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_resume_room`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_resume_room_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::ResumeRoom {
                room_id: room(room_id)?,
            })
        })
    }
}

/// Wait until active: polls GetConnectionInfo (200 ms apart, growing 1.5x up to 2 s) until the
/// room is active (`OK`, connection data with `exposed_port`), an error occurs, or `timeout_ms`
/// (> 0) passes (`TIMEOUT`, with the last connection data). Each poll is bounded by the call
/// timeout in `options` or the client's. No dev token needed.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `room_id` is NULL or a NUL-terminated string (copied); `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_wait_until_active(
    client: *mut HathoraClient,
    room_id: *const c_char,
    timeout_ms: u32,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        blocking(client, options, out_result, |c, o| {
            Ok(c.wait_until_active(&room(room_id)?, Duration::from_millis(timeout_ms.into()), o))
        })
    }
}

/// Wait until active, asynchronous form: no worker thread is held between two polls, and
/// `hathora_client_cancel` ends the wait at once.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_wait_until_active`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_wait_until_active_async(
    client: *mut HathoraClient,
    room_id: *const c_char,
    timeout_ms: u32,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        asynchronous(
            client,
            options,
            callback,
            user_data,
            out_request_id,
            |c, o, done| {
                Ok(c.submit_wait_until_active(
                    &room(room_id)?,
                    Duration::from_millis(timeout_ms.into()),
                    o,
                    done,
                ))
            },
        )
    }
}

/// The game server's rooms: GetActiveRoomsForProcess for the process the client was configured
/// with (`hathora_config_apply_server_context`), with the
/// process token when the client has one, else its dev token. Result: a room list with each
/// room's config (`hathora_result_room_count` / `hathora_result_room_at`). A client without a
/// process id: `INVALID_ARGUMENT`, nothing sent.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_rooms_of_this_process(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        blocking(client, options, out_result, |c, o| {
            Ok(c.rooms_of_this_process(o))
        })
    }
}

/// Asynchronous form of `hathora_get_rooms_of_this_process`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_get_rooms_of_this_process`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_rooms_of_this_process_async(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        asynchronous(
            client,
            options,
            callback,
            user_data,
            out_request_id,
            |c, o, done| Ok(c.submit_rooms_of_this_process(o, done)),
        )
    }
}

/// DiscoveryV2 GetPingServiceEndpoints (`GET /discovery/v2/ping`): every region's UDP echo
/// beacon (`hathora_result_ping_endpoint_count` / `hathora_result_ping_endpoint_at`; the body is
/// the JSON list). Sent without any token and without an app id: works on a client that has
/// neither. `options.app_id` is ignored.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// `out_result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_ping_service_endpoints(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    out_result: *mut *mut HathoraResult,
) -> HathoraResultCode {
    unsafe {
        run_call(client, options, out_result, || {
            Ok(Call::GetPingServiceEndpoints)
        })
    }
}

/// Asynchronous form of `hathora_get_ping_service_endpoints`.
/// Contract: "Every operation has two forms" at the top of this header.
///
/// # Safety
/// As for `hathora_get_ping_service_endpoints`; `out_request_id` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_get_ping_service_endpoints_async(
    client: *mut HathoraClient,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
) -> HathoraResultCode {
    unsafe {
        queue_call(client, options, callback, user_data, out_request_id, || {
            Ok(Call::GetPingServiceEndpoints)
        })
    }
}
