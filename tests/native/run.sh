#!/usr/bin/env bash
# Proves the C ABI from the outside, as C, C++ and Python consumers use it: builds the release
# library and the emulator, then the C and C++ examples (plain compiler, CMake, pkg-config), the
# C++ wrapper's game-server and region-ping calls (natively and under valgrind), the C stress
# test (natively and under valgrind), all against a local emulator, and the C++ wrapper over
# HTTPS with a private CA (hathora-rooms-server serving HTTPS with a certificate from
# tests/test_pki.sh). Installs what is missing. Ends with "N passed, M failed"; exits 1 on any
# failure. (The Python package is tested as installed, in a venv, by tests/python/run.sh.)
#
# Environment: CARGO_TARGET_DIR (default: target), STRESS_COUNT (default 10000),
# STRESS_VALGRIND_COUNT (default 10000).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# step / must / summary / stop_emulator, and CARGO_TARGET_DIR: shared with the other suites' scripts.
source "$ROOT/tests/steps.sh"
REL=$CARGO_TARGET_DIR/release
OUT=$CARGO_TARGET_DIR/native-tests
STRESS_COUNT=${STRESS_COUNT:-10000}
STRESS_VALGRIND_COUNT=${STRESS_VALGRIND_COUNT:-10000}
APP_ID=app-emulator
TOKEN=emulator-dev-token
CFLAGS=(-std=c11 -Wall -Wextra -Werror -Iinclude)
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -Iinclude -Ibindings/cpp)
LINK=(-L"$REL" -lhathora_rooms -Wl,-rpath,"$REL")
VALGRIND=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --fair-sched=yes)

EMU_PID=
HTTPS_PID=

stop_https_server() {
    [ -z "$HTTPS_PID" ] || { kill "$HTTPS_PID" 2>/dev/null || true; wait "$HTTPS_PID" 2>/dev/null || true; }
    HTTPS_PID=
}
trap 'stop_https_server; stop_emulator' EXIT

install_tools() {
    local apt=()
    command -v gcc >/dev/null || apt+=(gcc)
    command -v g++ >/dev/null || apt+=(g++)
    command -v valgrind >/dev/null || apt+=(valgrind)
    command -v cmake >/dev/null || apt+=(cmake)
    command -v pkg-config >/dev/null || apt+=(pkg-config)
    command -v make >/dev/null || apt+=(make)
    command -v openssl >/dev/null || apt+=(openssl)
    if [ ${#apt[@]} -gt 0 ]; then
        echo "installing ${apt[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt[@]}" >/dev/null
    fi
    gcc --version | head -1
    cmake --version | head -1
    valgrind --version
}

build_library() {
    cargo build --release --lib
    ls -l "$REL/libhathora_rooms.so" "$REL/libhathora_rooms.a"
}

build_emulator() {
    cargo build --release -p hathora-rooms-server
    ls -l "$REL/hathora-rooms-server"
}

# Runs in the main shell (not a step's subshell), so URL and EMU_PID stay set for later steps.
spawn_emulator() {
    mkdir -p "$OUT"
    : >"$OUT/emulator.out"
    "$REL/hathora-rooms-server" --port 0 --app-id "$APP_ID" --token "$TOKEN" --activation-delay-ms 200 --quiet \
        >"$OUT/emulator.out" 2>"$OUT/emulator.err" &
    EMU_PID=$!
    URL=$(first_line "$OUT/emulator.out")
}

# first_line FILE: FILE's first line, once it has one (10 s at most).
first_line() {
    for _ in $(seq 100); do
        [ -s "$1" ] && break
        sleep 0.1
    done
    head -1 "$1"
}

# In the main shell too: HTTPS_URL and HTTPS_PID stay set. The server (simulated rooms) serves
# a certificate that the CA in $OUT/tls/ca.pem signed.
spawn_https_server() {
    rm -rf "$OUT/tls"
    : >"$OUT/https.out"  # now: the background redirect may truncate it after first_line has read
    bash tests/test_pki.sh "$OUT/tls" || return 0  # check_https_server names the failure
    "$REL/hathora-rooms-server" --port 0 --app-id "$APP_ID" --token "$TOKEN" --activation-delay-ms 200 --quiet \
        --tls-cert "$OUT/tls/server.pem" --tls-key "$OUT/tls/server.key" >"$OUT/https.out" 2>"$OUT/https.err" &
    HTTPS_PID=$!
    HTTPS_URL=$(first_line "$OUT/https.out")
}

check_https_server() {
    case $HTTPS_URL in
    https://*) echo "HTTPS rooms server at $HTTPS_URL (pid $HTTPS_PID), CA $OUT/tls/ca.pem" ;;
    *) echo "no https:// URL from the rooms server:" >&2; cat "$OUT/https.err" >&2; return 1 ;;
    esac
}

cpp_tls() {
    g++ "${CXXFLAGS[@]}" tests/native/tls.cpp "${LINK[@]}" -o "$OUT/tls_cpp"
    "$OUT/tls_cpp" "$HTTPS_URL" "$OUT/tls/ca.pem" "$APP_ID" "$TOKEN"
}

check_emulator() {
    case $URL in
    http://*) echo "emulator at $URL (pid $EMU_PID)" ;;
    *) echo "no URL from the emulator:" >&2; cat "$OUT/emulator.err" >&2; return 1 ;;
    esac
}

c_example() {
    gcc "${CFLAGS[@]}" examples/c/rooms_poll.c "${LINK[@]}" -o "$OUT/rooms_poll"
    "$OUT/rooms_poll" "$URL" "$APP_ID" "$TOKEN"
}

