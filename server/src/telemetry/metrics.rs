//! Counters and histograms behind `/metrics`, rendered in the Prometheus text exposition format
//! (version 0.0.4). Updates are lock-free atomics on the request path; the gauges (rooms by
//! status, processes by state) are counted from the rooms layer when scraped.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the request latency histogram's buckets.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Status slots per operation: 0 = connection dropped without a response, else `status - 99`.
const STATUS_SLOTS: usize = 501;

/// Exit causes as metric labels, in the order [`Metrics::exited`] takes them.
pub(crate) const EXIT_CAUSES: [&str; 7] = [
    "exited",
    "signaled",
    "startup_timeout",
    "idle",
    "shutdown",
    "server_restart",
    "oom",
];

struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn new() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    fn observe(&self, seconds: f64) {
        // Non-cumulative here; render() accumulates.
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }
}

/// How a TLS handshake ended.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Handshake {
    /// The connection goes on to HTTP.
    Completed,
    /// The client refused the certificate, spoke something else than TLS, or hung up.
    Failed,
    /// The client did not finish it in time.
    TimedOut,
}

/// The labels of [`Handshake`], by its value.
const HANDSHAKE_RESULTS: [&str; 3] = ["completed", "failed", "timed_out"];

/// What the rooms layer counts when `/metrics` is scraped: (label, count) pairs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Census {
    /// Rooms by status (every status, zero included).
    pub(crate) rooms: Vec<(&'static str, u64)>,
    /// Processes that have not ended, by state (every state, zero included).
    pub(crate) processes: Vec<(&'static str, u64)>,
}

pub(crate) struct Metrics {
    operations: &'static [&'static str],
    requests: Vec<[AtomicU64; STATUS_SLOTS]>,
    latency: Vec<Histogram>,
    spawns: AtomicU64,
    spawn_failures: AtomicU64,
    exits: [AtomicU64; EXIT_CAUSES.len()],
    tls_handshakes: [AtomicU64; HANDSHAKE_RESULTS.len()],
}

