#!/usr/bin/env bash
# The Docker fleet of hathora-rooms-server against a real Docker Engine: installs Debian's
# docker.io when the engine is missing, starts dockerd when none answers (and stops it at the
# end), then runs
#   - the fleet's own tests (server/tests/docker_fleet, ignored by a plain cargo test), over a
#     static test game server in an image they build (hathora-rooms-test-game:<hash>);
#   - the proof through the library's C ABI (tests/docker/*.rs): the release server binary with
#     --image, running the example game server (examples/game_server, linked statically) in a
#     FROM scratch image (tests/docker/images.sh builds the images, cached by content);
#   - the seed's C# snippets and the C# layer against containers (tests/csharp/docker.sh);
# and checks that no test container is left. Nothing is pulled; every port is on 127.0.0.1.
# The server runs as root here: containers reach its API on their own loopback (setns).
# Fails loudly when the engine cannot be started. Ends with "N passed, M failed".
# Environment: CARGO_TARGET_DIR (default: target); TEST_THREADS (default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/steps.sh
source tests/steps.sh
# shellcheck source=tests/docker/images.sh
source tests/docker/images.sh
OUT=$CARGO_TARGET_DIR/docker-tests
REL=$CARGO_TARGET_DIR/release
mkdir -p "$OUT"
# The pid of the dockerd this run started, in a file: steps run in subshells, whose variables
# the EXIT trap below would not see.
DOCKERD_PID_FILE=$OUT/dockerd.started.pid
rm -f "$DOCKERD_PID_FILE"
LABEL=dev.hathora-rooms.instance

stop_dockerd() {
    [ -s "$DOCKERD_PID_FILE" ] || return 0
    local pid
    pid=$(cat "$DOCKERD_PID_FILE")
    rm -f "$DOCKERD_PID_FILE"
    echo "stopping the dockerd this script started (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
}
trap stop_dockerd EXIT

apt_install() {
    local run=()
    [ "$(id -u)" -eq 0 ] || run=(sudo)
    command -v flock >/dev/null && run+=(flock /tmp/apt.lock)
    "${run[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq "$@" >/dev/null
}

engine_answers() {
    timeout 10 docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null
}

ensure_engine() {
    if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
        echo "installing docker.io"
        apt_install docker.io
    fi
    if engine_answers; then
        return 0
    fi
    echo "no Docker Engine answers: starting dockerd (log: ${OUT#"$ROOT"/}/dockerd.log)"
    local run=()
    [ "$(id -u)" -eq 0 ] || run=(sudo)
    "${run[@]}" dockerd >"$OUT/dockerd.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$DOCKERD_PID_FILE"
    for _ in $(seq 120); do
        if engine_answers; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$DOCKERD_PID_FILE"
            break
        fi
        sleep 0.5
    done
    echo "FAILED: the Docker Engine could not be started; the end of its log:" >&2
    tail -n 30 "$OUT/dockerd.log" >&2 || true
    return 1
}

# The server enters each container's network namespace to open the API on its loopback.
running_as_root() {
    [ "$(id -u)" -eq 0 ] || { echo "this suite runs the rooms server as root (setns into containers): run it with sudo" >&2; return 1; }
}

ensure_static_gcc() {
    if ! command -v gcc >/dev/null; then
        apt_install gcc libc6-dev
    fi
    local probe=$OUT/static-probe
    printf 'int main(void) { return 0; }\n' >"$probe.c"
    gcc -static -o "$probe" "$probe.c" || { apt_install libc6-dev && gcc -static -o "$probe" "$probe.c"; }
    rm -f "$probe" "$probe.c"
}

build_binaries() {
    cargo build --release --lib -p hathora-rooms-native
    cargo build --release -p hathora-rooms-server
}

fleet_tests() {
    cargo test -p hathora-rooms-server --test docker_fleet -- --ignored --skip measure
}

proof_cases() {
    HATHORA_ROOMS_SERVER_BIN=$REL/hathora-rooms-server HATHORA_EXAMPLE_IMAGE=$EXAMPLE_IMAGE \
        HATHORA_HELD_IMAGE=$HELD_IMAGE HATHORA_TEST_IMAGE=$TEST_IMAGE \
        cargo test --test docker -- --ignored --test-threads "${TEST_THREADS:-2}"
}

csharp_on_containers() {
    bash tests/csharp/docker.sh
}

# Every case ends by counting its own containers; this catches what a crashed test binary left:
# containers of the fleet tests' instances (test-...) and of this suite's images.
nothing_left() {
    local left
    left=$( (docker ps -a --filter "label=$LABEL" --format "{{.ID}} {{.Label \"$LABEL\"}}" | awk '$2 ~ /^test-/'
             for image in "$EXAMPLE_IMAGE" "$HELD_IMAGE" "$TEST_IMAGE"; do
                 docker ps -a --filter "ancestor=$image" --format "{{.ID}} $image"
             done) | sort -u)
    if [ -n "$left" ]; then
        echo "test containers left:"
        echo "$left"
        echo "$left" | awk '{ print $1 }' | xargs docker rm -f >/dev/null
        return 1
    fi
    echo "no test container left"
}

must "root" running_as_root
must "Docker Engine" ensure_engine
must "gcc -static (the test game servers)" ensure_static_gcc
must "build the release library and hathora-rooms-server" build_binaries
must "the images: the example game server, held back, the fleet tests' game server" build_images
load_images
step "docker fleet tests (cargo test --test docker_fleet -- --ignored)" fleet_tests
step "the proof through the C ABI (cargo test --test docker -- --ignored)" proof_cases
step "the seed's C# snippets and the C# layer on containers (tests/csharp/docker.sh)" csharp_on_containers
step "no test container left" nothing_left
summary
[ "$FAILED" -eq 0 ]
