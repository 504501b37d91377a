//! The process-wide log hook an engine routes to its console. Messages never contain the dev
//! token: no code path formats it, and `config::Secret` prints as `<redacted>`.
//!
//! The hook may replace or remove itself from inside its own call (e.g. unhook after the first
//! line). So no lock is held while it runs: `emit` takes a counted reference to the hook under a
//! short lock, and `set_sink` waits for the references of the hook it replaced to be dropped,
//! except those held by its own thread, which cannot be waited for without a deadlock.

use crate::locks;
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Severity of a log message; a hook receives messages at or below its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

pub type LogSink = Box<dyn Fn(LogLevel, &str) + Send + Sync>;

struct Hook {
    level: LogLevel,
    sink: LogSink,
}

/// The installed hook; `Arc` clones of it are the calls in progress.
static SLOT: Mutex<Option<Arc<Hook>>> = Mutex::new(None);
/// Signalled whenever a call of a hook ends, for a `set_sink` waiting for them.
static CALL_ENDED: Condvar = Condvar::new();
/// The installed hook's level (0 when none): lets `emit` skip the lock for unwanted levels.
static MAX_LEVEL: AtomicU32 = AtomicU32::new(0);

thread_local! {
    /// The hook this thread is calling now (at most one: nested lines are dropped).
    static IN_CALL: Cell<Option<*const Hook>> = const { Cell::new(None) };
}

fn slot() -> MutexGuard<'static, Option<Arc<Hook>>> {
    locks::lock(&SLOT)
}

/// Installs (or with `None`, removes) the hook. On return no call of the previous hook is still
/// running on another thread. Called from inside a hook call, that call itself of course still
/// runs (on this thread) until it returns.
pub fn set_sink(level: LogLevel, sink: Option<LogSink>) {
    let new = sink
        .filter(|_| level != LogLevel::Off)
        .map(|sink| Arc::new(Hook { level, sink }));
    let mut guard = slot();
    MAX_LEVEL.store(
        new.as_ref().map_or(0, |h| h.level as u32),
        Ordering::Release,
    );
    let Some(old) = std::mem::replace(&mut *guard, new) else {
        return;
    };
    // No new reference to `old` can appear now; wait for the others' calls to end.
    let own = IN_CALL.with(|c| c.get()) == Some(Arc::as_ptr(&old));
    let others_done = 1 + usize::from(own);
    while Arc::strong_count(&old) > others_done {
        guard = locks::wait(&CALL_ENDED, guard);
    }
    drop(guard);
    // The last reference is usually this one: the hook (and what it captured) is dropped here,
    // outside the lock.
    drop(old);
}

/// Formats and emits only when a hook wants this level. A line logged by the library while
/// this thread is already inside the hook (a library call made by the hook) is dropped rather
/// than delivered re-entrantly.
pub fn emit(level: LogLevel, message: impl FnOnce() -> String) {
    if level == LogLevel::Off || level as u32 > MAX_LEVEL.load(Ordering::Acquire) {
        return;
    }
    if IN_CALL.with(|c| c.get()).is_some() {
        return;
    }
    let Some(hook) = slot().clone().filter(|h| level <= h.level) else {
        return;
    };
    let text = message();
    IN_CALL.with(|c| c.set(Some(Arc::as_ptr(&hook))));
    // A hook that panics must not take the request down with it.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (hook.sink)(level, &text)));
    IN_CALL.with(|c| c.set(None));
    drop(hook);
    // Signalled under the lock, so a `set_sink` that saw the count before the drop is already
    // waiting and wakes up.
    let _guard = slot();
    CALL_ENDED.notify_all();
}

macro_rules! log_at {
    ($level:ident, $($arg:tt)*) => {
        $crate::log::emit($crate::log::LogLevel::$level, || format!($($arg)*))
    };
}
pub(crate) use log_at;
