//! An idle server does not wake up: no tick loop, no timer unless something is due. Measured
//! as the CPU time (utime + stime, in clock ticks) /proc/PID/stat reports over 10 seconds in
//! which nothing happens: in the simulated mode after rooms were created, suspended and
//! destroyed on a state file, its region beacon having echoed; with a real game server that
//! holds a room and is ready.

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

/// CPU ticks `bin` uses over 10 s in which nothing happens, after 1 s to settle.
fn idle_ticks(bin: &Bin) -> u64 {
    std::thread::sleep(Duration::from_secs(1));
    let before = cpu_ticks(bin.pid());
    std::thread::sleep(Duration::from_secs(10));
    cpu_ticks(bin.pid()) - before
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
        "--beacon",
        "London=127.0.0.1:0",
    ]);
    let c = Client::new(&bin.url, "app-emulator", "emulator-dev-token");
    let pings = c.request("GET", "/discovery/v2/ping", None, None).json();
    let beacon = pings[0]["port"].as_u64().expect("the beacon's port") as u16;
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(TIMEOUT)).unwrap();
    udp.send_to(b"ping", ("127.0.0.1", beacon)).unwrap();
    assert_eq!(udp.recv(&mut [0u8; 16]).expect("the beacon echoes"), 4);
    for i in 0..20 {
        c.create_id(&format!("r{i}"), "London");
    }
    c.wait_active("r19");
    c.post(&c.api("/suspend/r1"), None);
    c.post(&c.api("/destroy/r2"), None);
    c.request("GET", "/metrics", None, None);
    // Keep-alive connections close with the client.
    drop(c);
    let used = idle_ticks(&bin);
    drop(bin);
    let _ = std::fs::remove_dir_all(&dir);
    // A tick is 10 ms: one stray tick is allowed for accounting at the edges of the window.
    assert!(
        used <= 1,
        "simulated: the idle server used {used} clock ticks of CPU in 10 s"
    );
}

#[test]
fn an_idle_server_with_a_ready_game_server_uses_no_cpu() {
    let game_server = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/local_fleet/game_server.py"
    );
    let first = 20_000 + (std::process::id() % 200) * 50 + 45;
    let range = format!("{first}-{}", first + 4);
    let bin = Bin::spawn(&[
        "--token",
        "t",
        "--quiet",
        "--port-range",
        &range,
        "--",
        "python3",
        game_server,
    ]);
    let c = Client::new(&bin.url, "app-emulator", "t");
    c.create_id("r", "London");
    c.wait_active("r");
    drop(c);
    let used = idle_ticks(&bin);
    // The game server is the server's child: it dies with it.
    drop(bin);
    assert!(
        used <= 1,
        "local: the idle server used {used} clock ticks of CPU in 10 s"
    );
}
