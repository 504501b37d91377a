//! The API on each container's own loopback. A container's 127.0.0.1 is its own: to be there,
//! the server opens a listener inside the container's network namespace (a thread of its own
//! enters the namespace, binds `127.0.0.1:PORT`, and ends; the socket stays in that namespace),
//! and serves its API on it. A game server then calls `http://127.0.0.1:PORT`: loopback, which
//! every client allows without TLS (this project's library refuses plain HTTP anywhere else),
//! its token never crosses an interface, not even the engine's bridge, and no other container
//! can reach that listener.
//!
//! Entering another process's network namespace takes CAP_SYS_ADMIN: the server runs as root.
//! The listener is bound right after the container has started, so a game server that calls
//! the API at once may find nothing there yet for a few milliseconds: clients retry a refused
//! connection (this project's library does, after its back-off).

use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::os::fd::AsRawFd;

/// `HATHORA_BASE_URL` of a game server whose API is on its own loopback at `port`.
pub fn loopback_base_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// A listener on `127.0.0.1:port` in the network namespace of process `pid` (of this host's pid
/// namespace). `NotFound` when that process is gone.
pub(super) fn listen_in(pid: u32, port: u16) -> io::Result<TcpListener> {
    let namespace =
        File::open(format!("/proc/{pid}/ns/net")).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOENT | libc::ESRCH) => io::Error::new(io::ErrorKind::NotFound, e),
            _ => e,
        })?;
    // setns changes the calling thread's namespace for good: a thread of its own, which ends.
    std::thread::Builder::new()
        .name("container-api-listener".into())
        .spawn(move || {
            enter(&namespace)?;
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
            listener.set_nonblocking(true)?;
            Ok(listener)
        })?
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the listener thread panicked")))
}

/// Whether this server may enter network namespaces: it enters its own (which changes nothing,
/// on a thread of its own), which takes the same privilege as entering a container's.
pub(super) fn check_privilege() -> Result<(), String> {
    let own = File::open("/proc/thread-self/ns/net")
        .map_err(|e| format!("cannot open this server's network namespace: {e}"))?;
    std::thread::spawn(move || enter(&own))
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the check's thread panicked")))
        .map_err(|e| {
            format!(
                "containers reach the API on their own loopback, which takes entering their \
                 network namespaces, and this server may not ({e}): run it as root \
                 (CAP_SYS_ADMIN), or set [server] base_url to an address containers reach"
            )
        })
}

fn enter(namespace: &File) -> io::Result<()> {
    // SAFETY: a valid descriptor of a network namespace; affects the calling thread only.
    if unsafe { libc::setns(namespace.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_that_is_gone_is_not_found() {
        // Pids are below 2^22 on Linux.
        let e = listen_in(u32::MAX - 1, 9).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound, "{e}");
    }

    #[test]
    fn the_base_url_is_loopback_without_a_trailing_slash() {
        assert_eq!(loopback_base_url(9188), "http://127.0.0.1:9188");
    }
}
