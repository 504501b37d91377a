//! A process's stdout and stderr: one pipe shared by both (so lines keep the order the process
//! wrote them in), drained by a task into a size-capped file. The task reads whatever arrives,
//! so the process never blocks on a full pipe, and holds one small buffer.

use std::fs::{File, OpenOptions};
use std::io::{self, PipeReader, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::unix::pipe;
use tokio::sync::Notify;

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
                log.path.display()
            );
            failed = true;
        }
    }
}

/// A process's stdout and stderr, kept to `NAME` up to the cap, then rotated once to `NAME.1`.
pub(super) struct CappedLog {
    path: PathBuf,
    file: File,
    written: u64,
    cap: u64,
}

impl CappedLog {
    pub(super) fn create(dir: &Path, name: &str, cap: u64) -> io::Result<CappedLog> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(name);
        Ok(CappedLog {
            file: open_log(&path)?,
            path,
            written: 0,
            cap,
        })
    }

    fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            if self.written >= self.cap {
                self.rotate()?;
            }
            let room = usize::try_from(self.cap - self.written).unwrap_or(usize::MAX);
            let (now, later) = data.split_at(room.min(data.len()));
            self.file.write_all(now)?;
            self.written += now.len() as u64;
            data = later;
        }
        Ok(())
    }

    fn rotate(&mut self) -> io::Result<()> {
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, old)?;
        self.file = open_log(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

fn open_log(path: &Path) -> io::Result<File> {
    // Owner only: a game server may print what it should not.
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}
