//! Every RoomsV2 operation through the C ABI, in its blocking and asynchronous forms and in
//! both dispatch modes, against the emulator: the full room lifecycle with its fields checked.

mod common;
use common::*;
use std::ffi::{CString, c_void};
use std::ptr::null;
use std::sync::Arc;
use std::time::Duration;

struct Ops<'a> {
    cl: &'a CClient,
    form: Form,
    col: Arc<Collector>,
}

fn opt(s: &Option<CString>) -> *const std::ffi::c_char {
    s.as_ref().map_or(null(), |c| c.as_ptr())
}

impl Ops<'_> {
    /// Runs one operation in this form; both closures are the same operation's two entry points.
    fn go(
        &self,
        sync: impl FnOnce(*mut *mut HathoraResult) -> Code,
        asynchronous: impl FnOnce(HathoraCallback, *mut c_void, *mut u64) -> Code,
    ) -> Res {
        match self.form {
            Form::Blocking => blocking(sync),
            Form::Async => {
                let id = submit(&self.col, asynchronous);
                self.col.one(self.cl, id)
            }
        }
    }

    fn create(&self, room_id: Option<&str>, config: Option<&str>, ips: &[&str]) -> Res {
        let (id, cfg) = (room_id.map(c), config.map(c));
        let ips_c: Vec<CString> = ips.iter().map(|s| c(s)).collect();
        let ptrs: Vec<_> = ips_c.iter().map(|s| s.as_ptr()).collect();
        let cl = self.cl.0;
        // Built once: both forms take the same parameters (borrowing the strings above).
        let params = HathoraCreateRoomParams {
            region: HathoraRegion::Chicago as u32,
            room_id: opt(&id),
            room_config: opt(&cfg),
            client_ips: ptrs.as_ptr(),
            client_ips_count: ptrs.len(),
            ..hathora_create_room_params_init()
        };
        self.go(
            |out| unsafe { hathora_create_room(cl, &params, null(), out) },
            |cb, ud, rid| unsafe { hathora_create_room_async(cl, &params, null(), cb, ud, rid) },
        )
    }

    fn info(&self, room: &str) -> Res {
        let (cl, r) = (self.cl.0, c(room));
        self.go(
            |out| unsafe { hathora_get_room_info(cl, r.as_ptr(), null(), out) },
            |cb, ud, id| unsafe { hathora_get_room_info_async(cl, r.as_ptr(), null(), cb, ud, id) },
        )
    }

    fn connection(&self, room: &str) -> Res {
        let (cl, r) = (self.cl.0, c(room));
        self.go(
            |out| unsafe { hathora_get_connection_info(cl, r.as_ptr(), null(), out) },
            |cb, ud, id| unsafe {
                hathora_get_connection_info_async(cl, r.as_ptr(), null(), cb, ud, id)
            },
        )
    }

    fn wait(&self, room: &str, timeout_ms: u32) -> Res {
        let (cl, r) = (self.cl.0, c(room));
        self.go(
            |out| unsafe { hathora_wait_until_active(cl, r.as_ptr(), timeout_ms, null(), out) },
            |cb, ud, id| unsafe {
                hathora_wait_until_active_async(cl, r.as_ptr(), timeout_ms, null(), cb, ud, id)
            },
        )
    }

    fn update(&self, room: &str, config: &str) -> Res {
        let (cl, r, cfg) = (self.cl.0, c(room), c(config));
        self.go(
            |out| unsafe { hathora_update_room_config(cl, r.as_ptr(), cfg.as_ptr(), null(), out) },
            |cb, ud, id| unsafe {
                hathora_update_room_config_async(cl, r.as_ptr(), cfg.as_ptr(), null(), cb, ud, id)
            },
        )
    }

    fn active(&self, process: &str) -> Res {
        let (cl, p) = (self.cl.0, c(process));
        self.go(
            |out| unsafe { hathora_get_active_rooms_for_process(cl, p.as_ptr(), null(), out) },
            |cb, ud, id| unsafe {
                hathora_get_active_rooms_for_process_async(cl, p.as_ptr(), null(), cb, ud, id)
            },
        )
    }

    fn inactive(&self, process: &str) -> Res {
        let (cl, p) = (self.cl.0, c(process));
        self.go(
            |out| unsafe { hathora_get_inactive_rooms_for_process(cl, p.as_ptr(), null(), out) },
            |cb, ud, id| unsafe {
                hathora_get_inactive_rooms_for_process_async(cl, p.as_ptr(), null(), cb, ud, id)
            },
        )
    }

    fn suspend(&self, room: &str) -> Res {
        let (cl, r) = (self.cl.0, c(room));
        self.go(
            |out| unsafe { hathora_suspend_room_v2_deprecated(cl, r.as_ptr(), null(), out) },
            |cb, ud, id| unsafe {
                hathora_suspend_room_v2_deprecated_async(cl, r.as_ptr(), null(), cb, ud, id)
            },
        )
    }

    fn resume(&self, room: &str) -> Res {
        let (cl, r) = (self.cl.0, c(room));
        self.go(
            |out| unsafe { hathora_resume_room(cl, r.as_ptr(), null(), out) },
            |cb, ud, id| unsafe { hathora_resume_room_async(cl, r.as_ptr(), null(), cb, ud, id) },
        )
    }

    fn destroy(&self, room: &str) -> Res {
        let (cl, r) = (self.cl.0, c(room));
        self.go(
            |out| unsafe { hathora_destroy_room(cl, r.as_ptr(), null(), out) },
            |cb, ud, id| unsafe { hathora_destroy_room_async(cl, r.as_ptr(), null(), cb, ud, id) },
        )
    }
}

