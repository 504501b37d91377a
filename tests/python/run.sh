#!/usr/bin/env bash
# The Python package as a user gets it: `pip wheel` and `pip install ./bindings/python` into a
# fresh virtual environment under the build directory (never a system interpreter), then the
# pytest suite against that installed package (not the source tree) and the README's quickstart
# against an emulator started with its defaults. Works with Debian's own python3 first on PATH;
# installs python3-venv when `python3 -m venv` cannot work. Ends with "N passed, M failed".
# Environment: CARGO_TARGET_DIR (default: target), PYTHON (default: python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/steps.sh
source tests/steps.sh
PYTHON=${PYTHON:-python3}
OUT=$CARGO_TARGET_DIR/python-tests
VENV=$OUT/venv
WORK=$(mktemp -d)  # outside the repository: nothing there can shadow the installed package
EMU_PID=
trap 'stop_emulator; rm -rf "$WORK"' EXIT
unset HATHORA_ROOMS_LIB  # the installed package must find its own library

venv_works() {
    local probe=$WORK/probe-venv
    rm -rf "$probe"
    "$PYTHON" -m venv "$probe" >/dev/null 2>&1 && "$probe/bin/python" -m pip --version >/dev/null 2>&1
}

make_venv() {
    "$PYTHON" --version
    if ! venv_works; then
        echo "$PYTHON -m venv does not work here: installing python3-venv"
        local lock=()
        command -v flock >/dev/null && lock=(flock /tmp/apt.lock)
        "${lock[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${lock[@]}" apt-get install -y -qq python3-venv >/dev/null
        venv_works
    fi
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check pytest
    "$VENV/bin/python" -m pytest --version
}

build_emulator() {
    cargo build --release -p hathora-rooms-server
}

build_wheel() {
    "$VENV/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps ./bindings/python -w "$WORK/wheels"
    local platform wheel
    platform=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_platform().replace("-", "_").replace(".", "_"))')
    wheel=$(ls "$WORK"/wheels/*.whl)
    echo "built $(basename "$wheel")"
    case $(basename "$wheel") in
    *-py3-none-"$platform".whl) ;;
    *) echo "not tagged py3-none-$platform" >&2; return 1 ;;
    esac
    "$VENV/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
native = [n for n in names if n.startswith("hathora_rooms/") and ("hathora_rooms.so" in n or n.endswith((".dylib", ".dll")))]
assert native, f"no native library in the wheel: {names}"
print("bundled:", ", ".join(native))
PY
}

install_package() {
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check ./bindings/python
    (cd "$WORK" && "$VENV/bin/python" -c 'import hathora_rooms as h, hathora_rooms._native as n; print(h.__file__); print("library:", n.library_path)')
}

pytest_installed() {
    # From outside the repository, so only the installed package can be imported.
    (cd "$WORK" && HATHORA_ROOMS_TEST_INSTALLED=1 HATHORA_EMULATOR_BIN="$CARGO_TARGET_DIR/release/hathora-rooms-server" \
        "$VENV/bin/python" -m pytest "$ROOT/tests/python" -q -p no:cacheprovider -rs)
}

start_emulator_step() {
    [ -n "$EMU_URL" ] || { echo "the emulator printed no URL:" >&2; cat "$OUT/emulator.out" >&2; return 1; }
    echo "emulator at $EMU_URL"
}

readme_quickstart() {
    readme_block bindings/python/README.md python >"$WORK/quickstart.py"
    [ -s "$WORK/quickstart.py" ] || { echo "no python block in bindings/python/README.md" >&2; return 1; }
    (cd "$WORK" && env -u HATHORA_APP_ID HATHORA_BASE_URL="$EMU_URL" HATHORA_DEV_TOKEN=emulator-dev-token \
        "$VENV/bin/python" quickstart.py)
}

mkdir -p "$OUT"
must "fresh venv ($VENV)" make_venv
must "build the emulator" build_emulator
step "pip wheel ./bindings/python: platform-tagged, library inside" build_wheel
must "pip install ./bindings/python" install_package
step "pytest against the installed package" pytest_installed
start_default_emulator "$CARGO_TARGET_DIR/release/hathora-rooms-server" "$OUT/emulator.out"
must "start the emulator with its defaults" start_emulator_step
step "README quickstart (bindings/python/README.md)" readme_quickstart
stop_emulator

summary
[ "$FAILED" -eq 0 ]
