//! Endpoint addresses, looked up with a deadline.
//!
//! An IP literal needs no lookup. A host name goes to the system resolver, which has no
//! deadline of its own, so the distinct names are looked up on short-lived threads (at most
//! `MAX_LOOKUP_THREADS`, taking the names in turn), and the caller stops waiting at the
//! deadline or at a cancel (the token's wake function posts to the channel the answers come
//! by); a lookup still running then is left to finish on its own and its answer is dropped.
//! This happens before any datagram is sent.

use super::PingError;
use crate::cancel::CancelToken;
use crate::locks;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// Most name lookups at once: a DiscoveryV2 list has one name per region, a dozen or so.
const MAX_LOOKUP_THREADS: usize = 8;

/// An endpoint's addresses in the resolver's order of preference, or why it has none.
pub(super) type Lookup = Result<Vec<SocketAddr>, String>;

/// The addresses of each `(host, port)`, in order, looked up within `within`.
pub(super) fn resolve_all<'a>(
    endpoints: impl IntoIterator<Item = (&'a str, u16)>,
    within: Duration,
    cancel: &CancelToken,
) -> Result<Vec<Lookup>, PingError> {
    resolve_with(endpoints, within, cancel, |host, port| {
        (host, port).to_socket_addrs().map(Iterator::collect)
    })
}

fn resolve_with<'a>(
    endpoints: impl IntoIterator<Item = (&'a str, u16)>,
    within: Duration,
    cancel: &CancelToken,
    lookup: impl Fn(&str, u16) -> io::Result<Vec<SocketAddr>> + Clone + Send + 'static,
) -> Result<Vec<Lookup>, PingError> {
    let deadline = Instant::now() + within;
    let (mut results, names) = classify(endpoints);
    if !names.is_empty() {
        let queue: Vec<(usize, String, u16)> = names
            .iter()
            .enumerate()
            .rev() // popped from the end: the first endpoints' names first
            .map(|(n, ((name, port), _))| (n, name.clone(), *port))
            .collect();
        let queue: Queue = Arc::new(Mutex::new(queue));
        let (tx, answers) = mpsc::channel();
        let wake = tx.clone();
        let _woken_by_cancel = cancel.on_cancel(move || drop(wake.send(None)));
        match start_lookups(&queue, names.len(), tx, lookup) {
            Ok(()) => {
                let waited = await_lookups(&answers, &names, &mut results, deadline, cancel);
                // Names nobody has taken yet are not looked up any more.
                locks::lock(&queue).clear();
                waited?;
            }
            Err(why) => {
                for (_, ids) in &names {
                    fill(&mut results, ids, Err(why.clone()));
                }
            }
        }
    }
    for ((name, _), ids) in &names {
        let late = format!(
            "the name lookup of {name} did not finish within {} ms",
            within.as_millis()
        );
        for &i in ids {
            results[i].get_or_insert_with(|| Err(late.clone()));
        }
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every endpoint has a result"))
        .collect())
}

/// Each distinct name (with its port) and the endpoints waiting for it.
type Names = Vec<((String, u16), Vec<usize>)>;

/// The result of each endpoint that needs no lookup (None for those waiting for a name), and
/// the names to look up.
fn classify<'a>(
    endpoints: impl IntoIterator<Item = (&'a str, u16)>,
) -> (Vec<Option<Lookup>>, Names) {
    let mut results = Vec::new();
    let mut names: Names = Vec::new();
    let mut index: HashMap<(String, u16), usize> = HashMap::new();
    for (i, (host, port)) in endpoints.into_iter().enumerate() {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        results.push(if port == 0 {
            Some(Err("port 0 is not a beacon's port".to_owned()))
        } else if bare.is_empty() {
            Some(Err("the host is empty".to_owned()))
        } else if let Ok(ip) = bare.parse::<IpAddr>() {
            Some(Ok(vec![SocketAddr::new(ip, port)]))
        } else {
            let key = (bare.to_owned(), port);
            let n = *index.entry(key.clone()).or_insert_with(|| {
                names.push((key, Vec::new()));
                names.len() - 1
            });
            names[n].1.push(i);
            None
        });
    }
    (results, names)
}

/// Names not yet taken by a lookup thread: (index in `Names`, name, port).
type Queue = Arc<Mutex<Vec<(usize, String, u16)>>>;
/// A name's index in `Names` and what the resolver said; `None` when the token was cancelled.
type Answer = Option<(usize, io::Result<Vec<SocketAddr>>)>;

/// Starts up to `MAX_LOOKUP_THREADS` threads that take names from `queue` until it is empty;
/// each answer comes back through `tx` with its name's index.
fn start_lookups(
    queue: &Queue,
    count: usize,
    tx: mpsc::Sender<Answer>,
    lookup: impl Fn(&str, u16) -> io::Result<Vec<SocketAddr>> + Clone + Send + 'static,
) -> Result<(), String> {
    let (mut started, mut why_not) = (0, String::new());
    for _ in 0..count.min(MAX_LOOKUP_THREADS) {
        let (tx, lookup, queue) = (tx.clone(), lookup.clone(), queue.clone());
        let worker = thread::Builder::new()
            .name("hathora-ping-lookup".into())
            .spawn(move || {
                loop {
                    // Its own statement, so the lock is released before the lookup.
                    let next = locks::lock(&queue).pop();
                    let Some((n, name, port)) = next else { return };
                    if tx.send(Some((n, lookup(&name, port)))).is_err() {
                        return; // nobody waits any more
                    }
                }
            });
        match worker {
            Ok(_) => started += 1,
            Err(e) => why_not = e.to_string(),
        }
    }
    if started == 0 {
        return Err(format!("could not start the name lookup: {why_not}"));
    }
    Ok(())
}

