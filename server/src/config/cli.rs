//! The command line: `hathora-rooms-server [OPTIONS] [-- COMMAND [ARGS...]]`. Flags override
//! the config file's values. Every error is a [`ConfigError`] (the binary exits 2 with it).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use super::docker;
use super::env_file;
use super::file::{parse_port_range, parse_transport_of};
use super::validate::resolve_program;
use super::{
    AppConfig, BeaconConfig, ConfigError, DEFAULT_APP_ID, DEFAULT_TOKEN, GameServerCommand, Mode,
    ServerConfig, TlsFiles, Token,
};

pub const USAGE: &str = "\
usage: hathora-rooms-server [OPTIONS] [-- COMMAND [ARGS...]]
       hathora-rooms-server [OPTIONS] --image IMAGE --container-port N

Serves the Hathora RoomsV2 API. With -- COMMAND, each game-server process is a run of COMMAND
(no shell; looked up in PATH when it has no /). With --image, each process is a container of
IMAGE on this host's Docker Engine. Without either, rooms run on a simulated fleet: no
process runs, rooms become active after the activation delay (for tests and trying the API).
The first stdout line is the URL served; the second names the app id and token.
Durations are in milliseconds (names end in -ms), sizes in bytes. The app flags, from --token
to --env-file below, set the app --app-id names, or the config file's only app.

  --config FILE             TOML config file: several apps, their tokens, commands and limits
                            (flags below override it)
  --port N                  port to listen on (default 0: a free ephemeral port)
  --host IP                 address to listen on (default 127.0.0.1)
  --state FILE              SQLite state file: rooms survive a restart (default: in memory)
  --app-id ID               application id served (default app-emulator)
  --token TOKEN             bearer token of that app (default emulator-dev-token, simulated
                            mode only; required with COMMAND)
  --rooms-per-process N     rooms one process holds (default 4)
  --transport tcp|udp       transport of each process's default port (default tcp)
  --startup-timeout-ms N    a process not listening by then is stopped, its rooms destroyed
                            (default 30000)
  --idle-timeout-ms N       a process without rooms this long is stopped (default 300000)
  --stop-grace-ms N         between SIGTERM and SIGKILL when a process is stopped
                            (default 10000)
  --log-dir DIR             PROCESS_ID.log of each game server (default: logs/APP beside the
                            state file, or under the temporary directory)
  --log-max-bytes N         size at which a game server's log is rotated (default 10485760)
  --env NAME=VALUE          adds a variable to each game server's environment (repeatable);
                            visible in ps: never for a secret
  --env-file FILE           adds NAME=VALUE lines of FILE (# comments; repeatable): the way to
                            hand game servers a secret of your own (they need no dev token:
                            each gets HATHORA_PROCESS_TOKEN)
  --public-host HOST        host name clients connect to (default 127.0.0.1 with COMMAND,
                            localhost in the simulated mode)
  --port-range FIRST-LAST   ports handed to game-server processes (default 7777-8776)
  --max-processes N         processes of all apps together (default: no limit)
  --tls-cert FILE           serve HTTPS with this PEM certificate chain; needs --tls-key
  --tls-key FILE            the PEM private key of --tls-cert
  --allow-plain-http        serve plain HTTP on an address other than loopback
  --beacon REGION=IP:PORT   answer /discovery/v2/ping with REGION, and run its UDP echo
                            beacon at IP:PORT (port 0: a free one); repeat for more regions
  --ping-host HOST          host named in /discovery/v2/ping answers
  --quiet                   no request lines: log only warnings and errors
game servers in containers (app flags, as those above; the README's Docker section):
  --image IMAGE             each process is a container of IMAGE (instead of -- COMMAND)
  --container-port N        where its game server listens inside the container (required)
  --cpus F                  CPUs per container, e.g. 1 or 0.5 (default: no limit)
  --memory SIZE             memory per container, e.g. 2g or 512m (default: no limit)
  --pull missing|never      a missing image: pulled once at start, or refused (default missing)
  --publish-address IP      host address container ports are published on (default 127.0.0.1)
  --instance-id ID          labels this server's containers (default: from the state file)
  --version                 print the version and exit
  --help                    this text
simulated mode only:
  --activation-delay-ms N   time until a scheduled room is active (default 1000)
  --latency-ms N            added latency on every API request (default 0)
  --fail-next STATUS:COUNT  the next COUNT API requests answer STATUS
  --retry-after SECONDS     Retry-After header sent with --fail-next (HTTP's unit: seconds)
  --drop-rate F             probability (0..1) of dropping a request's connection
  --drop-seed N             seed of the drop-rate RNG";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Serve(Box<Launch>),
    Help,
    Version,
}

/// A server to start, and the second line of its banner.
#[derive(Debug)]
pub struct Launch {
    pub config: ServerConfig,
    /// e.g. `app id: app-emulator  token: emulator-dev-token`. A token is printed only when it
    /// came from `--token` or the default; one from the config file stays there.
    pub second_line: String,
    /// Said on stderr before the server starts (e.g. a secret-looking `--env`).
    pub warnings: Vec<String>,
}

/// A flag that sets a server-wide value, applied over the config file's.
type ServerFlag = Box<dyn FnOnce(&mut ServerConfig)>;

/// Flags that set one app's fields.
#[derive(Default)]
struct AppFlags {
    app_id: Option<String>,
    token: Option<String>,
    rooms_per_process: Option<usize>,
    transport: Option<crate::fleet::Transport>,
    command: Option<Vec<String>>,
    startup_timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    stop_grace: Option<Duration>,
    log_dir: Option<PathBuf>,
    log_max_bytes: Option<u64>,
    /// `--env` and `--env-file` variables, in command-line order (a later one wins).
    env: Vec<(String, String)>,
}

impl AppFlags {
    fn any(&self) -> bool {
        self.token.is_some()
            || self.rooms_per_process.is_some()
            || self.transport.is_some()
            || self.command.is_some()
            || self.startup_timeout.is_some()
            || self.idle_timeout.is_some()
            || self.stop_grace.is_some()
            || self.log_dir.is_some()
            || self.log_max_bytes.is_some()
            || !self.env.is_empty()
    }
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, ConfigError> {
    let mut config_file: Option<PathBuf> = None;
    let mut server: Vec<ServerFlag> = Vec::new();
    let mut app = AppFlags::default();
    // The first flag that only the simulated mode takes, if any.
    let mut simulated_only: Option<&str> = None;
    let mut tls = TlsFlags::default();
    let mut beacons: Option<Vec<BeaconConfig>> = None;
    let mut warnings = Vec::new();
    let mut docker = docker::Flags::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            let command: Vec<String> = args.by_ref().collect();
            if command.is_empty() {
                return Err(ConfigError(
                    "-- must be followed by the game server's COMMAND".into(),
                ));
            }
            app.command = Some(command);
            break;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, ConfigError> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| ConfigError(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--version" | "-V" => return Ok(Command::Version),
            "--config" => config_file = Some(PathBuf::from(value()?)),
            "--quiet" | "-q" => server.push(Box::new(|c| c.log_requests = false)),
            "--port" => {
                let port: u16 = num(&flag, &value()?)?;
                server.push(Box::new(move |c| c.port = port));
            }
            "--host" => {
                let host: IpAddr = num(&flag, &value()?)?;
                server.push(Box::new(move |c| c.host = host));
            }
            "--state" => {
                let path = PathBuf::from(value()?);
                server.push(Box::new(move |c| c.state = Some(path)));
            }
            "--public-host" => {
                let host = value()?;
                server.push(Box::new(move |c| c.public_host = Some(host)));
            }
            "--port-range" => {
                let range = parse_port_range(&value()?)
                    .map_err(|m| ConfigError(format!("--port-range: {m}")))?;
                server.push(Box::new(move |c| c.port_range = range));
            }
            "--max-processes" => {
                let n: usize = num(&flag, &value()?)?;
                server.push(Box::new(move |c| c.max_processes = Some(n)));
            }
            "--activation-delay-ms" => {
                simulated_only.get_or_insert("--activation-delay-ms");
                let d = millis(&flag, &value()?)?;
                server.push(Box::new(move |c| c.simulated.activation_delay = d));
            }
            "--latency-ms" => {
                simulated_only.get_or_insert("--latency-ms");
                let d = millis(&flag, &value()?)?;
                server.push(Box::new(move |c| c.simulated.faults.latency = d));
            }
            "--fail-next" => {
                simulated_only.get_or_insert("--fail-next");
                let v = value()?;
                let (status, count) = v.split_once(':').ok_or_else(|| {
                    ConfigError(format!("--fail-next wants STATUS:COUNT, got {v:?}"))
                })?;
                let (status, count): (u16, u32) = (num(&flag, status)?, num(&flag, count)?);
                server.push(Box::new(move |c| {
                    c.simulated.faults.fail_status = status;
                    c.simulated.faults.fail_count = count;
                }));
            }
            "--retry-after" => {
                simulated_only.get_or_insert("--retry-after");
                let v = value()?;
                server.push(Box::new(move |c| c.simulated.faults.retry_after = Some(v)));
            }
            "--drop-rate" => {
                simulated_only.get_or_insert("--drop-rate");
                let rate: f64 = num(&flag, &value()?)?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(ConfigError(format!(
                        "--drop-rate must be within 0..=1, got {rate}"
                    )));
                }
                server.push(Box::new(move |c| c.simulated.faults.drop_rate = rate));
            }
            "--drop-seed" => {
                simulated_only.get_or_insert("--drop-seed");
                let seed: u64 = num(&flag, &value()?)?;
                server.push(Box::new(move |c| c.simulated.drop_seed = seed));
            }
            "--tls-cert" => tls.cert = Some(PathBuf::from(value()?)),
            "--tls-key" => tls.key = Some(PathBuf::from(value()?)),
            "--allow-plain-http" => server.push(Box::new(|c| c.allow_plain_http = true)),
            "--beacon" => beacons.get_or_insert_default().push(beacon(&value()?)?),
            "--ping-host" => {
                let host = value()?;
                server.push(Box::new(move |c| c.discovery.host = Some(host)));
            }
            "--app-id" => app.app_id = Some(value()?),
            "--token" => app.token = Some(value()?),
            "--rooms-per-process" => app.rooms_per_process = Some(num(&flag, &value()?)?),
            "--transport" => {
                let t = parse_transport_of(&value()?, false)
                    .map_err(|m| ConfigError(format!("--transport: {m}")))?;
                app.transport = Some(t);
            }
            "--startup-timeout-ms" => app.startup_timeout = Some(millis(&flag, &value()?)?),
            "--idle-timeout-ms" => app.idle_timeout = Some(millis(&flag, &value()?)?),
            "--stop-grace-ms" => app.stop_grace = Some(millis(&flag, &value()?)?),
            "--log-dir" => app.log_dir = Some(PathBuf::from(value()?)),
            "--log-max-bytes" => app.log_max_bytes = Some(num(&flag, &value()?)?),
            "--env" => {
                let (name, v) = env_file::parse_assignment(&flag, &value()?)?;
                if env_file::looks_secret(&name) {
                    warnings.push(format!(
                        "--env {name}: a value on the command line is visible to every user of this machine (ps); hand secrets to game servers with --env-file FILE or the config file"
                    ));
                }
                app.env.push((name, v));
            }
            "--env-file" => app.env.extend(env_file::read(Path::new(&value()?))?),
            other if docker.take(other, &mut value)? => {}
            other => return Err(ConfigError(format!("unknown argument {other:?}"))),
        }
    }

    let mut config = match &config_file {
        Some(path) => super::file::load(path)?,
        None => ServerConfig {
            log_requests: true,
            ..ServerConfig::default()
        },
    };
    for set in server {
        set(&mut config);
    }
    tls.apply(&mut config)?;
    if let Some(beacons) = beacons {
        config.discovery.beacons = beacons;
    }
    let flag_token = app.token.is_some();
    let in_file = |e: ConfigError| match &config_file {
        Some(path) => ConfigError(format!(
            "{e} (config file {}, with the flags applied)",
            path.display()
        )),
        None => e,
    };
    if config_file.is_some()
        && config.apps.is_empty()
        && app.app_id.is_none()
        && app.token.is_none()
    {
        return Err(in_file(ConfigError(
            "no app is configured: add an [[apps]] entry, or give --app-id and --token".into(),
        )));
    }
    let target = target_app(&mut config, &app, &docker, config_file.is_some()).map_err(in_file)?;
    apply(&mut config.apps[target], app)?;
    docker.apply(&mut config, target)?;
    if let Some(flag) = simulated_only
        && config.mode() != Mode::Simulated
    {
        return Err(ConfigError(format!(
            "{flag} is for the simulated mode only, not with real game servers"
        )));
    }
    config.validate().map_err(in_file)?;
    let second_line = second_line(&config, target, flag_token || config_file.is_none());
    Ok(Command::Serve(Box::new(Launch {
        config,
        second_line,
        warnings,
    })))
}

/// The app the app flags set: the one `--app-id` names (added when the file lacks it), the
/// file's only app, or a new default app.
fn target_app(
    config: &mut ServerConfig,
    flags: &AppFlags,
    docker: &docker::Flags,
    from_file: bool,
) -> Result<usize, ConfigError> {
    if let Some(id) = &flags.app_id {
        if let Some(i) = config.apps.iter().position(|a| &a.app_id == id) {
            return Ok(i);
        }
    } else if config.apps.len() == 1 {
        return Ok(0);
    } else if config.apps.len() > 1 {
        if flags.any() || docker.sets_app() {
            return Err(ConfigError(
                "the app flags (--token, --rooms-per-process, --transport, the timeouts, --log-dir, --log-max-bytes, --env, --env-file, -- COMMAND, --image and its flags) need --app-id to say which app of the config file they set".into(),
            ));
        }
        return Ok(0);
    }
    let id = flags
        .app_id
        .clone()
        .unwrap_or_else(|| DEFAULT_APP_ID.to_string());
    // The default token only where nothing real runs: a server that starts game servers
    // must be given its token.
    let simulated = flags.command.is_none()
        && !docker.image()
        && config
            .apps
            .iter()
            .all(|a| a.command.is_none() && a.container.is_none());
    let tokens = if flags.token.is_none() && simulated && !from_file {
        vec![Token::new(DEFAULT_TOKEN)]
    } else {
        Vec::new()
    };
    config.apps.push(AppConfig::new(id, tokens));
    Ok(config.apps.len() - 1)
}

fn apply(app: &mut AppConfig, flags: AppFlags) -> Result<(), ConfigError> {
    if let Some(t) = flags.token {
        app.tokens = vec![Token::new(t)];
    }
    if let Some(n) = flags.rooms_per_process {
        app.rooms_per_process = n;
    }
    if let Some(t) = flags.transport {
        app.transport = t;
    }
    if let Some(d) = flags.startup_timeout {
        app.startup_timeout = d;
    }
    if let Some(d) = flags.idle_timeout {
        app.idle_timeout = d;
    }
    if let Some(d) = flags.stop_grace {
        app.stop_grace = d;
    }
    if let Some(dir) = flags.log_dir {
        app.log_dir = Some(dir);
    }
    if let Some(n) = flags.log_max_bytes {
        app.log_max_bytes = n;
    }
    app.env.extend(flags.env);
    if let Some(cmd) = flags.command {
        let program = resolve_program(&cmd[0])?;
        app.command = Some(GameServerCommand {
            program,
            args: cmd[1..].to_vec(),
        });
    }
    Ok(())
}

fn second_line(config: &ServerConfig, target: usize, print_token: bool) -> String {
    if config.apps.len() > 1 {
        let ids: Vec<&str> = config.apps.iter().map(|a| a.app_id.as_str()).collect();
        return format!("app ids: {}  tokens: (in the config file)", ids.join(", "));
    }
    let app = &config.apps[target];
    match app.tokens.first() {
        Some(t) if print_token => format!("app id: {}  token: {}", app.app_id, t.expose()),
        _ => format!("app id: {}  token: (in the config file)", app.app_id),
    }
}

/// `--tls-cert` and `--tls-key`: both, or neither (the file's then stay).
#[derive(Default)]
struct TlsFlags {
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

impl TlsFlags {
    fn apply(self, config: &mut ServerConfig) -> Result<(), ConfigError> {
        match (self.cert, self.key) {
            (Some(cert), Some(key)) => config.tls = Some(TlsFiles { cert, key }),
            (None, None) => {}
            _ => {
                return Err(ConfigError(
                    "--tls-cert and --tls-key go together: give both".into(),
                ));
            }
        }
        Ok(())
    }
}

/// `REGION=IP:PORT`, e.g. `London=0.0.0.0:7000`.
fn beacon(v: &str) -> Result<BeaconConfig, ConfigError> {
    let bad = |why: String| ConfigError(format!("--beacon {v:?}: {why}"));
    let (region, bind) = v
        .split_once('=')
        .ok_or_else(|| bad("wants REGION=IP:PORT, e.g. London=0.0.0.0:7000".into()))?;
    let bind: SocketAddr = bind
        .trim()
        .parse()
        .map_err(|e| bad(format!("{bind:?} is not IP:PORT ({e})")))?;
    Ok(BeaconConfig {
        region: region.trim().to_string(),
        bind,
    })
}

fn millis(flag: &str, v: &str) -> Result<Duration, ConfigError> {
    Ok(Duration::from_millis(num(flag, v)?))
}

fn num<T: FromStr>(flag: &str, v: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    v.trim()
        .parse()
        .map_err(|e| ConfigError(format!("{flag}: invalid value {v:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(args: &[&str]) -> Launch {
        match parse(args.iter().map(|a| a.to_string())) {
            Ok(Command::Serve(launch)) => *launch,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn app_flags_set_the_app_in_milliseconds() {
        let l = launch(&[
            "--startup-timeout-ms",
            "1500",
            "--idle-timeout-ms",
            "250",
            "--stop-grace-ms",
            "0",
            "--log-dir",
            "game-logs",
            "--log-max-bytes",
            "2048",
            "--env",
            "MODE=duel",
            "--env",
            "MODE=ranked",
        ]);
        let app = &l.config.apps[0];
        assert_eq!(app.startup_timeout, Duration::from_millis(1500));
        assert_eq!(app.idle_timeout, Duration::from_millis(250));
        assert_eq!(app.stop_grace, Duration::ZERO);
        assert_eq!(app.log_dir, Some(PathBuf::from("game-logs")));
        assert_eq!(app.log_max_bytes, 2048);
        assert_eq!(app.env.get("MODE").map(String::as_str), Some("ranked"));
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    }

    #[test]
    fn a_secret_looking_env_flag_is_warned_about_without_its_value() {
        let l = launch(&["--env", "HATHORA_DEV_TOKEN=hunter2"]);
        assert_eq!(l.warnings.len(), 1);
        assert!(
            l.warnings[0].contains("HATHORA_DEV_TOKEN") && l.warnings[0].contains("--env-file")
        );
        assert!(!l.warnings[0].contains("hunter2"));
    }
}
