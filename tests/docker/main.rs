//! The proof of issue 24 through the library's C ABI: `hathora-rooms-server` (the release
//! binary, started as a user starts it) runs the example game server (examples/game_server,
//! linked statically, alone in a `FROM scratch` image) as one container per process on this
//! host's Docker Engine, and every case drives it with `hathora_*` calls, then checks what
//! really happened: the containers (by the labels the server gives them), the game server's TCP
//! and UDP answers through the published port, its environment and limits, the server's log
//! and metrics. Every case ends by counting its server's containers: none may be left.
//!
//! Run with `bash tests/docker/run.sh`, which builds the binaries and the images (cached by
//! content) and names them in `HATHORA_ROOMS_SERVER_BIN`, `HATHORA_EXAMPLE_IMAGE`,
//! `HATHORA_HELD_IMAGE` and `HATHORA_TEST_IMAGE`; `cargo test` alone lists these tests as
//! ignored. The server, the engine and the published ports stay on 127.0.0.1; nothing is pulled.

#[path = "../common/mod.rs"]
mod common;

// The C ABI calls and the server harness of the local-process proof (tests/rooms_server).
#[allow(dead_code)]
#[path = "../rooms_server/abi.rs"]
mod abi;
#[allow(dead_code)]
#[path = "../rooms_server/harness.rs"]
mod harness;

mod containers;
mod exits;
mod lifecycle;
mod restart;
