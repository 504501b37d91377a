#!/usr/bin/env bash
# The library's benchmarks. Measures GetConnectionInfo (GET /rooms/v2/app-emulator/connectioninfo/<room>)
# on one room of one local emulator, side by side in one run:
#   limit      wrk on the emulator and on nginx serving the same JSON (1 and 32 connections), for scale
#   C          bench/c/bench.c: blocking; async with 32 in flight, pool 4 and 32, worker and poll
#   C#         bench/csharp/LibBench.cs over bindings/csharp (Task API) under Mono, 1 and 32
#   managed    bench/csharp/HttpClientBench.cs: HttpClient + DataContractJsonSerializer, 1 and 32
#   footprint  stripped cdylib size; threads and RSS with 10,000 queued requests; dlopen to the
#              first completed call (bench/c/footprint.c)
#   latency    issue 11: a second emulator with --latency-ms 100; N = 1, 16, 64, 256, 1024 calls
#              at once, time to the last callback and peak threads, for the C ABI (bench/c/latency.c),
#              the C# Task API (bench/csharp/LatencyBench.cs), both with default settings, and the
#              official TypeScript SDK (bench/ts/latency.mjs, installed from npm into
#              $CARGO_TARGET_DIR/bench-ts when Node is present); 20 calls with a 1 s deadline
#              against a server that never answers; 1,000 calls against a closed port; threads and
#              wake-ups of an idle client; plotted to bench/latency.png (matplotlib from PyPI in a
#              venv under $CARGO_TARGET_DIR/bench-venv)
#   RTT        region pings: the error of the RTT the library measures against a loopback UDP
#              beacon holding each datagram 0 and 20 ms (p50, p99), beside a plain C loop with
#              clock_gettime around sendto/recvfrom on the same beacon (bench/c/rtt.c)
# then checks the targets (PASS/MISS), profiles what missed (perf, else callgrind), prints the
# table, writes the full report to bench/results.md and the headline table to BENCHMARKS.md.
# (Requests per second on loopback against raw ureq are no target: a game never makes thousands
# of calls a second to one host. Latency, deadlines, threads and footprint are.)
#
# On demand only: never called by tests or CI. Everything talks to 127.0.0.1. Every load run is
# bounded by a request count and a time (DURATION seconds, default 5) and by `timeout`.
# Usage: bash bench/run.sh            env: DURATION=5 REPEAT=3 PROFILE=1 (0 skips profiling)
#                                          CARGO_TARGET_DIR (default target/bench)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/bench}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$ROOT/$CARGO_TARGET_DIR" ;; esac
DURATION="${DURATION:-5}"
PROFILE="${PROFILE:-1}"
REPEAT="${REPEAT:-3}"
N=1000000                 # request cap of each measured run (the time cap is DURATION)
REL="$CARGO_TARGET_DIR/release"
OUT="$CARGO_TARGET_DIR/bench-out"
RES="$OUT/results"
ROOM=bench
APP=app-emulator

log() { echo "== $*" >&2; }
die() { echo "bench/run.sh: $*" >&2; exit 1; }

# ---- tools ------------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v nginx >/dev/null || need_apt+=(nginx)
command -v mcs >/dev/null || need_apt+=(mono-mcs)
command -v mono >/dev/null || need_apt+=(mono-runtime)
[ -e /usr/lib/mono/4.5/System.Net.Http.dll ] || need_apt+=(libmono-system-net-http4.0-cil)
[ -e /usr/lib/mono/4.5/System.Runtime.Serialization.dll ] || need_apt+=(libmono-system-runtime-serialization4.0-cil)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing ${need_apt[*]}"
        # Under the same lock as tests/run-all.sh, so concurrent installs wait for each other.
        flock /tmp/apt.lock apt-get update -qq
        DEBIAN_FRONTEND=noninteractive flock /tmp/apt.lock apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        die "missing: ${need_apt[*]} (apt-get install -y ${need_apt[*]})"
    fi
fi
for tool in gcc strip curl python3 timeout cargo; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

