#!/usr/bin/env python3
"""Renders the raw outputs of bench/docker.sh (RESULTS_DIR) into the section "The rooms server
with containers" of bench/results.md (between its markers, replaced on every run) and the
"rooms server (Docker):" rows of BENCHMARKS.md's headline table (replaced too), beside the
local-process ones of bench/rooms_server.sh, whose helpers it uses. bench/report.py, which
regenerates both files for the library, keeps them as they are.

Usage: report.py RESULTS_DIR REPOSITORY_ROOT
"""
import importlib.util
import os
import re
import statistics
import sys

BEGIN = "<!-- rooms-server-docker: begin (written by sudo bash bench/docker.sh) -->"
END = "<!-- rooms-server-docker: end -->"
ROW = "| rooms server (Docker): "

_spec = importlib.util.spec_from_file_location(
    "rooms_server_report", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rooms_server", "report.py"))
rooms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rooms)
kv, pct, ms = rooms.kv, rooms.pct, rooms.ms


def new_container(res):
    server = [float(line.split()[1]) for line in open(os.path.join(res, "new-container.txt"), encoding="utf-8")
              if line.startswith("server ")]
    # The server's own view: "ready on container port 7777 (Tcp) after A ms (B ms since placed)":
    # A from the container's start, B from the placement (create, attach, start, then A).
    log = open(os.path.join(res, "new-container.server.log"), encoding="utf-8").read()
    split = [(int(a), int(b)) for a, b in re.findall(r"after (\d+) ms \((\d+) ms since placed\)", log)]
    return server, split, kv(os.path.join(res, "new-container.txt"))


def row(values):
    return "%s | %s | %s | %s" % (ms(statistics.median(values)), ms(pct(values, 99)), ms(min(values)), ms(max(values)))


