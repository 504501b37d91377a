//! The proof of issue 20 through the library's C ABI, and of the server's half of issues 21 and
//! 22 (process tokens, DiscoveryV2 and its beacons): `hathora-rooms-server` (the release binary,
//! started as a user starts it) runs the example game server (examples/game_server) per process,
//! and every case drives it with `hathora_*` calls, then checks what really happened: the
//! processes under the server (/proc), the game server's TCP and UDP answers, its environment,
//! the server's log and metrics.
//!
//! Run with `bash tests/rooms_server/run.sh`, which builds the binaries and names them in
//! `HATHORA_ROOMS_SERVER_BIN` and `HATHORA_GAME_SERVER_BIN`; `cargo test` alone lists these
//! tests as ignored. Every case starts servers of its own on ports of its own; every failing
//! assertion names its case.

#[path = "../common/mod.rs"]
mod common;

mod abi;
mod bad_input;
mod beacons;
mod crashes;
mod harness;
mod lifecycle;
mod process_tokens;
mod restart;
