//! The local fleet through its Rust API, against a Python stand-in game server
//! (`game_server.py`). Each test has its own port range, directory and process marker, so the
//! tests run in parallel without seeing each other's processes.

mod environment;
mod exits;
mod logs;
mod measure;
mod pdeathsig;
mod placement;
mod readiness;
mod recover;
mod stop;
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
        "environment" => environment::helper(),
        "orphans" => pdeathsig::helper(),
        other => panic!("unknown helper role {other}"),
    }
}
