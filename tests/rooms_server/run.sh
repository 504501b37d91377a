#!/usr/bin/env bash
# The proof of issue 20 through the library's C ABI, with the process tokens and beacons of
# issues 21 and 22 (tests/rooms_server/*.rs): builds the release library, hathora-rooms-server
# and the example game server (examples/game_server, as its README builds it), then runs the
# cases, which start the server binary with that game server as its command and drive it with
# hathora_* calls. Then checks that nothing of theirs is left running.
# Ends with "N passed, M failed" over these steps (cargo's "test result:" line has the cases).
# Environment: CARGO_TARGET_DIR (default: target); TEST_THREADS (default 3).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/steps.sh
source tests/steps.sh
REL=$CARGO_TARGET_DIR/release

build() {
    cargo build --release --lib
    cargo build --release -p hathora-rooms-server
    cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/game_server/*.c -L"$REL" -lhathora_rooms \
        -Wl,-rpath,"$REL" -o "$REL/game_server"
}

cases() {
    HATHORA_ROOMS_SERVER_BIN=$REL/hathora-rooms-server HATHORA_GAME_SERVER_BIN=$REL/game_server \
        cargo test --test rooms_server -- --ignored --test-threads "${TEST_THREADS:-3}"
}

# Every server a case started was stopped or killed, and its game servers died with it.
nothing_left() {
    local left
    left=$(pgrep -af "^($REL/hathora-rooms-server|$REL/game_server)( |$)" || true)
    [ -z "$left" ] || { echo "still running: $left" >&2; return 1; }
    echo "no hathora-rooms-server or game_server of $REL is running"
}

must "build the release library, hathora-rooms-server and the example game server" build
step "the cases, through the C ABI (cargo test --test rooms_server -- --ignored)" cases
step "nothing left running" nothing_left
summary
[ "$FAILED" -eq 0 ]
