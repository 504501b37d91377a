//! The RoomsV2 calls the cases make, each through the library's C ABI (`hathora_*` functions,
//! raw pointers, results the caller frees), blocking form.

use std::ffi::CString;
use std::ptr::null;

use crate::common::*;
use crate::harness::{APP, TOKEN, eventually};

/// A client of the rooms server at `url`, with the app's dev token and up to `retries` retries.
pub fn client(url: &str, retries: u32) -> CClient {
    client_with(url, retries, |_| {})
}

/// [`client`], `tweak` setting more of its configuration (a CA to trust...).
pub fn client_with(url: &str, retries: u32, tweak: impl FnOnce(*mut HathoraConfig)) -> CClient {
    build_client(|cfg| unsafe {
        assert_eq!(hathora_config_set_app_id(cfg, c(APP).as_ptr()), Code::Ok);
        assert_eq!(
            hathora_config_set_dev_token(cfg, c(TOKEN).as_ptr()),
            Code::Ok
        );
        assert_eq!(hathora_config_set_base_url(cfg, c(url).as_ptr()), Code::Ok);
        assert_eq!(set_retry(cfg, retries, 50, 500), Code::Ok);
        tweak(cfg);
    })
}

/// A client configured the way a game server configures its own: from its context (process id,
/// app id, base URL, process token), with no dev token and no retries.
pub fn client_of_context(ctx: &HathoraServerContext) -> CClient {
    build_client(|cfg| unsafe {
        assert_eq!(hathora_config_apply_server_context(cfg, ctx), Code::Ok);
        assert_eq!(set_retry(cfg, 0, 50, 50), Code::Ok);
    })
}

/// hathora_get_rooms_of_this_process: the active rooms of the client's context's process.
pub fn rooms_of_this_process(cl: &CClient) -> Res {
    blocking(|out| unsafe { hathora_get_rooms_of_this_process(cl.0, null(), out) })
}

/// CreateRoom in `region`, with an id and a config when given.
pub fn create(
    cl: &CClient,
    region: HathoraRegion,
    room_id: Option<&str>,
    config: Option<&str>,
) -> Res {
    let id = room_id.map(c);
    let config = config.map(c);
    blocking(|out| unsafe {
        hathora_create_room(
            cl.0,
            &HathoraCreateRoomParams {
                region: region as u32,
                room_id: id.as_ref().map_or(null(), |s| s.as_ptr()),
                room_config: config.as_ref().map_or(null(), |s| s.as_ptr()),
                ..hathora_create_room_params_init()
            },
            null(),
            out,
        )
    })
}

/// CreateRoom with retries switched off for this call (a 429 comes back as it is).
pub fn create_once(cl: &CClient, room_id: &str) -> Res {
    let id = c(room_id);
    let options = HathoraCallOptions {
        max_retries: 0,
        ..hathora_call_options_init()
    };
    blocking(|out| unsafe {
        hathora_create_room(
            cl.0,
            &HathoraCreateRoomParams {
                region: HathoraRegion::Frankfurt as u32,
                room_id: id.as_ptr(),
                ..hathora_create_room_params_init()
            },
            &options,
            out,
        )
    })
}

fn room_call(
    room: &str,
    f: unsafe extern "C" fn(
        *mut HathoraClient,
        *const std::ffi::c_char,
        *const HathoraCallOptions,
        *mut *mut HathoraResult,
    ) -> Code,
    cl: &CClient,
) -> Res {
    let room = c(room);
    blocking(|out| unsafe { f(cl.0, room.as_ptr(), null(), out) })
}

pub fn connection_info(cl: &CClient, room: &str) -> Res {
    room_call(room, hathora_get_connection_info, cl)
}

pub fn room_info(cl: &CClient, room: &str) -> Res {
    room_call(room, hathora_get_room_info, cl)
}

pub fn destroy(cl: &CClient, room: &str) -> Res {
    room_call(room, hathora_destroy_room, cl)
}

pub fn suspend(cl: &CClient, room: &str) -> Res {
    room_call(room, hathora_suspend_room_v2_deprecated, cl)
}

pub fn resume(cl: &CClient, room: &str) -> Res {
    room_call(room, hathora_resume_room, cl)
}

pub fn active_rooms(cl: &CClient, process: &str) -> Res {
    room_call(process, hathora_get_active_rooms_for_process, cl)
}

pub fn inactive_rooms(cl: &CClient, process: &str) -> Res {
    room_call(process, hathora_get_inactive_rooms_for_process, cl)
}

pub fn update_config(cl: &CClient, room: &str, config: &str) -> Res {
    let (room, config) = (c(room), CString::new(config).unwrap());
    blocking(|out| unsafe {
        hathora_update_room_config(cl.0, room.as_ptr(), config.as_ptr(), null(), out)
    })
}

/// hathora_wait_until_active: polls GetConnectionInfo until the room is active (or `ms` pass).
pub fn wait_active(cl: &CClient, room: &str, ms: u32) -> Res {
    let room = c(room);
    blocking(|out| unsafe { hathora_wait_until_active(cl.0, room.as_ptr(), ms, null(), out) })
}

/// What a connection-info result says: (room id, process id, ready status, (host, port)).
pub struct Conn {
    pub room_id: String,
    pub process_id: Option<String>,
    pub status: String,
    pub exposed: Option<(String, u16)>,
}

pub fn conn(case: &str, r: &Res) -> Conn {
    let info = r
        .conn()
        .unwrap_or_else(|| panic!("{case}: no connection data in {r:?}: {}", r.body()));
    let exposed = (!info.exposed_port.is_null()).then(|| {
        let port = unsafe { &*info.exposed_port };
        (s(port.host).unwrap(), u16::try_from(port.port).unwrap())
    });
    Conn {
        room_id: s(info.room_id).unwrap(),
        process_id: s(info.process_id),
        status: s(info.status_raw).unwrap(),
        exposed,
    }
}

/// What a room result says: (status, config, current allocation's process id or None).
pub fn room(case: &str, r: &Res) -> (String, Option<String>, Option<String>) {
    let room = r
        .room()
        .unwrap_or_else(|| panic!("{case}: no room in {r:?}: {}", r.body()));
    let current = (!room.current_allocation.is_null())
        .then(|| s(unsafe { &*room.current_allocation }.process_id).unwrap());
    (s(room.status_raw).unwrap(), s(room.room_config), current)
}

/// The (room id, status) of each room of a room-list result.
pub fn listed(case: &str, r: &Res) -> Vec<(String, String)> {
    r.rooms()
        .unwrap_or_else(|| panic!("{case}: no room list in {r:?}: {}", r.body()))
        .into_iter()
        .map(|room| (s(room.room_id).unwrap(), s(room.status_raw).unwrap()))
        .collect()
}

/// The room is destroyed (GetRoomInfo, no current allocation), listed inactive on its process,
/// and has no connection info.
pub fn assert_destroyed(case: &str, cl: &CClient, room_id: &str, process: &str) {
    eventually(case, &format!("room {room_id} destroyed"), || {
        room(case, &room_info(cl, room_id).ok()).0 == "destroyed"
    });
    let (_, _, current) = room(case, &room_info(cl, room_id).ok());
    assert_eq!(current, None, "{case}: {room_id}'s allocation is closed");
    assert!(
        listed(case, &inactive_rooms(cl, process).ok())
            .contains(&(room_id.into(), "destroyed".into())),
        "{case}: {room_id} listed inactive on {process}"
    );
    let info = connection_info(cl, room_id);
    assert_eq!(
        (info.code(), info.status()),
        (Code::ApiError, 404),
        "{case}: {room_id}'s connection info"
    );
}
