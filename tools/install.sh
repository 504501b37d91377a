#!/usr/bin/env bash
# Installs hathora_rooms for C and C++ consumers under a prefix of your choice:
#   PREFIX/include/hathora_rooms.h, PREFIX/include/hathora_rooms.hpp  (C header, C++17 wrapper)
#   PREFIX/lib/libhathora_rooms.so (.dylib on macOS) and libhathora_rooms.a
#   PREFIX/lib/pkgconfig/hathora_rooms.pc                             (pkg-config)
#   PREFIX/lib/cmake/hathora_rooms/                                   (find_package)
# Builds the release library with cargo first (honours CARGO_TARGET_DIR).
# Usage: tools/install.sh PREFIX      e.g. tools/install.sh "$HOME/.local"
set -euo pipefail

[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac

cargo build --release --lib
case $(uname -s) in
Darwin) shared=libhathora_rooms.dylib ;;
*) shared=libhathora_rooms.so ;;
esac

install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/hathora_rooms"
install -m 644 include/hathora_rooms.h bindings/cpp/hathora_rooms.hpp "$prefix/include/"
install -m 755 "$target/release/$shared" "$prefix/lib/"
install -m 644 "$target/release/libhathora_rooms.a" "$prefix/lib/"
# The .pc names the prefix once; the other paths follow from it.
sed -e "s|@PREFIX@|$prefix|" -e 's|@LIBDIR@|${prefix}/lib|' -e 's|@CPPINCLUDEDIR@|${includedir}|' \
    cmake/hathora_rooms.pc.in >"$prefix/lib/pkgconfig/hathora_rooms.pc"
install -m 644 cmake/hathora_roomsConfig.cmake cmake/hathora_roomsConfigVersion.cmake \
    "$prefix/lib/cmake/hathora_rooms/"

echo "installed hathora_rooms under $prefix"
echo "  CMake:      find_package(hathora_rooms) with -DCMAKE_PREFIX_PATH=$prefix"
echo "  pkg-config: PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs hathora_rooms"
