//! The process-wide log hook an engine routes to its console. Messages never contain the dev
//! token: no code path formats it, and `config::Secret` prints as `<redacted>`.

use crate::sync;
use std::sync::RwLock;

/// Severity of a log message; a hook receives messages at or below its level.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HathoraLogLevel {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

pub type LogSink = Box<dyn Fn(HathoraLogLevel, &str) + Send + Sync>;

static SINK: RwLock<Option<(HathoraLogLevel, LogSink)>> = RwLock::new(None);

/// Installs (or with `None`, removes) the hook.
pub fn set_sink(level: HathoraLogLevel, sink: Option<LogSink>) {
    let mut slot = sync::write(&SINK);
    *slot = sink.map(|s| (level, s));
}

/// Formats and emits only when a hook wants this level.
pub fn emit(level: HathoraLogLevel, message: impl FnOnce() -> String) {
    let slot = sync::read(&SINK);
    if let Some((max, sink)) = slot.as_ref()
        && level != HathoraLogLevel::Off
        && level <= *max
    {
        let text = message();
        // A hook that panics must not take the request down with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(level, &text)));
    }
}

macro_rules! log_at {
    ($level:ident, $($arg:tt)*) => {
        $crate::log::emit($crate::log::HathoraLogLevel::$level, || format!($($arg)*))
    };
}
pub(crate) use log_at;