impl Metrics {
    /// `operations`: the names of the operations requests are counted under, by index.
    pub(crate) fn new(operations: &'static [&'static str]) -> Self {
        Metrics {
            operations,
            requests: operations
                .iter()
                .map(|_| std::array::from_fn(|_| AtomicU64::new(0)))
                .collect(),
            latency: operations.iter().map(|_| Histogram::new()).collect(),
            spawns: AtomicU64::new(0),
            spawn_failures: AtomicU64::new(0),
            exits: std::array::from_fn(|_| AtomicU64::new(0)),
            tls_handshakes: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    /// One answered (`Some(status)`) or dropped (`None`) request of operation `op`.
    pub(crate) fn request(&self, op: usize, status: Option<u16>, seconds: f64) {
        let slot = match status {
            Some(s @ 100..=599) => usize::from(s) - 99,
            _ => 0,
        };
        self.requests[op][slot].fetch_add(1, Ordering::Relaxed);
        self.latency[op].observe(seconds);
    }

    pub(crate) fn spawned(&self) {
        self.spawns.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn spawn_failed(&self) {
        self.spawn_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A process ended; `cause` indexes [`EXIT_CAUSES`].
    pub(crate) fn exited(&self, cause: usize) {
        self.exits[cause].fetch_add(1, Ordering::Relaxed);
    }

    /// A TLS handshake ended.
    pub(crate) fn tls_handshake(&self, result: Handshake) {
        self.tls_handshakes[result as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// The whole exposition, gauges from `census`.
    pub(crate) fn render(&self, census: &Census, uptime_seconds: f64) -> String {
        let mut out = String::with_capacity(8 * 1024);
        let o = &mut out;
        header(
            o,
            "hathora_uptime_seconds",
            "gauge",
            "Seconds since the server started.",
        );
        let _ = writeln!(o, "hathora_uptime_seconds {uptime_seconds:.3}");

        header(
            o,
            "hathora_rooms",
            "gauge",
            "Rooms by status (destroyed rooms stay readable).",
        );
        for (status, n) in &census.rooms {
            let _ = writeln!(o, "hathora_rooms{{status=\"{status}\"}} {n}");
        }
        header(
            o,
            "hathora_processes",
            "gauge",
            "Game-server processes that have not ended, by state.",
        );
        for (state, n) in &census.processes {
            let _ = writeln!(o, "hathora_processes{{state=\"{state}\"}} {n}");
        }
        header(
            o,
            "hathora_process_spawns_total",
            "counter",
            "Processes started.",
        );
        let _ = writeln!(o, "hathora_process_spawns_total {}", load(&self.spawns));
        header(
            o,
            "hathora_process_spawn_failures_total",
            "counter",
            "Processes that could not be started.",
        );
        let _ = writeln!(
            o,
            "hathora_process_spawn_failures_total {}",
            load(&self.spawn_failures)
        );
        header(
            o,
            "hathora_process_exits_total",
            "counter",
            "Processes that ended, by cause.",
        );
        for (cause, n) in EXIT_CAUSES.iter().zip(&self.exits) {
            let _ = writeln!(
                o,
                "hathora_process_exits_total{{cause=\"{cause}\"}} {}",
                load(n)
            );
        }
        header(
            o,
            "hathora_tls_handshakes_total",
            "counter",
            "TLS handshakes by result (HTTPS only): a refused certificate is a failed one.",
        );
        for (result, n) in HANDSHAKE_RESULTS.iter().zip(&self.tls_handshakes) {
            let _ = writeln!(
                o,
                "hathora_tls_handshakes_total{{result=\"{result}\"}} {}",
                load(n)
            );
        }

        header(
            o,
            "hathora_requests_total",
            "counter",
            "API requests by operation and status (status \"dropped\": no response).",
        );
        for (op, slots) in self.operations.iter().zip(&self.requests) {
            for (slot, n) in slots.iter().enumerate() {
                let n = load(n);
                if n == 0 {
                    continue;
                }
                let status = match slot {
                    0 => "dropped".to_string(),
                    s => (s + 99).to_string(),
                };
                let _ = writeln!(
                    o,
                    "hathora_requests_total{{operation=\"{op}\",status=\"{status}\"}} {n}"
                );
            }
        }
        header(
            o,
            "hathora_request_duration_seconds",
            "histogram",
            "API request latency by operation.",
        );
        for (op, h) in self.operations.iter().zip(&self.latency) {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(&h.buckets) {
                cumulative += load(n);
                let _ = writeln!(
                    o,
                    "hathora_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = load(&h.count);
            let _ = writeln!(
                o,
                "hathora_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {count}"
            );
            let sum = load(&h.sum_micros) as f64 / 1e6;
            let _ = writeln!(
                o,
                "hathora_request_duration_seconds_sum{{operation=\"{op}\"}} {sum}"
            );
            let _ = writeln!(
                o,
                "hathora_request_duration_seconds_count{{operation=\"{op}\"}} {count}"
            );
        }
        out
    }
}

fn load(a: &AtomicU64) -> u64 {
    a.load(Ordering::Relaxed)
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_statuses_labelled() {
        let m = Metrics::new(&["A", "B"]);
        m.request(0, Some(201), 0.0001);
        m.request(0, Some(201), 0.02);
        m.request(0, None, 20.0);
        m.request(1, Some(404), 0.003);
        m.tls_handshake(Handshake::Failed);
        m.tls_handshake(Handshake::Failed);
        m.tls_handshake(Handshake::TimedOut);
        let text = m.render(&Census::default(), 1.0);
        for line in [
            "hathora_requests_total{operation=\"A\",status=\"201\"} 2",
            "hathora_requests_total{operation=\"A\",status=\"dropped\"} 1",
            "hathora_requests_total{operation=\"B\",status=\"404\"} 1",
            "hathora_request_duration_seconds_bucket{operation=\"A\",le=\"0.0005\"} 1",
            "hathora_request_duration_seconds_bucket{operation=\"A\",le=\"0.025\"} 2",
            "hathora_request_duration_seconds_bucket{operation=\"A\",le=\"10\"} 2",
            "hathora_request_duration_seconds_bucket{operation=\"A\",le=\"+Inf\"} 3",
            "hathora_request_duration_seconds_count{operation=\"A\"} 3",
            "hathora_request_duration_seconds_bucket{operation=\"B\",le=\"0.0025\"} 0",
            "hathora_request_duration_seconds_bucket{operation=\"B\",le=\"0.005\"} 1",
            "hathora_tls_handshakes_total{result=\"completed\"} 0",
            "hathora_tls_handshakes_total{result=\"failed\"} 2",
            "hathora_tls_handshakes_total{result=\"timed_out\"} 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }
}
