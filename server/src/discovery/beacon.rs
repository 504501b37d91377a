//! The UDP echo beacons: every datagram of at most [`MAX_DATAGRAM`] bytes goes back to its
//! sender byte for byte; longer ones are dropped unanswered. An answer is never bigger than its
//! request, so a beacon cannot amplify a spoofed request.
//!
//! They run on a thread of their own (a single-threaded tokio runtime, one task per socket),
//! away from the API's workers, so that a busy API does not delay echoes and inflate players'
//! round trips. Idle, the thread sleeps in the kernel until a datagram arrives: no CPU.

use std::io;
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::oneshot;

use super::PingEndpoint;
use crate::config::DiscoveryConfig;

/// The longest datagram echoed; ping datagrams are a few dozen bytes.
pub(crate) const MAX_DATAGRAM: usize = 512;

/// The running beacons; dropping them stops them and closes their sockets.
pub(crate) struct Beacons {
    endpoints: Vec<PingEndpoint>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Beacons {
    /// Binds every beacon (an address in use fails here, naming the region and the address),
    /// then starts echoing. `public_host` is the host of the answers when neither the config
    /// nor a beacon's specific address gives one.
    pub(crate) fn start(config: &DiscoveryConfig, public_host: &str) -> io::Result<Beacons> {
        let mut sockets = Vec::new();
        let mut endpoints = Vec::new();
        for b in &config.beacons {
            let socket = StdUdpSocket::bind(b.bind).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "the beacon of region {} cannot bind {}: {e}",
                        b.region, b.bind
                    ),
                )
            })?;
            socket.set_nonblocking(true)?;
            let bound = socket.local_addr()?;
            endpoints.push(PingEndpoint {
                region: b.region.clone(),
                host: answer_host(config.host.as_deref(), bound, public_host),
                port: bound.port(),
            });
            sockets.push(socket);
        }
        if sockets.is_empty() {
            return Ok(Beacons {
                endpoints,
                stop: None,
                thread: None,
            });
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let sockets = {
            let _guard = runtime.enter();
            sockets
                .into_iter()
                .map(UdpSocket::from_std)
                .collect::<io::Result<Vec<_>>>()?
        };
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("hathora-beacons".into())
            .spawn(move || {
                runtime.block_on(async move {
                    for socket in sockets {
                        tokio::spawn(echo(socket));
                    }
                    let _ = stopped.await;
                });
            })?;
        Ok(Beacons {
            endpoints,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// What `/discovery/v2/ping` answers, in the config's order.
    pub(crate) fn endpoints(&self) -> &[PingEndpoint] {
        &self.endpoints
    }
}

impl Drop for Beacons {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The configured host; else the beacon's own address when it is a specific one (players
/// reach it there); else the public host.
fn answer_host(configured: Option<&str>, bound: SocketAddr, public_host: &str) -> String {
    match configured {
        Some(host) => host.to_string(),
        None if !bound.ip().is_unspecified() => bound.ip().to_string(),
        None => public_host.to_string(),
    }
}

async fn echo(socket: UdpSocket) {
    // One byte more than echoed: a datagram that fills it was longer than MAX_DATAGRAM.
    let mut buf = [0u8; MAX_DATAGRAM + 1];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, peer)) if n <= MAX_DATAGRAM => {
                // A full send buffer drops the echo, as the network may: never wait on a peer.
                let _ = socket.try_send_to(&buf[..n], peer);
            }
            Ok(_) => {}
            // An ICMP error about an earlier echo (the sender closed its port): nothing to do.
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BeaconConfig;

    fn beacons(regions: &[&str], host: Option<&str>) -> Beacons {
        let config = DiscoveryConfig {
            host: host.map(str::to_string),
            beacons: regions
                .iter()
                .map(|r| BeaconConfig {
                    region: r.to_string(),
                    bind: "127.0.0.1:0".parse().unwrap(),
                })
                .collect(),
        };
        Beacons::start(&config, "public.example").unwrap()
    }

    fn client() -> StdUdpSocket {
        let c = StdUdpSocket::bind("127.0.0.1:0").unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c
    }

    #[test]
    fn each_region_echoes_byte_for_byte_on_its_own_port() {
        let b = beacons(&["London", "Tokyo"], None);
        let e = b.endpoints();
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].region.as_str(), e[1].region.as_str()),
            ("London", "Tokyo")
        );
        assert_ne!(e[0].port, e[1].port);
        assert_eq!(e[0].host, "127.0.0.1");
        let c = client();
        for (i, endpoint) in e.iter().enumerate() {
            for len in [0, 1, 20, MAX_DATAGRAM] {
                let sent: Vec<u8> = (0..len).map(|j| (i * 7 + j) as u8).collect();
                c.send_to(&sent, ("127.0.0.1", endpoint.port)).unwrap();
                let mut buf = [0u8; 2048];
                let (n, from) = c
                    .recv_from(&mut buf)
                    .unwrap_or_else(|err| panic!("{} {len} bytes: {err}", endpoint.region));
                assert_eq!(&buf[..n], &sent[..], "{} {len} bytes", endpoint.region);
                assert_eq!(from.port(), endpoint.port);
            }
        }
    }

    #[test]
    fn a_datagram_over_the_limit_gets_no_answer() {
        let b = beacons(&["London"], Some("ping.example"));
        assert_eq!(b.endpoints()[0].host, "ping.example");
        let port = b.endpoints()[0].port;
        let c = client();
        c.send_to(&[1u8; MAX_DATAGRAM + 1], ("127.0.0.1", port))
            .unwrap();
        c.send_to(b"after", ("127.0.0.1", port)).unwrap();
        // Datagrams are answered in order: the first answer is the one after the long one.
        let mut buf = [0u8; 2048];
        let (n, _) = c.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"after");
    }

    #[test]
    fn dropping_the_beacons_frees_their_ports() {
        let b = beacons(&["Sydney"], None);
        let port = b.endpoints()[0].port;
        drop(b);
        StdUdpSocket::bind(("127.0.0.1", port)).expect("the port is free again");
    }

    #[test]
    fn the_answer_host_defaults_to_a_specific_address_then_the_public_host() {
        let any: SocketAddr = "0.0.0.0:7000".parse().unwrap();
        let v6: SocketAddr = "[::1]:7000".parse().unwrap();
        assert_eq!(answer_host(None, any, "games.example"), "games.example");
        assert_eq!(answer_host(None, v6, "games.example"), "::1");
        assert_eq!(answer_host(Some("ping.example"), v6, "x"), "ping.example");
    }
}
