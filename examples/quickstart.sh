#!/usr/bin/env bash
# The main example, in one command: the whole RoomsV2 loop on this machine.
#
# Builds the library, hathora-rooms-server and the example game server (examples/game_server),
# starts the rooms server with that game server as the command it runs per process (each process
# reads its rooms with the token of its own the rooms server gives it: no dev token), then runs
# examples/quickstart_client.c, which prints each step: a room created, its game server started,
# polled until active, asked over TCP and UDP (it answers the room's id and config), the room
# destroyed, the idle game server stopped by the rooms server. Then checks that no game server
# is left, stops the rooms server and leaves nothing running. Exits 0 when every step worked.
#
# Needs cargo and a C compiler. Everything it builds goes under ${CARGO_TARGET_DIR:-target}.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p "${CARGO_TARGET_DIR:-target}"
target=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
rel=$target/release
logs=$target/main-example
mkdir -p "$logs"

echo "== building the library, hathora-rooms-server and the example game server"
cargo build --release --lib
cargo build --release -p hathora-rooms-server
build_c() {
    local program=$1
    shift
    cc -std=c11 -Wall -Wextra -Werror -Iinclude "$@" -L"$rel" -lhathora_rooms -Wl,-rpath,"$rel" \
        -o "$rel/$program"
}
build_c game_server examples/game_server/*.c
build_c quickstart_client examples/quickstart_client.c

# A fresh dev token for this run, for the client below (a matchmaker's). The game server never
# sees it: the rooms server gives each process a clean environment with a token of its own
# (HATHORA_PROCESS_TOKEN), good for that process's rooms only, with which it asks the API for
# its rooms and their configs.
token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
server_pid=
log_pid=
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    [ -z "$log_pid" ] || wait "$log_pid" 2>/dev/null || true
    server_pid=
}
trap stop_server EXIT

echo "== starting hathora-rooms-server with examples/game_server as its game server (stopped after 1 s idle)"
exec 3< <(exec "$rel/hathora-rooms-server" --port 0 --token "$token" --idle-timeout-ms 1000 \
    -- "$rel/game_server" 2>"$logs/rooms-server.err")
server_pid=$!
url=
read -r url <&3 || true
read -r _ _ app_id _ <&3 || true  # "app id: APP  token: TOKEN"
case $url in
http://*) ;;
*) echo "hathora-rooms-server did not start:" >&2; cat "$logs/rooms-server.err" >&2; exit 1 ;;
esac
cat <&3 >"$logs/rooms-server.out" &  # its request log, read so that it never blocks on a full pipe
log_pid=$!
echo "   listening at $url, app $app_id (logs: ${logs#"$PWD"/}/)"

HATHORA_BASE_URL=$url HATHORA_APP_ID=$app_id HATHORA_DEV_TOKEN=$token "$rel/quickstart_client"

# The game server closes its sockets before it exits and is reaped: allow it a moment.
for _ in $(seq 100); do
    left=$(pgrep -P "$server_pid" || true)
    [ -n "$left" ] || break
    sleep 0.1
done
if [ -n "$left" ]; then
    echo "game server processes still under the rooms server after 10 s: $left" >&2
    exit 1
fi
echo "7. no game server process is left under the rooms server"
stop_server
echo "8. hathora-rooms-server stopped; nothing of this example is running"
