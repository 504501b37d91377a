#!/usr/bin/env bash
# What a new user does with a fresh clone, checked end to end: the documented C/C++ install step
# (tools/install.sh) into a temporary prefix; small consumers outside the repository that find it
# through CMake's find_package (shared and static) and through pkg-config; the README's C
# quickstart and the C++ README's quickstart, extracted as they stand, built against that prefix
# and run against `hathora-rooms-server` started with its defaults; the C# quickstart under Mono and
# the Unity quickstart compiled against Unity API stubs; the Unity plugin command; `--version`;
# and that no Markdown file links outside the repository. Ends with "N passed, M failed".
# Environment: CARGO_TARGET_DIR (default: target).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=tests/steps.sh
source tests/steps.sh
REL=$CARGO_TARGET_DIR/release
WORK=$(mktemp -d)  # outside the repository: consumers see only the installed prefix
PREFIX=$WORK/prefix
EMU_PID=
EMU_URL=
trap 'stop_emulator; rm -rf "$WORK"' EXIT
# The quickstarts read only these; the rest of the environment must not steer them.
QUICKSTART_ENV=(env -u HATHORA_APP_ID HATHORA_DEV_TOKEN=emulator-dev-token)

build() {
    cargo build --release --lib
    cargo build --release -p hathora-rooms-server
}

emulator_version() {
    local want got
    want="hathora-rooms-server $(sed -n 's/^version = "\(.*\)"$/\1/p' server/Cargo.toml | head -1)"
    got=$("$REL/hathora-rooms-server" --version)
    echo "$got"
    [ "$got" = "$want" ] || { echo "expected: $want" >&2; return 1; }
}

install_prefix() {
    bash tools/install.sh "$PREFIX" | tail -3
    (cd "$PREFIX" && find . -type f | sort)
    # Nothing in the installed files may point back into the checkout or its build directory.
    if grep -rl -e "$ROOT" -e "$CARGO_TARGET_DIR" "$PREFIX/lib/pkgconfig" "$PREFIX/lib/cmake"; then
        echo "installed files name the checkout" >&2
        return 1
    fi
}

check_emulator() {
    [ -n "$EMU_URL" ] || { echo "the emulator printed no URL:" >&2; cat "$WORK/emulator.out" >&2; return 1; }
    echo "emulator at $EMU_URL (started with its defaults)"
}

# run_quickstart PROGRAM: runs it as the READMEs say, against the emulator.
run_quickstart() {
    "${QUICKSTART_ENV[@]}" HATHORA_BASE_URL="$EMU_URL" "$@"
}

# The binary must load the library of the prefix, not one of the checkout.
loads_prefix_library() {
    local lib
    lib=$(ldd "$1" | awk '/libhathora_rooms/ { print $3 }')
    echo "loads $lib"
    [ "$lib" = "$PREFIX/lib/libhathora_rooms.so" ]
}

cmake_consumer() {
    local src=$WORK/cmake-consumer
    mkdir -p "$src"
    readme_block bindings/cpp/README.md cpp >"$src/main.cpp"
    [ -s "$src/main.cpp" ] || { echo "no cpp block in bindings/cpp/README.md" >&2; return 1; }
    cat >"$src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(consumer CXX)
set(CMAKE_CXX_STANDARD 17)
find_package(hathora_rooms 0.1 REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE hathora::rooms)
CMAKE
    # CARGO_TARGET_DIR is set here on purpose: an installed package must ignore it.
    cmake -S "$src" -B "$src/build-shared" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
    cmake --build "$src/build-shared" >/dev/null
    grep -h "HATHORA_ROOMS_SHARED_LIBRARY:FILEPATH" "$src/build-shared/CMakeCache.txt"
    loads_prefix_library "$src/build-shared/consumer"
    run_quickstart "$src/build-shared/consumer"
    cmake -S "$src" -B "$src/build-static" -DCMAKE_PREFIX_PATH="$PREFIX" -DHATHORA_ROOMS_STATIC=ON >/dev/null
    cmake --build "$src/build-static" >/dev/null
    if readelf -d "$src/build-static/consumer" | grep libhathora_rooms; then
        echo "the static build still needs libhathora_rooms.so" >&2
        return 1
    fi
    run_quickstart "$src/build-static/consumer" | tail -1
}

