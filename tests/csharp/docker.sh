#!/usr/bin/env bash
# The seed's C# snippets (the official C# SDK's examples, unchanged) and the C# layer's
# real-process tests against hathora-rooms-server running the example game server in containers
# (--image: the Docker fleet), under Mono's JIT: the same tests as run.sh's real-process pass,
# each game server now a container of the image tests/docker/images.sh builds (FROM scratch, the
# example linked statically), found among the host's processes instead of the server's children.
# One room per process, a 1 s idle timeout, no dev token handed to the game servers (they use
# their process tokens). Needs a Docker Engine (tests/docker/run.sh starts
# one, and runs this script) and root (containers reach the API on their own loopback). Checks
# that the server exits 0 on SIGTERM and that none of its containers is left.
# Usage: tests/csharp/docker.sh [TEST_NAME_FILTER]     Honours CARGO_TARGET_DIR (default: target).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=tests/csharp/lib.sh
source tests/csharp/lib.sh
# shellcheck source=tests/docker/images.sh
source tests/docker/images.sh

require_mono
build_native
cargo build --release --lib -p hathora-rooms-native
build_images
load_images
out="$target/csharp-docker"
rm -rf "$out"
mkdir -p "$out"
compile_tests "$out"

dir="$out/server"
mkdir -p "$dir"
instance="csharp-docker-$$"
first=$((32000 + ($$ % 80) * 20))
"$target/release/hathora-rooms-server" --port 0 --app-id app-emulator --token emulator-dev-token \
    --image "$EXAMPLE_IMAGE" --container-port 7777 --pull never --instance-id "$instance" \
    --rooms-per-process 1 --idle-timeout-ms 1000 --stop-grace-ms 2000 --port-range "$first-$((first + 19))" \
    --log-dir "$dir/game-logs" >"$dir/server.out" 2>&1 &
server_pid=$!
remove_left() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    docker ps -aq --filter "label=dev.hathora-rooms.instance=$instance" | xargs -r docker rm -f >/dev/null
}
trap remove_left EXIT
server_url="$(first_url "$dir/server.out" "$server_pid" http)" || {
    echo "error: hathora-rooms-server did not report its URL:" >&2
    cat "$dir/server.out" >&2
    exit 1
}

status=0
echo "== running the seed snippets and the real-process tests under mono (JIT) against $server_url (hathora-rooms-server --image $EXAMPLE_IMAGE)"
run_with_native mono --debug "$out/HathoraRooms.Tests.exe" --containers "$server_url" "$server_pid" "$@" || status=$?
kill "$server_pid"
wait "$server_pid" || { echo "error: hathora-rooms-server did not exit 0 on SIGTERM; its log:" >&2; cat "$dir/server.out" >&2; status=1; }
left=$(docker ps -aq --filter "label=dev.hathora-rooms.instance=$instance")
if [ -n "$left" ]; then
    echo "error: containers left after the server stopped: $left" >&2
    status=1
fi
exit "$status"
