#!/usr/bin/env python3
"""Turns the raw outputs of bench/run.sh into the table, the PASS/MISS targets, the full report
(markdown: bench/results.md) and the headline table (summary: BENCHMARKS.md at the root).

usage: report.py table|targets|markdown|summary RESULTS_DIR STRIPPED_LIB
"""
import os
import re
import sys

MB = 1_000_000  # the size target is 3 MB = 3,000,000 bytes (stricter than 3 MiB)


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def parse_kv(text):
    """The last line with key=value pairs (`requests=` among them)."""
    for line in reversed(text.strip().splitlines()):
        if "requests=" in line:
            return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", line))
    return {}


def to_us(value):
    m = re.match(r"([\d.]+)(us|ms|s)$", value)
    if not m:
        return None
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 1, "ms": 1e3, "s": 1e6}[unit]


def parse_wrk(text):
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = m.group(1)
    for pct, key in (("50", "p50_us"), ("99", "p99_us")):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, text, re.M)
        if m and to_us(m.group(1)) is not None:
            out[key] = "%.0f" % to_us(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    if m:
        out["requests"] = m.group(1)
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(g) for g in m.groups())
    out["errors"] = str(errors)
    return out


class Row:
    def __init__(self, res, fields):
        self.id, self.group, self.label, self.inflight, self.pool, self.kind, self.cmd = fields
        self.inflight = int(self.inflight)
        raw = read(os.path.join(res, self.id + ".out"))
        self.err = read(os.path.join(res, self.id + ".err")).strip()
        self.data = parse_wrk(raw) if self.kind == "wrk" else parse_kv(raw)
        self.ok = "rps" in self.data and self.data.get("errors", "0") == "0"

    def num(self, key):
        try:
            return float(self.data[key])
        except (KeyError, ValueError):
            return None

    @property
    def rps(self):
        return self.num("rps") if self.ok else None

    @property
    def threads(self):
        v = self.num("max_threads")
        return int(v) if v is not None else None


def load_all(res):
    rows = []
    for line in read(os.path.join(res, "manifest.tsv")).splitlines():
        fields = line.split("\t")
        if len(fields) == 7:
            rows.append(Row(res, fields))
    return rows


