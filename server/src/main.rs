//! `hathora-rooms-server`: serve the RoomsV2 emulator until Ctrl-C / SIGTERM.
//!
//! The first stdout line is the URL it listens on; the second gives app id and token.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use hathora_rooms_server::{Emulator, EmulatorConfig};

const USAGE: &str = "\
usage: hathora-rooms-server [options]
  --port N                  port to listen on (default 0: a free ephemeral port)
  --host IP                 address to listen on (default 127.0.0.1)
  --app-id ID               application id served (default app-emulator)
  --token TOKEN             developer token accepted (default emulator-dev-token)
  --activation-delay-ms N   time until a scheduled room is active (default 1000)
  --rooms-per-process N     rooms one process holds before a new one starts (default 4)
  --latency-ms N            added latency on every API request (default 0)
  --fail-next STATUS:COUNT  the next COUNT API requests answer STATUS
  --retry-after SECONDS     Retry-After header value sent with --fail-next
  --drop-rate F             probability (0..1) of dropping a request's connection
  --drop-seed N             seed of the drop-rate RNG
  --quiet                   do not log requests
  --version                 print the version and exit
  --help                    this text";

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(c)) => c,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("hathora-rooms-server {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("hathora-rooms-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hathora-rooms-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(config: EmulatorConfig) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Install the handlers before the URL is printed: a script may signal right after reading it.
    let (mut int, mut term) = {
        let _guard = rt.enter();
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    let (app_id, token) = (config.app_id.clone(), config.token.clone());
    let emulator = Emulator::start_with_banner(config, |url| {
        format!("{url}\napp id: {app_id}  token: {token}\n")
    })?;
    rt.block_on(async {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    });
    emulator.shutdown();
    Ok(())
}

/// What the command line asks for.
enum Command {
    Serve(EmulatorConfig),
    Help,
    Version,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut c = EmulatorConfig {
        log_requests: true,
        ..EmulatorConfig::default()
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--version" | "-V" => return Ok(Command::Version),
            "--quiet" | "-q" => c.log_requests = false,
            "--port" => c.port = num(&flag, &value()?)?,
            "--host" => {
                c.host = value()?
                    .parse::<IpAddr>()
                    .map_err(|e| format!("--host: {e}"))?
            }
            "--app-id" => c.app_id = value()?,
            "--token" => c.token = value()?,
            "--activation-delay-ms" => {
                c.activation_delay = Duration::from_millis(num(&flag, &value()?)?)
            }
            "--rooms-per-process" => c.rooms_per_process = num(&flag, &value()?)?,
            "--latency-ms" => c.faults.latency = Duration::from_millis(num(&flag, &value()?)?),
            "--fail-next" => {
                let v = value()?;
                let (status, count) = v
                    .split_once(':')
                    .ok_or_else(|| format!("--fail-next wants STATUS:COUNT, got {v}"))?;
                c.faults.fail_status = num(&flag, status)?;
                c.faults.fail_count = num(&flag, count)?;
            }
            "--retry-after" => c.faults.retry_after = Some(value()?),
            "--drop-rate" => {
                let rate: f64 = num(&flag, &value()?)?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!("--drop-rate must be within 0..=1, got {rate}"));
                }
                c.faults.drop_rate = rate;
            }
            "--drop-seed" => c.drop_seed = num(&flag, &value()?)?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Command::Serve(c))
}

fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    v.trim()
        .parse()
        .map_err(|e| format!("{flag}: invalid value {v:?}: {e}"))
}
