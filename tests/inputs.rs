//! Hostile input to every argument: every exported `hathora_*` function of
//! `include/hathora_rooms.h` called with NULL for each pointer argument in turn, invalid UTF-8, empty, oversized and
//! malformed strings, out-of-range enum values, a bad `HathoraCallOptions.version`, garbage and
//! freed client handles and a NULL callback. Zero crashes; every refusal is
//! `HATHORA_RESULT_CODE_INVALID_ARGUMENT` with a readable message that names the argument.
//! Arguments the header documents as optional (NULL allowed) must NOT be refused.
//!
//! Table-driven: `Args` holds every C argument, `invoke` calls the operation, and each table
//! row names the argument to break, how, and what the documented rules expect.

mod common;
use common::fake_http::{FakeHttp, response};
use common::ops::{Operation, Param, every_operation};
use common::*;
use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The operations and their arguments
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Create,
    RoomInfo,
    ActiveRooms,
    InactiveRooms,
    ConnectionInfo,
    UpdateConfig,
    Destroy,
    Suspend,
    Resume,
    WaitUntilActive,
    MyRooms,
    PingEndpoints,
    PingRegions,
}

const OPS: [Op; 13] = [
    Op::Create,
    Op::RoomInfo,
    Op::ActiveRooms,
    Op::InactiveRooms,
    Op::ConnectionInfo,
    Op::UpdateConfig,
    Op::Destroy,
    Op::Suspend,
    Op::Resume,
    Op::WaitUntilActive,
    Op::MyRooms,
    Op::PingEndpoints,
    Op::PingRegions,
];

/// The arguments a table row can break.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Client,
    Params,
    RegionName,
    RoomId,
    RoomConfig,
    DeploymentId,
    ClientIps,
    ClientIpEntry,
    ProcessId,
    Ping,
    Options,
    OptionsAppId,
    Callback,
    UserData,
    OutRequestId,
    OutResult,
}

impl Op {
    /// The pointer arguments of this operation in this form.
    fn slots(self, form: Form) -> Vec<Slot> {
        let mut v = vec![Slot::Client];
        v.extend(match self {
            Op::Create => vec![
                Slot::Params,
                Slot::RegionName,
                Slot::RoomId,
                Slot::RoomConfig,
                Slot::DeploymentId,
                Slot::ClientIps,
                Slot::ClientIpEntry,
            ],
            Op::ActiveRooms | Op::InactiveRooms => vec![Slot::ProcessId],
            Op::UpdateConfig => vec![Slot::RoomId, Slot::RoomConfig],
            Op::MyRooms | Op::PingEndpoints => vec![],
            Op::PingRegions => vec![Slot::Ping],
            _ => vec![Slot::RoomId],
        });
        v.extend([Slot::Options, Slot::OptionsAppId]);
        v.extend(match form {
            Form::Blocking => vec![Slot::OutResult],
            Form::Async => vec![Slot::Callback, Slot::UserData, Slot::OutRequestId],
        });
        v
    }
}

/// Every argument of every operation as raw C values. Pointers borrow from `Owned`.
#[derive(Clone, Copy)]
struct Args {
    client: *mut HathoraClient,
    /// CreateRoom's parameters: NULL when set, else built from the fields below.
    params_null: bool,
    params_version: u32,
    region: u32,
    region_name: *const c_char,
    room_id: *const c_char,
    room_config: *const c_char,
    deployment_id: *const c_char,
    client_ips: *const *const c_char,
    client_ips_count: usize,
    process_id: *const c_char,
    wait_timeout_ms: u32,
    /// Region pings' options: NULL asks DiscoveryV2 (the emulator runs no beacon: an empty list).
    ping: *const HathoraPingOptions,
    options: *const HathoraCallOptions,
    callback: HathoraCallback,
    user_data: *mut c_void,
    out_request_id: *mut u64,
    out_result: *mut *mut HathoraResult,
}

