//! The Docker fleet through its Rust API, against a static test game server (`game_server.c`)
//! in a `FROM scratch` image that the tests build once (cached by content in its tag). Each
//! test has its own instance id (its containers' label), port range and directory, so the
//! tests run in parallel without seeing each other's containers, and each ends by counting its
//! containers: none may be left.
//!
//! They need a Docker Engine, so they are ignored by a plain `cargo test`; `tests/docker/run.sh`
//! runs them (`-- --ignored`). Measurements: `-- --ignored --nocapture measure`.

mod api;
mod drops;
mod exits;
mod lifecycle;
mod limits;
mod logs;
mod measure;
mod recover;
mod support;

#[path = "../fleet_harness/mod.rs"]
mod fleet_harness;

pub use fleet_harness::Helper;

/// Entry point of the helper processes that some tests start (this binary, re-executed with
/// `FLEET_TEST_HELPER` set). In an ordinary run it does nothing.
#[test]
fn helper_process() {
    let Ok(role) = std::env::var("FLEET_TEST_HELPER") else {
        return;
    };
    match role.as_str() {
        "fleet" => recover::helper(),
        "hundred" => measure::helper(),
        other => panic!("unknown helper role {other}"),
    }
}