def render(res):
    f = kv(os.path.join(res, "facts.txt"))
    server, split, ncf = new_container(res)
    counts, later, fsf = rooms.free_slot(res)
    h = kv(os.path.join(res, "hundred.txt"))
    hz = int(h["clock_ticks_per_s"])
    slot_total = sum(counts.values())
    rss_mb = int(h["rss_kb"]) / 1024

    targets = [
        ("CreateRoom → active on a new container (no target)",
         "median %s, p99 %s; of which the engine (create, attach, start) %s, the game server's start-up "
         "(started → listening) %s at the median; %d rooms, load %s→%s"
         % (ms(statistics.median(server)), ms(pct(server, 99)),
            ms(statistics.median([b - a for a, b in split])), ms(statistics.median([a for a, _ in split])),
            len(server), ncf["load_before"], ncf["load_after"]),
         None),
        ("on a container with a free slot: active in CreateRoom's answer or at the first poll",
         "%d of %d in the answer, %d at the first poll, %d later (load %s→%s)"
         % (counts["answer"], slot_total, counts["poll1"], counts["later"], fsf["load_before"], fsf["load_after"]),
         counts["later"] == 0),
        ("100 live containers: server RSS ≤ 50 MB",
         "%.1f MB (%.1f MB at start, peak %.1f MB; %s containers; idle CPU %s ticks of 1/%d s over 10 s; load %s)"
         % (rss_mb, int(h["rss_start_kb"]) / 1024, int(h["hwm_kb"]) / 1024, h["containers"],
            h["idle_server_ticks"], hz, h["load_idle_before"]),
         rss_mb <= 50),
    ]
    rows = []
    for goal, result, ok in targets:
        status = "–" if ok is None else ("PASS" if ok else "MISS")
        rows.append("%s%s | %s | %s |" % (ROW, goal, result.replace("|", "/"), status))

    w = [BEGIN, "## The rooms server with containers\n",
         "Measured by `sudo bash bench/docker.sh` on %s (`nproc` %s, %s, Docker Engine %s, %s other build processes at "
         "the start); release builds of `hathora-rooms-server` and the library; each game server is a container of "
         "`%s` (%.1f MB: the example game server `examples/game_server`, linked statically, alone in a `FROM scratch` "
         "image), its port published on 127.0.0.1, the API on its own loopback. The 1-minute load average is given "
         "next to each number (before→after the run). The 50 MB RSS bound is the one the local-process rows hold "
         "1,000 rooms to. Rerun the script rather than editing this section.\n"
         % (f["started_at"], f["nproc"], f["cpu"], f["docker"], f["others_before"], f["image"],
            int(f["image_bytes"]) / 1e6),
         "| target | result | |", "|---|---|---|"]
    w += ["| " + r[len(ROW):] for r in rows]
    w.append("")
    w.append("### CreateRoom → active on a new container\n")
    w.append("%d rooms, one per container, created one after the other: CreateRoom sent → the first GetConnectionInfo "
             "answering `active` (the check, then 100 µs of sleep), through the C ABI (`bench/rooms_server/startup.c`, "
             "its server-only form). CreateRoom answers once the container has started. The server's log splits each "
             "start: *the engine* is placement → container started (create, attach to its output, start, its pid, the "
             "API's listener in it), *the game server* started → listening inside the container (read from the "
             "container's socket tables, as the server does). A local process of the same game server takes 1 to 2 ms "
             "to listen (*The rooms server* above). Load %s→%s.\n" % (len(server), ncf["load_before"], ncf["load_after"]))
    w.append("| | median | p99 | min | max |")
    w.append("|---|---:|---:|---:|---:|")
    w.append("| CreateRoom → active (client) | %s |" % row(server))
    if split:
        w.append("| the server's log: placed → ready | %s |" % row([float(b) for _, b in split]))
        w.append("| of which the engine: placed → started | %s |" % row([float(b - a) for a, b in split]))
        w.append("| of which the game server: started → listening | %s |" % row([float(a) for a, _ in split]))
    w.append("")
    w.append("### On a container with a free slot\n")
    w.append("10 containers of 4 rooms: the first room of each starts its container and is polled until active; the 3 "
             "others are created on the ready container. Of those %d: %d active in CreateRoom's answer, %d at the first "
             "GetConnectionInfo, %d later%s. Load %s→%s.\n"
             % (slot_total, counts["answer"], counts["poll1"], counts["later"],
                (" (after %s polls)" % ", ".join(map(str, later))) if later else "", fsf["load_before"], fsf["load_after"]))
    w.append("### 100 live containers\n")
    w.append("One room per container, `--quiet`; the rooms created one after the other, then polled until all were "
             "active; 2 s later (every game server has fetched its room list):\n")
    w.append("| | |\n|---|---|")
    w.append("| containers running | %s |" % h["containers"])
    w.append("| server VmRSS: at start / with 100 containers / VmHWM | %.1f / %.1f / %.1f MB |"
             % (int(h["rss_start_kb"]) / 1024, rss_mb, int(h["hwm_kb"]) / 1024))
    w.append("| server threads / open descriptors | %s / %s |" % (h["threads"], h["fds"]))
    w.append("| server CPU over 10 s with nothing happening | %s ticks (1/%d s each); load %s |"
             % (h["idle_server_ticks"], hz, h["load_idle_before"]))
    w.append("| SIGTERM → exit 0 with every container stopped and removed | %s ms; %s containers left |"
             % (h["shutdown_ms"], h["left_after_shutdown"]))
    w.append("| load average before / after | %s / %s |" % (h["load_before"], h["load_after"]))
    w.append("")
    w.append("The server keeps, per container, a supervising task, its output stream into its log file, a wait on the "
             "engine and the API's listener in the container; the engine's own memory (dockerd, containerd, a shim and "
             "two `docker-proxy` per container: TCP and UDP) is not counted here.\n")
    w.append(END)
    return "\n".join(w) + "\n", rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    res, root = sys.argv[1:]
    section, rows = render(res)
    rooms.splice_results(os.path.join(root, "bench", "results.md"), section, BEGIN, END)
    rooms.splice_rows(os.path.join(root, "BENCHMARKS.md"), rows, ROW)
    sys.stdout.write(section)


if __name__ == "__main__":
    main()
