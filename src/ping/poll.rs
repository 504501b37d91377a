//! Waiting for the first of several sockets to become readable, or for a cancel, without a
//! thread per socket: one poll(2) over the sockets and a wake-up descriptor that the request's
//! cancel token writes to, so a cancel (or the client being freed) ends the wait at once.

use crate::cancel::{CancelToken, OnCancel};
use std::io;
use std::net::UdpSocket;
use std::time::Duration;

/// The read end of a wake-up channel, written to when the token is cancelled. Registered for
/// as long as it lives.
pub(super) struct Wakeup {
    #[cfg(unix)]
    rx: std::os::unix::net::UnixDatagram,
    _registration: OnCancel,
}

impl Wakeup {
    #[cfg(unix)]
    pub(super) fn new(cancel: &CancelToken) -> io::Result<Wakeup> {
        let (tx, rx) = std::os::unix::net::UnixDatagram::pair()?;
        tx.set_nonblocking(true)?;
        rx.set_nonblocking(true)?;
        // A full buffer means a wake-up is already waiting: the error is of no consequence.
        let registration = cancel.on_cancel(move || drop(tx.send(&[1])));
        Ok(Wakeup {
            rx,
            _registration: registration,
        })
    }

    /// Not yet on this platform (Windows needs `WSAPoll` and a socket pair).
    #[cfg(not(unix))]
    pub(super) fn new(_cancel: &CancelToken) -> io::Result<Wakeup> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "region pings are not available on this platform yet",
        ))
    }
}

/// Waits until one of `sockets` has something to read, `wakeup` is written to, or `wait` has
/// passed (rounded up to the millisecond, so a wait never ends early and turns the caller into a
/// busy loop). Returns which sockets are readable (an error condition counts: the next read
/// takes it); the caller checks its cancel token itself. A signal that interrupts the wait
/// returns all false, as if the wait had passed.
#[cfg(unix)]
pub(super) fn readable(
    sockets: &[&UdpSocket],
    wakeup: &Wakeup,
    wait: Duration,
) -> io::Result<Vec<bool>> {
    use std::os::fd::AsRawFd;
    let mut fds: Vec<libc::pollfd> = sockets
        .iter()
        .map(|s| s.as_raw_fd())
        .chain([wakeup.rx.as_raw_fd()])
        .map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let ms = wait.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as libc::c_int;
    // SAFETY: `fds` is a live array of `fds.len()` pollfd, on descriptors that outlive the call.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(vec![false; sockets.len()]);
        }
        return Err(e);
    }
    Ok(fds[..sockets.len()]
        .iter()
        .map(|f| f.revents != 0)
        .collect())
}

#[cfg(not(unix))]
pub(super) fn readable(
    _sockets: &[&UdpSocket],
    _wakeup: &Wakeup,
    _wait: Duration,
) -> io::Result<Vec<bool>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "region pings are not available on this platform yet",
    ))
}