rm -rf "$OUT"
mkdir -p "$OUT" "$RES"
STARTED_AT="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
OTHERS_BEFORE="$(ps -eo pid=,comm= | awk -v me=$$ '$2 ~ /^(rustc|cargo|mono|mono-sgen)$/ { n++ } END { print n + 0 }')"

# ---- build (release) --------------------------------------------------------------------------
log "building the release cdylib and the emulator (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cargo build --release -q --lib -p hathora-rooms-native
cargo build --release -q -p hathora-rooms-server
LIB="$REL/libhathora_rooms.so"
[ -f "$LIB" ] || die "$LIB was not built"
strip -o "$OUT/libhathora_rooms.stripped.so" "$LIB"

log "compiling the C harness (gcc -O2)"
CFLAGS=(-O2 -std=c11 -Wall -Wextra -I"$ROOT/include")
gcc "${CFLAGS[@]}" bench/c/bench.c -o "$OUT/bench" -L"$REL" -lhathora_rooms -Wl,-rpath,"$REL" -lpthread
gcc "${CFLAGS[@]}" bench/c/footprint.c -o "$OUT/footprint" -ldl
gcc "${CFLAGS[@]}" bench/c/latency.c -o "$OUT/latency" -L"$REL" -lhathora_rooms -Wl,-rpath,"$REL" -lpthread
gcc "${CFLAGS[@]}" bench/c/rtt.c -o "$OUT/rtt" -L"$REL" -lhathora_rooms -Wl,-rpath,"$REL" -lpthread

log "compiling the C# harnesses (mcs)"
mcs -nologo -optimize+ -out:"$OUT/HttpClientBench.exe" -r:System.Net.Http -r:System.Runtime.Serialization \
    bench/csharp/BenchCore.cs bench/csharp/HttpClientBench.cs