cpp_example() {
    g++ "${CXXFLAGS[@]}" examples/cpp/rooms.cpp "${LINK[@]}" -o "$OUT/rooms_cpp"
    "$OUT/rooms_cpp" "$URL" "$APP_ID" "$TOKEN"
}

cpp_no_exceptions() {
    g++ "${CXXFLAGS[@]}" -fno-exceptions -fno-rtti examples/cpp/rooms.cpp "${LINK[@]}" -o "$OUT/rooms_cpp_noexc"
    "$OUT/rooms_cpp_noexc" "$URL" "$APP_ID" "$TOKEN" >/dev/null
    echo "built and ran with -fno-exceptions -fno-rtti"
}

cpp_game_server_side() {
    g++ "${CXXFLAGS[@]}" tests/native/game_server_side.cpp "${LINK[@]}" -lpthread -o "$OUT/game_server_side"
    "$OUT/game_server_side" "$URL" "$APP_ID" "$TOKEN"
}

cmake_builds() {
    local args=(-Dhathora_rooms_DIR="$ROOT/cmake" -DHATHORA_ROOMS_LIBRARY_DIR="$REL")
    rm -rf "$OUT/cmake"
    cmake -S examples/c -B "$OUT/cmake/c" "${args[@]}" >/dev/null
    cmake --build "$OUT/cmake/c"
    "$OUT/cmake/c/rooms_poll" "$URL" "$APP_ID" "$TOKEN" | tail -1
    # The C++ example against the static library: no runtime dependency on the .so.
    cmake -S examples/cpp -B "$OUT/cmake/cpp" "${args[@]}" -DHATHORA_ROOMS_STATIC=ON >/dev/null
    cmake --build "$OUT/cmake/cpp"
    if readelf -d "$OUT/cmake/cpp/rooms_cpp" | grep libhathora_rooms; then  # not -q: no SIGPIPE
        echo "the static build still needs libhathora_rooms.so" >&2
        return 1
    fi
    "$OUT/cmake/cpp/rooms_cpp" "$URL" "$APP_ID" "$TOKEN" | tail -1
}

pkg_config_build() {
    mkdir -p "$OUT/pkgconfig"
    sed -e "s|@PREFIX@|$ROOT|" -e "s|@LIBDIR@|$REL|" -e "s|@CPPINCLUDEDIR@|$ROOT/bindings/cpp|" \
        cmake/hathora_rooms.pc.in >"$OUT/pkgconfig/hathora_rooms.pc"
    export PKG_CONFIG_PATH=$OUT/pkgconfig
    pkg-config --modversion hathora_rooms
    # shellcheck disable=SC2046 # word splitting of pkg-config's output is intended
    gcc -std=c11 -Wall -Wextra -Werror examples/c/rooms_poll.c $(pkg-config --cflags --libs hathora_rooms) \
        -o "$OUT/rooms_poll_pc"
    "$OUT/rooms_poll_pc" "$URL" "$APP_ID" "$TOKEN" | tail -1
}

build_stress() {
    gcc "${CFLAGS[@]}" -O2 -g tests/c/stress.c "${LINK[@]}" -o "$OUT/stress"
}

stress() {
    "$OUT/stress" "$URL" "$APP_ID" "$TOKEN" "$STRESS_COUNT"
}

# under_valgrind NAME COMMAND...: prints the program's output and valgrind's summary lines.
under_valgrind() {
    local log=$OUT/valgrind-$1.log rc=0
    shift
    "${VALGRIND[@]}" --log-file="$log" "$@" || rc=$?
    grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable" "$log" | sed 's/^==[0-9]*== */  valgrind: /'
    [ $rc -eq 0 ] || { echo "valgrind failed ($rc); see $log" >&2; cat "$log" >&2; }
    return $rc
}

valgrind_c_example() { under_valgrind c-example "$OUT/rooms_poll" "$URL" "$APP_ID" "$TOKEN"; }
valgrind_cpp_example() { under_valgrind cpp-example "$OUT/rooms_cpp" "$URL" "$APP_ID" "$TOKEN"; }
valgrind_game_server_side() { under_valgrind game-server-side "$OUT/game_server_side" "$URL" "$APP_ID" "$TOKEN"; }
valgrind_stress() { under_valgrind stress "$OUT/stress" "$URL" "$APP_ID" "$TOKEN" "$STRESS_VALGRIND_COUNT"; }

must "install tools" install_tools
must "build the release library" build_library
must "build the emulator" build_emulator
URL=
spawn_emulator
must "start the emulator" check_emulator
step "C example (gcc, poll mode)" c_example
step "C++ example (g++, blocking + poll mode)" cpp_example
step "C++ example with -fno-exceptions" cpp_no_exceptions
HTTPS_URL=
spawn_https_server
step "start the rooms server over HTTPS" check_https_server
step "C++ over HTTPS: private CA from a file and from memory, refusals" cpp_tls
stop_https_server
step "C++ context, rooms of this process, DiscoveryV2, region pings" cpp_game_server_side
step "CMake builds (C shared, C++ static)" cmake_builds
step "pkg-config build" pkg_config_build
must "build the stress test" build_stress
step "stress: $STRESS_COUNT requests per dispatch mode" stress
step "valgrind: C example" valgrind_c_example
step "valgrind: C++ example" valgrind_cpp_example
step "valgrind: C++ context, rooms, DiscoveryV2, region pings" valgrind_game_server_side
step "valgrind: stress, $STRESS_VALGRIND_COUNT requests per dispatch mode" valgrind_stress
stop_emulator

summary
[ "$FAILED" -eq 0 ]
