//! One line per request to stdout, written by a dedicated thread through a bounded queue so
//! that logging never slows the request path (lines are dropped, and counted, if it overflows).

use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::http::Method;
use parking_lot::Mutex;

const QUEUE: usize = 64 * 1024;

struct Line {
    method: Method,
    target: String,
    /// `None`: the connection was dropped without a response.
    status: Option<u16>,
    elapsed: Duration,
}

enum Msg {
    Line(Line),
    Stop,
}

pub(crate) struct RequestLogger {
    tx: SyncSender<Msg>,
    lost: std::sync::Arc<AtomicU64>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl RequestLogger {
    pub(crate) fn start() -> Self {
        let (tx, rx) = sync_channel(QUEUE);
        let lost = std::sync::Arc::new(AtomicU64::new(0));
        let lost2 = lost.clone();
        let thread = std::thread::Builder::new()
            .name("hathora-rooms-server-log".into())
            .spawn(move || run(rx, &lost2))
            .ok();
        RequestLogger {
            tx,
            lost,
            thread: Mutex::new(thread),
        }
    }

    pub(crate) fn log(
        &self,
        method: Method,
        target: String,
        status: Option<u16>,
        elapsed: Duration,
    ) {
        let msg = Msg::Line(Line {
            method,
            target,
            status,
            elapsed,
        });
        if let Err(TrySendError::Full(_)) = self.tx.try_send(msg) {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Write out what is queued and stop the writer thread.
    pub(crate) fn stop(&self) {
        if let Some(t) = self.thread.lock().take() {
            let _ = self.tx.send(Msg::Stop);
            let _ = t.join();
        }
    }
}

impl Drop for RequestLogger {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(rx: Receiver<Msg>, lost: &AtomicU64) {
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut reported = 0;
    while let Ok(msg) = rx.recv() {
        let mut next = Some(msg);
        // Write everything already queued, then flush once.
        while let Some(msg) = next {
            match msg {
                Msg::Line(l) => write_line(&mut out, &l),
                Msg::Stop => {
                    let _ = out.flush();
                    return;
                }
            }
            next = rx.try_recv().ok();
        }
        let n = lost.load(Ordering::Relaxed);
        if n != reported {
            let _ = writeln!(out, "({} log lines dropped: log queue full)", n - reported);
            reported = n;
        }
        let _ = out.flush();
    }
    let _ = out.flush();
}

fn write_line(out: &mut impl Write, l: &Line) {
    let ms = l.elapsed.as_secs_f64() * 1000.0;
    let _ = match l.status {
        Some(s) => writeln!(out, "{} {} {} {:.3}ms", l.method, l.target, s, ms),
        None => writeln!(out, "{} {} dropped {:.3}ms", l.method, l.target, ms),
    };
}
