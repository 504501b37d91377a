#!/usr/bin/env bash
# Builds the native library and the emulator, compiles the C# package with Mono's mcs (the
# language level Unity users have) into the assemblies its .asmdef files define (Hathora.Rooms,
# and HathoraCloud referencing it), the official SDK's seed snippets into an assembly of their own
# and the tests into a third, then runs the tests against a fresh emulator. Also compile-checks
# the Unity-only code against API stubs, and that every package file has the .meta file Unity
# needs for immutable (git/registry) packages, each with its own GUID. Everything it builds goes
# under $CARGO_TARGET_DIR/csharp. The tests (the seed snippets among them) run twice: under the
# JIT, then under `mono --full-aot` from a copy of Mono's prefix in
# $CARGO_TARGET_DIR/csharp/mono-full-aot (nothing under /usr changes). In between, under the JIT,
# the seed snippets, the HathoraCloud tests and the TLS tests run once more over HTTPS, against
# hathora-rooms-server serving HTTPS itself (a certificate from tests/test_pki.sh), and the seed
# snippets and real-process tests run against hathora-rooms-server running the example game server
# (examples/game_server, built with cc; no dev token handed to it). Both servers run a beacon for
# two regions, which the beacon tests find through DiscoveryV2 and ping.
# Usage: tests/csharp/run.sh [TEST_NAME_FILTER]     Honours CARGO_TARGET_DIR (default: target).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=tests/csharp/lib.sh
source tests/csharp/lib.sh

require_mono
command -v python3 >/dev/null || { echo "error: python3 not found; this script reads the package's .asmdef files with it" >&2; exit 1; }
build_native
out="$target/csharp"
mkdir -p "$out"

compile_tests "$out"

