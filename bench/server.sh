#!/usr/bin/env bash
# The server's throughput (server/README.md): GetConnectionInfo on the emulator (quiet, and
# logging to /dev/null) versus nginx serving the same JSON as a static file, with
#   wrk -t2 -c32 -d5s URL
# Needs wrk and nginx (apt-get install -y wrk nginx), curl and python3. Only 127.0.0.1 is used.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/bench}"
DURATION="${DURATION:-5s}"
BIN="$CARGO_TARGET_DIR/release/hathora-rooms-server"

for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null || { echo "bench/server.sh: $tool not found (apt-get install -y wrk nginx curl python3)" >&2; exit 1; }
done

TMP="$(mktemp -d /tmp/hathora-bench.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # url
    for _ in $(seq 1 200); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.05
    done
    echo "bench/server.sh: $1 did not come up" >&2
    exit 1
}

rps() { # url -> prints requests/s
    wrk -t2 -c32 -d"$DURATION" "$1" | tee -a "$TMP/wrk.log" | awk '/^Requests\/sec:/ { print $2 }'
}

create_room() { # base url
    curl -s -X POST "$1/rooms/v2/app-emulator/create?roomId=bench" \
        -H 'Authorization: Bearer emulator-dev-token' -H 'Content-Type: application/json' \
        -d '{"region":"London"}' >/dev/null
}

echo "building release emulator..." >&2
(cd "$ROOT" && cargo build --release -q -p hathora-rooms-server)

# 1. Emulator, --quiet, ephemeral port read from its first stdout line.
"$BIN" --port 0 --quiet --activation-delay-ms 0 >"$TMP/emu.out" &
PIDS+=($!)
for _ in $(seq 1 200); do [ -s "$TMP/emu.out" ] && break; sleep 0.05; done
EMU_URL="$(head -n1 "$TMP/emu.out")"
create_room "$EMU_URL"
CI_PATH="/rooms/v2/app-emulator/connectioninfo/bench"
curl -s "$EMU_URL$CI_PATH" >"$TMP/connectioninfo.json"
QUIET="$(rps "$EMU_URL$CI_PATH")"
kill -INT "${PIDS[-1]}"; wait "${PIDS[-1]}" || true

# 2. Emulator logging every request to /dev/null.
PORT="$(free_port)"
"$BIN" --port "$PORT" --activation-delay-ms 0 >/dev/null &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/_emulator/stats"
create_room "http://127.0.0.1:$PORT"
LOGGING="$(rps "http://127.0.0.1:$PORT$CI_PATH")"
kill -INT "${PIDS[-1]}"; wait "${PIDS[-1]}" || true

# 3. nginx serving the same JSON from a static file, 2 workers, keep-alive on.
NPORT="$(free_port)"
mkdir -p "$TMP/www"
cp "$TMP/connectioninfo.json" "$TMP/www/connectioninfo.json"
chmod 755 "$TMP" "$TMP/www"; chmod 644 "$TMP/www/connectioninfo.json"
cat >"$TMP/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www;
        default_type application/json;
    }
}
CONF
nginx -c "$TMP/nginx.conf" -p "$TMP" &
PIDS+=($!)
wait_for "http://127.0.0.1:$NPORT/connectioninfo.json"
NGINX="$(rps "http://127.0.0.1:$NPORT/connectioninfo.json")"

echo "wrk -t2 -c32 -d$DURATION, GetConnectionInfo (${DURATION}):"
printf '  emulator --quiet          %12s req/s\n' "$QUIET"
printf '  emulator logging (/dev/null) %9s req/s\n' "$LOGGING"
printf '  nginx static JSON         %12s req/s\n' "$NGINX"
