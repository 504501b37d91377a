#!/usr/bin/env bash
# The rooms server's benchmarks (issue 20), with the example game server (examples/game_server)
# as the command it runs, release builds, on demand only (never called by tests or CI):
#   new-process  CreateRoom → active on a new process, ROOMS times (one room per process), each
#                paired with the game server's own start-up (started by hand: spawn → listening),
#                measured the same way and alternating with it (bench/rooms_server/startup.c)
#   free-slot    rooms created on a ready process with a free slot (4 rooms per process, 25
#                processes): active in CreateRoom's answer, at the first poll, or later
#   scale        1,000 rooms on 250 processes: the server's RSS, its CPU over 10 s with nothing
#                happening (and that of the 250 game servers), then GetConnectionInfo with 256
#                requests in flight: wrk -t2 -c256 -d10s --latency over the 1,000 rooms, 3 runs
# Writes the raw outputs under $CARGO_TARGET_DIR/rooms-server-bench/results, then the section
# "The rooms server" of bench/results.md and the "rooms server:" rows of BENCHMARKS.md
# (bench/rooms_server/report.py). The 1-minute load average is recorded next to each number.
# Everything talks to 127.0.0.1; game servers get ports 25000-25299 (and 25999 for the own
# start-up runs). Needs cargo, cc, wrk, python3.
# Usage: bash bench/rooms_server.sh     env: ROOMS=100, CARGO_TARGET_DIR (default target/bench)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/bench}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$ROOT/$CARGO_TARGET_DIR" ;; esac
ROOMS="${ROOMS:-100}"
REL="$CARGO_TARGET_DIR/release"
OUT="$CARGO_TARGET_DIR/rooms-server-bench"
RES="$OUT/results"
APP=app-bench
TOKEN=bench-dev-token
RANGE=25000-25299
OWN_PORT=25999
GAME_SERVER=(-- "$OUT/game_server")
SERVER_WAIT_S=10
# shellcheck source=bench/rooms_server/lib.sh
source bench/rooms_server/lib.sh

for tool in cargo cc wrk python3; do
    command -v "$tool" >/dev/null || { echo "bench/rooms_server.sh: $tool not found" >&2; exit 1; }
done

rm -rf "$OUT"
mkdir -p "$RES"
log "building release: the library, hathora-rooms-server, the example game server, startup.c"
cargo build --release -q --lib -p hathora-rooms-native
cargo build --release -q -p hathora-rooms-server
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude examples/game_server/*.c -L"$REL" -lhathora_rooms \
    -Wl,-rpath,"$REL" -o "$OUT/game_server"
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/rooms_server/startup.c -L"$REL" -lhathora_rooms \
    -Wl,-rpath,"$REL" -o "$OUT/startup"

trap stop_server EXIT

children() { awk -v p="$1" '{ sub(/.*\) /, ""); if ($2 == p) print FILENAME }' /proc/[0-9]*/stat 2>/dev/null | cut -d/ -f3; }

{
    echo "started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "nproc=$(nproc)"
    echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "kernel=$(uname -sr)"
    echo "rustc=$(rustc --version)"
    echo "wrk=$(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2)"
    echo "rooms=$ROOMS"
    echo "others_before=$(ps -eo comm= | grep -cE '^(rustc|cargo|mono|mono-sgen|cc1)$' || true)"
} >"$RES/facts.txt"

log "new-process: $ROOMS CreateRoom → active, each paired with the game server's own start-up"
start_server new-process --rooms-per-process 1
echo "load_before=$(load)" >"$RES/new-process.txt"
"$OUT/startup" new-process "$URL" "$APP" "$TOKEN" "$OUT/game_server" "$OWN_PORT" "$ROOMS" >>"$RES/new-process.txt"
echo "load_after=$(load)" >>"$RES/new-process.txt"
stop_server

log "free-slot: 25 processes of 4 rooms"
start_server free-slot --rooms-per-process 4
echo "load_before=$(load)" >"$RES/free-slot.txt"
"$OUT/startup" free-slot "$URL" "$APP" "$TOKEN" 25 4 >>"$RES/free-slot.txt"
echo "load_after=$(load)" >>"$RES/free-slot.txt"
stop_server

log "scale: 1,000 rooms on 250 processes"
start_server scale --rooms-per-process 4 --quiet
{
    echo "load_before=$(load)"
    "$OUT/startup" fill "$URL" "$APP" "$TOKEN" 1000
    sleep 2 # every game server has fetched its room list: nothing is left to happen
    echo "processes=$(children "$SPID" | wc -l)"
    echo "rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$SPID/status")"
    echo "load_idle_before=$(load)"
    mapfile -t kids < <(children "$SPID")
    server_before=$(ticks "$SPID")
    kids_before=0
    for k in "${kids[@]}"; do kids_before=$((kids_before + $(ticks "$k"))); done
    sleep 10
    server_after=$(ticks "$SPID")
    kids_after=0
    for k in "${kids[@]}"; do kids_after=$((kids_after + $(ticks "$k"))); done
    echo "idle_server_ticks=$((server_after - server_before))"
    echo "idle_game_server_ticks=$((kids_after - kids_before))"
    echo "clock_ticks_per_s=$(getconf CLK_TCK)"
    echo "load_wrk_before=$(load)"
} >"$RES/scale.txt"
cat >"$OUT/rooms.lua" <<'LUA'
-- GetConnectionInfo over the 1,000 rooms, each connection stepping through them.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/rooms/v2/app-bench/connectioninfo/r" .. (n % 1000))
end
LUA
for run in 1 2 3; do
    wrk -t2 -c256 -d10s --latency -s "$OUT/rooms.lua" "$URL" >"$RES/wrk-$run.txt"
done
{
    echo "load_wrk_after=$(load)"
    echo "rss_after_wrk_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$SPID/status")"
    echo "hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$SPID/status")"
} >>"$RES/scale.txt"
stop_server

log "writing bench/results.md (section 'The rooms server') and BENCHMARKS.md ('rooms server:' rows)"
python3 bench/rooms_server/report.py "$RES" "$ROOT"
