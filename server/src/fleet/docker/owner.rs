//! Which server runs a container: a label names the server's process by its pid and its start
//! time (a pid alone could have been reused by another process since). A container whose owner
//! runs is another live server's, which shares this server's instance id by mistake; one whose
//! owner is gone is what a crashed or `kill -9`ed run left.

/// This server's process, as the label holds it: `PID:START` (START in clock ticks since boot).
pub(super) fn this_server() -> String {
    let pid = std::process::id();
    format!("{pid}:{}", start_ticks(pid).unwrap_or(0))
}

/// The pid of the label's server while that server still runs (not this one); `None` otherwise.
pub(super) fn running_other(owner: &str) -> Option<u32> {
    if owner == this_server() {
        return None;
    }
    let (pid, start) = owner.split_once(':')?;
    let pid: u32 = pid.parse().ok()?;
    let start: u64 = start.parse().ok()?;
    (start_ticks(pid)? == start).then_some(pid)
}

/// Field 22 of `/proc/PID/stat`, when the process started (clock ticks since boot), while it
/// runs: `None` once it is gone or dead (a zombie, which a `kill -9`ed server is until its
/// parent reaps it).
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name (field 2) may hold spaces and ')': count from the last ')'.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    if matches!(fields.next()?, "Z" | "X" | "x") {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_server_is_not_another_and_the_dead_are_not_running() {
        let me = this_server();
        assert!(!me.ends_with(":0"), "{me}");
        assert_eq!(running_other(&me), None);
        // The init process runs, with another start time than this label's.
        assert_eq!(running_other("1:0"), None);
        let init = format!("1:{}", start_ticks(1).unwrap());
        assert_eq!(running_other(&init), Some(1));
        for bad in ["", "x", "12", "a:b", "4294967295:1"] {
            assert_eq!(running_other(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_killed_server_is_not_running_even_before_it_is_reaped() {
        let mut child = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .unwrap();
        let pid = child.id();
        let label = format!("{pid}:{}", start_ticks(pid).unwrap());
        assert_eq!(running_other(&label), Some(pid), "running");
        child.kill().unwrap();
        // Not reaped yet: a zombie.
        let zombie = || std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !zombie()
            .rsplit_once(')')
            .unwrap()
            .1
            .trim_start()
            .starts_with('Z')
        {
            assert!(std::time::Instant::now() < deadline, "never a zombie");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(running_other(&label), None, "a zombie");
        child.wait().unwrap();
        assert_eq!(running_other(&label), None, "reaped");
    }
}
