//! "Ready means listening": is a starting process listening on its default port yet?
//! TCP (and TLS, which the game server terminates): a connect to 127.0.0.1 succeeds, so the
//! game server must tolerate a connection that closes at once. UDP: a socket on that port is
//! held by the process or by a process of its group.

use std::net::Ipv4Addr;
use std::time::Duration;

use tokio::net::TcpStream;

use crate::fleet::Transport;

pub(super) async fn listening(transport: Transport, port: u16, leader: libc::pid_t) -> bool {
    match transport {
        Transport::Tcp | Transport::Tls => tcp_accepts(port).await,
        Transport::Udp => udp_bound_by(port, leader),
    }
}

async fn tcp_accepts(port: u16) -> bool {
    // Loopback answers at once; the bound only matters when the accept queue is full.
    let connect = TcpStream::connect((Ipv4Addr::LOCALHOST, port));
    matches!(
        tokio::time::timeout(Duration::from_secs(1), connect).await,
        Ok(Ok(_))
    )
}

#[cfg(target_os = "linux")]
fn udp_bound_by(port: u16, leader: libc::pid_t) -> bool {
    let inodes = proc::udp_socket_inodes(port);
    !inodes.is_empty()
        && (proc::holds_socket(leader, &inodes)
            || proc::group_members(leader)
                .any(|pid| pid != leader && proc::holds_socket(pid, &inodes)))
}

/// Without /proc: the port cannot be bound, so someone (presumably the process) holds it.
#[cfg(not(target_os = "linux"))]
fn udp_bound_by(port: u16, _leader: libc::pid_t) -> bool {
    std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)).is_err()
}

#[cfg(target_os = "linux")]
mod proc {
    use std::fs;

    use crate::fleet::proc_net;

    /// Inodes of the UDP sockets (IPv4 and IPv6) bound to this local port.
    pub(super) fn udp_socket_inodes(port: u16) -> Vec<u64> {
        ["/proc/net/udp", "/proc/net/udp6"]
            .into_iter()
            .filter_map(|table| proc_net::sockets(table).ok())
            .flatten()
            .filter(|s| s.local_port == port && s.inode != 0)
            .map(|s| s.inode)
            .collect()
    }

    /// One of the process's descriptors is one of these sockets.
    pub(super) fn holds_socket(pid: libc::pid_t, inodes: &[u64]) -> bool {
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
            return false;
        };
        fds.flatten().any(|fd| {
            fs::read_link(fd.path()).ok().is_some_and(|target| {
                target
                    .to_str()
                    .and_then(|t| t.strip_prefix("socket:["))
                    .and_then(|t| t.strip_suffix(']'))
                    .and_then(|t| t.parse::<u64>().ok())
                    .is_some_and(|inode| inodes.contains(&inode))
            })
        })
    }

    /// The processes whose process group is `pgid`.
    pub(super) fn group_members(pgid: libc::pid_t) -> impl Iterator<Item = libc::pid_t> {
        fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<libc::pid_t>().ok())
            .filter(move |&pid| process_group(pid) == Some(pgid))
    }

    /// Field 5 of /proc/PID/stat; the command name before it may hold spaces and ')'.
    fn process_group(pid: libc::pid_t) -> Option<libc::pid_t> {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let (_, after_name) = stat.rsplit_once(')')?;
        // state, ppid, pgrp
        after_name.split_whitespace().nth(2)?.parse().ok()
    }
}
