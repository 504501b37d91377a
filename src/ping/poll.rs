//! Waiting for the first of several sockets to become readable, without a thread per socket.

use std::io;
use std::net::UdpSocket;
use std::time::Duration;

/// Waits until one of `sockets` has something to read, or `wait` has passed (rounded up to the
/// millisecond, so a wait never ends early and turns the caller into a busy loop). Returns which
/// sockets are readable (an error condition counts: the next read takes it). A signal that
/// interrupts the wait returns all false, as if the wait had passed.
#[cfg(unix)]
pub(super) fn readable(sockets: &[&UdpSocket], wait: Duration) -> io::Result<Vec<bool>> {
    use std::os::fd::AsRawFd;
    let mut fds: Vec<libc::pollfd> = sockets
        .iter()
        .map(|s| libc::pollfd {
            fd: s.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let ms = wait.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as libc::c_int;
    // SAFETY: `fds` is a live array of `fds.len()` pollfd, on sockets that outlive the call.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(vec![false; fds.len()]);
        }
        return Err(e);
    }
    Ok(fds.iter().map(|f| f.revents != 0).collect())
}

/// Not yet on this platform (Windows needs `WSAPoll`); the measurement fails with this reason.
#[cfg(not(unix))]
pub(super) fn readable(_sockets: &[&UdpSocket], _wait: Duration) -> io::Result<Vec<bool>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "region pings are not available on this platform yet",
    ))
}
