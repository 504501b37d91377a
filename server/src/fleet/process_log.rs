//! A process's stdout and stderr in its own size-capped file, for every fleet on this host: a
//! child's pipe and a container's output stream are written here alike.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// A process's stdout and stderr, kept to `NAME` up to the cap, then rotated once to `NAME.1`.
pub(crate) struct CappedLog {
    path: PathBuf,
    file: File,
    written: u64,
    cap: u64,
}

impl CappedLog {
    pub(crate) fn create(dir: &Path, name: &str, cap: u64) -> io::Result<CappedLog> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(name);
        Ok(CappedLog {
            file: open_log(&path)?,
            path,
            written: 0,
            cap,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `data`, rotating once the cap is reached.
    pub(crate) fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
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
