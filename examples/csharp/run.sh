#!/usr/bin/env bash
# Builds the native library, the emulator and examples/csharp/Quickstart.cs, then runs the
# quickstart against a freshly started emulator. Honours CARGO_TARGET_DIR (default: target).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=tests/csharp/lib.sh
source tests/csharp/lib.sh

require_mono
build_native
out="$target/csharp"
mkdir -p "$out"

echo "== compiling examples/csharp/Quickstart.cs with the package (mcs)"
package_sources
mcs -unsafe -nologo -warnaserror -out:"$out/Quickstart.exe" "${package[@]}" examples/csharp/Quickstart.cs

start_emulator "$out"
echo "== running the quickstart against $emulator_url"
HATHORA_DEV_TOKEN=emulator-dev-token \
  run_with_native mono "$out/Quickstart.exe" "$emulator_url"
