# The Docker suite's images, built locally (no registry: FROM scratch, static binaries), each
# tagged by a hash of its content so that an unchanged image is built once and then reused
# (sourced by tests/docker/run.sh, tests/csharp/docker.sh and bench/docker.sh, from the
# repository root, after tests/steps.sh). `build_images` builds them (in a step's subshell too)
# and writes their tags to $CARGO_TARGET_DIR/docker-images/images.env; `load_images` exports
# them from there:
#
#   EXAMPLE_IMAGE  hathora-rooms-example-game:HASH  examples/game_server, linked statically with
#                  the release staticlib (gcc -static): /game_server, its entrypoint
#   HELD_IMAGE     hathora-rooms-example-game:held-HASH  the same, behind tests/docker/held.c
#                  (it starts the game server on SIGUSR1)
#   TEST_IMAGE     hathora-rooms-test-game:sha-HASH  server/tests/docker_fleet/game_server.c, the
#                  fleet tests' game server (GAME_OOM=1: allocates until killed)
#
# Name resolution is not needed in these images (a static glibc cannot load NSS modules there):
# the rooms server hands containers an IP literal (http://127.0.0.1:PORT) as HATHORA_BASE_URL.
# Needs the release library built (cargo build --release --lib), gcc with static glibc, docker.

# image_tag REPOSITORY PREFIX DIR: REPOSITORY:PREFIX + 16 hex digits of the hash of DIR's files.
image_tag() {
    local hash
    hash=$(cd "$3" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
    echo "$1:$2$hash"
}

# build_image TAG DIR: docker build DIR as TAG unless the engine has TAG already.
build_image() {
    if docker image inspect "$1" >/dev/null 2>&1; then
        echo "image $1: cached"
        return 0
    fi
    docker build -t "$1" "$2" >"$2.build.log" 2>&1 || { cat "$2.build.log" >&2; return 1; }
    echo "image $1: built"
}

build_images() {
    local rel=$CARGO_TARGET_DIR/release work=$CARGO_TARGET_DIR/docker-images
    rm -rf "$work"
    mkdir -p "$work/example" "$work/held" "$work/test"
    gcc -static -s -std=c11 -O2 -Wall -Wextra -Werror -Iinclude examples/game_server/*.c \
        "$rel/libhathora_rooms.a" -lpthread -ldl -lm -o "$work/example/game_server" 2>"$work/link.log" ||
        { cat "$work/link.log" >&2; return 1; }
    printf 'FROM scratch\nCOPY game_server /game_server\nENTRYPOINT ["/game_server"]\n' >"$work/example/Dockerfile"
    EXAMPLE_IMAGE=$(image_tag hathora-rooms-example-game "" "$work/example")
    build_image "$EXAMPLE_IMAGE" "$work/example"

    cp "$work/example/game_server" "$work/held/"
    gcc -static -s -std=c11 -O2 -Wall -Wextra -Werror -o "$work/held/held" tests/docker/held.c
    printf 'FROM scratch\nCOPY game_server held /\nENTRYPOINT ["/held", "/game_server"]\n' >"$work/held/Dockerfile"
    HELD_IMAGE=$(image_tag hathora-rooms-example-game held- "$work/held")
    build_image "$HELD_IMAGE" "$work/held"

    gcc -static -s -O2 -Wall -o "$work/test/game" server/tests/docker_fleet/game_server.c
    printf 'FROM scratch\nCOPY game /game\nENTRYPOINT ["/game"]\n' >"$work/test/Dockerfile"
    TEST_IMAGE=$(image_tag hathora-rooms-test-game sha- "$work/test")
    build_image "$TEST_IMAGE" "$work/test"
    printf 'EXAMPLE_IMAGE=%s\nHELD_IMAGE=%s\nTEST_IMAGE=%s\n' "$EXAMPLE_IMAGE" "$HELD_IMAGE" "$TEST_IMAGE" \
        >"$work/images.env"
}

load_images() {
    # shellcheck disable=SC1091
    source "$CARGO_TARGET_DIR/docker-images/images.env"
    export EXAMPLE_IMAGE HELD_IMAGE TEST_IMAGE
}
