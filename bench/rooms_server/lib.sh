# Shared by bench/rooms_server.sh and bench/docker.sh: the server under measurement, and the
# readings beside each number. Sourced after the script sets REL, OUT, RES, APP, TOKEN, RANGE,
# GAME_SERVER (the server's arguments that name the game server: `-- COMMAND` or `--image ...`)
# and SERVER_WAIT_S (how long the server may take to print its URL).

SPID=
URL=

log() { echo "== $*" >&2; }

# Stops the server started last (SIGTERM) and waits for it.
stop_server() {
    [ -n "$SPID" ] || return 0
    kill -TERM "$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
    SPID=
}

# start_server NAME ARGS...: hathora-rooms-server on a free port with the benchmark's app, token
# and port range, ARGS, its game server, and their logs in $OUT/logs-NAME; sets URL and SPID.
start_server() {
    local name=$1
    shift
    "$REL/hathora-rooms-server" --port 0 --app-id "$APP" --token "$TOKEN" --port-range "$RANGE" \
        --log-dir "$OUT/logs-$name" "$@" "${GAME_SERVER[@]}" >"$RES/$name.server.log" 2>&1 &
    SPID=$!
    for _ in $(seq $((SERVER_WAIT_S * 20))); do
        URL=$(head -n 1 "$RES/$name.server.log" 2>/dev/null || true)
        case $URL in http://*) return 0 ;; esac
        sleep 0.05
    done
    echo "$0: the server did not start:" >&2
    cat "$RES/$name.server.log" >&2
    exit 1
}

load() { cut -d' ' -f1 /proc/loadavg; }

# utime + stime of a process (all its threads), in clock ticks.
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
