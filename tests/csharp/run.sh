#!/usr/bin/env bash
# Builds the native library and the emulator, compiles the C# package and its tests with Mono's
# mcs (the language level Unity users have), then runs the tests against a fresh emulator.
# Also compile-checks the Unity-only code against API stubs, and that every package file has
# the .meta file Unity needs for immutable (git/registry) packages.
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

start_emulator "$out"
echo "== running the tests under mono against $emulator_url"
status=0
run_with_native mono --debug "$out/HathoraRooms.Tests.exe" "$emulator_url" "$@" || status=$?
if ! kill -0 "$emulator_pid" 2>/dev/null; then
  echo "note: the emulator exited during the run; its log follows" >&2
  cat "$out/emulator.out" >&2
fi
exit "$status"