echo "== compile-checking the Unity-only code (UNITY_5_3_OR_NEWER, UNITY_EDITOR, UNITY_IOS) against API stubs"
unity_check="$out/unity-check"
mkdir -p "$unity_check"
unity_defines="UNITY_5_3_OR_NEWER;UNITY_EDITOR;UNITY_IOS"
compile_asmdef bindings/csharp/Runtime/Hathora.Rooms.asmdef "$unity_check" -define:"$unity_defines" tests/csharp/UnityStubs/*.cs
compile_asmdef bindings/csharp/Runtime/HathoraCloud/HathoraCloud.asmdef "$unity_check" -define:"$unity_defines"

echo "== checking .meta files of the Unity package"
missing=0
while IFS= read -r -d '' path; do
  if [ ! -f "$path.meta" ]; then echo "missing: $path.meta"; missing=1; fi
done < <(find bindings/csharp -mindepth 1 -not -name '*.meta' -print0)
[ "$missing" -eq 0 ] || { echo "every file and folder under bindings/csharp needs a .meta (Unity ignores it otherwise)"; exit 1; }
# Unity identifies assets by GUID: two files with one GUID break references to either.
reused=$(find bindings/csharp -name '*.meta' -exec sed -n 's/^guid: //p' {} + | sort | uniq -d)
[ -z "$reused" ] || { echo "GUIDs used by more than one .meta file: $reused"; exit 1; }

# Each mode gets a fresh emulator: the seed snippets use the page's fixed room id.
check_emulator() {
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "note: the emulator exited during the run; its log follows" >&2
    cat "$out/emulator.out" >&2
  fi
}

# The beacons of both servers below: the beacon tests expect these regions, in this order.
beacon_regions=London,Tokyo
beacon_args=(--beacon London=127.0.0.1:0 --beacon Tokyo=127.0.0.1:0)

# hathora-rooms-server's simulated rooms served over HTTPS by the server itself, with a
# certificate that the CA in $out/tls/ca.pem signed (tests/test_pki.sh), and the beacons. Sets
# https_url and https_pid; a trap stops it on any exit.
start_https_server() {
  local log="$out/https-server.out"
  rm -f "$log"
  bash tests/test_pki.sh "$out/tls"
  "$target/release/hathora-rooms-server" --port 0 --app-id app-emulator --token emulator-dev-token \
      --activation-delay-ms 200 --quiet --tls-cert "$out/tls/server.pem" --tls-key "$out/tls/server.key" \
      "${beacon_args[@]}" >"$log" 2>&1 &
  https_pid=$!
  trap 'kill "$https_pid" 2>/dev/null || true; wait "$https_pid" 2>/dev/null || true' EXIT
  https_url="$(first_url "$log" "$https_pid" https)" && return 0
  echo "error: the HTTPS rooms server did not report its URL:" >&2
  cat "$log" >&2
  exit 1
}

# hathora-rooms-server running the example game server (examples/game_server): one room per
# process, a 1 s idle timeout, on ports of its own, and the beacons. The game servers get no dev
# token: each reads its rooms with the process token the server gives it. Sets real_url and
# real_pid; a trap stops it on any exit.
start_real_server() {
  local dir=$1 first=$((31000 + ($$ % 80) * 20))
  rm -rf "$dir"
  mkdir -p "$dir"
  "$target/release/hathora-rooms-server" --port 0 --app-id app-emulator --token emulator-dev-token \
      --rooms-per-process 1 --idle-timeout-ms 1000 --port-range "$first-$((first + 19))" \
      "${beacon_args[@]}" --log-dir "$dir/game-logs" -- "$out/game_server" >"$dir/server.out" 2>&1 &
  real_pid=$!
  trap 'kill "$real_pid" 2>/dev/null || true; wait "$real_pid" 2>/dev/null || true' EXIT
  real_url=""
  for _ in $(seq 1 100); do
    real_url="$(head -n 1 "$dir/server.out" 2>/dev/null || true)"
    case "$real_url" in http://*) return 0 ;; esac
    kill -0 "$real_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: hathora-rooms-server did not report its URL:" >&2
  cat "$dir/server.out" >&2
  exit 1
}

status=0
start_emulator "$out"
echo "== running the tests under mono (JIT) against $emulator_url"
run_with_native mono --debug "$out/HathoraRooms.Tests.exe" "$emulator_url" "$@" || status=$?
check_emulator
stop_emulator

# HTTPS: a fresh server (the seed snippets use the page's fixed room id) with its own TLS.
start_https_server
echo "== running the seed snippets, HathoraCloud, TLS and beacon tests under mono (JIT) over HTTPS ($https_url, private CA)"
HATHORA_TEST_CA_FILE="$out/tls/ca.pem" HATHORA_TEST_BEACON_REGIONS=$beacon_regions \
  run_with_native mono --debug "$out/HathoraRooms.Tests.exe" "$https_url" "${1:-seed_|hathoracloud_|tls_|beacons_}" || status=$?
kill "$https_pid" 2>/dev/null || true
wait "$https_pid" || { echo "error: the HTTPS rooms server did not exit 0 on SIGTERM; its log:" >&2; cat "$out/https-server.out" >&2; status=1; }

# The seed snippets and the library again, on real game-server processes (under the JIT: what
# this run adds is the server and its processes, not another runtime).
echo "== building the example game server (examples/game_server)"
cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/game_server/*.c -L"$target/release" -lhathora_rooms \
    -Wl,-rpath,"$target/release" -o "$out/game_server"
start_real_server "$out/real-processes"
echo "== running the real-process tests under mono (JIT) against $real_url (hathora-rooms-server -- game_server)"
HATHORA_TEST_BEACON_REGIONS=$beacon_regions \
  run_with_native mono --debug "$out/HathoraRooms.Tests.exe" --real-processes "$real_url" "$real_pid" "$@" || status=$?
kill "$real_pid" 2>/dev/null || true
wait "$real_pid" || { echo "error: hathora-rooms-server did not exit 0 on SIGTERM; its log:" >&2; cat "$out/real-processes/server.out" >&2; status=1; }

# IL2CPP and iOS allow no JIT; `mono --full-aot` enforces the same rules (HATHORA_CSHARP_FULL_AOT=0 skips it).
if [ "${HATHORA_CSHARP_FULL_AOT:-1}" != 0 ]; then
  aot_started=$SECONDS
  prepare_full_aot "$out/mono-full-aot"
  echo "== full AOT: compiling the package's assemblies, the tests and the JIT canary (mono --aot=full)"
  mcs -nologo -warnaserror -out:"$out/JitCanary.exe" tests/csharp/FullAot/JitCanary.cs
  for exe in "$out"/{Hathora.Rooms,HathoraCloud,SeedSnippets}.dll "$out/HathoraRooms.Tests.exe" "$out/JitCanary.exe"; do
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
