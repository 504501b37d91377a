//! The settings that every fleet running game servers on this host shares (child processes,
//! containers): their defaults, what the table and the environment read of an app
//! ([`AppSettings`]), and the checks that refuse a bad config before anything starts.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::path::Path;
use std::time::Duration;

use super::Transport;
use super::process_env::{check_env_name, port_variable};

/// Ports handed to game servers unless configured otherwise (below Linux's ephemeral range).
pub const DEFAULT_PORT_RANGE: RangeInclusive<u16> = 30000..=30999;
pub const DEFAULT_PUBLIC_HOST: &str = "127.0.0.1";
pub const DEFAULT_MAX_PROCESSES: usize = 500;
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Hathora's documented idle time before an empty process is stopped.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
pub const DEFAULT_STOP_GRACE: Duration = Duration::from_secs(10);
pub const DEFAULT_LOG_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// What the shared parts read of one app's config.
pub(crate) trait AppSettings: Send + Sync + 'static {
    fn app_id(&self) -> &str;
    fn rooms_per_process(&self) -> u32;
    /// Processes of this app, all regions together.
    fn max_processes(&self) -> usize;
    fn startup_timeout(&self) -> Duration;
    fn idle_timeout(&self) -> Duration;
    /// Transport of the default port.
    fn transport(&self) -> Transport;
    /// Name and transport of each additional port, in the app's order.
    fn additional_ports(&self) -> impl Iterator<Item = (&str, Transport)>;
    /// Set before the Hathora variables (which win).
    fn env(&self) -> &[(String, String)];
    fn deployment_id(&self) -> &str;
    fn build_tag(&self) -> &str;
    fn log_dir(&self) -> &Path;
    fn log_max_bytes(&self) -> u64;

    /// Host ports one process of this app takes from the range.
    fn ports_per_process(&self) -> usize {
        1 + self.additional_ports().count()
    }

    /// The first problem of the settings above, named, or `Ok`.
    fn validate_common(&self) -> Result<(), String> {
        let app = self.app_id();
        if app.is_empty() || app.contains('\0') {
            return Err(format!("app id {app:?} is empty or holds a NUL"));
        }
        if self.rooms_per_process() == 0 {
            return Err(format!("app {app}: rooms per process must be at least 1"));
        }
        if self.max_processes() == 0 {
            return Err(format!("app {app}: max processes must be at least 1"));
        }
        if self.startup_timeout().is_zero() {
            return Err(format!("app {app}: the startup timeout must be above zero"));
        }
        if self.log_max_bytes() == 0 {
            return Err(format!("app {app}: the log size cap must be above zero"));
        }
        if self.log_dir().as_os_str().is_empty() {
            return Err(format!("app {app}: the log directory is empty"));
        }
        for (name, value) in self.env() {
            check_env_name(name).map_err(|e| format!("app {app}: {e}"))?;
            if value.contains('\0') {
                return Err(format!("app {app}: the value of {name} holds a NUL"));
            }
        }
        for (what, value) in [
            ("deployment id", self.deployment_id()),
            ("build tag", self.build_tag()),
        ] {
            if value.contains('\0') {
                return Err(format!("app {app}: the {what} holds a NUL"));
            }
        }
        let mut vars = HashSet::new();
        for (name, _) in self.additional_ports() {
            if name.is_empty() || name.eq_ignore_ascii_case("default") {
                return Err(format!(
                    "app {app}: additional port name {name:?} is empty or reserved"
                ));
            }
            if !vars.insert(port_variable(name)) {
                return Err(format!(
                    "app {app}: additional port {name:?} gives the same variable {} as another port",
                    port_variable(name)
                ));
            }
        }
        Ok(())
    }
}

/// Implements [`AppSettings`] for an app struct holding the settings under their own names
/// (`app_id`, `rooms_per_process`, ..., `additional_ports` of items with `name` and
/// `transport`).
macro_rules! app_settings_from_fields {
    ($app:ty) => {
        impl $crate::fleet::settings::AppSettings for $app {
            fn app_id(&self) -> &str {
                &self.app_id
            }
            fn rooms_per_process(&self) -> u32 {
                self.rooms_per_process
            }
            fn max_processes(&self) -> usize {
                self.max_processes
            }
            fn startup_timeout(&self) -> std::time::Duration {
                self.startup_timeout
            }
            fn idle_timeout(&self) -> std::time::Duration {
                self.idle_timeout
            }
            fn transport(&self) -> $crate::fleet::Transport {
                self.transport
            }
            fn additional_ports(&self) -> impl Iterator<Item = (&str, $crate::fleet::Transport)> {
                self.additional_ports
                    .iter()
                    .map(|p| (p.name.as_str(), p.transport))
            }
            fn env(&self) -> &[(String, String)] {
                &self.env
            }
            fn deployment_id(&self) -> &str {
                &self.deployment_id
            }
            fn build_tag(&self) -> &str {
                &self.build_tag
            }
            fn log_dir(&self) -> &std::path::Path {
                &self.log_dir
            }
            fn log_max_bytes(&self) -> u64 {
                self.log_max_bytes
            }
        }
    };
}
pub(crate) use app_settings_from_fields;

/// The fleet-wide settings, and the apps checked together (unique ids, ports that fit).
pub(crate) fn validate_fleet<A: AppSettings>(
    port_range: &RangeInclusive<u16>,
    public_host: &str,
    base_url: &str,
    max_processes: usize,
    apps: &[A],
    validate_app: impl Fn(&A) -> Result<(), String>,
) -> Result<(), String> {
    let (lo, hi) = (*port_range.start(), *port_range.end());
    if lo == 0 || lo > hi {
        return Err(format!("port range {lo}-{hi} is empty or starts at 0"));
    }
    if public_host.is_empty() || public_host.contains('\0') {
        return Err("the public host name is empty or holds a NUL".into());
    }
    if base_url.contains('\0') {
        return Err("the base URL holds a NUL".into());
    }
    if max_processes == 0 {
        return Err("max processes must be at least 1".into());
    }
    let mut ids = HashSet::new();
    for app in apps {
        validate_app(app)?;
        if !ids.insert(app.app_id()) {
            return Err(format!("app {} is configured twice", app.app_id()));
        }
        let range = usize::from(hi - lo) + 1;
        if app.ports_per_process() > range {
            return Err(format!(
                "app {}: a process needs {} ports, the range {lo}-{hi} has {range}",
                app.app_id(),
                app.ports_per_process()
            ));
        }
    }
    Ok(())
}
