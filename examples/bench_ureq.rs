//! The raw-ureq floor for `bench/run.sh`: GetConnectionInfo on one room with a ureq 3 `Agent`
//! used directly (no retry loop, no dispatch, no JSON model), from CONCURRENCY threads sharing
//! the agent, each sending its requests one after the other on its own keep-alive connection.
//! Anything built on ureq (this library included) cannot beat this.
//!
//! Run: `cargo run --release --example bench_ureq -- URL ROOM N CONCURRENCY [MAX_SECONDS] [WARMUP_SECONDS] [--timeouts]`
//!
//! N bounds the measured requests (all threads together) and MAX_SECONDS (default 5) bounds the
//! measured time: the run stops at whichever comes first. A warm-up of WARMUP_SECONDS (default
//! 0.5, at most 2000 requests) runs first and is not counted. Prints one line of `key=value`
//! pairs: requests, errors, seconds, requests/s, p50/p99 latency in microseconds.
//!
//! `--timeouts` is a diagnostic: each request then carries a per-request config with
//! `timeout_global(15 s)` and `timeout_connect(5 s)`, as the library's transport sets them. With
//! any such timeout, ureq 3.5's `DefaultResolver` resolves the host on a newly spawned thread
//! for every request (also when a pooled keep-alive connection is then reused), and this shows
//! what that costs on its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use ureq::Agent;

fn arg<T: std::str::FromStr>(args: &[String], i: usize, name: &str, default: Option<T>) -> T {
    match args.get(i) {
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| usage(&format!("bad {name}: {v}"))),
        None => default.unwrap_or_else(|| usage(&format!("missing {name}"))),
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("bench_ureq: {msg}");
    eprintln!(
        "usage: bench_ureq URL ROOM N CONCURRENCY [MAX_SECONDS] [WARMUP_SECONDS] [--timeouts]"
    );
    std::process::exit(2)
}

/// One phase: every thread sends until `budget` requests were claimed or `until` passed.
/// Returns (latencies in microseconds, errors, elapsed).
fn phase(
    agent: &Agent,
    url: &Arc<String>,
    threads: usize,
    budget: u64,
    limit: Duration,
    timeouts: bool,
) -> (Vec<u32>, u64, Duration) {
    let claimed = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let until = start + limit;
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (agent, url) = (agent.clone(), Arc::clone(url));
            let (claimed, errors) = (Arc::clone(&claimed), Arc::clone(&errors));
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(4096);
                while claimed.fetch_add(1, Ordering::Relaxed) < budget {
                    let t0 = Instant::now();
                    if t0 >= until {
                        break;
                    }
                    let req = agent.get(url.as_str());
                    let sent = if timeouts {
                        req.config()
                            .timeout_global(Some(Duration::from_secs(15)))
                            .timeout_connect(Some(Duration::from_secs(5)))
                            .build()
                            .call()
                    } else {
                        req.call()
                    };
                    let ok = match sent {
                        Ok(mut resp) => {
                            let status = resp.status().as_u16();
                            let body = resp.body_mut().read_to_vec();
                            status == 200 && body.is_ok_and(|b| !b.is_empty())
                        }
                        Err(_) => false,
                    };
                    if ok {
                        lat.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().expect("bench thread panicked"));
    }
    (all, errors.load(Ordering::Relaxed), start.elapsed())
}

fn pct(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let timeouts = all.iter().any(|a| a == "--timeouts");
    let args: Vec<String> = all.into_iter().filter(|a| !a.starts_with("--")).collect();
    let base: String = arg(&args, 0, "URL", None);
    let room: String = arg(&args, 1, "ROOM", None);
    let n: u64 = arg(&args, 2, "N", None);
    let threads: usize = arg(&args, 3, "CONCURRENCY", None);
    let max_secs: f64 = arg(&args, 4, "MAX_SECONDS", Some(5.0));
    let warm_secs: f64 = arg(&args, 5, "WARMUP_SECONDS", Some(0.5));
    if threads == 0 || threads > 1024 || n == 0 || max_secs <= 0.0 || max_secs > 600.0 {
        usage("N and CONCURRENCY must be > 0 (CONCURRENCY <= 1024), 0 < MAX_SECONDS <= 600");
    }
    let url = Arc::new(format!(
        "{}/rooms/v2/app-emulator/connectioninfo/{}",
        base.trim_end_matches('/'),
        room
    ));
    // Enough idle connections that every thread keeps its own (ureq's default is 3 per host).
    let idle = threads.max(8);
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections(idle)
        .max_idle_connections_per_host(idle)
        .build()
        .new_agent();

    if warm_secs > 0.0 {
        let (_, werr, _) = phase(
            &agent,
            &url,
            threads,
            2000,
            Duration::from_secs_f64(warm_secs),
            timeouts,
        );
        if werr > 0 {
            eprintln!("bench_ureq: {werr} errors during warm-up");
        }
    }
    let (mut lat, errors, elapsed) = phase(
        &agent,
        &url,
        threads,
        n,
        Duration::from_secs_f64(max_secs),
        timeouts,
    );
    lat.sort_unstable();
    let secs = elapsed.as_secs_f64();
    println!(
        "bench_ureq{} concurrency={} requests={} errors={} seconds={:.3} rps={:.0} p50_us={} p99_us={}",
        if timeouts { "-timeouts" } else { "" },
        threads,
        lat.len(),
        errors,
        secs,
        lat.len() as f64 / secs,
        pct(&lat, 0.50),
        pct(&lat, 0.99)
    );
    if lat.is_empty() || errors > 0 {
        std::process::exit(1);
    }
}