def load(res):
    """One row per measurement; a measurement repeated (same group, label, in flight, pool) is
    represented by its median run by requests/s (a failed run counts as 0), with every run's
    requests/s in `runs`."""
    groups = {}
    order = []
    for r in load_all(res):
        key = (r.group, r.label, r.inflight, r.pool)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(r)
    rows = []
    for key in order:
        runs = groups[key]
        ranked = sorted(runs, key=lambda r: r.rps or 0.0)
        median = ranked[(len(ranked) - 1) // 2] if len(ranked) % 2 else ranked[len(ranked) // 2 - 1]
        median.runs = [r.rps for r in runs]
        rows.append(median)
    return rows


def facts(res):
    out = {}
    for line in read(os.path.join(res, "facts.txt")).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def footprint(res):
    out = {}
    for line in read(os.path.join(res, "footprint.out")).splitlines():
        out.update(dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", line)))
    return out


LATENCY_NS = [1, 16, 64, 256, 1024]
LATENCY_CLIENTS = [("c", "this library, C ABI"), ("cs", "this library, C# Task API"),
                   ("ts", "official TypeScript SDK")]
# The library's default maximum of workers (src/config.rs) and its helper threads: the timer;
# the harness adds its main thread and its sampler.
DEFAULT_MAX_WORKERS = 256


def kv_line(path):
    """The key=value pairs of the last line of a file."""
    lines = read(path).strip().splitlines()
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", lines[-1])) if lines else {}


def latency(res):
    """The latency scenario's outputs: {(client, n): kv}, plus 'silent', 'down', 'idle', 'facts'."""
    lat = os.path.join(res, "latency")
    out = {}
    for key, _ in LATENCY_CLIENTS:
        for n in LATENCY_NS:
            d = kv_line(os.path.join(lat, "%s-%d.out" % (key, n)))
            if d:
                out[(key, n)] = d
    for name in ("silent", "down", "idle"):
        out[name] = kv_line(os.path.join(lat, name + ".out"))
    f = {}
    for line in read(os.path.join(lat, "facts.txt")).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            f[k] = v
    out["facts"] = f
    return out


def rtt(res):
    """bench/c/rtt.c's lines: {(method, delay_us): kv}, plus 'lost'."""
    out = {}
    for line in read(os.path.join(res, "rtt.out")).splitlines():
        d = dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", line))
        if "method" in d:
            out[(d["method"], int(d["delay_us"]))] = d
        elif "lost" in d:
            out["lost"] = d["lost"]
    return out


RTT_METHODS = (("library", "this library (hathora_ping_regions)"), ("plain_c", "plain C, clock_gettime"))


def rtt_line(r):
    """The RTT row of BENCHMARKS.md: the error against the 20 ms delay, both methods."""
    parts = []
    for key, label in RTT_METHODS:
        d = r.get((key, 20000))
        if d:
            parts.append("%s p50 %s µs, p99 %s µs" % (label, d["err_vs_delay_p50_us"], d["err_vs_delay_p99_us"]))
    if not parts:
        return None
    return "region ping RTT, error against a 20 ms injected delay (measured, no target): " + "; ".join(parts)


def rtt_section(res):
    r = rtt(res)
    w = ["## Region ping RTT\n"]
    if not any(isinstance(k, tuple) for k in r):
        w.append("The RTT run failed: %s\n" % read(os.path.join(res, "rtt.err")).strip())
        return w
    w.append("`%s`: a UDP echo beacon on loopback holds each datagram for a known delay (an absolute "
             "`clock_nanosleep`, never shorter) and records how long it really held it; the library "
             "(`hathora_ping_regions`, one round per call) and a plain C loop (`clock_gettime` just before "
             "`sendto` and just after `recvfrom`, blocking socket) measure it in turn, sample by sample. "
             "*vs delay*: measured RTT minus the injected delay; *vs held*: minus the time the beacon really "
             "held the datagram (its oversleep left out). A correct measurement is never below the delay: "
             "*min vs delay* must not be negative.\n" % facts(res).get("rtt_cmd", "?"))
    w.append("| delay | method | samples | vs delay p50 / p99 (µs) | vs held p50 / p99 (µs) | min vs delay (µs) |")
    w.append("|---:|---|---:|---:|---:|---:|")
    for delay in sorted({k[1] for k in r if isinstance(k, tuple)}):
        for key, label in RTT_METHODS:
            d = r.get((key, delay))
            if d:
                w.append("| %g ms | %s | %s | %s / %s | %s / %s | %s |"
                         % (delay / 1000, label, d["n"], d["err_vs_delay_p50_us"], d["err_vs_delay_p99_us"],
                            d["err_vs_held_p50_us"], d["err_vs_held_p99_us"], d["min_vs_delay_us"]))
    w.append("\nLost samples: %s.\n" % r.get("lost", "?"))
    return w


def rss_per_worker(d):
    """KiB of VmRSS per worker thread added, from a burst's idle and peak figures."""
    try:
        added = int(d["peak_threads"]) - int(d["idle_threads"])
        return (int(d["peak_rss_kb"]) - int(d["idle_rss_kb"])) / added if added > 0 else None
    except (KeyError, ValueError):
        return None


def latency_targets(lat, line):
    d = lat.get(("c", 256))
    if d:
        first, warm = float(d["first_s"]), float(d["warm_s"])
        line("latency-256", max(first, warm) <= 0.35 and d.get("failed") == "0",
             "256 calls at 100 ms latency in ≤ 0.35 s, C ABI, default configuration: first round %.3f s, "
             "warm %.3f s" % (first, warm))
        peak = int(d["peak_threads"])
        line("latency-threads", peak <= DEFAULT_MAX_WORKERS + 3,
             "threads ≤ max workers + helpers, 256 calls: peak %d (allowed %d: %d workers, timer, the harness's main "
             "and sampler threads)" % (peak, DEFAULT_MAX_WORKERS + 3, DEFAULT_MAX_WORKERS))
    else:
        line("latency-256", False, "256 calls at 100 ms latency in ≤ 0.35 s: not measured (the run failed)")
    d = lat.get("silent", {})
    if d:
        ok = d.get("timeouts") == d.get("n") and d.get("late_beyond_10pct_or_50ms") == "0"
        line("silent-deadline", ok,
             "1 s deadline against a silent server met by every one of %s queued calls: %s TIMEOUT, last callback "
             "%.3f s after submission, %s ms to %s ms after the deadline, %s late beyond 10%% / 50 ms"
             % (d.get("n"), d.get("timeouts"), float(d.get("last_callback_s", "nan")),
                d.get("earliest_vs_deadline_ms"), d.get("latest_vs_deadline_ms"), d.get("late_beyond_10pct_or_50ms")))
    else:
        line("silent-deadline", False, "1 s deadline against a silent server: not measured (the run failed)")
    d = lat.get("idle", {})
    if d:
        wake = float(d.get("library_wakeups_per_s", "nan"))
        line("idle", wake == 0 and d.get("library_threads_after_idle") == "2",
             "idle client after a burst of 256: %s library threads left (the minimum worker + the timer), "
             "%.1f wake-ups per second" % (d.get("library_threads_after_idle"), wake))


def latency_section(lat):
    w = ["## Latency scenario\n"]
    f = lat.get("facts", {})
    w.append("`%s`, one room; every client calls GetConnectionInfo N times at once and waits for the last answer, "
             "3 rounds on one client: the first round starts the workers and opens the connections, *warm* is the "
             "median of the other two. C ABI and C# with the library's default configuration (1 to %d workers), "
             "TypeScript SDK %s on Node %s (one thread, its event loop).\n"
             % (f.get("latency_emulator_cmd", "?"), DEFAULT_MAX_WORKERS, f.get("ts_version") or "(not run)",
                f.get("node", "?")))
    if f.get("ts_status", "ok") != "ok":
        w.append("**TypeScript SDK not measured:** %s.\n" % f["ts_status"])
    head = "| calls at once | " + " | ".join("%s: warm / first round (s) | peak threads" % label
                                              for _, label in LATENCY_CLIENTS) + " |"
    w.append(head)
    w.append("|---:|" + "---:|---:|" * len(LATENCY_CLIENTS))
    for n in LATENCY_NS:
        cells = []
        for key, _ in LATENCY_CLIENTS:
            d = lat.get((key, n))
            if d:
                bad = "" if d.get("failed") == "0" else " (%s failed)" % d.get("failed")
                cells += ["%.3f / %.3f%s" % (float(d["warm_s"]), float(d["first_s"]), bad), d.get("peak_threads", "–")]
            else:
                cells += ["–", "–"]
        w.append("| %d | %s |" % (n, " | ".join(cells)))
    w.append("")
    if f.get("plot_status", "ok") == "ok":
        w.append("![calls in flight against time to the last callback](latency.png)\n")
    else:
        w.append("(no plot: %s)\n" % f.get("plot_status"))
    d = lat.get(("c", 256))
    per = rss_per_worker(d) if d else None
    if per is not None:
        w.append("Memory at the maximum (C ABI, 256 calls in flight): VmRSS %s KiB with the client idle (1 worker), "
                 "%s KiB at the peak of %s threads: **%.0f KiB per busy worker**, its connection included (512 KiB "
                 "stack reserved, touched only as deep as a call goes; 16 KiB input and output buffers per "
                 "connection).\n" % (d["idle_rss_kb"], d["peak_rss_kb"], d["peak_threads"], per))
    rows = ["| scenario | result |", "|---|---|"]
    s, dn, idle = lat.get("silent", {}), lat.get("down", {}), lat.get("idle", {})
    if s:
        rows.append("| %s calls, 1 s deadline, a server that accepts and never answers | %s TIMEOUT; last callback "
                    "%s s after submission (%s to %s ms after the deadline) |"
                    % (s.get("n"), s.get("timeouts"), s.get("last_callback_s"), s.get("earliest_vs_deadline_ms"),
                       s.get("latest_vs_deadline_ms")))
    if dn:
        rows.append("| %s calls, default 15 s deadline and 3 retries, closed port | all drained in %s s "
                    "(retry waits on the timer; %s failed otherwise than TRANSPORT_ERROR) |"
                    % (dn.get("n"), dn.get("drain_s"), dn.get("failed")))
    if idle:
        rows.append("| idle client, %s s after a burst of %s | %s process threads (main, 1 worker, timer), %s "
                    "wake-ups/s of the library's threads |" % (idle.get("idle_wait_s"), idle.get("n"),
                                                               idle.get("threads_after_idle"),
                                                               idle.get("library_wakeups_per_s")))
    w.append("\n".join(rows) + "\n")
    return w


def find(rows, group, inflight, label_part=""):
    for r in rows:
        if r.group == group and r.inflight == inflight and label_part in r.label:
            return r
    return None


def fmt_rps(v):
    return "%s" % format(int(round(v)), ",") if v is not None else "failed"


def fmt_us(r, key):
    v = r.num(key) if r.ok else None
    if v is None:
        return "–"
    return "%.0f" % v if v < 10000 else "%.1f ms" % (v / 1000)


def targets(rows, res, stripped):
    """(key, PASS|MISS, text) per target line."""
    out = []

    def line(key, ok, text):
        out.append((key, "PASS" if ok else "MISS", text))

    # Requests per second on loopback (against raw ureq or wrk) are shown in the table, not held
    # to a target: a game never makes thousands of calls a second to one host.
    wrk32 = find(rows, "limit", 32, "emulator")
    http32 = find(rows, "managed", 32)
    # The target is for the default configuration and pool 32; pool 4 (4 connections for 32
    # calls) is shown in the table for comparison.
    cs32 = [r for r in rows if r.group == "cs" and r.inflight == 32 and r.pool != "4"]
    if not cs32:
        status = facts(res).get("cslib_status", "not run")
        line("cs-lib", False, "C# through this library ≥ 3× HttpClient (32 in flight): NOT MEASURED: %s" % status)
    for r in cs32:
        if http32 and http32.rps and r.rps:
            ratio = r.rps / http32.rps
            note = ""
            if wrk32 and wrk32.rps and wrk32.rps / http32.rps < 3.0:
                note = (" (3× is out of reach on this machine: even wrk gets only %.2f× HttpClient)"
                        % (wrk32.rps / http32.rps))
            line("cs-lib", ratio >= 3.0,
                 "C# through this library (pool %s) ≥ 3× HttpClient, 32 in flight: %s / %s req/s = %.2f×%s"
                 % (r.pool, fmt_rps(r.rps), fmt_rps(http32.rps), ratio, note))
        else:
            line("cs-lib", False, "C# through this library (pool %s) ≥ 3× HttpClient: not measured (a run failed)" % r.pool)

    size = os.path.getsize(stripped) if os.path.exists(stripped) else None
    if size is not None:
        line("size", size <= 3 * MB, "stripped cdylib ≤ 3 MB: %s bytes (%.2f MB, %.2f MiB)"
             % (format(size, ","), size / MB, size / 1048576))
    else:
        line("size", False, "stripped cdylib ≤ 3 MB: not built")

    fp = footprint(res)
    if "threads_max" in fp:
        mx = int(fp["threads_max"])
        allowed = DEFAULT_MAX_WORKERS + 2
        line("threads", mx <= allowed,
             "threads ≤ max workers + 2, footprint (defaults: up to %d workers, 10,000 queued): max %d (allowed %d: "
             "main + workers + timer; %s with the client idle)" % (DEFAULT_MAX_WORKERS, mx, allowed,
                                                                   fp.get("threads_client", "?")))
    else:
        line("threads", False, "threads ≤ pool + 2, footprint: not measured (the footprint run failed)")
    for r in rows:
        if r.group == "c" and r.threads is not None and r.pool.isdigit():
            allowed = int(r.pool) + 2
            line("threads", r.threads <= allowed, "threads ≤ pool + 2, %s, pool %s: max %d (allowed %d)"
                 % (r.label, r.pool, r.threads, allowed))
    latency_targets(latency(res), line)
    return out


def table(rows):
    wrk = {1: find(rows, "limit", 1, "emulator"), 32: find(rows, "limit", 32, "emulator")}
    head = ["#", "client", "in flight", "pool", "req/s", "p50 µs", "p99 µs", "max threads", "× wrk→emulator",
            "runs (req/s)"]
    lines = []
    for r in rows:
        ref = wrk.get(r.inflight)
        ratio = "%.2f" % (r.rps / ref.rps) if (ref and ref.rps and r.rps) else "–"
        thr = str(r.threads) if r.threads is not None else "–"
        runs = " / ".join(fmt_rps(v) for v in r.runs) if len(r.runs) > 1 else ""
        lines.append([r.id, r.label, str(r.inflight), r.pool, fmt_rps(r.rps), fmt_us(r, "p50_us"),
                      fmt_us(r, "p99_us"), thr, ratio, runs])
    return head, lines


def render_text(head, lines):
    widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(head)]
    right = {2, 3, 4, 5, 6, 7, 8, 9}
    def fmt(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(l) for l in lines])


