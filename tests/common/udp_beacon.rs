//! A UDP echo beacon on loopback for the region-ping tests, with faults to inject: drop, delay,
//! duplicate, corrupt, answer from another port, replay the previous datagram.
//! One thread per beacon, stopped and joined when the beacon is dropped. It waits in
//! `ppoll` (nanosecond deadlines): `SO_RCVTIMEO` would round each wait up to a jiffy (4 ms).

use hathora_rooms::model::Region;
use hathora_rooms::ping::PingEndpoint;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the beacon does with each datagram. The default echoes it at once, byte for byte.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Datagrams ignored before the first answer (`usize::MAX`: a silent beacon).
    pub drop_first: usize,
    /// How long each echo is held; the beacon never sends it earlier.
    pub delay: Duration,
    /// Extra copies of each echo, sent right after it.
    pub duplicates: u32,
    /// Flip one byte of each echo (a different position each time).
    pub corrupt: bool,
    /// Answer from another socket, so from another port.
    pub wrong_source: bool,
    /// On each datagram, send back the previous one at once (an earlier round's, replayed).
    pub replay_previous: bool,
}

/// What the beacon did, for the tests to check that a fault was exercised.
#[derive(Debug, Default)]
pub struct Log {
    pub received: usize,
    /// Echoes sent as asked (from the beacon's port, the right bytes), duplicates included.
    pub faithful: usize,
    /// Datagrams sent that must never count: corrupted, from another port, replayed.
    pub tampered: usize,
    /// For each faithful first echo: when its datagram arrived (just after the read) and when
    /// the echo left (just before the send).
    pub holds: Vec<(Instant, Instant)>,
}

pub struct Beacon {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Log>>,
    thread: Option<JoinHandle<()>>,
}

struct Pending {
    due: Instant,
    bytes: Vec<u8>,
    to: SocketAddr,
    faithful: bool,
    arrived: Instant,
    first: bool,
}

impl Beacon {
    pub fn v4(faults: Faults) -> Beacon {
        Beacon::start(IpAddr::V4(Ipv4Addr::LOCALHOST), faults)
    }

    /// On ::1; panics with a clear message when the machine has no IPv6 loopback.
    pub fn v6(faults: Faults) -> Beacon {
        Beacon::start(IpAddr::V6(Ipv6Addr::LOCALHOST), faults)
    }

    pub fn start(ip: IpAddr, faults: Faults) -> Beacon {
        let socket = UdpSocket::bind((ip, 0)).unwrap_or_else(|e| {
            panic!("beacon cannot bind {ip} (no loopback of that family?): {e}")
        });
        socket.set_nonblocking(true).unwrap();
        let other = UdpSocket::bind((ip, 0)).expect("beacon's second socket");
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Log::default()));
        let (stop2, log2) = (stop.clone(), log.clone());
        let thread = std::thread::Builder::new()
            .name(format!("beacon-{addr}"))
            .spawn(move || serve(socket, other, faults, &stop2, &log2))
            .unwrap();
        Beacon {
            addr,
            stop,
            log,
            thread: Some(thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn endpoint(&self, region: Region) -> PingEndpoint {
        PingEndpoint::new(region, self.addr.ip().to_string(), self.addr.port())
    }

    pub fn log<T>(&self, read: impl FnOnce(&Log) -> T) -> T {
        read(&self.log.lock().unwrap())
    }

    /// What `read` sees once it equals `expected`, or after 5 s: the beacon's thread logs an
    /// echo just after sending it, so a measurement can end before the log is complete.
    pub fn settled<T: PartialEq>(&self, read: impl Fn(&Log) -> T, expected: T) -> T {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let seen = self.log(&read);
            if seen == expected || Instant::now() >= deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Beacon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How often the beacon looks at its stop flag when it has nothing due.
const IDLE_WAKE: Duration = Duration::from_millis(20);

fn serve(socket: UdpSocket, other: UdpSocket, f: Faults, stop: &AtomicBool, log: &Mutex<Log>) {
    let mut pending: Vec<Pending> = Vec::new();
    let mut previous: Option<Vec<u8>> = None;
    let mut buf = [0u8; 2048];
    while !stop.load(Ordering::Acquire) {
        let now = Instant::now();
        // Send what is due, in order; the rest waits.
        pending.sort_by_key(|p| p.due);
        while pending.first().is_some_and(|p| p.due <= now) {
            let p = pending.remove(0);
            let from = if f.wrong_source { &other } else { &socket };
            // Stamped before the send: once the echo is out, the receiver may run first.
            let left = Instant::now();
            if from.send_to(&p.bytes, p.to).is_ok() {
                let mut l = log.lock().unwrap();
                if p.faithful {
                    l.faithful += 1;
                    if p.first {
                        l.holds.push((p.arrived, left));
                    }
                } else {
                    l.tampered += 1;
                }
            }
        }
        let wait = pending
            .first()
            .map_or(IDLE_WAKE, |p| {
                p.due.saturating_duration_since(Instant::now())
            })
            .clamp(Duration::from_micros(50), IDLE_WAKE);
        if !readable_within(&socket, wait) {
            continue;
        }
        let Ok((n, src)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let arrived = Instant::now();
        let bytes = buf[..n].to_vec();
        let count = {
            let mut l = log.lock().unwrap();
            l.received += 1;
            l.received
        };
        if f.replay_previous
            && let Some(prev) = previous.replace(bytes.clone())
        {
            pending.push(Pending {
                due: arrived,
                bytes: prev,
                to: src,
                faithful: false,
                arrived,
                first: false,
            });
        }
        if count <= f.drop_first {
            continue;
        }
        let mut echo = bytes;
        if f.corrupt {
            let i = count % echo.len();
            echo[i] ^= 0x20;
        }
        let faithful = !f.corrupt && !f.wrong_source;
        for copy in 0..=f.duplicates {
            pending.push(Pending {
                due: arrived + f.delay,
                bytes: echo.clone(),
                to: src,
                faithful,
                arrived,
                first: copy == 0,
            });
        }
    }
}

/// Whether `socket` has a datagram within `wait` (never returns earlier unless it has).
fn readable_within(socket: &UdpSocket, wait: Duration) -> bool {
    use std::os::fd::AsRawFd;
    let mut fd = libc::pollfd {
        fd: socket.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    #[cfg(target_os = "linux")]
    // SAFETY: one live pollfd, a timespec on the stack, no signal mask.
    let n = unsafe {
        let ts = libc::timespec {
            tv_sec: wait.as_secs() as libc::time_t,
            tv_nsec: wait.subsec_nanos() as libc::c_long,
        };
        libc::ppoll(&mut fd, 1, &ts, std::ptr::null())
    };
    #[cfg(not(target_os = "linux"))]
    // SAFETY: one live pollfd.
    let n = unsafe {
        libc::poll(
            &mut fd,
            1,
            wait.as_nanos().div_ceil(1_000_000) as libc::c_int,
        )
    };
    n > 0
}
