//! After a restart: the previous run's processes died with it (parent-death signal), but what
//! they started themselves may not have. Those are found by the `HATHORA_PROCESS_ID` in their
//! environment (inherited down the tree), never by a remembered pid, which the system may have
//! given to an unrelated process since.

use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Kills every process whose environment names one of these process ids, and waits (bounded)
/// until they are gone. Returns how many were found.
#[cfg(target_os = "linux")]
pub(super) async fn kill_survivors(ids: HashSet<String>) -> usize {
    let found = tokio::task::spawn_blocking(move || survivors(&ids))
        .await
        .unwrap_or_default();
    for &(pid, ref id) in &found {
        log::warn!("process {id} of the previous run is still running as pid {pid}: killing it");
        // SAFETY: plain syscall; the pid was just seen carrying one of our process ids.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while found.iter().any(|&(pid, _)| alive(pid)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    found.len()
}

#[cfg(not(target_os = "linux"))]
pub(super) async fn kill_survivors(_ids: HashSet<String>) -> usize {
    0
}

#[cfg(target_os = "linux")]
fn survivors(ids: &HashSet<String>) -> Vec<(libc::pid_t, String)> {
    let me = std::process::id() as libc::pid_t;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .filter(|&pid| pid != me)
        .filter_map(|pid| {
            // Unreadable (another user's) or gone: not ours.
            let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
            let id = environ
                .split(|&b| b == 0)
                .find_map(|var| var.strip_prefix(b"HATHORA_PROCESS_ID="))
                .and_then(|id| std::str::from_utf8(id).ok())
                .filter(|id| ids.contains(*id))?;
            Some((pid, id.to_owned()))
        })
        .collect()
}

/// Still running: present and not a zombie waiting for its (other) parent.
#[cfg(target_os = "linux")]
fn alive(pid: libc::pid_t) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| Some(stat.rsplit_once(')')?.1.split_whitespace().next()? != "Z"))
        .unwrap_or(false)
}
