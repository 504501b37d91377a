//! "Ready means listening", inside the container: its network namespace's socket tables (read
//! through its main process, `/proc/<pid>/net/...`) list a listening TCP socket on the default
//! container port (TCP and TLS), or a UDP socket bound to it. Only processes of the container
//! share that namespace, so such a socket is the game server's.
//!
//! A connect to the published host port proves nothing: Docker's userland proxy accepts it
//! (and closes it) even when nothing listens in the container.

use std::io;

use crate::fleet::Transport;
use crate::fleet::proc_net::{self, TCP_LISTEN};

/// Whether the container whose main process is `pid` (in this host's pid namespace) listens
/// on `port`. An error: its tables cannot be read (it has ended, or this server cannot see
/// the engine's processes).
pub(super) fn listening(transport: Transport, port: u16, pid: u32) -> io::Result<bool> {
    let (tables, must_listen) = match transport {
        Transport::Tcp | Transport::Tls => (["tcp", "tcp6"], true),
        Transport::Udp => (["udp", "udp6"], false),
    };
    let mut found = false;
    for table in tables {
        let sockets = match proc_net::sockets(&format!("/proc/{pid}/net/{table}")) {
            Ok(sockets) => sockets,
            // A host without IPv6 has no tcp6 table; tcp was read.
            Err(e) if table.ends_with('6') && e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        found |= sockets.iter().any(|s| {
            s.local_port == port && s.inode != 0 && (!must_listen || s.state == TCP_LISTEN)
        });
    }
    Ok(found)
}