def render_md(head, lines):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if i >= 2 else "---" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(l) + " |" for l in lines]
    return "\n".join(out)


def fenced(text):
    return "```\n" + text.rstrip() + "\n```\n"


def markdown(rows, res, stripped):
    f = facts(res)
    fp = footprint(res)
    tg = targets(rows, res, stripped)
    head, lines = table(rows)
    w = []
    w.append("# Benchmarks: the full report\n")
    w.append("Generated by `bash bench/run.sh`; rerun it rather than editing this file. "
             "Only the *Analysis* section is written by hand ([analysis.md](analysis.md)). "
             "The headline table is in [BENCHMARKS.md](../BENCHMARKS.md).\n")
    w.append("GetConnectionInfo (`GET /rooms/v2/app-emulator/connectioninfo/bench`) on one active room of one "
             "local emulator (`--quiet`), every client side by side in one run, each run %s s after a 0.5 s "
             "warm-up (at most 2,000 requests). Client and server share the same cores.\n" % f.get("duration", "?"))
    w.append("## Machine\n")
    load_before = f.get("load_before", "?")
    w.append("| | |\n|---|---|")
    w.append("| date | %s |" % f.get("started_at", "?"))
    w.append("| `nproc` | %s |" % f.get("nproc", "?"))
    w.append("| CPU model | %s |" % f.get("cpu", "?"))
    w.append("| kernel, memory | %s, %s |" % (f.get("kernel", "?"), f.get("mem", "?")))
    w.append("| load average (1, 5, 15 min) before / after | %s / %s |" % (load_before, f.get("load_after", "?")))
    w.append("| other `cargo`/`rustc`/`mono` processes at start | %s |" % f.get("others_before", "?"))
    w.append("| tools | %s; %s; %s; %s; %s |\n" % (f.get("rustc", "?"), f.get("gcc", "?"), f.get("mono", "?"),
                                                  f.get("wrk", "?"), f.get("nginx", "?")))
    try:
        if float(load_before.split()[0]) > 0.7:
            w.append("**Note:** the machine was not quiet when this run started (1-minute load average %s > 0.7): "
                     "other work competed for the %s cores, so absolute numbers are lower and noisier than on an "
                     "idle machine.\n" % (load_before.split()[0], f.get("nproc", "?")))
    except ValueError:
        pass

    w.append("## Results\n")
    w.append(render_md(head, lines) + "\n")
    w.append("*req/s* counts successful answers only (any error fails the row). *p50/p99*: per-request latency; "
             "for wrk its own distribution, for the harnesses from the start of the call to its return (blocking) "
             "or from submit to callback / end of `await` (async). *max threads*: highest `/proc/self/task` count "
             "sampled during the run (C harness only). *× wrk→emulator*: requests/s relative to wrk on the emulator "
             "with the same number of connections (1 or 32), for scale: loopback requests per second are no target. "
             "*runs*: rows measured several times (C blocking at 1 in flight; C pool 32, C# pool 32 and default, "
             "and HttpClient at 32 in flight, alternating), show their median run and every run's requests/s. "
             "*pool* `default`: MaxWorkers not set.\n")

    w.append("## Targets\n")
    w.append(fenced("\n".join("%s  %s" % (s, t) for _, s, t in tg)))
    if f.get("cslib_status", "ok") != "ok":
        w.append("**C# through the library was not measured:** %s.\n" % f["cslib_status"])

    w.append("## Footprint\n")
    if fp:
        size = int(f.get("stripped_size", "0"))
        w.append("| | |\n|---|---|")
        w.append("| cdylib, as built (release, LTO) | %s bytes |" % format(int(f.get("lib_size", "0")), ","))
        w.append("| cdylib, `strip -o` | %s bytes (%.2f MB) |" % (format(size, ","), size / MB))
        w.append("| dlopen → first completed call (dlopen + dlsym, client_new, one blocking GetConnectionInfo) "
                 "| %s ms (dlopen %s ms, client_new %s ms, first call %s ms) |"
                 % (fp.get("dlopen_to_first_call_ms"), fp.get("dlopen_ms"), fp.get("client_new_ms"),
                    fp.get("first_call_ms")))
        w.append("| threads: before dlopen / client live / just after queuing 10,000 / max while draining / after free "
                 "| %s / %s / %s / %s / %s |" % (fp.get("threads_before"), fp.get("threads_client"),
                                                 fp.get("threads_queued"), fp.get("threads_max"),
                                                 fp.get("threads_after_free")))
        w.append("| VmRSS: before dlopen / client live / just after queuing 10,000 / max while draining / after free "
                 "| %s / %s / %s / %s / %s KiB |" % (fp.get("rss_before_kb"), fp.get("rss_client_kb"),
                                                     fp.get("rss_queued_kb"), fp.get("rss_max_kb"),
                                                     fp.get("rss_after_free_kb")))
        w.append("| queuing 10,000 async requests / until all 10,000 callbacks ran | %s ms / %s ms "
                 "(%s still pending right after queuing) |\n"
                 % (fp.get("queue_ms"), fp.get("drain_ms"), fp.get("pending_after_queue")))
        w.append("Default configuration (1 to %d workers, worker dispatch, queue 65,536), library loaded with "
                 "`dlopen(RTLD_NOW)` from the stripped copy.\n" % DEFAULT_MAX_WORKERS)
    else:
        w.append("The footprint run failed: %s\n" % read(os.path.join(res, "footprint.err")).strip())

    w.extend(latency_section(latency(res)))
    w.extend(rtt_section(res))

    prof = os.path.join(res, "profile")
    pfiles = sorted(os.listdir(prof)) if os.path.isdir(prof) else []
    if pfiles:
        w.append("## Profile data of the misses (this run)\n")
        for base in ("c-async-worker-4", "cs-lib-32", "cs-httpclient-32"):
            cmd = read(os.path.join(prof, base + ".cmd")).strip()
            if not cmd:
                continue
            w.append("### %s\n" % base)
            w.append("`%s`\n" % cmd)
            out = read(os.path.join(prof, base + ".out")).strip()
            samples = read(os.path.join(prof, base + ".samples.txt")).strip().lstrip("# ")
            if out or samples:
                w.append("%s%s\n" % ("Run: `%s`. " % out.splitlines()[-1] if out else "",
                                      "%s (one per 250 µs of CPU time, all threads)." % samples if samples else ""))
            dso = read(os.path.join(prof, base + ".dso.txt"))
            if dso.strip():
                w.append("CPU samples by object (self):\n")
                w.append(fenced(dso))
            ch = read(os.path.join(prof, base + ".children.txt"))
            if ch.strip():
                w.append("User-space frames by inclusive share (children, self), ≥ 3 %:\n")
                w.append(fenced(ch))
    analysis = read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md"))
    if analysis.strip():
        w.append("## Analysis (by hand)\n")
        w.append(analysis.strip() + "\n")

    w.append("## Commands\n")
    w.append("Build (release, `CARGO_TARGET_DIR=%s`):\n" % os.path.dirname(os.path.dirname(f.get("lib", "?/release/x"))))
    w.append(fenced("\n".join([
        "cargo build --release --lib -p hathora-rooms-native",
        "cargo build --release -p hathora-rooms-server",
        "strip -o OUT/libhathora_rooms.stripped.so %s" % f.get("lib", "?"),
        "gcc -O2 -std=c11 -Wall -Wextra -Iinclude bench/c/bench.c -o OUT/bench -L$CARGO_TARGET_DIR/release "
        "-lhathora_rooms -Wl,-rpath,$CARGO_TARGET_DIR/release -lpthread",
        "gcc -O2 -std=c11 -Wall -Wextra -Iinclude bench/c/footprint.c -o OUT/footprint -ldl",
        "gcc -O2 -std=c11 -Wall -Wextra -Iinclude bench/c/latency.c -o OUT/latency -L$CARGO_TARGET_DIR/release "
        "-lhathora_rooms -Wl,-rpath,$CARGO_TARGET_DIR/release -lpthread",
        "gcc -O2 -std=c11 -Wall -Wextra -Iinclude bench/c/rtt.c -o OUT/rtt -L$CARGO_TARGET_DIR/release "
        "-lhathora_rooms -Wl,-rpath,$CARGO_TARGET_DIR/release -lpthread",
        "mcs -unsafe -nologo -optimize+ -out:OUT/LatencyBench.exe bindings/csharp/Runtime/**/*.cs "
        "bench/csharp/LatencyBench.cs",
        "mcs -nologo -optimize+ -out:OUT/HttpClientBench.exe -r:System.Net.Http -r:System.Runtime.Serialization "
        "bench/csharp/BenchCore.cs bench/csharp/HttpClientBench.cs",
        "mcs -unsafe -nologo -optimize+ -out:OUT/LibBench.exe bindings/csharp/Runtime/**/*.cs "
        "bench/csharp/BenchCore.cs bench/csharp/LibBench.cs",
    ])))
    w.append("Servers (`OUT` = `%s`): `%s`, then one room: `curl -X POST URL/rooms/v2/app-emulator/create?roomId=bench "
             "-H 'Authorization: Bearer emulator-dev-token' -d '{\"region\":\"London\"}'`; nginx 2 workers, "
             "keep-alive, access log off, serving the emulator's GetConnectionInfo answer as a file at `%s`.\n"
             % (f.get("out", "?"), f.get("emulator_cmd", "?"), f.get("nginx_url", "?")))
    w.append("Each run, as run (`LD_LIBRARY_PATH=$CARGO_TARGET_DIR/release` for the Mono rows):\n")
    lat_dir = os.path.join(res, "latency")
    lat_cmds = sorted(n for n in os.listdir(lat_dir) if n.endswith(".cmd")) if os.path.isdir(lat_dir) else []
    w.append(fenced("\n".join("%s  %s" % (r.id, r.cmd) for r in load_all(res)) + "\nfootprint  " + f.get("footprint_cmd", "?")
                    + "".join("\nlatency/%s  %s" % (n[:-4], read(os.path.join(lat_dir, n)).strip()) for n in lat_cmds)))
    w.append("## Method notes\n")
    w.append("\n".join([
        "- The C harness keeps 32 requests in flight: each callback records its latency and submits the next "
        "request from inside the callback. In poll mode the main thread loops on `hathora_client_poll(client, 0)` "
        "and sleeps 20 µs whenever nothing was ready (a game would poll once per frame; this loop measures "
        "the dispatch path, not a frame rate).",
        "- The *poll dispatch pumped by a spinning thread* C# row is a diagnostic, not a way to use the library "
        "in a game: a dedicated thread calls `client.Poll()` in a loop and only yields when nothing was ready, so "
        "task continuations run on it instead of hopping to the thread pool (and it keeps a CPU awake).",
        "- C#: `mcs -optimize+`, Mono's default JIT; 1 or 32 async loops started with `Task.Run`, each awaiting "
        "one call after the other. The library's client uses worker dispatch (the default outside Unity). "
        "HttpClient: one shared instance, `ServicePointManager.DefaultConnectionLimit = 256` (Mono's default of 2 "
        "connections per host would otherwise serialise 32 calls on 2 connections), the body decoded by "
        "`DataContractJsonSerializer` (one per thread) into the same fields.",
        "- wrk runs its own event loop on 1 or 2 threads and does not parse the JSON; it is the ceiling for "
        "any client on this machine, and nginx shows how far the emulator is from a static file server.",
    ]) + "\n")
    section = rooms_server_section()
    if section:
        w.append(section)
    return "\n".join(w)