/// Calls one operation in one form with `a`.
unsafe fn invoke(op: Op, form: Form, a: &Args) -> Code {
    let create = HathoraCreateRoomParams {
        version: a.params_version,
        region: a.region,
        region_name: a.region_name,
        room_id: a.room_id,
        room_config: a.room_config,
        deployment_id: a.deployment_id,
        client_ips: a.client_ips,
        client_ips_count: a.client_ips_count,
    };
    let params: *const HathoraCreateRoomParams = if a.params_null { null() } else { &create };
    unsafe {
        match form {
            Form::Blocking => match op {
                Op::Create => hathora_create_room(a.client, params, a.options, a.out_result),
                Op::RoomInfo => hathora_get_room_info(a.client, a.room_id, a.options, a.out_result),
                Op::ActiveRooms => hathora_get_active_rooms_for_process(
                    a.client,
                    a.process_id,
                    a.options,
                    a.out_result,
                ),
                Op::InactiveRooms => hathora_get_inactive_rooms_for_process(
                    a.client,
                    a.process_id,
                    a.options,
                    a.out_result,
                ),
                Op::ConnectionInfo => {
                    hathora_get_connection_info(a.client, a.room_id, a.options, a.out_result)
                }
                Op::UpdateConfig => hathora_update_room_config(
                    a.client,
                    a.room_id,
                    a.room_config,
                    a.options,
                    a.out_result,
                ),
                Op::Destroy => hathora_destroy_room(a.client, a.room_id, a.options, a.out_result),
                Op::Suspend => {
                    hathora_suspend_room_v2_deprecated(a.client, a.room_id, a.options, a.out_result)
                }
                Op::Resume => hathora_resume_room(a.client, a.room_id, a.options, a.out_result),
                Op::WaitUntilActive => hathora_wait_until_active(
                    a.client,
                    a.room_id,
                    a.wait_timeout_ms,
                    a.options,
                    a.out_result,
                ),
                Op::MyRooms => hathora_get_rooms_of_this_process(a.client, a.options, a.out_result),
                Op::PingEndpoints => {
                    hathora_get_ping_service_endpoints(a.client, a.options, a.out_result)
                }
                Op::PingRegions => hathora_ping_regions(a.client, a.ping, a.options, a.out_result),
            },
            Form::Async => {
                let (cb, ud, id) = (a.callback, a.user_data, a.out_request_id);
                match op {
                    Op::Create => {
                        hathora_create_room_async(a.client, params, a.options, cb, ud, id)
                    }
                    Op::RoomInfo => {
                        hathora_get_room_info_async(a.client, a.room_id, a.options, cb, ud, id)
                    }
                    Op::ActiveRooms => hathora_get_active_rooms_for_process_async(
                        a.client,
                        a.process_id,
                        a.options,
                        cb,
                        ud,
                        id,
                    ),
                    Op::InactiveRooms => hathora_get_inactive_rooms_for_process_async(
                        a.client,
                        a.process_id,
                        a.options,
                        cb,
                        ud,
                        id,
                    ),
                    Op::ConnectionInfo => hathora_get_connection_info_async(
                        a.client, a.room_id, a.options, cb, ud, id,
                    ),
                    Op::UpdateConfig => hathora_update_room_config_async(
                        a.client,
                        a.room_id,
                        a.room_config,
                        a.options,
                        cb,
                        ud,
                        id,
                    ),
                    Op::Destroy => {
                        hathora_destroy_room_async(a.client, a.room_id, a.options, cb, ud, id)
                    }
                    Op::Suspend => hathora_suspend_room_v2_deprecated_async(
                        a.client, a.room_id, a.options, cb, ud, id,
                    ),
                    Op::Resume => {
                        hathora_resume_room_async(a.client, a.room_id, a.options, cb, ud, id)
                    }
                    Op::WaitUntilActive => hathora_wait_until_active_async(
                        a.client,
                        a.room_id,
                        a.wait_timeout_ms,
                        a.options,
                        cb,
                        ud,
                        id,
                    ),
                    Op::MyRooms => {
                        hathora_get_rooms_of_this_process_async(a.client, a.options, cb, ud, id)
                    }
                    Op::PingEndpoints => {
                        hathora_get_ping_service_endpoints_async(a.client, a.options, cb, ud, id)
                    }
                    Op::PingRegions => {
                        hathora_ping_regions_async(a.client, a.ping, a.options, cb, ud, id)
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Completions: counted per test, plus a process-wide counter for calls whose user_data is NULL
// ---------------------------------------------------------------------------------------------

static NULL_USER_DATA_CALLS: AtomicUsize = AtomicUsize::new(0);

#[derive(Default)]
struct Completions {
    done: Mutex<Vec<(u64, Code, Option<String>)>>,
}

extern "C" fn on_done(user_data: *mut c_void, id: u64, result: *mut HathoraResult) {
    let code = unsafe { hathora_result_code(result) };
    let message = s(unsafe { hathora_result_message(result) });
    unsafe { hathora_result_free(result) };
    if user_data.is_null() {
        NULL_USER_DATA_CALLS.fetch_add(1, Ordering::SeqCst);
    } else {
        let c = unsafe { &*(user_data as *const Completions) };
        c.done.lock().unwrap().push((id, code, message));
    }
}

impl Completions {
    fn count(&self) -> usize {
        self.done.lock().unwrap().len()
    }
}

// ---------------------------------------------------------------------------------------------
// Expectations and the row checker
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// INVALID_ARGUMENT, with a message containing the keyword.
    Invalid(&'static str),
    /// Documented as acceptable: the call goes ahead (its outcome is the server's business).
    Allowed,
}

/// The fixture every row starts from: a live worker-mode client and valid arguments.
struct Fixture {
    _emu: Emulator,
    cl: CClient,
    room: std::ffi::CString,
    process: std::ffi::CString,
    config: std::ffi::CString,
    options: HathoraCallOptions,
    completions: Arc<Completions>,
    accepted: usize,
    accepted_null_user_data: usize,
    rows: usize,
}

impl Fixture {
    fn new() -> Fixture {
        let emu = emulator();
        let (room, process) = create_room(&client(&emu, HathoraDispatchMode::Worker), Some("{}"));
        // The room's process is this client's own, for the rooms of this process.
        let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
            assert_eq!(set_timeouts(cfg, 10_000, 2_000), Code::Ok);
            let (ctx, _keep) = server_context(&process, emu.app_id(), None, None);
            assert_eq!(hathora_config_apply_server_context(cfg, &ctx), Code::Ok);
        });
        Fixture {
            _emu: emu,
            cl,
            room: c(&room),
            process: c(&process),
            config: c("{\"mode\":\"ffa\"}"),
            options: HathoraCallOptions {
                timeout_ms: 10_000,
                max_retries: 0,
                ..hathora_call_options_init()
            },
            completions: Arc::new(Completions::default()),
            accepted: 0,
            accepted_null_user_data: 0,
            rows: 0,
        }
    }

    /// Valid arguments for `op`. CreateRoom gets no room id (generated), so it never collides.
    fn args(&self, op: Op, out_result: *mut *mut HathoraResult, out_id: *mut u64) -> Args {
        Args {
            client: self.cl.0,
            params_null: false,
            params_version: HATHORA_CREATE_ROOM_PARAMS_VERSION,
            region: HathoraRegion::Frankfurt as u32,
            region_name: null(),
            room_id: if op == Op::Create {
                null()
            } else {
                self.room.as_ptr()
            },
            room_config: self.config.as_ptr(),
            deployment_id: null(),
            client_ips: null(),
            client_ips_count: 0,
            process_id: self.process.as_ptr(),
            wait_timeout_ms: 5_000,
            ping: null(),
            options: &self.options,
            callback: Some(on_done),
            user_data: Arc::as_ptr(&self.completions) as *mut c_void,
            out_request_id: out_id,
            out_result,
        }
    }

    /// Runs one row: `mutate` breaks one argument of the valid set, then the call is checked.
    fn row(
        &mut self,
        label: &str,
        op: Op,
        form: Form,
        expect: Expect,
        mutate: impl FnOnce(&mut Args),
    ) {
        self.rows += 1;
        let label = format!("{label} [{op:?} {form:?}]");
        let mut out: *mut HathoraResult = null_mut();
        let mut id: u64 = 0;
        let mut a = self.args(op, &mut out, &mut id);
        mutate(&mut a);
        reset_last_error(self.cl.0);
        let code = unsafe { invoke(op, form, &a) };
        match form {
            Form::Blocking if a.out_result.is_null() => {
                assert_eq!(code, Code::InvalidArgument, "{label}");
                assert_readable(&label, &last_error(), "out_result");
            }
            Form::Blocking => {
                assert!(
                    !out.is_null(),
                    "{label}: a blocking call always writes a result"
                );
                let r = Res(out);
                assert_eq!(r.code(), code, "{label}: returned code = result code");
                match expect {
                    Expect::Invalid(k) => {
                        assert_eq!(
                            code,
                            Code::InvalidArgument,
                            "{label}: status {} message {:?}",
                            r.status(),
                            r.message().map(|m| clip(&m))
                        );
                        assert_readable(&label, &r.message().unwrap_or_default(), k);
                        assert_readable(&label, &last_error(), k);
                        assert_eq!(
                            (r.status(), r.attempts(), r.body()),
                            (0, 0, String::new()),
                            "{label}: nothing was sent"
                        );
                        assert!(r.conn().is_none() && r.room().is_none() && r.rooms().is_none());
                    }
                    Expect::Allowed => {
                        assert_ne!(
                            code,
                            Code::InvalidArgument,
                            "{label}: refused: {:?}",
                            r.message().map(|m| clip(&m))
                        );
                        assert!(r.attempts() >= 1, "{label}: the call was sent");
                    }
                }
            }
            Form::Async => match expect {
                Expect::Invalid(k) => {
                    assert_eq!(code, Code::InvalidArgument, "{label}");
                    assert_readable(&label, &last_error(), k);
                    assert_eq!(id, 0, "{label}: no request id for a refused call");
                }
                Expect::Allowed => {
                    assert_eq!(code, Code::Ok, "{label}: refused: {}", clip(&last_error()));
                    if a.user_data.is_null() {
                        self.accepted_null_user_data += 1;
                        let want = self.accepted_null_user_data;
                        wait_until(&label, Duration::from_secs(30), || {
                            NULL_USER_DATA_CALLS.load(Ordering::SeqCst) >= want
                        });
                    } else {
                        self.accepted += 1;
                        let want = self.accepted;
                        wait_until(&label, Duration::from_secs(30), || {
                            self.completions.count() >= want
                        });
                        let last = self
                            .completions
                            .done
                            .lock()
                            .unwrap()
                            .last()
                            .cloned()
                            .unwrap();
                        assert_ne!(last.1, Code::InvalidArgument, "{label}: {:?}", last.2);
                        if !a.out_request_id.is_null() {
                            assert_ne!(id, 0, "{label}");
                            assert_eq!(
                                last.0, id,
                                "{label}: the callback names the id the call returned"
                            );
                        }
                    }
                }
            },
        }
    }

    /// Refused calls never call back; accepted ones exactly once.
    fn finish(self) {
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            self.completions.count(),
            self.accepted,
            "callbacks of refused calls ran, or doubled"
        );
        let ids: std::collections::HashSet<u64> = self
            .completions
            .done
            .lock()
            .unwrap()
            .iter()
            .map(|d| d.0)
            .collect();
        assert_eq!(ids.len(), self.accepted, "ids are unique");
        assert_eq!(unsafe { hathora_client_pending(self.cl.0) }, 0);
        println!("{} rows checked", self.rows);
    }
}

// ---------------------------------------------------------------------------------------------
// NULL for each pointer argument in turn
// ---------------------------------------------------------------------------------------------

/// What the header documents for a NULL in `slot` of `op`.
fn null_rule(op: Op, slot: Slot) -> Expect {
    match slot {
        Slot::Client => Expect::Invalid("client"),
        Slot::Params => Expect::Invalid("params"),
        Slot::RegionName
        | Slot::DeploymentId
        | Slot::Ping
        | Slot::Options
        | Slot::OptionsAppId
        | Slot::UserData
        | Slot::OutRequestId => Expect::Allowed,
        Slot::RoomId if op == Op::Create => Expect::Allowed, // generated
        Slot::RoomId => Expect::Invalid("room_id"),
        Slot::RoomConfig if op == Op::Create => Expect::Allowed,
        Slot::RoomConfig => Expect::Invalid("room_config"),
        Slot::ClientIps | Slot::ClientIpEntry => Expect::Invalid("client_ips"),
        Slot::ProcessId => Expect::Invalid("process_id"),
        Slot::Callback => Expect::Invalid("callback"),
        Slot::OutResult => Expect::Invalid("out_result"),
    }
}

#[test]
fn null_for_each_pointer_argument_in_turn() {
    let mut fx = Fixture::new();
    let opts_null_app = HathoraCallOptions {
        app_id: null(),
        ..fx.options
    };
    let null_entry: [*const c_char; 1] = [null()];
    for op in OPS {
        for form in [Form::Blocking, Form::Async] {
            for slot in op.slots(form) {
                let expect = null_rule(op, slot);
                fx.row(
                    &format!("NULL {slot:?}"),
                    op,
                    form,
                    expect,
                    |a| match slot {
                        Slot::Client => a.client = null_mut(),
                        Slot::Params => a.params_null = true,
                        Slot::RegionName => a.region_name = null(),
                        Slot::RoomId => a.room_id = null(),
                        Slot::RoomConfig => a.room_config = null(),
                        Slot::DeploymentId => a.deployment_id = null(),
                        // A NULL array with a count, then an array holding a NULL entry.
                        Slot::ClientIps => (a.client_ips, a.client_ips_count) = (null(), 1),
                        Slot::ClientIpEntry => {
                            (a.client_ips, a.client_ips_count) = (null_entry.as_ptr(), 1)
                        }
                        Slot::ProcessId => a.process_id = null(),
                        Slot::Ping => a.ping = null(),
                        Slot::Options => a.options = null(),
                        Slot::OptionsAppId => a.options = &opts_null_app,
                        Slot::Callback => a.callback = None,
                        Slot::UserData => a.user_data = null_mut(),
                        Slot::OutRequestId => a.out_request_id = null_mut(),
                        Slot::OutResult => a.out_result = null_mut(),
                    },
                );
            }
        }
    }
    fx.finish();
}

// ---------------------------------------------------------------------------------------------
// Strings: invalid UTF-8, empty, oversized, malformed; and the boundaries that must pass
// ---------------------------------------------------------------------------------------------

/// (label, bytes, expectation) for one string slot.
fn string_rows(slot: Slot) -> Vec<(String, Vec<u8>, Expect)> {
    let name = match slot {
        Slot::RegionName => "region",
        Slot::RoomId => "room_id",
        Slot::RoomConfig => "room_config",
        Slot::DeploymentId => "deployment_id",
        Slot::ClientIpEntry => "client_ips[0]",
        Slot::ProcessId => "process_id",
        Slot::OptionsAppId => "app_id",
        other => unreachable!("{other:?} is no string"),
    };
    let bad = Expect::Invalid(name);
    let mut rows = vec![
        ("invalid UTF-8".to_owned(), invalid_utf8(), bad),
        ("1 MB".to_owned(), vec![b'a'; MB], bad),
    ];
    let empty_ok = slot == Slot::RoomConfig;
    rows.push((
        "empty".into(),
        Vec::new(),
        if empty_ok { Expect::Allowed } else { bad },
    ));
    match slot {
        Slot::RoomId => {
            rows.push(("101 chars".into(), vec![b'r'; 101], bad));
            rows.push(("100 chars (limit)".into(), vec![b'r'; 100], Expect::Allowed));
            rows.push(("with '/'".into(), b"a/b".to_vec(), bad));
            rows.push(("with space".into(), b"a b".to_vec(), bad));
            rows.push(("non-ASCII".into(), "caf\u{e9}".as_bytes().to_vec(), bad));
            rows.push(("path traversal".into(), b"../../x".to_vec(), bad));
        }
        Slot::RoomConfig => {
            rows.push(("10,001 chars".into(), vec![b'c'; 10_001], bad));
            rows.push((
                "10,000 chars (limit)".into(),
                vec![b'c'; 10_000],
                Expect::Allowed,
            ));
            rows.push((
                "10,000 two-byte chars (limit)".into(),
                "\u{e9}".repeat(10_000).into_bytes(),
                Expect::Allowed,
            ));
            rows.push((
                "10,001 two-byte chars".into(),
                "\u{e9}".repeat(10_001).into_bytes(),
                bad,
            ));
            rows.push((
                "JSON-breaking quotes".into(),
                br#""}{\"x"#.to_vec(),
                Expect::Allowed,
            ));
        }
        Slot::RegionName => {
            rows.push(("65 chars".into(), vec![b'R'; 65], bad));
            rows.push(("starts with a digit".into(), b"1x".to_vec(), bad));
            rows.push(("with space".into(), b"Sao Paulo".to_vec(), bad));
            // Unknown but well formed: sent, so regions added later work (the emulator says 422).
            rows.push((
                "unknown well-formed".into(),
                b"Mars_1".to_vec(),
                Expect::Allowed,
            ));
            rows.push(("known".into(), b"Sao_Paulo".to_vec(), Expect::Allowed));
        }
        Slot::DeploymentId | Slot::ProcessId | Slot::OptionsAppId => {
            rows.push(("257 bytes".into(), vec![b'd'; 257], bad));
            rows.push(("with space".into(), b"a b".to_vec(), bad));
            rows.push(("with control char".into(), b"a\x07b".to_vec(), bad));
        }
        Slot::ClientIpEntry => {
            rows.push(("not an IP".into(), b"example.com".to_vec(), bad));
            rows.push(("IPv4".into(), b"203.0.113.7".to_vec(), Expect::Allowed));
            rows.push(("IPv6".into(), b"2001:db8::1".to_vec(), Expect::Allowed));
        }
        _ => {}
    }
    rows
}

#[test]
fn bad_strings_in_every_string_argument() {
    let mut fx = Fixture::new();
    for op in OPS {
        for form in [Form::Blocking, Form::Async] {
            for slot in op.slots(form) {
                if !matches!(
                    slot,
                    Slot::RegionName
                        | Slot::RoomId
                        | Slot::RoomConfig
                        | Slot::DeploymentId
                        | Slot::ClientIpEntry
                        | Slot::ProcessId
                        | Slot::OptionsAppId
                ) {
                    continue;
                }
                for (label, bytes, expect) in string_rows(slot) {
                    let owned = cbytes(&bytes);
                    let p = owned.as_ptr() as *const c_char;
                    let ips: [*const c_char; 1] = [p];
                    let opts = HathoraCallOptions {
                        app_id: p,
                        ..fx.options
                    };
                    // A fixed room id would collide with itself on the second CreateRoom; the
                    // server's 422 (taken) is still not INVALID_ARGUMENT, which is what is checked.
                    fx.row(
                        &format!("{slot:?} {label}"),
                        op,
                        form,
                        expect,
                        |a| match slot {
                            Slot::RegionName => a.region_name = p,
                            Slot::RoomId => a.room_id = p,
                            Slot::RoomConfig => a.room_config = p,
                            Slot::DeploymentId => a.deployment_id = p,
                            Slot::ClientIpEntry => {
                                (a.client_ips, a.client_ips_count) = (ips.as_ptr(), 1)
                            }
                            Slot::ProcessId => a.process_id = p,
                            Slot::OptionsAppId => a.options = &opts,
                            _ => unreachable!(),
                        },
                    );
                }
            }
        }
    }
    fx.finish();
}

// ---------------------------------------------------------------------------------------------
// Out-of-range numbers, bad options, bad handles
// ---------------------------------------------------------------------------------------------

#[test]
fn out_of_range_values_and_bad_options() {
    let mut fx = Fixture::new();
    for form in [Form::Blocking, Form::Async] {
        for region in [999, 15, 0, u32::MAX] {
            fx.row(
                &format!("region {region}"),
                Op::Create,
                form,
                Expect::Invalid("region"),
                |a| a.region = region,
            );
        }
        // A region name wins over the enum, so even region 999 works with a name.
        fx.row(
            "region 999 with a name",
            Op::Create,
            form,
            Expect::Allowed,
            |a| {
                a.region = 999;
                a.region_name = c"Tokyo".as_ptr();
            },
        );
        fx.row(
            "client_ips_count 1025",
            Op::Create,
            form,
            Expect::Invalid("client_ips"),
            |a| {
                static ONE: [usize; 1] = [0];
                a.client_ips = ONE.as_ptr() as *const *const c_char; // never read: the count is refused first
                a.client_ips_count = 1025;
            },
        );
        for version in [0, 2, u32::MAX] {
            fx.row(
                &format!("params.version {version}"),
                Op::Create,
                form,
                Expect::Invalid("version"),
                |a| a.params_version = version,
            );
        }
        fx.row(
            "wait timeout 0",
            Op::WaitUntilActive,
            form,
            Expect::Invalid("timeout"),
            |a| a.wait_timeout_ms = 0,
        );
        for op in OPS {
            for version in [0, 2, u32::MAX] {
                let opts = HathoraCallOptions {
                    version,
                    ..fx.options
                };
                fx.row(
                    &format!("options.version {version}"),
                    op,
                    form,
                    Expect::Invalid("version"),
                    |a| a.options = &opts,
                );
            }
        }
        // Extreme but legal option values: a 49-day deadline; a negative retry count means the
        // client's policy.
        let opts = HathoraCallOptions {
            timeout_ms: u32::MAX,
            max_retries: i32::MIN,
            ..fx.options
        };
        fx.row(
            "options timeout_ms u32::MAX, max_retries i32::MIN",
            Op::ConnectionInfo,
            form,
            Expect::Allowed,
            |a| a.options = &opts,
        );
        for max_retries in [21, i32::MAX] {
            let opts = HathoraCallOptions {
                max_retries,
                ..fx.options
            };
            fx.row(
                &format!("options max_retries {max_retries}"),
                Op::ConnectionInfo,
                form,
                Expect::Invalid("max_retries"),
                |a| a.options = &opts,
            );
        }
    }
    fx.finish();
}

#[test]
fn garbage_freed_and_null_client_handles() {
    let mut fx = Fixture::new();
    let freed = {
        let emu = emulator();
        let cl = client(&emu, HathoraDispatchMode::Poll);
        let raw = cl.0;
        drop(cl); // hathora_client_free
        raw
    };
    let mut junk = [0u8; 64];
    let handles: [(&str, *mut HathoraClient); 5] = [
        ("NULL", null_mut()),
        ("freed", freed),
        ("0xdeadbeef", 0xdead_beef_usize as *mut HathoraClient),
        ("usize::MAX", usize::MAX as *mut HathoraClient),
        (
            "pointer to unrelated memory",
            junk.as_mut_ptr() as *mut HathoraClient,
        ),
    ];
    for (label, h) in handles {
        for op in OPS {
            for form in [Form::Blocking, Form::Async] {
                fx.row(
                    &format!("{label} client"),
                    op,
                    form,
                    Expect::Invalid("client"),
                    |a| a.client = h,
                );
            }
        }
        // The client functions themselves.
        reset_last_error(fx.cl.0);
        assert_eq!(unsafe { hathora_client_poll(h, 0) }, 0, "{label}");
        assert_readable(&format!("poll {label}"), &last_error(), "client");
        reset_last_error(fx.cl.0);
        assert_eq!(
            unsafe { hathora_client_cancel(h, 1) },
            Code::InvalidArgument,
            "{label}"
        );
        assert_readable(&format!("cancel {label}"), &last_error(), "client");
        assert_eq!(unsafe { hathora_client_pending(h) }, 0, "{label}");
        if !h.is_null() {
            reset_last_error(fx.cl.0);
            unsafe { hathora_client_free(h) }; // ignored, reported
            assert_readable(&format!("free {label}"), &last_error(), "client");
        } else {
            unsafe { hathora_client_free(h) }; // NULL: ignored
        }
    }
    // Request ids a live client does not know.
    for id in [0, 999_999, u64::MAX] {
        reset_last_error(fx.cl.0);
        assert_eq!(
            unsafe { hathora_client_cancel(fx.cl.0, id) },
            Code::InvalidArgument,
            "cancel of unknown request {id}"
        );
        assert_readable("cancel unknown id", &last_error(), "request");
    }
    fx.finish();
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Library-wide functions and result accessors
// ---------------------------------------------------------------------------------------------

static BAD_LINES: AtomicUsize = AtomicUsize::new(0);

/// No assert in here: a panic in an `extern "C"` function aborts the process.
extern "C" fn count_log(user_data: *mut c_void, _level: u32, message: *const c_char) {
    if message.is_null() || unsafe { CStr::from_ptr(message) }.to_str().is_err() {
        BAD_LINES.fetch_add(1, Ordering::SeqCst);
    }
    let n = unsafe { &*(user_data as *const AtomicUsize) };
    n.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn library_wide_functions_with_out_of_range_values() {
    let v = s(hathora_version()).unwrap();
    assert!(!v.is_empty() && v.split('.').count() == 3, "{v}");
    let mut texts = std::collections::HashSet::new();
    for code in 0..=10 {
        let t = s(hathora_result_code_to_string(code)).unwrap();
        assert!(!t.is_empty() && t != "unknown result code", "code {code}");
        texts.insert(t);
    }
    assert_eq!(texts.len(), 11, "each code has its own text");
    for code in [11, 1000, u32::MAX] {
        assert_eq!(
            s(hathora_result_code_to_string(code)).as_deref(),
            Some("unknown result code"),
            "{code}"
        );
    }
    for region in 1..=14 {
        let name = s(hathora_region_name(region)).unwrap();
        assert!(!name.is_empty(), "region {region}");
    }
    assert_eq!(
        s(hathora_region_name(HathoraRegion::SaoPaulo as u32)).as_deref(),
        Some("Sao_Paulo")
    );
    for region in [0, 15, 999, u32::MAX] {
        assert!(hathora_region_name(region).is_null(), "{region}");
    }
    // The last error is per thread: NULL on a thread that has not failed yet, then the message.
    std::thread::spawn(|| {
        assert!(
            hathora_last_error_message().is_null(),
            "no failure on this thread yet"
        );
        assert_eq!(
            unsafe { hathora_client_cancel(null_mut(), 1) },
            Code::InvalidArgument
        );
        let p = hathora_last_error_message();
        assert!(!p.is_null());
        assert_readable(
            "last_error_message",
            unsafe { CStr::from_ptr(p) }.to_str().unwrap(),
            "client",
        );
        // Successful calls leave it alone.
        assert!(!hathora_version().is_null());
        assert_eq!(hathora_last_error_message(), p);
    })
    .join()
    .unwrap();
    // Log hook: a NULL callback and level OFF never crash; an out-of-range level is refused
    // like an out-of-range dispatch mode, leaving the hook as it was; the hook is removed again
    // at the end.
    static LINES: AtomicUsize = AtomicUsize::new(0);
    let hook = &LINES as *const _ as *mut c_void;
    assert_eq!(hathora_set_log_callback(None, null_mut(), 4), Code::Ok);
    assert_eq!(hathora_set_log_callback(Some(count_log), hook, 0), Code::Ok);
    assert_eq!(hathora_set_log_callback(Some(count_log), hook, 4), Code::Ok);
    for level in [5, 999, u32::MAX] {
        assert_eq!(
            hathora_set_log_callback(Some(count_log), hook, level),
            Code::InvalidArgument,
            "log level {level}"
        );
        assert_readable("set_log_callback", &last_error(), "max_level");
    }
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let _ = create_room(&cl, None);
    assert_eq!(hathora_set_log_callback(None, null_mut(), 0), Code::Ok);
    assert!(
        LINES.load(Ordering::SeqCst) > 0,
        "the DEBUG hook stays installed after the refused levels"
    );
    assert_eq!(
        BAD_LINES.load(Ordering::SeqCst),
        0,
        "every log line is non-NULL UTF-8"
    );
}

#[test]
fn result_accessors_with_null_and_wrong_kinds() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (room, process) = create_room(&cl, None);
    // NULL result to every accessor.
    let nr: *const HathoraResult = null();
    unsafe {
        assert_eq!(hathora_result_code(nr), Code::InvalidArgument);
        assert_eq!(hathora_result_http_status(nr), 0);
        assert!(hathora_result_message(nr).is_null());
        assert!(hathora_result_body(nr).is_null());
        assert_eq!(hathora_result_body_len(nr), 0);
        assert_eq!(hathora_result_request_id(nr), 0);
        assert_eq!(hathora_result_attempts(nr), 0);
        hathora_result_free(null_mut());
    }
    let info_sentinel = 0x10 as *const HathoraConnectionInfo;
    let room_sentinel = 0x10 as *const HathoraRoom;
    // (label, call) pairs that must be INVALID_ARGUMENT with a message naming the keyword.
    let conn = blocking(|out| unsafe {
        hathora_get_connection_info(cl.0, c(&room).as_ptr(), null(), out)
    })
    .ok();
    let info =
        blocking(|out| unsafe { hathora_get_room_info(cl.0, c(&room).as_ptr(), null(), out) }).ok();
    let list = blocking(|out| unsafe {
        hathora_get_active_rooms_for_process(cl.0, c(&process).as_ptr(), null(), out)
    })
    .ok();
    let refused =
        blocking(|out| unsafe { hathora_get_room_info(cl.0, c("").as_ptr(), null(), out) });
    type Call<'a> = Box<dyn Fn() -> Code + 'a>;
    let mut out_info = info_sentinel;
    let mut out_room = room_sentinel;
    let mut count = 77usize;
    let oi = &mut out_info as *mut _;
    let or = &mut out_room as *mut _;
    let oc = &mut count as *mut _;
    let rows: Vec<(&str, &str, Call)> = vec![
        (
            "connection_info(NULL)",
            "result",
            Box::new(|| unsafe { hathora_result_connection_info(null(), oi) }),
        ),
        (
            "connection_info(out NULL)",
            "out_info",
            Box::new(|| unsafe { hathora_result_connection_info(conn.0, null_mut()) }),
        ),
        (
            "connection_info(room result)",
            "connection",
            Box::new(|| unsafe { hathora_result_connection_info(info.0, oi) }),
        ),
        (
            "connection_info(refused result)",
            "connection",
            Box::new(|| unsafe { hathora_result_connection_info(refused.0, oi) }),
        ),
        (
            "room(NULL)",
            "result",
            Box::new(|| unsafe { hathora_result_room(null(), or) }),
        ),
        (
            "room(out NULL)",
            "out_room",
            Box::new(|| unsafe { hathora_result_room(info.0, null_mut()) }),
        ),
        (
            "room(list result)",
            "room",
            Box::new(|| unsafe { hathora_result_room(list.0, or) }),
        ),
        (
            "room(connection result)",
            "room",
            Box::new(|| unsafe { hathora_result_room(conn.0, or) }),
        ),
        (
            "room_count(NULL)",
            "result",
            Box::new(|| unsafe { hathora_result_room_count(null(), oc) }),
        ),
        (
            "room_count(out NULL)",
            "out_count",
            Box::new(|| unsafe { hathora_result_room_count(list.0, null_mut()) }),
        ),
        (
            "room_count(room result)",
            "list",
            Box::new(|| unsafe { hathora_result_room_count(info.0, oc) }),
        ),
        (
            "room_at(NULL)",
            "result",
            Box::new(|| unsafe { hathora_result_room_at(null(), 0, or) }),
        ),
        (
            "room_at(out NULL)",
            "out_room",
            Box::new(|| unsafe { hathora_result_room_at(list.0, 0, null_mut()) }),
        ),
        (
            "room_at(index 1000)",
            "index",
            Box::new(|| unsafe { hathora_result_room_at(list.0, 1000, or) }),
        ),
        (
            "room_at(index usize::MAX)",
            "index",
            Box::new(|| unsafe { hathora_result_room_at(list.0, usize::MAX, or) }),
        ),
        (
            "room_at(connection result)",
            "list",
            Box::new(|| unsafe { hathora_result_room_at(conn.0, 0, or) }),
        ),
    ];
    for (label, keyword, call) in &rows {
        reset_last_error(cl.0);
        assert_eq!(call(), Code::InvalidArgument, "{label}");
        assert_readable(label, &last_error(), keyword);
    }
    drop(rows);
    // Outputs untouched by refusals.
    assert_eq!(out_info, info_sentinel);
    assert_eq!(out_room, room_sentinel);
    assert_eq!(count, 77);
    // And the accessors work on the real results.
    assert!(
        conn.conn().is_some()
            && info.room().is_some()
            && list.rooms().is_some_and(|r| r.len() == 1)
    );
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(refused.body(), "");
    assert_eq!(unsafe { hathora_result_body_len(refused.0) }, 0);
}

// ---------------------------------------------------------------------------------------------
// Dot segments (`.`, `..`) as path parameters: refused before anything is sent
// ---------------------------------------------------------------------------------------------

fn options_with_app_id(app_id: Option<&CString>) -> HathoraCallOptions {
    HathoraCallOptions {
        version: HATHORA_CALL_OPTIONS_VERSION,
        app_id: app_id.map_or(null(), |a| a.as_ptr()),
        timeout_ms: 10_000,
        max_retries: 0,
        connect_timeout_ms: 0,
    }
}

static UNEXPECTED_CALLBACKS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn must_not_run(_: *mut c_void, _: u64, r: *mut HathoraResult) {
    UNEXPECTED_CALLBACKS.fetch_add(1, Ordering::SeqCst);
    unsafe { hathora_result_free(r) };
}

/// Checks that the blocking and the asynchronous form of `op` refuse the call with
/// INVALID_ARGUMENT naming `field`; what does not hold is added to `problems`.
fn check_refused(
    problems: &mut Vec<String>,
    cl: &CClient,
    op: &Operation,
    param: &CString,
    opts: &HathoraCallOptions,
    field: &str,
    case: &str,
) {
    let r = blocking(|out| unsafe { (op.blocking)(cl.0, param.as_ptr(), opts, out) });
    let m = r.message().unwrap_or_default();
    if (r.code(), r.status()) != (Code::InvalidArgument, 0) || !m.contains(field) {
        problems.push(format!(
            "{} {case}: blocking gave {:?} HTTP {} {m:?}",
            op.name,
            r.code(),
            r.status()
        ));
    }
    let mut id = 0u64;
    let code = unsafe {
        (op.queued)(
            cl.0,
            param.as_ptr(),
            opts,
            Some(must_not_run),
            null_mut(),
            &mut id,
        )
    };
    if code != Code::InvalidArgument || !last_error().contains(field) {
        problems.push(format!(
            "{} {case}: async gave {code:?} ({:?})",
            op.name,
            last_error()
        ));
    }
}

#[test]
fn dot_segments_are_refused_in_every_path_parameter() {
    let srv = FakeHttp::start(response(
        "404 Not Found",
        "application/json",
        br#"{"message":"nope"}"#,
    ));
    let mut problems = Vec::new();
    for dots in [".", ".."] {
        let bad = c(dots);
        // The client's app id.
        unsafe {
            let cfg = hathora_config_new();
            hathora_config_set_base_url(cfg, c(&srv.url()).as_ptr());
            let set = hathora_config_set_app_id(cfg, bad.as_ptr());
            let mut cl = null_mut();
            let made = hathora_client_new(cfg, &mut cl);
            hathora_config_free(cfg);
            if !cl.is_null() {
                hathora_client_free(cl);
            }
            let refused = set == Code::InvalidArgument || made == Code::InvalidArgument;
            if !refused || !last_error().contains("app_id") {
                problems.push(format!(
                    "config app_id {dots:?}: set {set:?}, client_new {made:?}"
                ));
            }
        }
        let cl = fake_server_client(&srv.url());
        let good = c("room-1");
        for op in every_operation() {
            // The per-call app id, with a valid room or process id.
            let opts = options_with_app_id(Some(&bad));
            check_refused(
                &mut problems,
                &cl,
                &op,
                &good,
                &opts,
                "app_id",
                &format!("options.app_id {dots:?}"),
            );
            // The path parameter itself.
            let field = match op.param {
                Param::None => continue,
                Param::Room => "room_id",
                Param::Process => "process_id",
            };
            check_refused(
                &mut problems,
                &cl,
                &op,
                &bad,
                &options_with_app_id(None),
                field,
                &format!("{field} {dots:?}"),
            );
        }
        // Let the accepted async calls (if any) finish before the client is freed.
        let end = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while unsafe { hathora_client_pending(cl.0) } > 0 && std::time::Instant::now() < end {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    if UNEXPECTED_CALLBACKS.load(Ordering::SeqCst) != 0 {
        problems.push(format!(
            "{} refused async calls ran their callback",
            UNEXPECTED_CALLBACKS.load(Ordering::SeqCst)
        ));
    }
    let mut sent: Vec<String> = srv.seen().into_iter().map(|s| s.line).collect();
    sent.sort();
    sent.dedup();
    if !sent.is_empty() {
        problems.push(format!(
            "request lines with dot segments were sent: {sent:#?}"
        ));
    }
    assert_no_problems(&problems);
}

#[test]
fn ids_that_only_contain_dots_among_other_characters_still_go_out_encoded() {
    // Only whole segments of dots are special; "a.b" and "..." are ordinary ids and are sent.
    let srv = FakeHttp::start(response(
        "404 Not Found",
        "application/json",
        br#"{"message":"nope"}"#,
    ));
    let cl = fake_server_client(&srv.url());
    for id in ["a.b", "...", ".x"] {
        let p = c(id);
        let r = blocking(|out| unsafe {
            hathora_get_active_rooms_for_process(cl.0, p.as_ptr(), null(), out)
        });
        assert_eq!(
            (r.code(), r.status()),
            (Code::ApiError, 404),
            "process_id {id:?}: {:?}",
            r.message()
        );
        let opts = options_with_app_id(Some(&p));
        let r =
            blocking(|out| unsafe { hathora_get_room_info(cl.0, c"room-1".as_ptr(), &opts, out) });
        assert_eq!(
            (r.code(), r.status()),
            (Code::ApiError, 404),
            "app_id {id:?}: {:?}",
            r.message()
        );
    }
    let lines: Vec<String> = srv.seen().into_iter().map(|s| s.line).collect();
    assert_eq!(
        lines,
        vec![
            "GET /rooms/v2/app-x/list/a.b/active HTTP/1.1",
            "GET /rooms/v2/a.b/info/room-1 HTTP/1.1",
            "GET /rooms/v2/app-x/list/.../active HTTP/1.1",
            "GET /rooms/v2/.../info/room-1 HTTP/1.1",
            "GET /rooms/v2/app-x/list/.x/active HTTP/1.1",
            "GET /rooms/v2/.x/info/room-1 HTTP/1.1",
        ]
    );
}
