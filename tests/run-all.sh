#!/usr/bin/env bash
# Runs every test suite of the project on a fresh machine: the Rust suites (the library through
# its C ABI, the rooms server, doc tests), the C/C++ consumers with valgrind, the rooms server
# running the example game server driven through the C ABI, the Python package installed in a
# fresh venv, the C# layer under Mono, the packaging checks (install step, consumers outside the
# repository, the READMEs' quickstarts), the Docker fleet (tests/docker/run.sh installs and starts
# the engine) and the server against the official TypeScript SDK (installed from npm). Installs
# the Debian packages that are missing.
# Every suite runs even when one fails; the last lines name each suite with its status and
# counts, then "N passed, M failed" over the suites. Exits 1 when any suite failed.
# Environment: CARGO_TARGET_DIR (default: target); every build, venv and log lives under it.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=tests/steps.sh
source tests/steps.sh  # CARGO_TARGET_DIR, made absolute
LOGS=$CARGO_TARGET_DIR/run-all
mkdir -p "$LOGS"

install_missing() {
    local apt=()
    command -v gcc >/dev/null || apt+=(gcc)
    command -v g++ >/dev/null || apt+=(g++)
    command -v make >/dev/null || apt+=(make)
    command -v cmake >/dev/null || apt+=(cmake)
    command -v pkg-config >/dev/null || apt+=(pkg-config)
    command -v readelf >/dev/null || apt+=(binutils)
    command -v valgrind >/dev/null || apt+=(valgrind)
    command -v mcs >/dev/null || apt+=(mono-mcs)
    command -v mono >/dev/null || apt+=(mono-runtime)
    [ -e /usr/lib/mono/4.5/System.Net.Http.dll ] || apt+=(libmono-system-net-http4.0-cil)
    command -v python3 >/dev/null || apt+=(python3)
    command -v openssl >/dev/null || apt+=(openssl)  # tests/test_pki.sh: the HTTPS suites' certificates
    # tests/python/run.sh installs python3-venv itself when `python3 -m venv` cannot work.
    [ ${#apt[@]} -gt 0 ] || return 0
    echo "== installing: ${apt[*]}"
    local run=()
    [ "$(id -u)" -eq 0 ] || run=(sudo)
    command -v flock >/dev/null && run+=(flock /tmp/apt.lock)
    "${run[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq "${apt[@]}" >/dev/null
}

NAMES=()
LINES=()
SUITES_FAILED=0

# Sums the "N passed, M failed" lines a suite printed (step scripts and the C# runner print one
# per run).
step_counts() {
    awk '/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3; n++ }
         END { if (n) printf "%d passed, %d failed", p, f; else printf "no summary line" }' "$1"
}

# Sums cargo's "test result:" lines, one per test binary and doc-test run, and names the
# targets that failed to build or crashed.
cargo_counts() {
    awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i }; n++ }
         END { printf "%d passed, %d failed, %d ignored in %d test runs", p, f, g, n }' "$1"
    local broken
    broken=$(sed -n '/target[s]* failed:/,$p' "$1" | grep -E '^ +`' | sed 's/^ *`//; s/`$//' | paste -sd ';' -)
    [ -z "$broken" ] || printf '; failed targets: %s' "$broken"
}

# The steps' summary and pytest's own ("45 passed, 1 skipped in 6.3s").
python_counts() {
    step_counts "$1"
    printf '; pytest: %s' "$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|errors?)(, [0-9]+ [a-z]+)* in ' "$1" |
        tail -1 | sed 's/=//g; s/^ *//; s/ in [0-9.]*s.*$//')"
}

# suite NAME COUNTER COMMAND...: runs COMMAND with its output on the terminal and in a log.
suite() {
    local name=$1 counter=$2 log
    shift 2
    log=$LOGS/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log
    echo
    echo "======== $name: $*"
    local started=$SECONDS
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local status=passed
    if [ "$rc" -ne 0 ]; then status="FAILED (exit $rc)"; SUITES_FAILED=$((SUITES_FAILED + 1)); fi
    local counts
    counts=$("$counter" "$log")
    NAMES+=("$name")
    LINES+=("$status, $counts, $((SECONDS - started)) s (log: ${log#"$ROOT"/})")
    echo "======== $name: $status"
}

install_missing || echo "== could not install every missing package; the suites that need them will say so"
suite "rust (cargo test --workspace --no-fail-fast)" cargo_counts cargo test --workspace --no-fail-fast
suite "c, c++, valgrind (tests/native/run.sh)" step_counts bash tests/native/run.sh
suite "rooms server with real game servers, through the C ABI (tests/rooms_server/run.sh)" cargo_counts bash tests/rooms_server/run.sh
suite "python, installed in a venv (tests/python/run.sh)" python_counts bash tests/python/run.sh
suite "c# under mono (tests/csharp/run.sh)" step_counts bash tests/csharp/run.sh
suite "packaging and quickstarts (tests/packaging/run.sh)" step_counts bash tests/packaging/run.sh
suite "docker fleet (tests/docker/run.sh)" step_counts bash tests/docker/run.sh
suite "server with the official TypeScript SDK (server/tests/ts/run.sh)" step_counts bash server/tests/ts/run.sh

echo
echo "======== summary"
for i in "${!NAMES[@]}"; do
    echo "${NAMES[$i]}: ${LINES[$i]}"
done
echo "$((${#NAMES[@]} - SUITES_FAILED)) passed, $SUITES_FAILED failed"
[ "$SUITES_FAILED" -eq 0 ]
