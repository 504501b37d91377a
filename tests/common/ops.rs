//! Every operation as data, for table-driven tests: its name, its path parameter, whether it
//! needs the dev token, and its blocking and asynchronous entry points, each taking the path
//! parameter as one string (CreateRoom a London room, UpdateRoomConfig the config `{}`,
//! wait-until-active a 5 s timeout).

use super::Code;
use hathora_rooms::ffi::callback::HathoraCallback;
use hathora_rooms::ffi::client::HathoraClient;
use hathora_rooms::ffi::enums::HathoraRegion;
use hathora_rooms::ffi::ops::*;
use hathora_rooms::ffi::result::HathoraResult;
use std::ffi::{c_char, c_void};

/// What an operation's path names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Param {
    /// CreateRoom: nothing (its roomId is a query).
    None,
    Room,
    Process,
}

pub type BlockingFn = unsafe extern "C" fn(
    *mut HathoraClient,
    *const c_char,
    *const HathoraCallOptions,
    *mut *mut HathoraResult,
) -> Code;

pub type AsyncFn = unsafe extern "C" fn(
    *mut HathoraClient,
    *const c_char,
    *const HathoraCallOptions,
    HathoraCallback,
    *mut c_void,
    *mut u64,
) -> Code;

pub struct Operation {
    pub name: &'static str,
    pub param: Param,
    /// Whether the dev token is sent (every operation but GetConnectionInfo and wait-until-active).
    pub auth: bool,
    pub blocking: BlockingFn,
    pub queued: AsyncFn,
}

fn london() -> HathoraCreateRoomParams {
    HathoraCreateRoomParams {
        region: HathoraRegion::London as u32,
        ..hathora_create_room_params_init()
    }
}

unsafe extern "C" fn create(
    cl: *mut HathoraClient,
    _: *const c_char,
    o: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
) -> Code {
    unsafe { hathora_create_room(cl, &london(), o, out) }
}

unsafe extern "C" fn create_async(
    cl: *mut HathoraClient,
    _: *const c_char,
    o: *const HathoraCallOptions,
    cb: HathoraCallback,
    ud: *mut c_void,
    id: *mut u64,
) -> Code {
    unsafe { hathora_create_room_async(cl, &london(), o, cb, ud, id) }
}

unsafe extern "C" fn update(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
) -> Code {
    unsafe { hathora_update_room_config(cl, r, c"{}".as_ptr(), o, out) }
}

unsafe extern "C" fn update_async(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    cb: HathoraCallback,
    ud: *mut c_void,
    id: *mut u64,
) -> Code {
    unsafe { hathora_update_room_config_async(cl, r, c"{}".as_ptr(), o, cb, ud, id) }
}

unsafe extern "C" fn wait(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    out: *mut *mut HathoraResult,
) -> Code {
    unsafe { hathora_wait_until_active(cl, r, 5_000, o, out) }
}

unsafe extern "C" fn wait_async(
    cl: *mut HathoraClient,
    r: *const c_char,
    o: *const HathoraCallOptions,
    cb: HathoraCallback,
    ud: *mut c_void,
    id: *mut u64,
) -> Code {
    unsafe { hathora_wait_until_active_async(cl, r, 5_000, o, cb, ud, id) }
}

/// The nine operations and wait-until-active.
#[rustfmt::skip]
pub fn every_operation() -> [Operation; 10] {
    use Param::*;
    [
        Operation { name: "CreateRoom", param: None, auth: true, blocking: create, queued: create_async },
        Operation { name: "GetRoomInfo", param: Room, auth: true, blocking: hathora_get_room_info, queued: hathora_get_room_info_async },
        Operation { name: "GetActiveRoomsForProcess", param: Process, auth: true, blocking: hathora_get_active_rooms_for_process, queued: hathora_get_active_rooms_for_process_async },
        Operation { name: "GetInactiveRoomsForProcess", param: Process, auth: true, blocking: hathora_get_inactive_rooms_for_process, queued: hathora_get_inactive_rooms_for_process_async },
        Operation { name: "GetConnectionInfo", param: Room, auth: false, blocking: hathora_get_connection_info, queued: hathora_get_connection_info_async },
        Operation { name: "UpdateRoomConfig", param: Room, auth: true, blocking: update, queued: update_async },
        Operation { name: "DestroyRoom", param: Room, auth: true, blocking: hathora_destroy_room, queued: hathora_destroy_room_async },
        Operation { name: "SuspendRoomV2Deprecated", param: Room, auth: true, blocking: hathora_suspend_room_v2_deprecated, queued: hathora_suspend_room_v2_deprecated_async },
        Operation { name: "ResumeRoom", param: Room, auth: true, blocking: hathora_resume_room, queued: hathora_resume_room_async },
        Operation { name: "WaitUntilActive", param: Room, auth: false, blocking: wait, queued: wait_async },
    ]
}
