# Shared by tests/csharp/run.sh and examples/csharp/run.sh (sourced from the repository root):
# tool checks, native builds, the package's sources, and an emulator that is always stopped.

target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
export CARGO_TARGET_DIR="$target"

require_mono() {
  local missing=()
  command -v mcs >/dev/null || missing+=(mcs)
  command -v mono >/dev/null || missing+=(mono)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "error: ${missing[*]} not found. Install Mono, e.g.:" >&2
    echo "  Debian/Ubuntu: sudo apt-get install mono-mcs mono-runtime libmono-system-net-http4.0-cil" >&2
    echo "  macOS:         brew install mono" >&2
    echo "  other:         https://www.mono-project.com/download/stable/" >&2
    exit 1
  fi
}

build_native() {
  echo "== building the native library and the emulator (release, CARGO_TARGET_DIR=$target)"
  cargo build --release --lib -p hathora-rooms-native
  cargo build --release -p hathora-emulator
}

# Sets the array `package` to the package's runtime sources (generated stubs + hand-written
# layer). A read loop rather than mapfile, which macOS's bash 3.2 lacks.
package_sources() {
  package=()
  while IFS= read -r file; do package+=("$file"); done < <(find bindings/csharp/Runtime -name '*.cs' | sort)
}

# Starts the emulator on an ephemeral port; sets emulator_url. A trap stops it on any exit.
start_emulator() {
  local log="$1/emulator.out"
  "$target/release/hathora-emulator" --port 0 --app-id app-emulator --token emulator-dev-token \
      --activation-delay-ms 200 --quiet >"$log" 2>&1 &
  emulator_pid=$!
  trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
  emulator_url=""
  for _ in $(seq 1 100); do
    emulator_url="$(head -n 1 "$log" 2>/dev/null || true)"
    case "$emulator_url" in http://*) return 0 ;; esac
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: the emulator did not report its URL:" >&2
  cat "$log" >&2
  exit 1
}

# Runs a command with the freshly built library on the loader's search path.
run_with_native() {
  LD_LIBRARY_PATH="$target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  DYLD_LIBRARY_PATH="$target/release${DYLD_LIBRARY_PATH:+:$DYLD_LIBRARY_PATH}" \
    "$@"
}
