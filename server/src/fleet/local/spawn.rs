//! Starting game-server processes, all from one dedicated thread.
//!
//! Why a thread of its own: Linux's parent-death signal (PR_SET_PDEATHSIG) fires when the
//! *thread* that forked the child exits, not the process. A fork from a tokio worker, a
//! `spawn_blocking` thread (they exit when idle) or a caller's thread would kill the game server
//! when that thread ends. `tokio::process::Command::spawn` forks on the calling thread, so it is
//! not used. This thread lives as long as the fleet (until every child has been reaped).

use std::collections::BTreeMap;
use std::io::{self, PipeReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use super::child::Child;
use crate::fleet::process_log::CappedLog;

/// How to start one process.
pub(super) struct SpawnJob {
    pub command: PathBuf,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub working_dir: PathBuf,
    pub log_dir: PathBuf,
    pub log_name: String,
    pub log_max_bytes: u64,
}

/// A started process and the read end of its stdout+stderr pipe.
pub(super) struct Spawned {
    pub child: Child,
    pub output: PipeReader,
    pub log: CappedLog,
}

type Reply = oneshot::Sender<Result<Spawned, String>>;

pub(super) struct Spawner {
    jobs: Option<mpsc::Sender<(SpawnJob, Reply)>>,
    thread: Option<JoinHandle<()>>,
}

impl Spawner {
    pub(super) fn start() -> io::Result<Spawner> {
        let (tx, rx) = mpsc::channel::<(SpawnJob, Reply)>();
        let thread = std::thread::Builder::new()
            .name("fleet-spawner".into())
            .spawn(move || {
                for (job, reply) in rx {
                    // The asker is gone (its runtime is shutting down): leave nothing behind.
                    if let Err(Ok(orphan)) = reply.send(spawn(job)) {
                        orphan.child.kill();
                        let _ = orphan.child.sweep_and_reap();
                    }
                }
            })?;
        Ok(Spawner {
            jobs: Some(tx),
            thread: Some(thread),
        })
    }

    /// Starts the process on the spawner thread. `Err` is a readable reason (the OS's).
    pub(super) async fn spawn(&self, job: SpawnJob) -> Result<Spawned, String> {
        let (tx, rx) = oneshot::channel();
        let jobs = self.jobs.as_ref().ok_or("the spawner has stopped")?;
        jobs.send((job, tx))
            .map_err(|_| "the spawner has stopped".to_owned())?;
        rx.await.map_err(|_| "the spawner has stopped".to_owned())?
    }
}

impl Drop for Spawner {
    /// Ends the thread once its children are reaped (the fleet's owner sees to that first).
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn spawn(job: SpawnJob) -> Result<Spawned, String> {
    let log = CappedLog::create(&job.log_dir, &job.log_name, job.log_max_bytes)
        .map_err(|e| format!("cannot open a log file in {}: {e}", job.log_dir.display()))?;
    let (output, input) = io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
    let stderr = input
        .try_clone()
        .map_err(|e| format!("cannot make a pipe: {e}"))?;
    let mut command = Command::new(&job.command);
    command
        .args(&job.args)
        .env_clear()
        .envs(&job.env)
        .current_dir(&job.working_dir)
        .stdin(Stdio::null())
        .stdout(input)
        .stderr(stderr)
        .process_group(0);
    die_with_server(&mut command);
    let child = command.spawn().map_err(|e| {
        format!(
            "cannot start {} (in {}): {e}",
            job.command.display(),
            job.working_dir.display()
        )
    })?;
    // Dropping `command` closes our copies of the pipe's write end: EOF comes when the
    // child's group has closed theirs.
    drop(command);
    let pid = child.id() as libc::pid_t;
    Ok(Spawned {
        child: Child { pid },
        output,
        log,
    })
}

/// On Linux the child gets SIGKILL when this (the spawner) thread ends, the server's death
/// included. Then it checks that its parent is still the server: if the server died between
/// fork and prctl, nothing would ever send that signal.
#[cfg(target_os = "linux")]
fn die_with_server(command: &mut Command) {
    // SAFETY: getpid has no precondition.
    let server = unsafe { libc::getpid() };
    // SAFETY: the closure runs between fork and exec and only makes async-signal-safe calls
    // (prctl, getppid; io::Error from an errno number allocates nothing).
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            if libc::getppid() != server {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_server(_command: &mut Command) {}
