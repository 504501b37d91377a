//! `hathora-rooms-server`: serve RoomsV2 until SIGINT / SIGTERM, then stop every game server
//! and exit 0. A bad flag, config file, state file or TLS file exits 2 naming the problem.
//! With TLS, SIGHUP re-reads the certificate and key (a renewed certificate needs no restart).
//!
//! The first stdout line is the URL it listens on; the second gives app id and token.

use std::process::ExitCode;

use hathora_rooms_server::RoomsServer;
use hathora_rooms_server::config::cli::{self, Command, Launch, USAGE};
use hathora_rooms_server::telemetry::logger;

fn main() -> ExitCode {
    let launch = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Serve(launch)) => launch,
        Ok(Command::Help) => return print(&format!("{USAGE}\n")),
        Ok(Command::Version) => {
            return print(&format!(
                "hathora-rooms-server {}\n",
                env!("CARGO_PKG_VERSION")
            ));
        }
        Err(e) => {
            eprintln!("hathora-rooms-server: {e}\n(hathora-rooms-server --help lists the options)");
            return ExitCode::from(2);
        }
    };
    match run(*launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("hathora-rooms-server: {message}");
            ExitCode::from(code)
        }
    }
}

/// Writes `text` to stdout. A reader that went away (`--help | head -3`) is not an error: exit
/// 0 without a word, as `println!` would not (it panics on EPIPE).
fn print(text: &str) -> ExitCode {
    use std::io::{ErrorKind, Write};
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => {
            eprintln!("hathora-rooms-server: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

fn run(launch: Launch) -> Result<(), (u8, String)> {
    use tokio::signal::unix::{SignalKind, signal};
    // On stderr: stdout's first line is the URL.
    for warning in &launch.warnings {
        eprintln!("hathora-rooms-server: warning: {warning}");
    }
    let io = |e: std::io::Error| (1, e.to_string());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    // Install the handlers before the URL is printed: a script may signal right after reading it.
    // SIGHUP keeps its default (the end of the server) unless there is a certificate to reload.
    let reloads = launch.config.tls.is_some();
    let (mut int, mut term, mut hup) = {
        let _guard = rt.enter();
        (
            signal(SignalKind::interrupt()).map_err(io)?,
            signal(SignalKind::terminate()).map_err(io)?,
            match reloads {
                true => Some(signal(SignalKind::hangup()).map_err(io)?),
                false => None,
            },
        )
    };
    let level = if launch.config.log_requests {
        log::LevelFilter::Info
    } else {
        log::LevelFilter::Warn
    };
    logger::install(level);
    let second = launch.second_line;
    let server = RoomsServer::start_with_banner(launch.config, |url| format!("{url}\n{second}\n"))
        .map_err(|e| (e.exit_code(), e.to_string()))?;
    rt.block_on(async {
        loop {
            tokio::select! {
                _ = int.recv() => return,
                _ = term.recv() => return,
                Some(_) = async { hup.as_mut()?.recv().await } => {
                    match server.reload_tls() {
                        Ok(()) => log::info!("TLS certificate and key reloaded"),
                        Err(e) => log::error!("{e}; still serving the previous certificate"),
                    }
                }
            }
        }
    });
    server.shutdown();
    Ok(())
}
