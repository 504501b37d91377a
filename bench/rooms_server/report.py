#!/usr/bin/env python3
"""Renders the raw outputs of bench/rooms_server.sh (RESULTS_DIR) into the section "The rooms
server" of bench/results.md (between its markers, replaced on every run) and the "rooms server:"
rows of BENCHMARKS.md's headline table (replaced too). bench/report.py, which regenerates both
files for the library, keeps them as they are.

Usage: report.py RESULTS_DIR REPOSITORY_ROOT
"""
import os
import re
import statistics
import sys

BEGIN = "<!-- rooms-server: begin (written by bash bench/rooms_server.sh) -->"
END = "<!-- rooms-server: end -->"
ROW = "| rooms server: "


def kv(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            out[k] = v
    return out


def pct(values, p):
    """The p-th percentile, nearest rank."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


def new_process(res):
    own, server = [], []
    for line in open(os.path.join(res, "new-process.txt"), encoding="utf-8"):
        kind, _, value = line.partition(" ")
        if kind == "own":
            own.append(float(value))
        elif kind == "server":
            server.append(float(value))
    # The server's own view: "ready on port P (Tcp) after A ms (B ms since placed)".
    since_placed = [int(m.group(2)) for m in re.finditer(r"after (\d+) ms \((\d+) ms since placed\)",
                                                         open(os.path.join(res, "new-process.server.log")).read())]
    facts = kv(os.path.join(res, "new-process.txt"))
    return own, server, since_placed, facts


def free_slot(res):
    counts = {"answer": 0, "poll1": 0, "later": 0}
    later = []
    for line in open(os.path.join(res, "free-slot.txt"), encoding="utf-8"):
        word = line.split()[0] if line.strip() else ""
        if word in counts:
            counts[word] += 1
            if word == "later":
                later.append(int(line.split()[1]))
    return counts, later, kv(os.path.join(res, "free-slot.txt"))


def wrk(res, run):
    text = open(os.path.join(res, "wrk-%d.txt" % run), encoding="utf-8").read()
    def unit(v):
        n, u = float(re.match(r"[\d.]+", v).group()), re.sub(r"[\d.]", "", v)
        return n * {"us": 0.001, "ms": 1, "s": 1000}[u]
    lat = {p: unit(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"lat": lat, "rps": rps, "requests": requests, "errors": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "none"}


def ms(v):
    return "%.1f ms" % v


def render(res):
    f = kv(os.path.join(res, "facts.txt"))
    own, server, since_placed, npf = new_process(res)
    diffs = [s - o for s, o in zip(server, own)]
    counts, later, fsf = free_slot(res)
    sc = kv(os.path.join(res, "scale.txt"))
    runs = [wrk(res, run) for run in (1, 2, 3)]
    # The run with the median p99 stands for the three.
    mid = sorted(runs, key=lambda r: r["lat"]["99"])[1]
    p99s = ", ".join(ms(r["lat"]["99"]) for r in runs)
    errors = sum(r["errors"] for r in runs)
    hz = int(sc["clock_ticks_per_s"])
    rss_mb = int(sc["rss_kb"]) / 1024
    over_median = statistics.median(server) - statistics.median(own)
    over_p99 = pct(server, 99) - pct(own, 99)
    slot_total = sum(counts.values())

    targets = [
        ("CreateRoom → active on a new process, beyond the game server's own start-up < 20 ms",
         "median %s (%s vs %s own), p99 %s (%s vs %s), %d rooms, load %s→%s"
         % (ms(over_median), ms(statistics.median(server)), ms(statistics.median(own)), ms(over_p99),
            ms(pct(server, 99)), ms(pct(own, 99)), len(server), npf["load_before"], npf["load_after"]),
         over_median < 20 and over_p99 < 20),
        ("on a process with a free slot: active in CreateRoom's answer or at the first poll",
         "%d of %d in the answer, %d at the first poll, %d later (load %s→%s)"
         % (counts["answer"], slot_total, counts["poll1"], counts["later"], fsf["load_before"], fsf["load_after"]),
         counts["later"] == 0),
        ("1,000 rooms on %s processes: server RSS ≤ 50 MB" % sc["processes"],
         "%.1f MB (%.1f MB after the wrk run, peak %.1f MB; load %s)"
         % (rss_mb, int(sc["rss_after_wrk_kb"]) / 1024, int(sc["hwm_kb"]) / 1024, sc["load_before"]),
         rss_mb <= 50),
        ("1,000 rooms, nothing happening: server CPU over 10 s = 0",
         "%s ticks of 1/%d s (the 250 game servers: %s; load %s)"
         % (sc["idle_server_ticks"], hz, sc["idle_game_server_ticks"], sc["load_idle_before"]),
         int(sc["idle_server_ticks"]) == 0),
        ("1,000 rooms: GetConnectionInfo p99 with 256 in flight (no target)",
         "p99 %s (median of 3 runs: %s), p50 %s, %s req/s, %d errors (wrk -t2 -c256 -d10s; load %s→%s)"
         % (ms(mid["lat"]["99"]), p99s, ms(mid["lat"]["50"]), format(int(mid["rps"]), ","), errors,
            sc["load_wrk_before"], sc["load_wrk_after"]),
         None),
    ]

    rows = []
    for goal, result, ok in targets:
        status = "–" if ok is None else ("PASS" if ok else "MISS")
        rows.append("%s%s | %s | %s |" % (ROW, goal, result.replace("|", "/"), status))

    w = [BEGIN, "## The rooms server\n",
         "Measured by `bash bench/rooms_server.sh` on %s (`nproc` %s, %s, %s other build processes at the start); "
         "release builds of `hathora-rooms-server`, the library and the example game server (`examples/game_server`, "
         "`-O2`), everything on 127.0.0.1 on the same 2 cores. The 1-minute load average is given next to each number "
         "(before→after the run). Rerun the script rather than editing this section.\n"
         % (f["started_at"], f["nproc"], f["cpu"], f["others_before"]),
         "| target | result | |", "|---|---|---|"]
    w += ["| " + r[len(ROW):] for r in rows]
    w.append("")
    w.append("### CreateRoom → active on a new process\n")
    w.append("%d rooms, one per process, each paired with a start of the game server by hand (alternating, so both see "
             "the same load). *own*: `posix_spawn` of the game server with the environment the rooms server gives it → "
             "the first TCP connect to its port that succeeds. *server*: CreateRoom sent → the first GetConnectionInfo "
             "answering `active` (the same polling: the check, then 100 µs of sleep). Both through the C ABI "
             "(`bench/rooms_server/startup.c`). Load %s→%s.\n" % (len(server), npf["load_before"], npf["load_after"]))
    w.append("| | median | p99 | min | max |")
    w.append("|---|---:|---:|---:|---:|")
    for name, v in (("own start-up (spawn → listening)", own), ("CreateRoom → active", server),
                    ("difference, pair by pair", diffs)):
        w.append("| %s | %s | %s | %s | %s |" % (name, ms(statistics.median(v)), ms(pct(v, 99)), ms(min(v)), ms(max(v))))
    if since_placed:
        w.append("| the server's own log: placed → ready | %s | %s | %s | %s |"
                 % (ms(statistics.median(since_placed)), ms(pct(since_placed, 99)), ms(min(since_placed)),
                    ms(max(since_placed))))
    w.append("")
    w.append("### On a process with a free slot\n")
    w.append("25 processes of 4 rooms: the first room of each starts its process and is polled until active; the 3 "
             "others are created on the ready process. Of those %d: %d active in CreateRoom's answer, %d at the first "
             "GetConnectionInfo, %d later%s. Load %s→%s.\n"
             % (slot_total, counts["answer"], counts["poll1"], counts["later"],
                (" (after %s polls)" % ", ".join(map(str, later))) if later else "", fsf["load_before"], fsf["load_after"]))
    w.append("### 1,000 rooms on 250 processes\n")
    w.append("4 rooms per process, `--quiet`; the rooms created one after the other, then polled until all were "
             "active; 2 s later (every game server has fetched its room list):\n")
    w.append("| | |\n|---|---|")
    w.append("| game-server processes under the server | %s |" % sc["processes"])
    w.append("| server VmRSS / after the wrk run / VmHWM | %.1f / %.1f / %.1f MB |"
             % (rss_mb, int(sc["rss_after_wrk_kb"]) / 1024, int(sc["hwm_kb"]) / 1024))
    w.append("| CPU over 10 s with nothing happening: server / all 250 game servers | %s / %s ticks (1/%d s each); "
             "load %s |" % (sc["idle_server_ticks"], sc["idle_game_server_ticks"], hz, sc["load_idle_before"]))
    for i, r in enumerate(runs, 1):
        lat = r["lat"]
        w.append("| GetConnectionInfo, 256 in flight, run %d of 3 (`wrk -t2 -c256 -d10s --latency`, each request "
                 "another of the 1,000 rooms) | p50 %s, p75 %s, p90 %s, p99 %s; %s requests, %s req/s, %d non-2xx, "
                 "socket errors: %s |" % (i, ms(lat["50"]), ms(lat["75"]), ms(lat["90"]), ms(lat["99"]),
                                          format(r["requests"], ","), format(int(r["rps"]), ","), r["errors"],
                                          r["socket_errors"]))
    w.append("| load average before / after the three runs | %s / %s |" % (sc["load_wrk_before"], sc["load_wrk_after"]))
    w.append("")
    w.append("wrk (2 threads) and the server (2 worker threads) share the 2 cores, beside the 250 idle game "
             "servers; no target is set for this p99, which measures the machine as much as the server.\n")
    w.append(END)
    return "\n".join(w) + "\n", rows


def splice_results(path, section, begin=BEGIN, end=END):
    """Replaces the section between the markers (appended at the end when they are absent)."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(path, "w", encoding="utf-8").write(text)


def splice_rows(path, rows, row=ROW):
    """Replaces the rows starting with `row` in the first table (appended at its end)."""
    lines = [l for l in open(path, encoding="utf-8").read().split("\n") if not l.startswith(row)]
    first = next(i for i, l in enumerate(lines) if l.startswith("|"))
    end = first
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    lines[end:end] = rows
    open(path, "w", encoding="utf-8").write("\n".join(lines))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    res, root = sys.argv[1:]
    section, rows = render(res)
    splice_results(os.path.join(root, "bench", "results.md"), section)
    splice_rows(os.path.join(root, "BENCHMARKS.md"), rows)
    sys.stdout.write(section)


if __name__ == "__main__":
    main()