CSLIB_STATUS=ok
if ! grep -qs 'GetConnectionInfoAsync' bindings/csharp/Runtime/*.cs; then
    CSLIB_STATUS="the C# façade (bindings/csharp/Runtime, HathoraRoomsClient.GetConnectionInfoAsync) is missing"
else
    mapfile -t CS_PACKAGE < <(find bindings/csharp/Runtime -name '*.cs' | sort)
    if ! mcs -unsafe -nologo -optimize+ -out:"$OUT/LibBench.exe" "${CS_PACKAGE[@]}" \
            bench/csharp/BenchCore.cs bench/csharp/LibBench.cs >"$OUT/mcs-lib.log" 2>&1; then
        CSLIB_STATUS="the C# façade does not compile: $(grep -m1 error "$OUT/mcs-lib.log" || true)"
    elif ! mcs -unsafe -nologo -optimize+ -out:"$OUT/LatencyBench.exe" "${CS_PACKAGE[@]}" \
            bench/csharp/LatencyBench.cs >"$OUT/mcs-latency.log" 2>&1; then
        CSLIB_STATUS="bench/csharp/LatencyBench.cs does not compile: $(grep -m1 error "$OUT/mcs-latency.log" || true)"
    fi
fi
[ "$CSLIB_STATUS" = ok ] || log "skipping C# through the library: $CSLIB_STATUS"

# ---- servers ------------------------------------------------------------------------------------
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

log "starting the emulator (--quiet)"
EMU_CMD=("$REL/hathora-rooms-server" --port 0 --app-id "$APP" --token emulator-dev-token --activation-delay-ms 0 --quiet)
"${EMU_CMD[@]}" >"$OUT/emulator.out" 2>&1 &
PIDS+=($!)
URL=""
for _ in $(seq 1 200); do
    URL="$(head -n1 "$OUT/emulator.out" 2>/dev/null || true)"
    case "$URL" in http://*) break ;; esac
    sleep 0.05
done
case "$URL" in http://*) ;; *) die "the emulator did not print its URL: $(cat "$OUT/emulator.out")" ;; esac
curl -sf -X POST "$URL/rooms/v2/$APP/create?roomId=$ROOM" -H 'Authorization: Bearer emulator-dev-token' \
    -H 'Content-Type: application/json' -d '{"region":"London"}' >"$OUT/create.json" || die "CreateRoom failed"
CI_PATH="/rooms/v2/$APP/connectioninfo/$ROOM"
curl -sf "$URL$CI_PATH" >"$OUT/connectioninfo.json" || die "GetConnectionInfo failed"
grep -q '"exposedPort":{' "$OUT/connectioninfo.json" || die "the room is not active: $(cat "$OUT/connectioninfo.json")"

log "starting nginx serving the same JSON as a static file"
NPORT="$(free_port)"
NG="$OUT/nginx"
mkdir -p "$NG/www"
cp "$OUT/connectioninfo.json" "$NG/www/connectioninfo.json"
cat >"$NG/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $NG/body;
    proxy_temp_path $NG/proxy;
    fastcgi_temp_path $NG/fastcgi;
    uwsgi_temp_path $NG/uwsgi;
    scgi_temp_path $NG/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        root $NG/www;
        default_type application/json;
    }
}
CONF
chmod -R a+rX "$OUT"
nginx -c "$NG/nginx.conf" -p "$NG" &
PIDS+=($!)
NGINX_URL="http://127.0.0.1:$NPORT/connectioninfo.json"
for _ in $(seq 1 200); do curl -sf -o /dev/null "$NGINX_URL" && break; sleep 0.05; done
curl -sf -o /dev/null "$NGINX_URL" || die "nginx did not come up"

# ---- measurements -------------------------------------------------------------------------------
# Each row: its output in $RES/ID.out, its description in $RES/manifest.tsv
# (id, group, label, in flight, pool, kind, command as run).
MANIFEST="$RES/manifest.tsv"
: >"$MANIFEST"
ROW=0
LIMIT=$((DURATION + 90))
measure() { # group label inflight pool kind -- command...
    local group="$1" label="$2" inflight="$3" pool="$4" kind="$5"
    shift 6
    ROW=$((ROW + 1))
    local id
    id="$(printf '%02d' "$ROW")"
    log "$label (in flight $inflight)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$group" "$label" "$inflight" "$pool" "$kind" "$*" >>"$MANIFEST"
    if ! timeout "$LIMIT" "$@" >"$RES/$id.out" 2>"$RES/$id.err"; then
        echo "failed (exit $?)" >>"$RES/$id.err"
        log "$label: FAILED: $(tail -n 3 "$RES/$id.err" | tr '\n' ' ')"
    fi
}

EMU_CI="$URL$CI_PATH"
D="${DURATION}s"
measure limit "wrk → emulator" 1 - wrk -- wrk --latency -t1 -c1 -d"$D" "$EMU_CI"
measure limit "wrk → emulator" 32 - wrk -- wrk --latency -t2 -c32 -d"$D" "$EMU_CI"
measure limit "wrk → nginx static JSON" 1 - wrk -- wrk --latency -t1 -c1 -d"$D" "$NGINX_URL"
measure limit "wrk → nginx static JSON" 32 - wrk -- wrk --latency -t2 -c32 -d"$D" "$NGINX_URL"

# One request at a time is the most run-to-run sensitive row (on an idle VM each round trip pays
# the wake-up of idle CPUs): measured REPEAT times; the table shows the median run.
for _ in $(seq 1 "$REPEAT"); do
    measure c "C, blocking" 1 4 kv -- "$OUT/bench" blocking "$URL" "$ROOM" "$N" "$DURATION"
done
# Pool 4 (issue 7's default, kept for comparison): one run each.
for mode in worker poll; do
    measure c "C, async, $mode dispatch" 32 4 kv -- "$OUT/bench" async "$URL" "$ROOM" "$N" "$DURATION" 32 4 "$mode"
done
if [ "$CSLIB_STATUS" = ok ]; then
    export LD_LIBRARY_PATH="$REL${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    measure cs "C# → this library (Task API, worker dispatch)" 1 4 kv -- mono "$OUT/LibBench.exe" "$URL" "$ROOM" 4 1 "$N" "$DURATION"
    measure cs "C# → this library (Task API, worker dispatch)" 32 4 kv -- mono "$OUT/LibBench.exe" "$URL" "$ROOM" 4 32 "$N" "$DURATION"
    measure csdiag "C# → this library, poll dispatch pumped by a spinning thread (diagnostic)" 32 4 kv -- mono "$OUT/LibBench.exe" "$URL" "$ROOM" 4 32 "$N" "$DURATION" poll
fi
measure managed "C# HttpClient + DataContractJsonSerializer" 1 - kv -- mono "$OUT/HttpClientBench.exe" "$URL" "$ROOM" 1 "$N" "$DURATION"
# The C# ratio at 32 in flight moves by several percent from run to run on a shared VM, so each
# side of it alternates REPEAT times; the table shows each one's median run.
for _ in $(seq 1 "$REPEAT"); do
    for mode in worker poll; do
        measure c "C, async, $mode dispatch" 32 32 kv -- "$OUT/bench" async "$URL" "$ROOM" "$N" "$DURATION" 32 32 "$mode"
    done
    if [ "$CSLIB_STATUS" = ok ]; then
        measure cs "C# → this library (Task API, worker dispatch)" 32 32 kv -- mono "$OUT/LibBench.exe" "$URL" "$ROOM" 32 32 "$N" "$DURATION"
        measure cs "C# → this library (Task API, worker dispatch)" 32 default kv -- mono "$OUT/LibBench.exe" "$URL" "$ROOM" default 32 "$N" "$DURATION"
    fi
    measure managed "C# HttpClient + DataContractJsonSerializer" 32 - kv -- mono "$OUT/HttpClientBench.exe" "$URL" "$ROOM" 32 "$N" "$DURATION"
done

log "footprint"
FOOT_CMD=("$OUT/footprint" "$OUT/libhathora_rooms.stripped.so" "$URL" "$ROOM" 10000)
timeout 180 "${FOOT_CMD[@]}" >"$RES/footprint.out" 2>"$RES/footprint.err" || log "footprint FAILED: $(cat "$RES/footprint.err")"

log "region ping RTT: the library and plain C against one beacon, 1,000 samples per delay"
RTT_CMD=("$OUT/rtt" 1000 0 20000)
timeout 300 "${RTT_CMD[@]}" >"$RES/rtt.out" 2>"$RES/rtt.err" || log "RTT FAILED: $(cat "$RES/rtt.err")"

# ---- latency scenario (issue 11) ----------------------------------------------------------------
LAT="$RES/latency"
mkdir -p "$LAT"
log "latency scenario: a second emulator with --latency-ms 100"
LAT_CMD=("$REL/hathora-rooms-server" --port 0 --app-id "$APP" --token emulator-dev-token --activation-delay-ms 0 --quiet --latency-ms 100)
"${LAT_CMD[@]}" >"$OUT/emulator-latency.out" 2>&1 &
PIDS+=($!)
LAT_URL=""
for _ in $(seq 1 200); do
    LAT_URL="$(head -n1 "$OUT/emulator-latency.out" 2>/dev/null || true)"
    case "$LAT_URL" in http://*) break ;; esac
    sleep 0.05
done
case "$LAT_URL" in http://*) ;; *) die "the latency emulator did not print its URL" ;; esac
curl -sf -X POST "$LAT_URL/rooms/v2/$APP/create?roomId=$ROOM" -H 'Authorization: Bearer emulator-dev-token' \
    -H 'Content-Type: application/json' -d '{"region":"London"}' >/dev/null || die "CreateRoom (latency emulator) failed"
TS_DIR="$CARGO_TARGET_DIR/bench-ts"
TS_STATUS=ok
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    TS_STATUS="Node.js is not installed"
elif [ ! -e "$TS_DIR/node_modules/@hathora/cloud-sdk-typescript/package.json" ]; then
    log "installing @hathora/cloud-sdk-typescript from npm into $TS_DIR"
    mkdir -p "$TS_DIR"
    if ! (cd "$TS_DIR" && timeout 300 npm install --no-audit --no-fund --silent @hathora/cloud-sdk-typescript) \
            >"$OUT/npm.log" 2>&1; then
        TS_STATUS="npm install @hathora/cloud-sdk-typescript failed: $(tail -n 1 "$OUT/npm.log")"
    fi
fi
if [ "$TS_STATUS" = ok ]; then
    TS_VERSION="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
        "$TS_DIR/node_modules/@hathora/cloud-sdk-typescript/package.json")"
fi
lat_run() { # file -- command...
    local file="$1"
    shift 2
    echo "$*" >"$LAT/$file.cmd"
    timeout 300 "$@" >"$LAT/$file.out" 2>"$LAT/$file.err" || echo "failed (exit $?)" >>"$LAT/$file.err"
}
for n in 1 16 64 256 1024; do
    log "latency: $n calls at once"
    lat_run "c-$n" -- "$OUT/latency" burst "$LAT_URL" "$ROOM" "$n" 3
    if [ "$CSLIB_STATUS" = ok ]; then
        LD_LIBRARY_PATH="$REL${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" lat_run "cs-$n" -- mono "$OUT/LatencyBench.exe" "$LAT_URL" "$ROOM" "$n" 3
    fi
    if [ "$TS_STATUS" = ok ]; then
        lat_run "ts-$n" -- node bench/ts/latency.mjs "$TS_DIR" "$LAT_URL" "$APP" "$ROOM" "$n" 3
    fi
done
log "latency: 20 calls with a 1 s deadline against a server that never answers"
lat_run silent -- "$OUT/latency" silent 20 1000
log "latency: 1,000 calls against a closed port (default deadline and retries)"
lat_run down -- "$OUT/latency" down 1000
log "latency: an idle client after a burst of 256 (13 s: the 10 s idle period, then 2 s counted)"
lat_run idle -- "$OUT/latency" idle "$LAT_URL" "$ROOM" 256 13
{
    echo "latency_emulator_cmd=${LAT_CMD[*]}"
    echo "ts_status=$TS_STATUS"
    echo "ts_version=${TS_VERSION:-}"
    echo "node=$(node --version 2>/dev/null || true)"
} >"$LAT/facts.txt"
log "plotting the latency scenario (matplotlib from PyPI in $CARGO_TARGET_DIR/bench-venv)"
VENV="$CARGO_TARGET_DIR/bench-venv"
PLOT_STATUS=ok
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import matplotlib' 2>/dev/null; then
    if ! { python3 -m venv "$VENV" && timeout 600 "$VENV/bin/pip" install -q matplotlib; } >"$OUT/pip.log" 2>&1; then
        PLOT_STATUS="no matplotlib: $(tail -n 1 "$OUT/pip.log")"
    fi
fi
if [ "$PLOT_STATUS" = ok ] && ! "$VENV/bin/python" bench/plot_latency.py "$LAT" "$ROOT/bench/latency.png" >"$OUT/plot.log" 2>&1; then
    PLOT_STATUS="plotting failed: $(tail -n 1 "$OUT/plot.log")"
fi
echo "plot_status=$PLOT_STATUS" >>"$LAT/facts.txt"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- targets, then a profile of what missed ---------------------------------------------------
python3 bench/report.py targets "$RES" "$OUT/libhathora_rooms.stripped.so" >"$RES/targets.tsv"
MISSED="$(awk -F'\t' '$2 == "MISS" { print $1 }' "$RES/targets.tsv" | sort -u | tr '\n' ' ')"
PROF="$RES/profile"
mkdir -p "$PROF"
if [ "$PROFILE" = 1 ] && [ -n "$MISSED" ]; then
    log "profiling the misses ($MISSED)"
    PSECS=2
    PERF_OK=0
    if command -v perf >/dev/null && perf record -e cpu-clock -o "$PROF/probe.data" true >/dev/null 2>&1; then
        PERF_OK=1
    fi
    profile_run() { # name -- command...
        local name="$1"
        shift 2
        if [ "$PERF_OK" = 1 ]; then
            echo "perf record -e cpu-clock -c 250000 --call-graph dwarf,8192 -- $*" >"$PROF/$name.cmd"
            timeout 120 perf record -q -e cpu-clock -c 250000 --call-graph dwarf,8192 -o "$PROF/$name.data" -- "$@" \
                >"$PROF/$name.out" 2>"$PROF/$name.err" || true
            perf report -i "$PROF/$name.data" --stdio 2>/dev/null | grep -m1 '^# Samples' >"$PROF/$name.samples.txt" || true
            perf report -i "$PROF/$name.data" --no-children --sort dso --stdio -g none 2>/dev/null \
                | grep -E '^ +[0-9]' | head -n 8 >"$PROF/$name.dso.txt" || true
            perf report -i "$PROF/$name.data" --children --sort sym --stdio -g none --percent-limit 3 2>/dev/null \
                | grep -E '^ +[0-9]' | grep -v '\[k\]' | grep -vE '\] 0x[0-9a-f]+ *$' | head -n 40 \
                >"$PROF/$name.children.txt" || true
            perf report -i "$PROF/$name.data" --no-children --sort sym --stdio -g none --percent-limit 1 2>/dev/null \
                | grep -E '^ +[0-9]' | head -n 25 >"$PROF/$name.self.txt" || true
            rm -f "$PROF/$name.data"
        else
            echo "valgrind --tool=callgrind -- $*" >"$PROF/$name.cmd"
            timeout 300 valgrind --tool=callgrind --callgrind-out-file="$PROF/$name.callgrind" "$@" \
                >"$PROF/$name.out" 2>"$PROF/$name.err" || true
            callgrind_annotate --inclusive=yes "$PROF/$name.callgrind" 2>/dev/null | head -n 60 >"$PROF/$name.children.txt" || true
        fi
    }
    if [ "$PERF_OK" = 1 ]; then
        PN=1000000
    else
        PN=3000 # callgrind runs ~50x slower: a shorter run
        PSECS=30
    fi
    case " $MISSED " in *" threads "*)
        profile_run c-async-worker-4 -- "$OUT/bench" async "$URL" "$ROOM" "$PN" "$PSECS" 32 4 worker ;;
    esac
    case " $MISSED " in *" cs-lib "*)
        if [ "$CSLIB_STATUS" = ok ] && [ "$PERF_OK" = 1 ]; then
            profile_run cs-lib-32 -- mono "$OUT/LibBench.exe" "$URL" "$ROOM" 4 32 "$PN" "$PSECS"
            profile_run cs-httpclient-32 -- mono "$OUT/HttpClientBench.exe" "$URL" "$ROOM" 32 "$PN" "$PSECS"
        fi ;;
    esac
fi

# ---- report -------------------------------------------------------------------------------------
{
    echo "started_at=$STARTED_AT"
    echo "load_before=$LOAD_BEFORE"
    echo "load_after=$LOAD_AFTER"
    echo "others_before=$OTHERS_BEFORE"
    echo "nproc=$(nproc)"
    echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "kernel=$(uname -sr)"
    echo "mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "rustc=$(rustc --version)"
    echo "gcc=$(gcc --version | head -n1)"
    echo "mono=$(mono --version | head -n1)"
    echo "wrk=$(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2)"
    echo "nginx=$(nginx -v 2>&1)"
    echo "duration=$DURATION"
    echo "cslib_status=$CSLIB_STATUS"
    echo "lib=$LIB"
    echo "lib_size=$(stat -c %s "$LIB")"
    echo "stripped_size=$(stat -c %s "$OUT/libhathora_rooms.stripped.so")"
    echo "emulator_cmd=${EMU_CMD[*]}"
    echo "url=$URL"
    echo "nginx_url=$NGINX_URL"
    echo "footprint_cmd=${FOOT_CMD[*]}"
    echo "rtt_cmd=${RTT_CMD[*]}"
    echo "out=$OUT"
} >"$RES/facts.txt"
# Paths relative to the repository, so the committed files name no machine's folders.
for what in markdown:bench/results.md summary:BENCHMARKS.md; do
    python3 bench/report.py "${what%%:*}" "$RES" "$OUT/libhathora_rooms.stripped.so" | sed "s#$ROOT/##g" >"$ROOT/${what#*:}.tmp"
    mv "$ROOT/${what#*:}.tmp" "$ROOT/${what#*:}"
done
python3 bench/report.py table "$RES" "$OUT/libhathora_rooms.stripped.so"
log "wrote $ROOT/bench/results.md and $ROOT/BENCHMARKS.md (raw outputs in $RES)"
