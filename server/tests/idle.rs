//! An idle server does not wake up: no tick loop, no timer unless something is due. Measured
//! as the CPU time (utime + stime, in clock ticks) /proc/PID/stat reports over 10 seconds in
//! which nothing happens, after rooms were created, suspended and destroyed on a state file.

mod common;

use std::time::Duration;

use common::bin::Bin;
use common::*;

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/PID/stat");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // State is field 3 of the full line, so utime (14) and stime (15) are 11 and 12 here.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn an_idle_server_uses_no_cpu() {
    let dir = std::env::temp_dir().join(format!("hathora-idle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("idle.db");
    let bin = Bin::spawn(&[
        "--state",
        state.to_str().unwrap(),
        "--activation-delay-ms",
        "50",
        "--quiet",
    ]);
    let c = Client::new(&bin.url, "app-emulator", "emulator-dev-token");
    for i in 0..20 {
        c.create_id(&format!("r{i}"), "London");
    }
    c.wait_active("r19");
    c.post(&c.api("/suspend/r1"), None);
    c.post(&c.api("/destroy/r2"), None);
    c.request("GET", "/metrics", None, None);
    // Let what the requests started settle (keep-alive connections close with the client).
    drop(c);
    std::thread::sleep(Duration::from_secs(1));

    let before = cpu_ticks(bin.pid());
    std::thread::sleep(Duration::from_secs(10));
    let used = cpu_ticks(bin.pid()) - before;
    drop(bin);
    let _ = std::fs::remove_dir_all(&dir);
    // A tick is 10 ms: one stray tick is allowed for accounting at the edges of the window.
    assert!(
        used <= 1,
        "the idle server used {used} clock ticks of CPU in 10 s"
    );
}
