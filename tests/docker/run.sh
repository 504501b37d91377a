#!/usr/bin/env bash
# The Docker fleet of hathora-rooms-server against a real Docker Engine: installs Debian's
# docker.io when the engine is missing, starts dockerd when none answers (and stops it at the
# end), then runs the fleet's tests (server/tests/docker_fleet, ignored by a plain cargo test)
# and checks that no test container is left. The tests build their image locally (a static test
# game server, FROM scratch, cached by content as hathora-rooms-test-game:<hash>) and pull
# nothing. Fails loudly when the engine cannot be started. Ends with "N passed, M failed".
# Environment: CARGO_TARGET_DIR (default: target).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/steps.sh
source tests/steps.sh
OUT=$CARGO_TARGET_DIR/docker-tests
mkdir -p "$OUT"
DOCKERD_PID=
LABEL=dev.hathora-rooms.instance

stop_dockerd() {
    [ -n "$DOCKERD_PID" ] || return 0
    echo "stopping the dockerd this script started (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$DOCKERD_PID" 2>/dev/null || true
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
    DOCKERD_PID=$!
    for _ in $(seq 120); do
        if engine_answers; then
            return 0
        fi
        if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
            DOCKERD_PID=
            break
        fi
        sleep 0.5
    done
    echo "FAILED: the Docker Engine could not be started; the end of its log:" >&2
    tail -n 30 "$OUT/dockerd.log" >&2 || true
    return 1
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

fleet_tests() {
    cargo test -p hathora-rooms-server --test docker_fleet -- --ignored --skip measure
}

# Every test ends by counting its own containers; this catches what a crashed test binary left.
nothing_left() {
    local left
    left=$(docker ps -a --filter "label=$LABEL" --format "{{.ID}} {{.Label \"$LABEL\"}}" | awk '$2 ~ /^test-/')
    if [ -n "$left" ]; then
        echo "test containers left:"
        echo "$left"
        echo "$left" | awk '{ print $1 }' | xargs docker rm -f >/dev/null
        return 1
    fi
}

must "Docker Engine" ensure_engine
must "gcc -static (the test game server)" ensure_static_gcc
step "docker fleet tests (cargo test --test docker_fleet -- --ignored)" fleet_tests
step "no test container left" nothing_left
summary
[ "$FAILED" -eq 0 ]