fn ids(rooms: &[&HathoraRoom]) -> Vec<String> {
    rooms.iter().map(|r| s(r.room_id).unwrap()).collect()
}

/// The whole lifecycle, every operation once or more, with the structured views checked
/// against the raw JSON each time.
fn lifecycle(mode: HathoraDispatchMode, form: Form) {
    let emu = emulator();
    let cl = client(&emu, mode);
    let ops = Ops {
        cl: &cl,
        form,
        col: Collector::new(),
    };
    let room_id = format!("life-{form:?}-{mode:?}").to_lowercase();

    // CreateRoom: 201 RoomConnectionData, starting, no port yet.
    let created = ops
        .create(Some(&room_id), Some(r#"{"map":"dust"}"#), &["203.0.113.7"])
        .ok();
    assert_eq!(created.status(), 201);
    let conn = created.conn().unwrap();
    assert_eq!(s(conn.room_id).as_deref(), Some(room_id.as_str()));
    assert_eq!(conn.status, HathoraRoomReadyStatus::Starting);
    assert_eq!(s(conn.status_raw).as_deref(), Some("starting"));
    assert!(conn.exposed_port.is_null());
    let process = s(conn.process_id).expect("process id");
    assert_eq!(created.json()["processId"], process.as_str());
    assert!(
        created.room().is_none() && created.rooms().is_none(),
        "a connection result is nothing else"
    );

    // GetConnectionInfo before activation: starting, no processId in ConnectionInfoV2.
    let early = ops.connection(&room_id).ok();
    let c0 = early.conn().unwrap();
    assert!(c0.process_id.is_null());
    assert_eq!(c0.additional_exposed_ports_count, 0);

    // Wait until active: exposed port present and consistent with the JSON.
    let active = ops.wait(&room_id, 10_000).ok();
    let ca = active.conn().unwrap();
    assert_eq!(ca.status, HathoraRoomReadyStatus::Active);
    let port = unsafe { ca.exposed_port.as_ref() }.expect("active room has a port");
    assert_eq!(port.transport_type, HathoraTransportType::Tcp);
    assert_eq!(
        port.port as u64,
        active.json()["exposedPort"]["port"].as_u64().unwrap()
    );
    assert_eq!(
        s(port.host).unwrap(),
        active.json()["exposedPort"]["host"].as_str().unwrap()
    );
    assert!(active.attempts() >= 1);

    // GetRoomInfo: config, current allocation on the same process.
    let info = ops.info(&room_id).ok();
    let room = info.room().unwrap();
    assert_eq!(room.status, HathoraRoomStatus::Active);
    assert_eq!(s(room.room_config).as_deref(), Some(r#"{"map":"dust"}"#));
    assert_eq!(s(room.app_id).as_deref(), Some(emu.app_id()));
    let alloc = unsafe { room.current_allocation.as_ref() }.unwrap();
    assert_eq!(s(alloc.process_id).as_deref(), Some(process.as_str()));
    assert!(alloc.unscheduled_at.is_null());
    assert_eq!(room.allocations_count, 1);

    // UpdateRoomConfig: 204, then visible in the active list.
    let upd = ops.update(&room_id, "v2").ok();
    assert_eq!((upd.status(), upd.body().as_str()), (204, ""));
    let listed = ops.active(&process).ok();
    let rooms = listed.rooms().unwrap();
    assert_eq!(ids(&rooms), vec![room_id.clone()]);
    assert_eq!(s(rooms[0].room_config).as_deref(), Some("v2"));
    assert_eq!(rooms[0].allocations_count, 0, "RoomWithoutAllocations");

    // Suspend: inactive list, allocation closed. Resume: starting again on a new allocation.
    assert_eq!(ops.suspend(&room_id).ok().status(), 204);
    let inactive = ops.inactive(&process).ok();
    assert_eq!(ids(&inactive.rooms().unwrap()), vec![room_id.clone()]);
    assert_eq!(
        inactive.rooms().unwrap()[0].status,
        HathoraRoomStatus::Suspended
    );
    let resumed = ops.resume(&room_id).ok();
    assert_eq!(resumed.status(), 200);
    assert_eq!(
        resumed.conn().unwrap().status,
        HathoraRoomReadyStatus::Starting
    );
    let info2 = ops.info(&room_id).ok();
    let room2 = info2.room().unwrap();
    assert_eq!(room2.allocations_count, 2);
    let first = unsafe { &*room2.allocations };
    assert!(
        !first.unscheduled_at.is_null(),
        "the suspended allocation was unscheduled"
    );
    ops.wait(&room_id, 10_000).ok();

    // Destroy: 204; the room shows as destroyed among its process's inactive rooms.
    assert_eq!(ops.destroy(&room_id).ok().status(), 204);
    let after = ops.info(&room_id).ok();
    let last_alloc = unsafe { &*after.room().unwrap().allocations.add(1) };
    let room_process = s(last_alloc.process_id).unwrap();
    let gone = ops.inactive(&room_process).ok();
    let destroyed: Vec<_> = gone
        .rooms()
        .unwrap()
        .into_iter()
        .filter(|r| s(r.room_id).as_deref() == Some(&room_id))
        .collect();
    assert_eq!(destroyed.len(), 1);
    assert_eq!(destroyed[0].status, HathoraRoomStatus::Destroyed);
    assert_eq!(
        ops.info(&room_id).ok().room().unwrap().status,
        HathoraRoomStatus::Destroyed
    );

    // CreateRoom without a roomId: the library names the room (valid charset and length).
    let auto = ops.create(None, None, &[]).ok();
    let auto_id = s(auto.conn().unwrap().room_id).unwrap();
    assert!(
        (1..=100).contains(&auto_id.len()) && auto_id.chars().all(|c| c.is_ascii_alphanumeric())
    );
    assert_eq!(emu.stats().rooms, 2);
    assert_eq!(ops.col.count(), 0, "no stray completions");
}

#[test]
fn lifecycle_blocking_worker() {
    lifecycle(HathoraDispatchMode::Worker, Form::Blocking);
}

#[test]
fn lifecycle_blocking_poll() {
    lifecycle(HathoraDispatchMode::Poll, Form::Blocking);
}

#[test]
fn lifecycle_async_worker() {
    lifecycle(HathoraDispatchMode::Worker, Form::Async);
}

#[test]
fn lifecycle_async_poll() {
    lifecycle(HathoraDispatchMode::Poll, Form::Async);
}

#[test]
fn every_region_by_enum_and_by_name() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    for region in 1..=14u32 {
        let name = s(hathora_region_name(region)).expect("known region has a name");
        let by_enum = blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region,
                    ..hathora_create_room_params_init()
                },
                null(),
                out,
            )
        })
        .ok();
        let by_name = blocking(|out| unsafe {
            hathora_create_room(
                cl.0,
                &HathoraCreateRoomParams {
                    region_name: c(&name).as_ptr(),
                    ..hathora_create_room_params_init()
                },
                null(),
                out,
            )
        })
        .ok();
        for r in [&by_enum, &by_name] {
            let info = blocking(|out| unsafe {
                hathora_get_room_info(cl.0, r.conn().unwrap().room_id, null(), out)
            })
            .ok();
            assert_eq!(
                info.room().unwrap().status,
                HathoraRoomStatus::Scheduling,
                "region {region} ({name}): {r:?}"
            );
        }
    }
    assert_eq!(emu.stats().rooms, 28);
    assert!(hathora_region_name(0).is_null() && hathora_region_name(15).is_null());
    assert_eq!(
        s(hathora_region_name(HathoraRegion::SaoPaulo as u32)).as_deref(),
        Some("Sao_Paulo")
    );
}

