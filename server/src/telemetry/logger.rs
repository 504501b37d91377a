//! The server log: the `log` crate's facade, written to stdout by one thread through a bounded
//! queue, so that logging never slows a request (lines are dropped, and counted, when the queue
//! is full). Request lines (target [`REQUEST`]) are written as they are; other lines get their
//! level as a prefix when it is not `info`. When stdout's reader goes away, the log is
//! discarded from then on (said once on stderr): the server never stops for its log.
//!
//! Nothing logged here may carry a token: callers log paths, ids, statuses and reasons only.
//! Records of the Docker Engine client (`bollard`) below `info` are dropped whatever the level:
//! at `debug` it logs request bodies, containers' environments (process tokens) included.

use std::io::{BufWriter, ErrorKind, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// Target of the one-line-per-request log.
pub(crate) const REQUEST: &str = "request";

const QUEUE: usize = 64 * 1024;

/// Target prefix of the Docker Engine client's records.
const DOCKER_CLIENT: &str = "bollard";

enum Msg {
    Line(String),
    /// Write out what is queued, then answer.
    Flush(SyncSender<()>),
}

struct StdoutLogger {
    tx: SyncSender<Msg>,
    lost: &'static AtomicU64,
}

static LOGGER: OnceLock<StdoutLogger> = OnceLock::new();

/// Installs the stdout logger as the `log` facade's logger (once per process; later calls only
/// change the level). `Info` writes request and lifecycle lines, `Warn` only problems. Returns
/// false when another logger was installed first (lines then go to that one).
pub fn install(level: LevelFilter) -> bool {
    let logger = LOGGER.get_or_init(|| {
        let (tx, rx) = sync_channel(QUEUE);
        let lost: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
        // The writer lives as long as the process; it blocks on the queue when idle.
        let _ = std::thread::Builder::new()
            .name("hathora-rooms-server-log".into())
            .spawn(move || write_lines(rx, lost));
        StdoutLogger { tx, lost }
    });
    let installed = log::set_logger(logger).is_ok()
        || std::ptr::eq(
            log::logger() as *const dyn Log as *const u8,
            logger as *const StdoutLogger as *const u8,
        );
    log::set_max_level(level);
    installed
}

/// Waits (a few seconds at most) until every line logged so far is written.
pub fn flush() {
    log::logger().flush();
}

impl Log for StdoutLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        keeps(metadata, log::max_level())
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = match record.level() {
            Level::Info | Level::Debug | Level::Trace => record.args().to_string(),
            Level::Warn => format!("warning: {}", record.args()),
            Level::Error => format!("error: {}", record.args()),
        };
        if let Err(TrySendError::Full(_)) = self.tx.try_send(Msg::Line(line)) {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {
        let (ack, done) = sync_channel(1);
        if self.tx.send(Msg::Flush(ack)).is_ok() {
            let _ = done.recv_timeout(Duration::from_secs(5));
        }
    }
}

/// Whether a record is written at this level.
fn keeps(metadata: &Metadata, max: LevelFilter) -> bool {
    metadata.level() <= max
        && !(metadata.level() > Level::Info && metadata.target().starts_with(DOCKER_CLIENT))
}

fn write_lines(rx: Receiver<Msg>, lost: &AtomicU64) {
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut reported = 0;
    // Once stdout's reader went away (`hathora-rooms-server ... | head -2`), lines are
    // discarded: the server serves on, it only has no log any more.
    let mut closed = false;
    while let Ok(msg) = rx.recv() {
        let mut next = Some(msg);
        let mut acks = Vec::new();
        let mut written = Ok(());
        // Write everything already queued, then flush once.
        while let Some(msg) = next {
            match msg {
                Msg::Line(l) if !closed => written = written.and_then(|()| writeln!(out, "{l}")),
                Msg::Line(_) => {}
                Msg::Flush(ack) => acks.push(ack),
            }
            next = rx.try_recv().ok();
        }
        let n = lost.load(Ordering::Relaxed);
        if n != reported && !closed {
            let dropped = writeln!(out, "({} log lines dropped: log queue full)", n - reported);
            written = written.and(dropped);
            reported = n;
        }
        if !closed {
            written = written.and_then(|()| out.flush());
        }
        if written.is_err_and(|e| e.kind() == ErrorKind::BrokenPipe) {
            closed = true;
            let _ = writeln!(
                std::io::stderr(),
                "hathora-rooms-server: warning: stdout was closed by its reader: the log is discarded from now on (the server keeps serving)"
            );
        }
        for ack in acks {
            let _ = ack.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docker_clients_records_below_info_are_dropped_at_any_level() {
        fn record(target: &str, level: Level) -> Metadata<'_> {
            log::MetadataBuilder::new()
                .target(target)
                .level(level)
                .build()
        }
        for level in [Level::Debug, Level::Trace] {
            for target in ["bollard", "bollard::docker", "bollard::container"] {
                assert!(
                    !keeps(&record(target, level), LevelFilter::Trace),
                    "{target} {level}"
                );
            }
            assert!(keeps(&record("hathora", level), LevelFilter::Trace));
        }
        assert!(keeps(
            &record("bollard::docker", Level::Info),
            LevelFilter::Trace
        ));
        assert!(keeps(
            &record("bollard::docker", Level::Warn),
            LevelFilter::Warn
        ));
        assert!(!keeps(&record("hathora", Level::Info), LevelFilter::Warn));
    }
}
