//! The log hook: a log callback may replace or remove the log callback from inside its own
//! call, and the setter's promise (no call of the previous callback still running on
//! another thread once it returns) still holds. The hook is process-wide, so these tests run
//! one at a time in their own binary.

mod common;
use common::*;
use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEBUG: u32 = 4;

fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` on its own thread and fails the test if it has not finished after `limit` (a
/// deadlock: the thread is left behind, the test reports instead of hanging).
fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("{what}: not finished after {limit:?} ({e}): deadlock"))
}

/// Sets the hook from the test thread, failing (not hanging) if the setter deadlocks.
fn set_hook(cb: HathoraLogCallback, level: u32) {
    let code = within(
        "hathora_set_log_callback from the test thread",
        Duration::from_secs(30),
        move || hathora_set_log_callback(cb, null_mut(), level),
    );
    assert_eq!(code, Code::Ok, "hathora_set_log_callback(level {level})");
}

/// Blocking GetRoomInfo of an unknown room: one request, which logs a DEBUG line on this thread.
fn one_logged_call(cl: &CClient) -> Code {
    blocking(|out| unsafe { hathora_get_room_info(cl.0, c("no-such-room").as_ptr(), null(), out) })
        .code()
}

// --- A callback that removes itself on its first line. ---

static UNHOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn unhook_on_first_line(_: *mut c_void, _: u32, _: *const c_char) {
    UNHOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    hathora_set_log_callback(None, null_mut(), 0);
}

#[test]
fn a_callback_can_remove_itself() {
    let _g = serial();
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    UNHOOK_CALLS.store(0, Ordering::SeqCst);
    set_hook(Some(unhook_on_first_line), DEBUG);
    let code = within(
        "a call whose log callback unhooks itself",
        Duration::from_secs(30),
        move || {
            let first = one_logged_call(&cl);
            let second = one_logged_call(&cl);
            (first, second)
        },
    );
    assert_eq!(
        code,
        (Code::ApiError, Code::ApiError),
        "both calls reach the emulator (404)"
    );
    assert_eq!(
        UNHOOK_CALLS.load(Ordering::SeqCst),
        1,
        "the callback ran once, then was removed by itself"
    );
}

// --- A callback that replaces itself with another one. ---

static FIRST_CALLS: AtomicUsize = AtomicUsize::new(0);
static SECOND_CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn second_hook(_: *mut c_void, _: u32, _: *const c_char) {
    SECOND_CALLS.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn first_hook_replaces_itself(_: *mut c_void, _: u32, _: *const c_char) {
    FIRST_CALLS.fetch_add(1, Ordering::SeqCst);
    hathora_set_log_callback(Some(second_hook), null_mut(), DEBUG);
}

#[test]
fn a_callback_can_install_another_callback() {
    let _g = serial();
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    FIRST_CALLS.store(0, Ordering::SeqCst);
    SECOND_CALLS.store(0, Ordering::SeqCst);
    set_hook(Some(first_hook_replaces_itself), DEBUG);
    within(
        "a log callback that installs another one",
        Duration::from_secs(30),
        move || {
            one_logged_call(&cl);
            one_logged_call(&cl);
            one_logged_call(&cl);
        },
    );
    set_hook(None, 0);
    assert_eq!(
        FIRST_CALLS.load(Ordering::SeqCst),
        1,
        "first callback: one line"
    );
    assert!(
        SECOND_CALLS.load(Ordering::SeqCst) >= 2,
        "the replacement got the later lines: {}",
        SECOND_CALLS.load(Ordering::SeqCst)
    );
}

// --- The setter still waits for calls on other threads: from outside and from inside. ---

thread_local! {
    /// What the callback does on this test thread.
    static ROLE: Cell<Role> = const { Cell::new(Role::Quiet) };
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// Lines of other threads: return at once.
    Quiet,
    /// Stays inside the callback for a while, flagged by SLOW_INSIDE.
    Slow,
    /// Waits until a Slow call is inside, then removes the hook from inside its own call.
    Unhooker,
}

static SLOW_INSIDE: AtomicBool = AtomicBool::new(false);
static SLOW_ENTERED: AtomicUsize = AtomicUsize::new(0);
/// Whether a Slow call was still inside when the setter returned (must stay false).
static SEEN_INSIDE_AFTER_SET: AtomicBool = AtomicBool::new(false);
static UNHOOKER_RAN: AtomicBool = AtomicBool::new(false);

fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

extern "C" fn role_hook(_: *mut c_void, _: u32, _: *const c_char) {
    match ROLE.with(|r| r.get()) {
        Role::Quiet => {}
        Role::Slow => {
            SLOW_INSIDE.store(true, Ordering::SeqCst);
            SLOW_ENTERED.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            SLOW_INSIDE.store(false, Ordering::SeqCst);
        }
        Role::Unhooker => {
            if UNHOOKER_RAN.swap(true, Ordering::SeqCst) {
                return;
            }
            wait_for("a slow call inside the hook", || {
                SLOW_INSIDE.load(Ordering::SeqCst)
            });
            hathora_set_log_callback(None, null_mut(), 0);
            if SLOW_INSIDE.load(Ordering::SeqCst) {
                SEEN_INSIDE_AFTER_SET.store(true, Ordering::SeqCst);
            }
        }
    }
}

/// Keeps making logged calls as a Slow thread until `stop`, so one is inside the hook often.
fn slow_logger(
    emu_url: String,
    app: String,
    token: String,
    stop: &'static AtomicBool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        ROLE.with(|r| r.set(Role::Slow));
        let cl = client_with_parts(&emu_url, &app, &token);
        while !stop.load(Ordering::SeqCst) {
            one_logged_call(&cl);
        }
    })
}

fn client_with_parts(url: &str, app: &str, token: &str) -> CClient {
    client_at(url, |cfg| unsafe {
        assert_eq!(hathora_config_set_app_id(cfg, c(app).as_ptr()), Code::Ok);
        assert_eq!(
            hathora_config_set_dev_token(cfg, c(token).as_ptr()),
            Code::Ok
        );
    })
}

fn reset_roles() {
    SLOW_INSIDE.store(false, Ordering::SeqCst);
    SLOW_ENTERED.store(0, Ordering::SeqCst);
    SEEN_INSIDE_AFTER_SET.store(false, Ordering::SeqCst);
    UNHOOKER_RAN.store(false, Ordering::SeqCst);
}

#[test]
fn setting_from_outside_waits_for_calls_on_other_threads() {
    let _g = serial();
    reset_roles();
    let emu = emulator();
    static STOP: AtomicBool = AtomicBool::new(false);
    STOP.store(false, Ordering::SeqCst);
    set_hook(Some(role_hook), DEBUG);
    let slow = slow_logger(emu.url(), emu.app_id().into(), emu.token().into(), &STOP);
    wait_for("a slow call inside the hook", || {
        SLOW_INSIDE.load(Ordering::SeqCst)
    });
    within(
        "removing the hook from outside",
        Duration::from_secs(30),
        || hathora_set_log_callback(None, null_mut(), 0),
    );
    let inside = SLOW_INSIDE.load(Ordering::SeqCst);
    let entered = SLOW_ENTERED.load(Ordering::SeqCst);
    STOP.store(true, Ordering::SeqCst);
    slow.join().unwrap();
    assert!(
        !inside,
        "a call of the removed hook was still running after the setter returned"
    );
    assert_eq!(
        SLOW_ENTERED.load(Ordering::SeqCst),
        entered,
        "the removed hook was called again"
    );
}

#[test]
fn setting_from_inside_waits_for_calls_on_other_threads() {
    let _g = serial();
    reset_roles();
    let emu = emulator();
    static STOP: AtomicBool = AtomicBool::new(false);
    STOP.store(false, Ordering::SeqCst);
    set_hook(Some(role_hook), DEBUG);
    let slow = slow_logger(emu.url(), emu.app_id().into(), emu.token().into(), &STOP);
    let (url, app, token) = (emu.url(), emu.app_id().to_owned(), emu.token().to_owned());
    within(
        "removing the hook from inside while another thread is inside",
        Duration::from_secs(60),
        move || {
            ROLE.with(|r| r.set(Role::Unhooker));
            let cl = client_with_parts(&url, &app, &token);
            one_logged_call(&cl);
        },
    );
    STOP.store(true, Ordering::SeqCst);
    slow.join().unwrap();
    assert!(
        UNHOOKER_RAN.load(Ordering::SeqCst),
        "the unhooking call ran"
    );
    assert!(
        !SEEN_INSIDE_AFTER_SET.load(Ordering::SeqCst),
        "the setter called from inside returned while another thread was inside the old hook"
    );
}

// --- A library call made from inside the callback: its own lines are not delivered
// re-entrantly (no recursion), and it completes. ---

static NESTED_DEPTH: AtomicUsize = AtomicUsize::new(0);
static NESTED_MAX: AtomicUsize = AtomicUsize::new(0);
static NESTED_CLIENT: std::sync::Mutex<Option<CClient>> = std::sync::Mutex::new(None);

extern "C" fn hook_that_calls_the_library(_: *mut c_void, _: u32, _: *const c_char) {
    let depth = NESTED_DEPTH.fetch_add(1, Ordering::SeqCst) + 1;
    NESTED_MAX.fetch_max(depth, Ordering::SeqCst);
    if depth == 1
        && let Some(cl) = NESTED_CLIENT.lock().unwrap().as_ref()
    {
        one_logged_call(cl);
    }
    NESTED_DEPTH.fetch_sub(1, Ordering::SeqCst);
}

#[test]
fn library_calls_inside_the_callback_do_not_recurse() {
    let _g = serial();
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    *NESTED_CLIENT.lock().unwrap() = Some(client(&emu, HathoraDispatchMode::Worker));
    NESTED_MAX.store(0, Ordering::SeqCst);
    set_hook(Some(hook_that_calls_the_library), DEBUG);
    let code = within(
        "a log callback that calls the library",
        Duration::from_secs(30),
        move || one_logged_call(&cl),
    );
    set_hook(None, 0);
    NESTED_CLIENT.lock().unwrap().take();
    assert_eq!(code, Code::ApiError);
    assert_eq!(
        NESTED_MAX.load(Ordering::SeqCst),
        1,
        "the callback was entered re-entrantly"
    );
}