# bench/rooms_server.sh and bench/docker.sh write the server's sections of results.md and its rows
# of BENCHMARKS.md; regenerating both files for the library keeps them as they are.
ROOMS_SERVER_SECTIONS = [("<!-- rooms-server: begin", "<!-- rooms-server: end -->"),
                         ("<!-- rooms-server-docker: begin", "<!-- rooms-server-docker: end -->")]
ROOMS_SERVER_ROWS = ("| rooms server: ", "| rooms server (Docker): ")


def rooms_server_section():
    text = read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md"))
    kept = []
    for begin, end in ROOMS_SERVER_SECTIONS:
        i, j = text.find(begin), text.find(end)
        if 0 <= i < j:
            kept.append(text[i:j + len(end)] + "\n")
    return "\n".join(kept)


def rooms_server_rows():
    text = read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "BENCHMARKS.md"))
    return [line for line in text.split("\n") if line.startswith(ROOMS_SERVER_ROWS)]


def split_target(text):
    """A target line as (goal, result): split at the first ": " outside parentheses."""
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and text.startswith(": ", i):
            return text[:i], text[i + 2:]
    return text, ""


def summary(rows, res, stripped):
    """BENCHMARKS.md: the targets as one table, and where the rest is."""
    f = facts(res)
    w = ["# Benchmarks\n",
         "What the library is held to, measured by `bash bench/run.sh` on %s (`nproc` %s, 1-minute load average "
         "%s at the start, %s at the end) against a local emulator; rerun it rather than editing this file. The full "
         "report (every row, the latency scenario, footprint, commands, method) is [bench/results.md](bench/results.md), "
         "the analysis by hand [bench/analysis.md](bench/analysis.md). The `rooms server:` rows are the self-hosted "
         "server's, measured by `bash bench/rooms_server.sh` (date and load in its section of bench/results.md, "
         "*The rooms server*), the `rooms server (Docker):` rows with game servers in containers, by `sudo bash "
         "bench/docker.sh` (*The rooms server with containers*); both are kept as they are when this file is "
         "regenerated.\n"
         % (f.get("started_at", "?"), f.get("nproc", "?"), f.get("load_before", "?").split(" ")[0],
            f.get("load_after", "?").split(" ")[0]),
         "| target | result | |", "|---|---|---|"]
    for _, status, text in targets(rows, res, stripped):
        goal, result = split_target(text)
        w.append("| %s | %s | %s |" % (goal, result.replace("|", "/"), status))
    line = rtt_line(rtt(res))
    if line:
        goal, result = split_target(line)
        w.append("| %s | %s | measured |" % (goal, result))
    w.extend(rooms_server_rows())
    return "\n".join(w) + "\n"


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("table", "targets", "markdown", "summary"):
        sys.exit(__doc__)
    what, res, stripped = sys.argv[1:]
    rows = load(res)
    if what == "targets":
        for key, status, text in targets(rows, res, stripped):
            print("%s\t%s\t%s" % (key, status, text))
    elif what == "table":
        head, lines = table(rows)
        print(render_text(head, lines))
        print()
        for _, status, text in targets(rows, res, stripped):
            print("%s  %s" % (status, text))
        f = facts(res)
        fp = footprint(res)
        if fp:
            print()
            print("footprint: stripped %s bytes; dlopen→first call %s ms; threads max %s; VmRSS after queuing "
                  "10,000 %s KiB (max %s KiB)" % (format(int(f.get("stripped_size", "0")), ","),
                                                   fp.get("dlopen_to_first_call_ms"), fp.get("threads_max"),
                                                   fp.get("rss_queued_kb"), fp.get("rss_max_kb")))
        line = rtt_line(rtt(res))
        if line:
            print(line)
        print("load average before / after: %s / %s" % (f.get("load_before"), f.get("load_after")))
    elif what == "summary":
        sys.stdout.write(summary(rows, res, stripped))
    else:
        sys.stdout.write(markdown(rows, res, stripped))


if __name__ == "__main__":
    main()
