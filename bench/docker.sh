#!/usr/bin/env bash
# The rooms server's benchmarks with game servers in containers (issue 24), beside the
# local-process ones of bench/rooms_server.sh: hathora-rooms-server --image, running the example
# game server (examples/game_server, linked statically, alone in a FROM scratch image that
# tests/docker/images.sh builds), release builds, on demand only (never called by tests or CI):
#   new-container  CreateRoom → active on a new container, ROOMS times (one room per process);
#                  the server's log splits each into the engine's part (create, attach, start)
#                  and the game server's (started → listening inside the container)
#   free-slot      rooms created on a ready container with a free slot (4 rooms per process,
#                  10 containers): active in CreateRoom's answer, at the first poll, or later
#   hundred        100 live containers (one room each): the server's RSS, and its CPU over 10 s
#                  with nothing happening
# Writes the raw outputs under $CARGO_TARGET_DIR/docker-bench/results, then the section "The
# rooms server with containers" of bench/results.md and the "rooms server (Docker):" rows of
# BENCHMARKS.md (bench/docker/report.py). The 1-minute load average is recorded next to each
# number. Everything on 127.0.0.1 (ports published there: 26000-26299); nothing is pulled.
# Needs a running Docker Engine, root (containers reach the API on their own loopback), cargo,
# gcc with static glibc, python3.
# Usage: sudo bash bench/docker.sh     env: ROOMS=50, CARGO_TARGET_DIR (default target/bench)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/bench}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$ROOT/$CARGO_TARGET_DIR" ;; esac
# shellcheck source=tests/docker/images.sh
source tests/docker/images.sh
ROOMS="${ROOMS:-50}"
REL="$CARGO_TARGET_DIR/release"
OUT="$CARGO_TARGET_DIR/docker-bench"
RES="$OUT/results"
APP=app-bench
TOKEN=bench-dev-token
RANGE=26000-26299
INSTANCE="bench-docker-$$"
SERVER_WAIT_S=30
# shellcheck source=bench/rooms_server/lib.sh
source bench/rooms_server/lib.sh
for tool in cargo gcc docker python3; do
    command -v "$tool" >/dev/null || { echo "bench/docker.sh: $tool not found" >&2; exit 1; }
done

rm -rf "$OUT"
mkdir -p "$RES"
log "building release: the library, hathora-rooms-server, startup.c, the example game server's image"
cargo build --release -q --lib -p hathora-rooms-native
cargo build --release -q -p hathora-rooms-server
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/rooms_server/startup.c -L"$REL" -lhathora_rooms \
    -Wl,-rpath,"$REL" -o "$OUT/startup"
build_images >&2
load_images

# The server's arguments for the image (known once built).
GAME_SERVER=(--image "$EXAMPLE_IMAGE" --container-port 7777 --pull never --instance-id "$INSTANCE")
# The server (which removes its containers as it stops), then any container of this run left.
stop_all() {
    stop_server
    docker ps -aq --filter "label=dev.hathora-rooms.instance=$INSTANCE" | xargs -r docker rm -f >/dev/null
}
trap stop_all EXIT

containers() { docker ps -q --filter "label=dev.hathora-rooms.instance=$INSTANCE" | wc -l; }

{
    echo "started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "nproc=$(nproc)"
    echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "kernel=$(uname -sr)"
    echo "docker=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
    echo "image=$EXAMPLE_IMAGE"
    echo "image_bytes=$(docker image inspect --format '{{.Size}}' "$EXAMPLE_IMAGE")"
    echo "rooms=$ROOMS"
    echo "others_before=$(ps -eo comm= | grep -cE '^(rustc|cargo|mono|mono-sgen|cc1)$' || true)"
} >"$RES/facts.txt"

log "new-container: $ROOMS CreateRoom → active, one container each"
start_server new-container --rooms-per-process 1
echo "load_before=$(load)" >"$RES/new-container.txt"
"$OUT/startup" new-process "$URL" "$APP" "$TOKEN" - 0 "$ROOMS" >>"$RES/new-container.txt"
echo "load_after=$(load)" >>"$RES/new-container.txt"
stop_all

log "free-slot: 10 containers of 4 rooms"
start_server free-slot --rooms-per-process 4
echo "load_before=$(load)" >"$RES/free-slot.txt"
"$OUT/startup" free-slot "$URL" "$APP" "$TOKEN" 10 4 >>"$RES/free-slot.txt"
echo "load_after=$(load)" >>"$RES/free-slot.txt"
stop_all

log "hundred: 100 live containers"
start_server hundred --rooms-per-process 1 --quiet
{
    echo "load_before=$(load)"
    echo "rss_start_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$SPID/status")"
    "$OUT/startup" fill "$URL" "$APP" "$TOKEN" 100
    sleep 2 # every game server has fetched its room list: nothing is left to happen
    echo "containers=$(containers)"
    echo "rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$SPID/status")"
    echo "threads=$(awk '/^Threads/ { print $2 }' "/proc/$SPID/status")"
    echo "fds=$(find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 | wc -l)"
    echo "load_idle_before=$(load)"
    before=$(ticks "$SPID")
    sleep 10
    echo "idle_server_ticks=$(($(ticks "$SPID") - before))"
    echo "clock_ticks_per_s=$(getconf CLK_TCK)"
    echo "hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$SPID/status")"
    stopped=$(date +%s%N)
    kill -TERM "$SPID"
    wait "$SPID" || true
    SPID=
    echo "shutdown_ms=$((($(date +%s%N) - stopped) / 1000000))"
    echo "left_after_shutdown=$(docker ps -aq --filter "label=dev.hathora-rooms.instance=$INSTANCE" | wc -l)"
    echo "load_after=$(load)"
} >"$RES/hundred.txt"
stop_all

log "writing bench/results.md (section 'The rooms server with containers') and BENCHMARKS.md ('rooms server (Docker):' rows)"
python3 bench/docker/report.py "$RES" "$ROOT"
