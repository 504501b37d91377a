//! The system calls on one child process: signals to its process group, learning that it
//! exited without reaping it, and reaping it.
//!
//! The child is reaped only after its group has been swept with SIGKILL: until then its zombie
//! keeps its pid (which is also the group id) from being reused, so a signal to the group can
//! never reach another process.

use std::io;

use tokio::sync::watch;

use crate::fleet::ExitCause;

/// One child of this process, leader of its own process group. Never reaped by anyone else.
#[derive(Clone, Copy, Debug)]
pub(super) struct Child {
    pub pid: libc::pid_t,
}

impl Child {
    /// SIGTERM to the group, and to the leader if it moved to a group of its own.
    pub(super) fn terminate(self) {
        self.signal_group(libc::SIGTERM);
        // SAFETY: getpgid only reads; the pid is our unreaped child.
        if unsafe { libc::getpgid(self.pid) } != self.pid {
            self.signal_leader(libc::SIGTERM);
        }
    }

    /// SIGKILL to the group and to the leader (twice is harmless for SIGKILL).
    pub(super) fn kill(self) {
        self.signal_group(libc::SIGKILL);
        self.signal_leader(libc::SIGKILL);
    }

    fn signal_group(self, signal: libc::c_int) {
        // SAFETY: plain syscall. ESRCH (the group is empty) is fine.
        unsafe { libc::kill(-self.pid, signal) };
    }

    fn signal_leader(self, signal: libc::c_int) {
        // SAFETY: plain syscall on our unreaped child.
        unsafe { libc::kill(self.pid, signal) };
    }

    /// Has it exited? Leaves it a zombie (WNOWAIT), so the pid stays ours.
    pub(super) fn has_exited(self) -> bool {
        // SAFETY: waitid fills `info`; an all-zero siginfo_t is a valid value.
        unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
            libc::waitid(libc::P_PID, self.pid as libc::id_t, &mut info, flags) == 0
                && info.si_pid() != 0
        }
    }

    /// Waits (SIGCHLD-driven, no polling) until it has exited; it stays unreaped.
    pub(super) async fn exited(self, mut sigchld: watch::Receiver<u64>) {
        loop {
            // Marked seen before the check, so an exit after the check wakes `changed`.
            sigchld.borrow_and_update();
            if self.has_exited() {
                return;
            }
            if sigchld.changed().await.is_err() {
                // The fleet is gone; its last owner reaps what is left (see LocalFleet's Drop).
                std::future::pending::<()>().await;
            }
        }
    }

    /// Sweeps what is left of its group, then reaps it: its own way of ending.
    /// Call only once it has exited (else this blocks until it does).
    pub(super) fn sweep_and_reap(self) -> io::Result<ExitCause> {
        self.signal_group(libc::SIGKILL);
        let mut status = 0;
        loop {
            // SAFETY: waitpid on our own child, writing into `status`.
            let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
            if r == self.pid {
                break;
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
        Ok(if libc::WIFSIGNALED(status) {
            ExitCause::Signaled(libc::WTERMSIG(status))
        } else {
            ExitCause::Exited(libc::WEXITSTATUS(status))
        })
    }
}

/// A counter bumped on every SIGCHLD this process receives, for [`Child::exited`]. The task
/// ends when no receiver is left.
pub(super) fn sigchld_counter() -> io::Result<watch::Receiver<u64>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut signals = signal(SignalKind::child())?;
    let (tx, rx) = watch::channel(0u64);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                got = signals.recv() => match got {
                    Some(()) => tx.send_modify(|n| *n = n.wrapping_add(1)),
                    None => return,
                },
                () = tx.closed() => return,
            }
        }
    });
    Ok(rx)
}
