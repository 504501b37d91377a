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
  cargo build --release -p hathora-rooms-server
}

# Sets the array `package` to the package's runtime sources (generated stubs + hand-written
# layer), every assembly of it together. A read loop rather than mapfile, which macOS's bash 3.2 lacks.
package_sources() {
  package=()
  while IFS= read -r file; do package+=("$file"); done < <(find bindings/csharp/Runtime -name '*.cs' | sort)
}

# A field of an .asmdef: a string, or a list printed one item per line.
asmdef_field() {
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2], "")
print("\n".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}

# compile_asmdef ASMDEF OUT_DIR [MCS_ARGS...]: builds OUT_DIR/NAME.dll the way Unity builds the
# assembly an .asmdef defines: the .cs files of its folder and subfolders except those under a
# nested .asmdef, its `references` (already in OUT_DIR), unsafe code only if it allows it.
compile_asmdef() {
  local def=$1 out=$2 dir name ref nested file prune=() args=() sources=()
  shift 2
  dir=$(dirname "$def")
  name=$(asmdef_field "$def" name)
  while IFS= read -r ref; do [ -z "$ref" ] || args+=("-r:$out/$ref.dll"); done < <(asmdef_field "$def" references)
  [ "$(asmdef_field "$def" allowUnsafeCode)" != true ] || args+=(-unsafe)
  while IFS= read -r nested; do prune+=(-path "$(dirname "$nested")" -prune -o); done < <(find "$dir" -mindepth 2 -name '*.asmdef')
  while IFS= read -r file; do sources+=("$file"); done < <(find "$dir" "${prune[@]}" -name '*.cs' -print | sort)
  mcs -nologo -warnaserror -target:library -out:"$out/$name.dll" "${args[@]}" "$@" "${sources[@]}"
}

# Starts the emulator on an ephemeral port; sets emulator_url. A trap stops it on any exit.
start_emulator() {
  local log="$1/emulator.out"
  rm -f "$log" # a second start must not read the previous emulator's URL
  "$target/release/hathora-rooms-server" --port 0 --app-id app-emulator --token emulator-dev-token \
      --activation-delay-ms 200 --quiet >"$log" 2>&1 &
  emulator_pid=$!
  trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
  emulator_url="$(first_url "$log" "$emulator_pid" http)" && return 0
  echo "error: the emulator did not report its URL:" >&2
  cat "$log" >&2
  exit 1
}

# first_url LOG PID SCHEME: prints LOG's first line once it is a SCHEME:// URL (10 s at most);
# fails when process PID exits first or the time runs out.
first_url() {
  local line
  for _ in $(seq 1 100); do
    line="$(head -n 1 "$1" 2>/dev/null || true)"
    case "$line" in "$3"://*) echo "$line"; return 0 ;; esac
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Runs a command with the freshly built library on the loader's search path.
run_with_native() {
  LD_LIBRARY_PATH="$target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  DYLD_LIBRARY_PATH="$target/release${DYLD_LIBRARY_PATH:+:$DYLD_LIBRARY_PATH}" \
    "$@"
}

# Stops the emulator start_emulator started (so a second run can get a fresh one).
stop_emulator() {
  kill "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
}

# Mono's full-AOT mode forbids the JIT, as IL2CPP and iOS do (a capturing lambda handed to native
# code as a callback fails there). It needs the framework compiled ahead of time, which must not
# touch /usr: so Mono's prefix (the mono-sgen binary, lib/mono/4.5, libmono-native, /etc/mono) is
# copied to $1 and compiled there, once per Mono version. Sets aot_prefix.
prepare_full_aot() {
  aot_prefix="$1"
  local mono_bin mono_lib stamp want
  mono_bin="$(readlink -f "$(command -v mono-sgen || command -v mono)")"
  mono_lib="$(cd "$(dirname "$mono_bin")/../lib" && pwd)"
  want="$("$mono_bin" --version | head -n 1) $mono_bin"
  stamp="$aot_prefix/.framework-aot"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "== full AOT: framework already compiled in $aot_prefix"
    return 0
  fi
  # mono --aot=full runs the system assembler and linker (binutils).
  if ! command -v as >/dev/null || ! command -v ld >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "== full AOT: installing binutils (as, ld)"
      flock /tmp/apt.lock apt-get install -y binutils
    else
      echo "error: mono --aot=full needs the assembler and linker: install binutils (e.g. sudo apt-get install binutils)" >&2
      exit 1
    fi
  fi
  echo "== full AOT: copying Mono's prefix to $aot_prefix and compiling the framework (mono --aot=full)"
  rm -rf "$aot_prefix"
  mkdir -p "$aot_prefix/bin" "$aot_prefix/lib/mono/4.5" "$aot_prefix/etc"
  cp "$mono_bin" "$aot_prefix/bin/mono"
  cp -L "$mono_lib"/mono/4.5/*.dll "$aot_prefix/lib/mono/4.5/"
  cp -L "$mono_lib"/libmono-native.so* "$aot_prefix/lib/"
  cp -rL /etc/mono "$aot_prefix/etc/mono"
  local dll
  for dll in "$aot_prefix"/lib/mono/4.5/*.dll; do
    if ! aot_mono --aot=full "$dll" >"$dll.aot.log" 2>&1; then
      echo "error: mono --aot=full $dll failed:" >&2
      tail -n 20 "$dll.aot.log" >&2
      exit 1
    fi
  done
  echo "$want" >"$stamp"
}

# The copied runtime, seeing only the copied framework and configuration.
aot_mono() {
  MONO_PATH="$aot_prefix/lib/mono/4.5" MONO_CFG_DIR="$aot_prefix/etc" \
  LD_LIBRARY_PATH="$aot_prefix/lib:$target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$aot_prefix/bin/mono" "$@"
}

# compile_tests OUT_DIR: the package's assemblies as Unity builds them (one per .asmdef), the
# official SDK's seed snippets (user code: an assembly of their own, over the public surface),
# and the tests, HathoraRooms.Tests.exe (tests/csharp/run.sh and tests/csharp/docker.sh).
compile_tests() {
  local out=$1 file seed_tests=()
  echo "== compiling the package's assemblies as Unity does (one per .asmdef), the seed snippets and the tests (mcs)"
  compile_asmdef bindings/csharp/Runtime/Hathora.Rooms.asmdef "$out"
  compile_asmdef bindings/csharp/Runtime/HathoraCloud/HathoraCloud.asmdef "$out"
  mcs -nologo -warnaserror -target:library -out:"$out/SeedSnippets.dll" -r:"$out/HathoraCloud.dll" -r:"$out/Hathora.Rooms.dll" \
      tests/csharp/Seed/*Snippet.cs
  for file in tests/csharp/Seed/*.cs; do case $file in *Snippet.cs) ;; *) seed_tests+=("$file") ;; esac; done
  mcs -unsafe -nologo -warnaserror -out:"$out/HathoraRooms.Tests.exe" \
      -r:"$out/Hathora.Rooms.dll" -r:"$out/HathoraCloud.dll" -r:"$out/SeedSnippets.dll" \
      tests/csharp/*.cs "${seed_tests[@]}"
}
