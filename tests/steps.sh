# Step bookkeeping shared by tests/run-all.sh, tests/native/run.sh, tests/packaging/run.sh and tests/python/run.sh (sourced):
# `step NAME FUNCTION...` runs it with errexit on in a subshell, counts it and goes on; `must`
# stops the run when it fails; `summary` prints the failed steps and "N passed, M failed".
# Also sets CARGO_TARGET_DIR (default: target) as an absolute path under $ROOT, which the sourcing
# script sets first, for the suite and every build it starts.
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $CARGO_TARGET_DIR in /*) ;; *) CARGO_TARGET_DIR=$ROOT/$CARGO_TARGET_DIR ;; esac
export CARGO_TARGET_DIR

PASSED=0
FAILED=0
FAILED_STEPS=()
STEP_RC=0

summary() {
    echo
    [ ${#FAILED_STEPS[@]} -eq 0 ] || printf 'failed step: %s\n' "${FAILED_STEPS[@]}"
    echo "$PASSED passed, $FAILED failed"
}

# Always call it as a plain command: inside `if`, `||` or `&&` bash switches errexit off in the
# subshell too.
step() {
    local name=$1
    shift
    echo
    echo "=== $name"
    set +e
    (set -e; "$@")
    STEP_RC=$?
    set -e
    if [ $STEP_RC -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "--- ok: $name"
    else
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("$name")
        echo "--- FAILED ($STEP_RC): $name"
    fi
}

must() {
    step "$@"
    if [ $STEP_RC -ne 0 ]; then
        summary
        exit 1
    fi
}

# readme_block FILE LANG: the first fenced ```LANG block of FILE, as it stands.
readme_block() {
    awk -v fence='```'"$2" '$0 == fence { on = 1; next } on && $0 == "```" { exit } on { print }' "$1"
}

# start_default_emulator BINARY LOG: the emulator exactly as its README starts it (defaults, an
# ephemeral port); sets EMU_URL and EMU_PID. Call it in the main shell, not in a step.
start_default_emulator() {
    : >"$2"
    "$1" --port 0 >"$2" 2>&1 &
    EMU_PID=$!
    EMU_URL=
    for _ in $(seq 300); do
        EMU_URL=$(head -n 1 "$2" 2>/dev/null || true)
        case $EMU_URL in http://*) return 0 ;; esac
        kill -0 "$EMU_PID" 2>/dev/null || break
        sleep 0.1
    done
    EMU_URL=
    return 0
}

stop_emulator() {
    if [ -n "${EMU_PID:-}" ]; then
        kill "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
        EMU_PID=
    fi
}
