//! What the local fleet runs: one [`LocalApp`] per app, and the limits shared by all of them.
//! The server's config layer fills these plain structs; [`LocalFleetConfig::validate`] names
//! the first problem so that a bad config is refused before anything starts.

use std::fmt;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use crate::fleet::Transport;
use crate::fleet::process_env::ProcessEnvHook;
use crate::fleet::settings::{
    AppSettings, DEFAULT_IDLE_TIMEOUT, DEFAULT_LOG_MAX_BYTES, DEFAULT_MAX_PROCESSES,
    DEFAULT_PORT_RANGE, DEFAULT_PUBLIC_HOST, DEFAULT_STARTUP_TIMEOUT, DEFAULT_STOP_GRACE,
    app_settings_from_fields, validate_fleet,
};

/// The local fleet's settings.
#[derive(Clone)]
pub struct LocalFleetConfig {
    pub apps: Vec<LocalApp>,
    /// Ports given to processes, default and additional ones alike.
    pub port_range: RangeInclusive<u16>,
    /// Where clients connect (`HATHORA_HOSTNAME`, and the host of every endpoint).
    pub public_host: String,
    /// Processes of all apps together.
    pub max_processes: usize,
    /// This server's API (`HATHORA_BASE_URL`).
    pub base_url: String,
    /// Extra variables per new process, set after every other variable.
    pub process_env: Option<ProcessEnvHook>,
}

/// One additional port a process exposes besides its default port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdditionalPort {
    pub name: String,
    pub transport: Transport,
}

/// One app's game server and how its processes run.
#[derive(Clone, Debug)]
pub struct LocalApp {
    pub app_id: String,
    /// Executed directly (no shell). A name without `/` is looked up in the child's `PATH`.
    pub command: PathBuf,
    pub args: Vec<String>,
    /// Set after the base environment and before the Hathora variables (which win).
    pub env: Vec<(String, String)>,
    /// The process's working directory; `None`: the command's own directory.
    pub working_dir: Option<PathBuf>,
    pub rooms_per_process: u32,
    /// Transport of the default port: readiness is a TCP connect (Tcp, Tls) or a bound UDP socket.
    pub transport: Transport,
    pub additional_ports: Vec<AdditionalPort>,
    /// Processes of this app, all regions together.
    pub max_processes: usize,
    pub startup_timeout: Duration,
    pub idle_timeout: Duration,
    /// Time between SIGTERM and SIGKILL when the server stops a process.
    pub stop_grace: Duration,
    pub deployment_id: String,
    pub build_tag: String,
    /// Holds `PROCESS_ID.log` (stdout and stderr) and is the process's `HOME`.
    pub log_dir: PathBuf,
    /// Size at which `PROCESS_ID.log` is rotated to `PROCESS_ID.log.1` (so at most twice this on disk).
    pub log_max_bytes: u64,
}

impl LocalApp {
    /// An app with the default limits and timeouts: one room per process, TCP, no additional port.
    pub fn new(
        app_id: impl Into<String>,
        command: impl Into<PathBuf>,
        log_dir: impl Into<PathBuf>,
    ) -> Self {
        LocalApp {
            app_id: app_id.into(),
            command: command.into(),
            args: Vec::new(),
            env: Vec::new(),
            working_dir: None,
            rooms_per_process: 1,
            transport: Transport::Tcp,
            additional_ports: Vec::new(),
            max_processes: DEFAULT_MAX_PROCESSES,
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            stop_grace: DEFAULT_STOP_GRACE,
            deployment_id: "local".into(),
            build_tag: "local".into(),
            log_dir: log_dir.into(),
            log_max_bytes: DEFAULT_LOG_MAX_BYTES,
        }
    }

    fn validate(&self) -> Result<(), String> {
        self.validate_common()?;
        let app = &self.app_id;
        if self.command.as_os_str().is_empty() {
            return Err(format!("app {app}: the command is empty"));
        }
        if let Some(arg) = self.args.iter().find(|a| a.contains('\0')) {
            return Err(format!("app {app}: argument {arg:?} holds a NUL"));
        }
        Ok(())
    }
}

