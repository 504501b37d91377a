//! One UDP socket per address family, bound to the unspecified address on an ephemeral port,
//! opened when the first endpoint of that family needs it. Fresh for each measurement, so echoes
//! meant for an earlier one land on a closed port.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

#[derive(Default)]
pub(super) struct Sockets {
    v4: Slot,
    v6: Slot,
}

#[derive(Default)]
enum Slot {
    #[default]
    Unopened,
    Open(UdpSocket),
    Failed(String),
}

impl Sockets {
    /// The first of `candidates` whose family has a socket (opening it if needed), or why none.
    pub fn choose(&mut self, candidates: &[SocketAddr]) -> Result<SocketAddr, String> {
        let mut why = String::from("no address");
        for addr in candidates {
            match self.open_for(addr) {
                Ok(()) => return Ok(*addr),
                Err(e) => why = e,
            }
        }
        Err(why)
    }

    fn open_for(&mut self, addr: &SocketAddr) -> Result<(), String> {
        let (slot, family, any) = match addr {
            SocketAddr::V4(_) => (
                &mut self.v4,
                "IPv4",
                SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
            ),
            SocketAddr::V6(_) => (
                &mut self.v6,
                "IPv6",
                SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
            ),
        };
        if let Slot::Unopened = slot {
            *slot = match bind(any) {
                Ok(s) => Slot::Open(s),
                Err(e) => Slot::Failed(format!("no {family} socket: {e}")),
            };
        }
        match slot {
            Slot::Failed(why) => Err(why.clone()),
            _ => Ok(()),
        }
    }

    /// The socket that sends to and hears from `addr`.
    pub fn for_addr(&self, addr: &SocketAddr) -> Option<&UdpSocket> {
        let slot = if addr.is_ipv4() { &self.v4 } else { &self.v6 };
        match slot {
            Slot::Open(s) => Some(s),
            _ => None,
        }
    }

    pub fn open(&self) -> Vec<&UdpSocket> {
        [&self.v4, &self.v6]
            .into_iter()
            .filter_map(|s| match s {
                Slot::Open(s) => Some(s),
                _ => None,
            })
            .collect()
    }
}

/// Non-blocking: the engine waits in `poll`, never in a socket call.
fn bind(any: SocketAddr) -> io::Result<UdpSocket> {
    let s = UdpSocket::bind(any)?;
    s.set_nonblocking(true)?;
    Ok(s)
}
