#!/usr/bin/env bash
# Builds the native library and the emulator, compiles the C# package and its tests with Mono's
# mcs (the language level Unity users have), then runs the tests against a fresh emulator.
# Also compile-checks the Unity-only code against API stubs, and that every package file has
# the .meta file Unity needs for immutable (git/registry) packages. The tests (the official SDK's
# seed snippets among them) run twice: under the JIT, then under `mono --full-aot` from a copy of
# Mono's prefix in $CARGO_TARGET_DIR/csharp/mono-full-aot (nothing under /usr changes).
# Usage: tests/csharp/run.sh [TEST_NAME_FILTER]     Honours CARGO_TARGET_DIR (default: target).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=tests/csharp/lib.sh
source tests/csharp/lib.sh

require_mono
build_native
out="$target/csharp"
mkdir -p "$out"

echo "== compiling the package and the tests (mcs)"
package_sources
mcs -unsafe -nologo -warnaserror -out:"$out/HathoraRooms.Tests.exe" "${package[@]}" tests/csharp/*.cs tests/csharp/Seed/*.cs

echo "== compile-checking the Unity-only code (UNITY_5_3_OR_NEWER, UNITY_EDITOR, UNITY_IOS) against API stubs"
mcs -unsafe -nologo -warnaserror -target:library -define:"UNITY_5_3_OR_NEWER;UNITY_EDITOR;UNITY_IOS" \
    -out:"$out/HathoraRooms.UnityCheck.dll" "${package[@]}" tests/csharp/UnityStubs/*.cs

echo "== checking .meta files of the Unity package"
missing=0
while IFS= read -r -d '' path; do
  if [ ! -f "$path.meta" ]; then echo "missing: $path.meta"; missing=1; fi
done < <(find bindings/csharp -mindepth 1 -not -name '*.meta' -print0)
[ "$missing" -eq 0 ] || { echo "every file and folder under bindings/csharp needs a .meta (Unity ignores it otherwise)"; exit 1; }

# Each mode gets a fresh emulator: the seed snippets use the page's fixed room id.
check_emulator() {
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "note: the emulator exited during the run; its log follows" >&2
    cat "$out/emulator.out" >&2
  fi
}

status=0
start_emulator "$out"
echo "== running the tests under mono (JIT) against $emulator_url"
run_with_native mono --debug "$out/HathoraRooms.Tests.exe" "$emulator_url" "$@" || status=$?
check_emulator
stop_emulator

# IL2CPP and iOS allow no JIT; `mono --full-aot` enforces the same rules (HATHORA_CSHARP_FULL_AOT=0 skips it).
if [ "${HATHORA_CSHARP_FULL_AOT:-1}" != 0 ]; then
  aot_started=$SECONDS
  prepare_full_aot "$out/mono-full-aot"
  echo "== full AOT: compiling the test assembly and the JIT canary (mono --aot=full)"
  mcs -nologo -warnaserror -out:"$out/JitCanary.exe" tests/csharp/FullAot/JitCanary.cs
  for exe in "$out/HathoraRooms.Tests.exe" "$out/JitCanary.exe"; do
    if ! aot_mono --aot=full "$exe" >"$exe.aot.log" 2>&1; then
      echo "error: mono --aot=full $exe failed:" >&2
      tail -n 20 "$exe.aot.log" >&2
      exit 1
    fi
  done
  echo "== full AOT: prepared in $((SECONDS - aot_started)) s"
  # The canary hands native code a capturing lambda: that must be refused, or the mode proves nothing.
  run_with_native mono "$out/JitCanary.exe" >/dev/null || { echo "error: the JIT canary fails under the JIT" >&2; exit 1; }
  if aot_mono --full-aot "$out/JitCanary.exe" >"$out/JitCanary.out" 2>&1 || ! grep -q "aot-only" "$out/JitCanary.out"; then
    echo "error: mono --full-aot did not refuse JIT compilation; the full-AOT run would prove nothing:" >&2
    cat "$out/JitCanary.out" >&2
    exit 1
  fi
  echo "== full AOT: the JIT canary was refused as it must be (aot-only)"
  start_emulator "$out"
  echo "== running the tests under mono --full-aot (no JIT, as IL2CPP/iOS) against $emulator_url"
  aot_mono --full-aot "$out/HathoraRooms.Tests.exe" "$emulator_url" "$@" || status=$?
  check_emulator
  echo "== full AOT: $((SECONDS - aot_started)) s in all"
fi
exit "$status"
