#!/usr/bin/env bash
# Builds hathora_rooms for this machine's platform and CPU and puts it where the Unity package
# (bindings/csharp) expects it, next to the committed .meta that holds its import settings:
#   Linux x86_64   -> bindings/csharp/Plugins/Linux/x86_64/libhathora_rooms.so
#   macOS arm64    -> bindings/csharp/Plugins/macOS/arm64/libhathora_rooms.dylib
#   macOS x86_64   -> bindings/csharp/Plugins/macOS/x86_64/libhathora_rooms.dylib
#   Windows x86_64 -> bindings/csharp/Plugins/Windows/x86_64/hathora_rooms.dll  (Git Bash / MSYS2)
# Each platform is built on its own kind of host; the other platforms of Plugins/README.md need
# their own toolchains. Honours CARGO_TARGET_DIR. Prints the path of the installed plugin.
# Usage: tools/unity-plugin.sh [--package DIR]
#   --package DIR  install into DIR/Plugins/... instead, a copy of the package that holds the
#                  same .meta files (tests use one under target/, so a plugin the user built stays)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
package=bindings/csharp  # relative to the repository root
case ${1:-} in
"") ;;
--package) [ -d "${2:-}" ] || { echo "unity-plugin: --package needs an existing folder" >&2; exit 2; }; package=$(cd "$2" && pwd) ;;
-h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) echo "unity-plugin: unknown argument $1 (usage: tools/unity-plugin.sh [--package DIR])" >&2; exit 2 ;;
esac
cd "$root"
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac

case $(uname -s) in
Linux) platform=Linux built=libhathora_rooms.so ;;
Darwin) platform=macOS built=libhathora_rooms.dylib ;;
MINGW* | MSYS* | CYGWIN*) platform=Windows built=hathora_rooms.dll ;;
*) echo "unity-plugin: no Unity plugin layout for $(uname -s); see bindings/csharp/Plugins/README.md" >&2; exit 1 ;;
esac
case $(uname -m) in
x86_64 | amd64) arch=x86_64 ;;
arm64 | aarch64) arch=arm64 ;;
*) echo "unity-plugin: unsupported CPU $(uname -m)" >&2; exit 1 ;;
esac

dest=$package/Plugins/$platform/$arch
if [ ! -f "$dest/$built.meta" ]; then
    echo "unity-plugin: $platform $arch has no committed import settings ($dest/$built.meta);" >&2
    echo "  see bindings/csharp/Plugins/README.md for that platform's settings" >&2
    exit 1
fi
cargo build --release --lib
cp "$target/release/$built" "$dest/$built"
echo "$dest/$built"