app_settings_from_fields!(LocalApp);

impl LocalFleetConfig {
    /// No app yet; the default range, host and limits.
    pub fn new(base_url: impl Into<String>) -> Self {
        LocalFleetConfig {
            apps: Vec::new(),
            port_range: DEFAULT_PORT_RANGE,
            public_host: DEFAULT_PUBLIC_HOST.into(),
            max_processes: DEFAULT_MAX_PROCESSES,
            base_url: base_url.into(),
            process_env: None,
        }
    }

    /// The first problem of the config, named, or `Ok`.
    pub fn validate(&self) -> Result<(), String> {
        validate_fleet(
            &self.port_range,
            &self.public_host,
            &self.base_url,
            self.max_processes,
            &self.apps,
            LocalApp::validate,
        )
    }
}

impl fmt::Debug for LocalFleetConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalFleetConfig")
            .field("apps", &self.apps)
            .field("port_range", &self.port_range)
            .field("public_host", &self.public_host)
            .field("max_processes", &self.max_processes)
            .field("base_url", &self.base_url)
            .field("process_env", &self.process_env.as_ref().map(|_| "hook"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet_with(app: LocalApp) -> LocalFleetConfig {
        let mut config = LocalFleetConfig::new("http://127.0.0.1:1/");
        config.apps = vec![app];
        config
    }

    fn refusal(edit: impl FnOnce(&mut LocalApp)) -> String {
        let mut app = LocalApp::new("app", "/bin/game", "/tmp/logs");
        edit(&mut app);
        fleet_with(app).validate().expect_err("refused")
    }

    #[test]
    fn a_default_app_is_valid() {
        let app = LocalApp::new("app", "/bin/game", "/tmp/logs");
        assert_eq!(fleet_with(app).validate(), Ok(()));
    }

    #[test]
    fn each_bad_setting_is_named() {
        let port = |name: &str| AdditionalPort {
            name: name.into(),
            transport: Transport::Udp,
        };
        type Edit = Box<dyn FnOnce(&mut LocalApp)>;
        let cases: Vec<(&str, Edit)> = vec![
            ("rooms per process", Box::new(|a| a.rooms_per_process = 0)),
            ("max processes", Box::new(|a| a.max_processes = 0)),
            (
                "startup timeout",
                Box::new(|a| a.startup_timeout = Duration::ZERO),
            ),
            ("log size cap", Box::new(|a| a.log_max_bytes = 0)),
            (
                "BAD=NAME",
                Box::new(|a| a.env = vec![("BAD=NAME".into(), "v".into())]),
            ),
            (
                "value of X",
                Box::new(|a| a.env = vec![("X".into(), "a\0b".into())]),
            ),
            ("argument", Box::new(|a| a.args = vec!["a\0b".into()])),
            (
                "reserved",
                Box::new(move |a| a.additional_ports = vec![port("default")]),
            ),
            (
                "same variable",
                Box::new(move |a| {
                    a.additional_ports = vec![port("voice-chat"), port("voice_chat")]
                }),
            ),
        ];
        for (needle, edit) in cases {
            let message = refusal(edit);
            assert!(message.contains(needle), "{needle}: got {message:?}");
        }
    }

    #[test]
    fn fleet_wide_settings_are_checked() {
        let mut config = fleet_with(LocalApp::new("app", "/bin/game", "/tmp/logs"));
        config.port_range = RangeInclusive::new(30010, 30000);
        assert!(config.validate().unwrap_err().contains("30010-30000"));
        config.port_range = 30000..=30000;
        config.apps[0].additional_ports = vec![AdditionalPort {
            name: "query".into(),
            transport: Transport::Udp,
        }];
        assert!(config.validate().unwrap_err().contains("needs 2 ports"));
        config.apps[0].additional_ports.clear();
        config.apps.push(config.apps[0].clone());
        assert!(config.validate().unwrap_err().contains("configured twice"));
    }
}
