//! A process's stdout and stderr: one pipe shared by both (so lines keep the order the process
//! wrote them in), drained by a task into its size-capped log (`fleet::process_log`). The task
//! reads whatever arrives, so the process never blocks on a full pipe, and holds one small
//! buffer.

use std::io::{self, PipeReader};
use std::os::fd::OwnedFd;
use std::sync::Arc;

use tokio::net::unix::pipe;
use tokio::sync::Notify;

use crate::fleet::process_log::CappedLog;

const BUFFER: usize = 8 * 1024;

/// Copies the pipe to the log until every writer has closed it. `output` is notified on each
/// chunk (a hint for the readiness probe: game servers tend to print when they listen).
pub(super) async fn drain(
    reader: PipeReader,
    mut log: CappedLog,
    output: Arc<Notify>,
    process_id: String,
) {
    let reader = match pipe::Receiver::from_owned_fd(OwnedFd::from(reader)) {
        Ok(reader) => reader,
        Err(e) => {
            log::warn!("process {process_id}: cannot read its output: {e}");
            return;
        }
    };
    let mut buf = vec![0; BUFFER];
    let mut failed = false;
    loop {
        let n = match reader
            .readable()
            .await
            .and_then(|()| reader.try_read(&mut buf))
        {
            Ok(0) => return,
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(e) => {
                log::warn!("process {process_id}: reading its output failed: {e}");
                return;
            }
        };
        output.notify_one();
        // On a write error (disk full) keep draining, so that the process never blocks.
        if !failed && let Err(e) = log.write(&buf[..n]) {
            log::warn!(
                "process {process_id}: writing its log {} failed: {e}",
                log.path().display()
            );
            failed = true;
        }
    }
}