#[test]
fn per_call_options_override_app_id_and_timeout() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (room, _) = create_room(&cl, None);
    let other = c("app-someone-else");
    let opts = HathoraCallOptions {
        app_id: other.as_ptr(),
        ..hathora_call_options_init()
    };
    let r = blocking(|out| unsafe { hathora_get_room_info(cl.0, c(&room).as_ptr(), &opts, out) });
    assert_eq!(
        (r.code(), r.status()),
        (Code::ApiError, 404),
        "unknown app id → 404"
    );
    let right = c(emu.app_id());
    let opts = HathoraCallOptions {
        app_id: right.as_ptr(),
        ..opts
    };
    blocking(|out| unsafe { hathora_get_room_info(cl.0, c(&room).as_ptr(), &opts, out) }).ok();
}

#[test]
fn one_client_from_many_threads_at_once() {
    let emu = emulator();
    let cl = Arc::new(client(&emu, HathoraDispatchMode::Worker));
    let (room, _) = create_room(&cl, None);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (cl, room) = (Arc::clone(&cl), room.clone());
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let r = blocking(|out| unsafe {
                        hathora_get_connection_info(cl.0, c(&room).as_ptr(), null(), out)
                    })
                    .ok();
                    assert_eq!(s(r.conn().unwrap().room_id).unwrap(), room, "{room}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(emu.stats().count("GetConnectionInfo"), 200);
}

#[test]
fn wait_until_active_times_out_with_the_last_connection_data() {
    let emu = emulator_with(|cfg| cfg.activation_delay = Duration::from_secs(60));
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (room, _) = create_room(&cl, None);
    let r = blocking(|out| unsafe {
        hathora_wait_until_active(cl.0, c(&room).as_ptr(), 700, null(), out)
    });
    assert_eq!(r.code(), Code::Timeout);
    assert_eq!(r.conn().unwrap().status, HathoraRoomReadyStatus::Starting);
    assert!(r.message().unwrap().contains("not active"));
}
