//! Issue 6, hostile input: every exported `hathora_*` function of `include/hathora_rooms.h`
//! called with NULL for each pointer argument in turn, invalid UTF-8, empty, oversized and
//! malformed strings, out-of-range enum values, a bad `HathoraCallOptions.version`, garbage and
//! freed client handles and a NULL callback. Zero crashes; every refusal is
//! `HATHORA_RESULT_CODE_INVALID_ARGUMENT` with a readable message that names the argument.
//! Arguments the header documents as optional (NULL allowed) must NOT be refused.
//!
//! Table-driven: `Args` holds every C argument, `invoke` calls the operation, and each table
//! row names the argument to break, how, and what the documented rules expect.

mod common;
use common::*;
use std::ffi::{CStr, c_char, c_void};
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
}

const OPS: [Op; 10] = [
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
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    Blocking,
    Async,
}

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

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let end = std::time::Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(
            std::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
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

/// Sets this thread's last error to a known sentinel, so a check proves the message is new.
fn reset_last_error(live: *mut HathoraClient) {
    assert_eq!(
        unsafe { hathora_client_cancel(live, 0) },
        Code::InvalidArgument
    );
    assert!(last_error().starts_with("request 0 is unknown"));
}

fn readable(label: &str, msg: &str, keyword: &str) {
    assert!(!msg.trim().is_empty(), "{label}: empty message");
    assert!(
        msg.contains(keyword),
        "{label}: message {:?} does not name {keyword:?}",
        clip(msg)
    );
    assert!(
        !msg.starts_with("internal error"),
        "{label}: a panic was caught: {msg}"
    );
}

fn clip(m: &str) -> String {
    m.chars().take(160).collect()
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
        let cl = client_with(&emu, HathoraDispatchMode::Worker, |cfg| unsafe {
            assert_eq!(set_timeouts(cfg, 10_000, 2_000), Code::Ok);
        });
        let (room, process) = create_room(&cl, Some("{}"));
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
                readable(&label, &last_error(), "out_result");
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
                        readable(&label, &r.message().unwrap_or_default(), k);
                        readable(&label, &last_error(), k);
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
                    readable(&label, &last_error(), k);
                    assert_eq!(id, 0, "{label}: no request id for a refused call");
                }
                Expect::Allowed => {
                    assert_eq!(code, Code::Ok, "{label}: refused: {}", clip(&last_error()));
                    if a.user_data.is_null() {
                        self.accepted_null_user_data += 1;
                        let want = self.accepted_null_user_data;
                        wait_until(&label, || {
                            NULL_USER_DATA_CALLS.load(Ordering::SeqCst) >= want
                        });
                    } else {
                        self.accepted += 1;
                        let want = self.accepted;
                        wait_until(&label, || self.completions.count() >= want);
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

const MB: usize = 1 << 20;

/// A NUL-terminated byte string (bytes must not contain NUL).
fn cbytes(b: &[u8]) -> Vec<u8> {
    assert!(!b.contains(&0));
    let mut v = b.to_vec();
    v.push(0);
    v
}

fn invalid_utf8() -> Vec<u8> {
    b"ab\xff\xfe\xc3(".to_vec()
}

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
        readable(&format!("poll {label}"), &last_error(), "client");
        reset_last_error(fx.cl.0);
        assert_eq!(
            unsafe { hathora_client_cancel(h, 1) },
            Code::InvalidArgument,
            "{label}"
        );
        readable(&format!("cancel {label}"), &last_error(), "client");
        assert_eq!(unsafe { hathora_client_pending(h) }, 0, "{label}");
        if !h.is_null() {
            reset_last_error(fx.cl.0);
            unsafe { hathora_client_free(h) }; // ignored, reported
            readable(&format!("free {label}"), &last_error(), "client");
        } else {
            unsafe { hathora_client_free(h) }; // NULL: ignored
        }
    }
    // Request ids a live client does not know.
    for id in [0, 999_999, u64::MAX] {
        reset_last_error(fx.cl.0);
        assert_eq!(
            unsafe { hathora_client_cancel(fx.cl.0, id) },
            Code::InvalidArgument
        );
        readable("cancel unknown id", &last_error(), "request");
    }
    fx.finish();
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// A config change: a setter call that returns its code.
type Setter = Box<dyn Fn(*mut HathoraConfig) -> Code>;

#[derive(Debug, PartialEq)]
enum ConfigExpect {
    /// Refused with INVALID_ARGUMENT, by the setter or at the latest by `hathora_client_new`,
    /// with a message containing the keyword.
    Refused(&'static str),
    Accepted,
}

fn setter(f: impl Fn(*mut HathoraConfig) -> Code + 'static) -> Setter {
    Box::new(f)
}

fn str_setter(
    f: unsafe extern "C" fn(*mut HathoraConfig, *const c_char) -> Code,
    bytes: Option<Vec<u8>>,
) -> Setter {
    setter(move |cfg| {
        let owned = bytes.as_ref().map(|b| cbytes(b));
        unsafe {
            f(
                cfg,
                owned
                    .as_ref()
                    .map_or(null(), |o| o.as_ptr() as *const c_char),
            )
        }
    })
}

#[test]
fn configuration_setters_and_client_new() {
    let emu = emulator();
    let live = client(&emu, HathoraDispatchMode::Worker);
    let url = emu.url();
    let big = || vec![b'a'; MB];
    use ConfigExpect::*;
    let rows: Vec<(&str, Setter, ConfigExpect)> = vec![
        (
            "app_id NULL",
            str_setter(hathora_config_set_app_id, None),
            Refused("app_id"),
        ),
        (
            "app_id invalid UTF-8",
            str_setter(hathora_config_set_app_id, Some(invalid_utf8())),
            Refused("app_id"),
        ),
        (
            "app_id empty",
            str_setter(hathora_config_set_app_id, Some(vec![])),
            Refused("app_id"),
        ),
        (
            "app_id 1 MB",
            str_setter(hathora_config_set_app_id, Some(big())),
            Refused("app_id"),
        ),
        (
            "app_id with space",
            str_setter(hathora_config_set_app_id, Some(b"a b".to_vec())),
            Refused("app_id"),
        ),
        (
            "dev_token NULL (clears it)",
            str_setter(hathora_config_set_dev_token, None),
            Accepted,
        ),
        (
            "dev_token invalid UTF-8",
            str_setter(hathora_config_set_dev_token, Some(invalid_utf8())),
            Refused("dev_token"),
        ),
        (
            "dev_token empty",
            str_setter(hathora_config_set_dev_token, Some(vec![])),
            Refused("dev_token"),
        ),
        (
            "dev_token with control char",
            str_setter(hathora_config_set_dev_token, Some(b"tok\x01en".to_vec())),
            Refused("dev_token"),
        ),
        (
            "dev_token 1 MB",
            str_setter(hathora_config_set_dev_token, Some(big())),
            Refused("dev_token"),
        ),
        (
            "base_url NULL (default)",
            str_setter(hathora_config_set_base_url, None),
            Accepted,
        ),
        (
            "base_url invalid UTF-8",
            str_setter(hathora_config_set_base_url, Some(invalid_utf8())),
            Refused("base_url"),
        ),
        (
            "base_url empty",
            str_setter(hathora_config_set_base_url, Some(vec![])),
            Refused("base_url"),
        ),
        (
            "base_url 1 MB",
            str_setter(hathora_config_set_base_url, Some(big())),
            Refused("base_url"),
        ),
        (
            "base_url ftp",
            str_setter(hathora_config_set_base_url, Some(b"ftp://x".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url no host",
            str_setter(hathora_config_set_base_url, Some(b"https://".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url port 0",
            str_setter(hathora_config_set_base_url, Some(b"https://h:0".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url port 99999",
            str_setter(
                hathora_config_set_base_url,
                Some(b"https://h:99999".to_vec()),
            ),
            Refused("base_url"),
        ),
        (
            "base_url user info",
            str_setter(hathora_config_set_base_url, Some(b"https://u:p@h".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url query",
            str_setter(
                hathora_config_set_base_url,
                Some(b"https://h/x?y=1".to_vec()),
            ),
            Refused("base_url"),
        ),
        (
            "base_url unclosed [",
            str_setter(hathora_config_set_base_url, Some(b"https://[::1".to_vec())),
            Refused("base_url"),
        ),
        (
            "base_url plain http, not loopback",
            str_setter(
                hathora_config_set_base_url,
                Some(b"http://example.com".to_vec()),
            ),
            Refused("base_url"),
        ),
        (
            "timeout_ms 0",
            setter(|c| unsafe { hathora_config_set_timeout_ms(c, 0) }),
            Refused("timeout"),
        ),
        (
            "connect_timeout_ms 0",
            setter(|c| unsafe { hathora_config_set_connect_timeout_ms(c, 0) }),
            Refused("timeout"),
        ),
        (
            "timeout_ms max, connect_timeout_ms max",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_timeout_ms(c, u32::MAX),
                    hathora_config_set_connect_timeout_ms(c, u32::MAX),
                ])
            }),
            Accepted,
        ),
        (
            "max_retries 21",
            setter(|c| unsafe {
                hathora_config_set_max_retries(c, hathora_rooms::ffi::HATHORA_MAX_RETRIES + 1)
            }),
            Refused("max_retries"),
        ),
        (
            "max_retries u32::MAX",
            setter(|c| unsafe { hathora_config_set_max_retries(c, u32::MAX) }),
            Refused("max_retries"),
        ),
        (
            "initial backoff > max backoff (refused by client_new)",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_initial_backoff_ms(c, 500),
                    hathora_config_set_max_backoff_ms(c, 100),
                ])
            }),
            Refused("backoff"),
        ),
        (
            "initial backoff above the default maximum, then a larger maximum",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_initial_backoff_ms(c, 20_000),
                    hathora_config_set_max_backoff_ms(c, 30_000),
                ])
            }),
            Accepted,
        ),
        (
            "retries and backoffs 0",
            setter(|c| unsafe {
                first_refusal([
                    hathora_config_set_max_retries(c, 0),
                    hathora_config_set_initial_backoff_ms(c, 0),
                    hathora_config_set_max_backoff_ms(c, 0),
                ])
            }),
            Accepted,
        ),
        (
            "max_workers 0",
            setter(|c| unsafe { hathora_config_set_max_workers(c, 0) }),
            Refused("max_workers"),
        ),
        (
            "max_workers 1025",
            setter(|c| unsafe { hathora_config_set_max_workers(c, 1025) }),
            Refused("max_workers"),
        ),
        (
            "max_workers u32::MAX",
            setter(|c| unsafe { hathora_config_set_max_workers(c, u32::MAX) }),
            Refused("max_workers"),
        ),
        (
            "min_workers 1025",
            setter(|c| unsafe { hathora_config_set_min_workers(c, 1025) }),
            Refused("min_workers"),
        ),
        (
            "min_workers 0",
            setter(|c| unsafe { hathora_config_set_min_workers(c, 0) }),
            Accepted,
        ),
        (
            "min_workers 5 above max_workers 4",
            setter(|c| unsafe {
                assert_eq!(hathora_config_set_max_workers(c, 4), Code::Ok);
                hathora_config_set_min_workers(c, 5)
            }),
            Refused("must not exceed"),
        ),
        (
            "worker_idle_ms 0",
            setter(|c| unsafe { hathora_config_set_worker_idle_ms(c, 0) }),
            Refused("worker_idle_ms"),
        ),
        (
            "worker_idle_ms u32::MAX",
            setter(|c| unsafe { hathora_config_set_worker_idle_ms(c, u32::MAX) }),
            Refused("worker_idle_ms"),
        ),
        (
            "dispatch_mode 2",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, 2) }),
            Refused("dispatch_mode"),
        ),
        (
            "dispatch_mode 7",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, 7) }),
            Refused("dispatch_mode"),
        ),
        (
            "dispatch_mode u32::MAX",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, u32::MAX) }),
            Refused("dispatch_mode"),
        ),
        (
            "queue_capacity 0",
            setter(|c| unsafe { hathora_config_set_queue_capacity(c, 0) }),
            Refused("queue_capacity"),
        ),
        (
            "queue_capacity u32::MAX",
            setter(|c| unsafe { hathora_config_set_queue_capacity(c, u32::MAX) }),
            Accepted,
        ),
    ];
    let mut refused_by_setter = Vec::new();
    let mut refused_by_new = Vec::new();
    for (label, apply, expect) in &rows {
        let cfg = hathora_config_new();
        assert!(!cfg.is_null());
        unsafe {
            assert_eq!(
                hathora_config_set_app_id(cfg, c(emu.app_id()).as_ptr()),
                Code::Ok
            );
            assert_eq!(
                hathora_config_set_dev_token(cfg, c(emu.token()).as_ptr()),
                Code::Ok
            );
            assert_eq!(hathora_config_set_base_url(cfg, c(&url).as_ptr()), Code::Ok);
        }
        reset_last_error(live.0);
        let set = apply(cfg);
        let mut out = std::ptr::dangling_mut::<HathoraClient>(); // must be overwritten with NULL on refusal
        let new = if set == Code::Ok {
            unsafe { hathora_client_new(cfg, &mut out) }
        } else {
            Code::InvalidArgument
        };
        let msg = last_error();
        unsafe { hathora_config_free(cfg) };
        match expect {
            Refused(k) => {
                if set == Code::Ok {
                    assert_eq!(
                        new,
                        Code::InvalidArgument,
                        "{label}: accepted by setter and client_new"
                    );
                    assert!(
                        out.is_null(),
                        "{label}: out_client must be NULL after a refusal"
                    );
                    refused_by_new.push(*label);
                } else {
                    assert_eq!(set, Code::InvalidArgument, "{label}");
                    refused_by_setter.push(*label);
                }
                readable(label, &msg, k);
            }
            Accepted => {
                assert_eq!((set, new), (Code::Ok, Code::Ok), "{label}: {}", clip(&msg));
                assert!(!out.is_null());
                unsafe { hathora_client_free(out) };
            }
        }
    }
    println!("refused by the setter: {refused_by_setter:?}");
    println!("refused by hathora_client_new: {refused_by_new:?}");

    // NULL config to every setter, and to client_new; NULL out_client.
    let null_cfg: Vec<(&str, Setter)> = vec![
        (
            "set_app_id",
            str_setter(hathora_config_set_app_id, Some(b"a".to_vec())),
        ),
        (
            "set_dev_token",
            str_setter(hathora_config_set_dev_token, Some(b"t".to_vec())),
        ),
        (
            "set_base_url",
            str_setter(hathora_config_set_base_url, Some(b"https://h".to_vec())),
        ),
        (
            "set_timeout_ms",
            setter(|c| unsafe { hathora_config_set_timeout_ms(c, 1) }),
        ),
        (
            "set_connect_timeout_ms",
            setter(|c| unsafe { hathora_config_set_connect_timeout_ms(c, 1) }),
        ),
        (
            "set_max_retries",
            setter(|c| unsafe { hathora_config_set_max_retries(c, 1) }),
        ),
        (
            "set_initial_backoff_ms",
            setter(|c| unsafe { hathora_config_set_initial_backoff_ms(c, 1) }),
        ),
        (
            "set_max_backoff_ms",
            setter(|c| unsafe { hathora_config_set_max_backoff_ms(c, 1) }),
        ),
        (
            "set_max_workers",
            setter(|c| unsafe { hathora_config_set_max_workers(c, 1) }),
        ),
        (
            "set_min_workers",
            setter(|c| unsafe { hathora_config_set_min_workers(c, 1) }),
        ),
        (
            "set_worker_idle_ms",
            setter(|c| unsafe { hathora_config_set_worker_idle_ms(c, 1) }),
        ),
        (
            "set_dispatch_mode",
            setter(|c| unsafe { hathora_config_set_dispatch_mode(c, 0) }),
        ),
        (
            "set_queue_capacity",
            setter(|c| unsafe { hathora_config_set_queue_capacity(c, 1) }),
        ),
        (
            "set_allow_insecure_http",
            setter(|c| unsafe { hathora_config_set_allow_insecure_http(c, true) }),
        ),
    ];
    for (label, apply) in null_cfg {
        reset_last_error(live.0);
        assert_eq!(apply(null_mut()), Code::InvalidArgument, "{label}(NULL)");
        readable(label, &last_error(), "config");
    }
    reset_last_error(live.0);
    let mut out = std::ptr::dangling_mut::<HathoraClient>();
    assert_eq!(
        unsafe { hathora_client_new(null(), &mut out) },
        Code::InvalidArgument
    );
    assert!(out.is_null());
    readable("client_new(NULL)", &last_error(), "config");
    let cfg = hathora_config_new();
    reset_last_error(live.0);
    assert_eq!(
        unsafe { hathora_client_new(cfg, null_mut()) },
        Code::InvalidArgument
    );
    readable("client_new(out NULL)", &last_error(), "out_client");
    // The default config has no app id: refused, not a crash.
    reset_last_error(live.0);
    let mut out = null_mut();
    assert_eq!(
        unsafe { hathora_client_new(cfg, &mut out) },
        Code::InvalidArgument
    );
    readable("client_new(default config)", &last_error(), "app_id");
    unsafe { hathora_config_free(cfg) };
    unsafe { hathora_config_free(null_mut()) };
}

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
    for code in 0..=9 {
        let t = s(hathora_result_code_to_string(code)).unwrap();
        assert!(!t.is_empty() && t != "unknown result code");
        texts.insert(t);
    }
    assert_eq!(texts.len(), 10, "each code has its own text");
    for code in [10, 1000, u32::MAX] {
        assert_eq!(
            s(hathora_result_code_to_string(code)).as_deref(),
            Some("unknown result code"),
            "{code}"
        );
    }
    for region in 1..=14 {
        let name = s(hathora_region_name(region)).unwrap();
        assert!(!name.is_empty());
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
        readable(
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
        readable("set_log_callback", &last_error(), "max_level");
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
        readable(label, &last_error(), keyword);
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
