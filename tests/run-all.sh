#!/usr/bin/env bash
# Runs every test of the project: the Rust suites (library through its C ABI, emulator), then the
# C/C++/Python consumers with valgrind, then the C# layer under Mono. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mcs >/dev/null || need_apt+=(mono-mcs)
command -v mono >/dev/null || need_apt+=(mono-runtime)
[ -e /usr/lib/mono/4.5/System.Net.Http.dll ] || need_apt+=(libmono-system-net-http4.0-cil)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest

failed=()
step() {
  echo "== $1"
  if "${@:2}"; then echo "== $1: passed"; else echo "== $1: FAILED"; failed+=("$1"); fi
}

step "rust (cargo test --workspace)" cargo test --workspace
step "c, c++, python, valgrind" bash tests/native/run.sh
step "c# under mono" bash tests/csharp/run.sh

total=3
echo "suites: $((total - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
