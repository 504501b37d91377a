#!/usr/bin/env bash
# What a new user does with a fresh clone, checked end to end: the documented C/C++ install step
# (tools/install.sh) into a temporary prefix; small consumers outside the repository that find it
# through CMake's find_package (shared and static), with the C++ README's quickstart as their
# code, run against `hathora-rooms-server` started with its defaults; the README's C quickstart
# as it stands (its C block is examples/c/quickstart.c, and its commands run from the checkout
# with a temporary HOME: install, pkg-config build, simulated rooms); the example game server
# (examples/game_server: its README's build commands, CMake against the prefix, then
# tests/packaging/game_server.py natively and under valgrind); the README's main example
# (examples/quickstart.sh: a room on a real game server, end to end); the C# quickstart under Mono and
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

# loads_library BINARY PREFIX: the binary loads the library of that prefix, not one of the checkout.
loads_library() {
    local lib
    lib=$(ldd "$1" | awk '/libhathora_rooms/ { print $3 }')
    echo "loads $lib"
    [ "$lib" = "$2/lib/libhathora_rooms.so" ]
}

# readme_block_after FILE AFTER LANG: the first fenced ```LANG block that follows the first
# ```AFTER block of FILE.
readme_block_after() {
    awk -v after='```'"$2" -v fence='```'"$3" '
        !seen && $0 == after { seen = 1; next }
        seen == 1 && $0 == "```" { seen = 2; next }
        seen == 2 && $0 == fence { on = 1; next }
        on && $0 == "```" { exit }
        on { print }' "$1"
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
    loads_library "$src/build-shared/consumer" "$PREFIX"
    run_quickstart "$src/build-shared/consumer"
    cmake -S "$src" -B "$src/build-static" -DCMAKE_PREFIX_PATH="$PREFIX" -DHATHORA_ROOMS_STATIC=ON >/dev/null
    cmake --build "$src/build-static" >/dev/null
    if readelf -d "$src/build-static/consumer" | grep libhathora_rooms; then
        echo "the static build still needs libhathora_rooms.so" >&2
        return 1
    fi
    run_quickstart "$src/build-static/consumer" | tail -1
}

# group_running PGID: a process of that group still runs (zombies, which only wait for their
# new parent to reap them, do not count).
group_running() {
    ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# The README's C quickstart as a user follows it: the C block is the file its commands build, and
# the commands run as written, from the checkout, with a HOME of their own (the install goes to
# its ~/.local). They run in a session of their own, so that whatever they leave running is stopped.
readme_c_quickstart() {
    local commands=$WORK/readme-c-quickstart.sh home=$WORK/home rc=0 pid
    if ! diff -u examples/c/quickstart.c <(readme_block README.md c); then
        echo "README.md's C block is not examples/c/quickstart.c" >&2
        return 1
    fi
    readme_block_after README.md c sh >"$commands"
    [ -s "$commands" ] || { echo "no sh block after the C block in README.md" >&2; return 1; }
    mkdir -p "$home" "$ROOT/target"
    # The toolchain stays where this HOME had it; only the install goes to the new one.
    local rustup_home=${RUSTUP_HOME:-$HOME/.rustup} cargo_home=${CARGO_HOME:-$HOME/.cargo}
    HOME=$home RUSTUP_HOME=$rustup_home CARGO_HOME=$cargo_home \
        env -u HATHORA_APP_ID -u HATHORA_BASE_URL -u HATHORA_DEV_TOKEN -u PKG_CONFIG_PATH \
        setsid bash -e "$commands" &
    pid=$!
    wait "$pid" || rc=$?
    # Their last command stops the rooms server; give it time to exit, then stop what is left.
    for _ in $(seq 100); do
        group_running "$pid" || break
        sleep 0.1
    done
    if group_running "$pid"; then
        echo "the commands left processes running:" >&2
        ps -o pid,stat,args -g "$pid" >&2 || true
        kill -TERM -- "-$pid" 2>/dev/null || true
        rc=1
    fi
    [ "$rc" -eq 0 ] || return "$rc"
    loads_library target/quickstart "$home/.local"
}

# examples/game_server: its README's build commands as written (the checkout's library), and
# its CMake project against the installed prefix.
game_server_builds() {
    local commands=$WORK/game-server-build.sh build=$WORK/game-server-cmake
    readme_block examples/game_server/README.md sh >"$commands"
    [ -s "$commands" ] || { echo "no sh block in examples/game_server/README.md" >&2; return 1; }
    bash -e "$commands"
    ls -l "$REL/game_server"
    cmake -S examples/game_server -B "$build" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
    cmake --build "$build" >/dev/null
    loads_library "$build/game_server" "$PREFIX"
}

game_server() {
    python3 tests/packaging/game_server.py --rooms-server "$REL/hathora-rooms-server" \
        --game-server "$REL/game_server" "$@"
}

# The README's main example as its "two commands" block gives it (its first command): the whole
# loop on a real game server; the script itself checks that nothing is left running.
main_example() {
    local command
    command=$(readme_block README.md sh | head -1 | sed 's/ *#.*$//')
    [ "$command" = "bash examples/quickstart.sh" ] || { echo "README.md's first command is $command" >&2; return 1; }
    $command
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
stop_emulator
step "README C quickstart as written (install, pkg-config, simulated rooms)" readme_c_quickstart
step "example game server builds (its README's commands; CMake against the prefix)" game_server_builds
step "example game server (tests/packaging/game_server.py)" game_server
step "example game server under valgrind" game_server --valgrind
step "main example (README's first command: examples/quickstart.sh)" main_example
step "C# quickstart under Mono (examples/csharp/run.sh)" csharp_quickstart
step "Unity quickstart (bindings/csharp/README.md) compiles" unity_quickstart_compiles
step "Unity plugin command (tools/unity-plugin.sh)" unity_plugin
step "Markdown links stay inside the repository" markdown_links

summary
[ "$FAILED" -eq 0 ]