pkg_config_consumer() {
    local src=$WORK/pkg-config-consumer
    mkdir -p "$src"
    readme_block README.md c >"$src/quickstart.c"
    [ -s "$src/quickstart.c" ] || { echo "no c block in README.md" >&2; return 1; }
    export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
    echo "pkg-config: $(pkg-config --modversion hathora_rooms): $(pkg-config --cflags --libs hathora_rooms)"
    # shellcheck disable=SC2046 # word splitting of pkg-config's output is intended
    (cd "$src" && cc -std=c11 -Wall -Wextra -Werror quickstart.c $(pkg-config --cflags --libs hathora_rooms) -o quickstart)
    loads_prefix_library "$src/quickstart"
    run_quickstart "$src/quickstart"
}

csharp_quickstart() {
    bash examples/csharp/run.sh
}

unity_quickstart_compiles() {
    local out=$WORK/unity
    mkdir -p "$out"
    readme_block bindings/csharp/README.md csharp >"$out/RoomBootstrap.cs"
    [ -s "$out/RoomBootstrap.cs" ] || { echo "no csharp block in bindings/csharp/README.md" >&2; return 1; }
    local package=()
    while IFS= read -r file; do package+=("$file"); done < <(find bindings/csharp/Runtime -name '*.cs' | sort)
    mcs -unsafe -nologo -warnaserror -target:library -define:"UNITY_5_3_OR_NEWER;UNITY_EDITOR;UNITY_IOS" \
        -out:"$out/Quickstart.dll" "${package[@]}" tests/csharp/UnityStubs/*.cs "$out/RoomBootstrap.cs"
    echo "compiled the Unity quickstart against the package and the Unity API stubs"
}

# Into a copy of the package's Plugins/ import settings, so a plugin the user built in
# bindings/csharp stays as it is; then checks the place the command writes by default.
unity_plugin() {
    local package=$WORK/unity-package plugin in_tree
    mkdir -p "$package"
    (cd bindings/csharp && git ls-files Plugins | tar -cf - -T -) | tar -xf - -C "$package"
    plugin=$(bash tools/unity-plugin.sh --package "$package" | tail -1)
    ls -l "$plugin"
    cmp "$plugin" "$REL/libhathora_rooms.so"
    in_tree=bindings/csharp/${plugin#"$package"/}
    git ls-files --error-unmatch "$in_tree.meta" >/dev/null
    grep -q "PluginImporter" "$in_tree.meta"
    git check-ignore -q "$in_tree" || { echo "$in_tree is not git-ignored" >&2; return 1; }
    echo "$in_tree: built (into a copy of the package), its .meta is committed, the binary is ignored"
}

# Every relative Markdown link of a tracked file (outside code) resolves to a file inside the
# repository.
markdown_links() {
    git ls-files -z '*.md' | python3 -c '
import os, re, sys
root = os.getcwd()
bad = 0
files = [f for f in sys.stdin.read().split("\0") if f]
for f in files:
    text = re.sub(r"```.*?```", "", open(f, encoding="utf-8").read(), flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    for link in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"(https?:|mailto:|#)", link):
            continue
        path = os.path.realpath(os.path.join(os.path.dirname(f), link.split("#")[0]))
        if not path.startswith(root + os.sep) or not os.path.exists(path):
            print(f"{f}: link to {link} leaves the repository or names nothing", file=sys.stderr)
            bad = 1
print(f"{len(files)} Markdown files; every relative link stays inside the repository")
sys.exit(bad)
'
}

must "build the release library and the emulator" build
step "hathora-rooms-server --version" emulator_version
must "install step: tools/install.sh into a temporary prefix" install_prefix
start_default_emulator "$REL/hathora-rooms-server" "$WORK/emulator.out"
must "start hathora-rooms-server with its defaults" check_emulator
step "find_package consumer outside the repository (C++ README quickstart, shared + static)" cmake_consumer
step "pkg-config consumer outside the repository (README C quickstart)" pkg_config_consumer
stop_emulator
step "C# quickstart under Mono (examples/csharp/run.sh)" csharp_quickstart
step "Unity quickstart (bindings/csharp/README.md) compiles" unity_quickstart_compiles
step "Unity plugin command (tools/unity-plugin.sh)" unity_plugin
step "Markdown links stay inside the repository" markdown_links

summary
[ "$FAILED" -eq 0 ]