/// Gives each endpoint its name's answer as it comes, until all have come, `deadline` passes or
/// the token is cancelled.
fn await_lookups(
    answers: &mpsc::Receiver<Answer>,
    names: &Names,
    results: &mut [Option<Lookup>],
    deadline: Instant,
    cancel: &CancelToken,
) -> Result<(), PingError> {
    for _ in 0..names.len() {
        let (n, found) = loop {
            if let Some(reason) = cancel.reason() {
                return Err(PingError::Cancelled(reason));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            match answers.recv_timeout(left) {
                Ok(Some(answer)) => break answer,
                // The cancel's wake-up: the reason is read at the top of the loop.
                Ok(None) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        };
        let ((name, _), ids) = &names[n];
        let r = match found {
            Ok(addrs) if addrs.is_empty() => Err(format!("{name} has no address")),
            Ok(addrs) => Ok(addrs),
            Err(e) => Err(format!("{name} does not resolve: {e}")),
        };
        fill(results, ids, r);
    }
    Ok(())
}
/// Gives every endpoint waiting for one name its result.
fn fill(results: &mut [Option<Lookup>], ids: &[usize], r: Lookup) {
    for &i in ids {
        results[i] = Some(r.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::ResultCode;

    fn slow_or_fast(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        match host {
            "slow.test" => {
                thread::sleep(Duration::from_secs(5));
                Ok(vec![SocketAddr::from(([10, 0, 0, 1], port))])
            }
            "fast.test" => Ok(vec![SocketAddr::from(([10, 0, 0, 2], port))]),
            "empty.test" => Ok(vec![]),
            _ => Err(io::Error::other("no such name")),
        }
    }

    #[test]
    fn literals_names_and_a_lookup_past_its_deadline() {
        let t0 = Instant::now();
        let r = resolve_with(
            [
                ("127.0.0.1", 1),
                ("[::1]", 2),
                ("fast.test", 3),
                ("slow.test", 4),
                ("nope.test", 5),
                ("fast.test", 3),
                ("empty.test", 6),
                ("", 7),
                ("fast.test", 0),
            ],
            Duration::from_millis(300),
            &CancelToken::default(),
            slow_or_fast,
        )
        .unwrap();
        assert!(
            t0.elapsed() < Duration::from_secs(4),
            "waited for the slow lookup"
        );
        assert_eq!(r[0], Ok(vec!["127.0.0.1:1".parse().unwrap()]));
        assert_eq!(r[1], Ok(vec!["[::1]:2".parse().unwrap()]));
        assert_eq!(r[2], Ok(vec!["10.0.0.2:3".parse().unwrap()]));
        assert_eq!(r[5], r[2], "the same name twice");
        assert!(
            matches!(&r[3], Err(e) if e.contains("slow.test") && e.contains("300 ms")),
            "{:?}",
            r[3]
        );
        assert!(
            matches!(&r[4], Err(e) if e.contains("nope.test does not resolve")),
            "{:?}",
            r[4]
        );
        assert!(
            matches!(&r[6], Err(e) if e.contains("no address")),
            "{:?}",
            r[6]
        );
        assert!(matches!(&r[7], Err(e) if e.contains("empty")), "{:?}", r[7]);
        assert!(
            matches!(&r[8], Err(e) if e.contains("port 0")),
            "{:?}",
            r[8]
        );
    }

    #[test]
    fn more_names_than_lookup_threads() {
        let hosts: Vec<String> = (0..3 * MAX_LOOKUP_THREADS)
            .map(|i| format!("n{i}.test"))
            .collect();
        let r = resolve_with(
            hosts.iter().map(|h| (h.as_str(), 9)),
            Duration::from_secs(10),
            &CancelToken::default(),
            |host, port| {
                let i: u8 = host[1..host.len() - 5].parse().unwrap();
                Ok(vec![SocketAddr::from(([10, 0, 1, i], port))])
            },
        )
        .unwrap();
        for (i, found) in r.iter().enumerate() {
            assert_eq!(
                found,
                &Ok(vec![SocketAddr::from(([10, 0, 1, i as u8], 9))]),
                "name {i}"
            );
        }
    }

    #[test]
    fn cancel_ends_the_wait_for_lookups() {
        let cancel = CancelToken::default();
        let c2 = cancel.clone();
        let h = thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            c2.cancel(ResultCode::ShutDown);
        });
        let t0 = Instant::now();
        let r = resolve_with(
            [("slow.test", 1)],
            Duration::from_secs(30),
            &cancel,
            slow_or_fast,
        );
        h.join().unwrap();
        assert!(matches!(r, Err(PingError::Cancelled(ResultCode::ShutDown))));
        assert!(t0.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn the_system_resolver_finds_localhost() {
        let r = resolve_all(
            [("localhost", 7)],
            Duration::from_secs(10),
            &CancelToken::default(),
        )
        .unwrap();
        let addrs = r[0].as_ref().expect("localhost resolves");
        assert!(
            addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 7),
            "{addrs:?}"
        );
    }
}
