//! The TOML config file (`--config FILE`). Unknown keys and wrong types are errors that name
//! the file, the line and the key; a token's value is never repeated in an error. Relative paths
//! in the file (state, log_dir, a command with a `/`) are relative to the file's folder.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::validate::resolve_program;
use super::{
    AppConfig, BeaconConfig, ConfigError, GameServerCommand, PortSpec, ServerConfig, TlsFiles,
    Token, parse_transport,
};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    server: ServerSection,
    #[serde(default)]
    simulated: SimulatedSection,
    #[serde(default)]
    apps: Vec<AppSection>,
    #[serde(default)]
    discovery: DiscoverySection,
    #[serde(default)]
    docker: super::docker::Section,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    host: Option<IpAddr>,
    port: Option<u16>,
    state: Option<PathBuf>,
    quiet: Option<bool>,
    public_host: Option<String>,
    port_range: Option<String>,
    max_processes: Option<usize>,
    base_url: Option<String>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    allow_plain_http: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DiscoverySection {
    host: Option<String>,
    #[serde(default)]
    beacons: Vec<BeaconSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BeaconSection {
    region: String,
    bind: SocketAddr,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SimulatedSection {
    activation_delay_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppSection {
    app_id: String,
    #[serde(default)]
    tokens: Vec<String>,
    command: Option<Vec<String>>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    regions: Option<Vec<String>>,
    rooms_per_process: Option<usize>,
    transport: Option<String>,
    #[serde(default)]
    additional_ports: Vec<PortSection>,
    max_processes: Option<usize>,
    startup_timeout_ms: Option<u64>,
    idle_timeout_ms: Option<u64>,
    stop_grace_ms: Option<u64>,
    deployment_id: Option<String>,
    build_tag: Option<String>,
    log_dir: Option<PathBuf>,
    log_max_bytes: Option<u64>,
    image: Option<String>,
    container_port: Option<u16>,
    cpus: Option<f64>,
    memory: Option<super::docker::Size>,
    pull: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PortSection {
    name: String,
    transport: String,
    container_port: Option<u16>,
}

/// Reads `path` into a configuration; the command line then overrides parts of it.
pub(super) fn load(path: &Path) -> Result<ServerConfig, ConfigError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("config file {shown}: {e}")))?;
    let file: File =
        toml::from_str(&text).map_err(|e| ConfigError(describe(&shown.to_string(), &text, &e)))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let in_file = |m: String| ConfigError(format!("config file {shown}: {m}"));
    convert(file, &dir).map_err(|e| in_file(e.0))
}

fn convert(file: File, dir: &Path) -> Result<ServerConfig, ConfigError> {
    let mut c = ServerConfig::default();
    let s = file.server;
    if let Some(host) = s.host {
        c.host = host;
    }
    if let Some(port) = s.port {
        c.port = port;
    }
    c.state = s.state.map(|p| dir.join(p));
    c.log_requests = !s.quiet.unwrap_or(false);
    if let Some(h) = s.public_host {
        c.public_host = Some(h);
    }
    if let Some(r) = s.port_range {
        c.port_range =
            parse_port_range(&r).map_err(|m| ConfigError(format!("[server] port_range: {m}")))?;
    }
    c.max_processes = s.max_processes;
    c.base_url = s.base_url;
    c.tls = match (s.tls_cert, s.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles {
            cert: dir.join(cert),
            key: dir.join(key),
        }),
        (None, None) => None,
        _ => {
            return Err(ConfigError(
                "[server] tls_cert and tls_key go together: give both, or neither for plain HTTP"
                    .into(),
            ));
        }
    };
    c.allow_plain_http = s.allow_plain_http.unwrap_or(false);
    c.discovery.host = file.discovery.host;
    c.discovery.beacons = file
        .discovery
        .beacons
        .into_iter()
        .map(|b| BeaconConfig {
            region: b.region,
            bind: b.bind,
        })
        .collect();
    if let Some(ms) = file.simulated.activation_delay_ms {
        c.simulated.activation_delay = Duration::from_millis(ms);
    }
    c.docker = file.docker.settings();
    for a in file.apps {
        c.apps.push(app(a, dir)?);
    }
    Ok(c)
}

fn app(a: AppSection, dir: &Path) -> Result<AppConfig, ConfigError> {
    let id = a.app_id.clone();
    let at = |key: &str, m: String| ConfigError(format!("app {id:?}: {key}: {m}"));
    let mut c = AppConfig::new(a.app_id, a.tokens.into_iter().map(Token::new).collect());
    if let Some(cmd) = a.command {
        let (program, args) = cmd
            .split_first()
            .ok_or_else(|| at("command", "is empty: give [\"PROGRAM\", \"ARG\"...]".into()))?;
        let program = if program.contains('/') && Path::new(program).is_relative() {
            dir.join(program).to_string_lossy().into_owned()
        } else {
            program.clone()
        };
        let program =
            resolve_program(&program).map_err(|e| ConfigError(format!("app {id:?}: {}", e.0)))?;
        c.command = Some(GameServerCommand {
            program,
            args: args.to_vec(),
        });
    }
    let image = super::docker::FileKeys {
        image: a.image,
        container_port: a.container_port,
        cpus: a.cpus,
        memory: a.memory,
        pull: a.pull,
        additional_ports: a
            .additional_ports
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.container_port?)))
            .collect(),
    };
    c.container = image
        .image()
        .map_err(|m| ConfigError(format!("app {id:?}: {m}")))?;
    c.env = a.env;
    if let Some(r) = a.regions {
        c.regions = r;
    }
    if let Some(n) = a.rooms_per_process {
        c.rooms_per_process = n;
    }
    if let Some(t) = a.transport {
        c.transport = parse_transport_of(&t, false).map_err(|m| at("transport", m))?;
    }
    for p in a.additional_ports {
        let transport = parse_transport_of(&p.transport, true)
            .map_err(|m| at(&format!("additional_ports {:?}", p.name), m))?;
        c.additional_ports.push(PortSpec {
            name: p.name,
            transport,
        });
    }
    c.max_processes = a.max_processes;
    if let Some(ms) = a.startup_timeout_ms {
        c.startup_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = a.idle_timeout_ms {
        c.idle_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = a.stop_grace_ms {
        c.stop_grace = Duration::from_millis(ms);
    }
    if let Some(d) = a.deployment_id {
        c.deployment_id = d;
    }
    if let Some(b) = a.build_tag {
        c.build_tag = b;
    }
    c.log_dir = a.log_dir.map(|p| dir.join(p));
    if let Some(n) = a.log_max_bytes {
        c.log_max_bytes = n;
    }
    Ok(c)
}

/// `tcp` or `udp` for a default port; `tls` too for an additional one.
pub(super) fn parse_transport_of(
    s: &str,
    tls_allowed: bool,
) -> Result<crate::fleet::Transport, String> {
    match parse_transport(s) {
        Some(crate::fleet::Transport::Tls) if !tls_allowed => Err(format!(
            "{s:?} is not a transport of a default port: tcp or udp"
        )),
        Some(t) => Ok(t),
        None if tls_allowed => Err(format!("{s:?} is not a transport: tcp, udp or tls")),
        None => Err(format!("{s:?} is not a transport: tcp or udp")),
    }
}

/// `FIRST-LAST`, e.g. `7777-8776`.
pub(super) fn parse_port_range(s: &str) -> Result<(u16, u16), String> {
    let bad = || format!("{s:?} is not FIRST-LAST with 1 <= FIRST <= LAST <= 65535");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let first: u16 = a.trim().parse().map_err(|_| bad())?;
    let last: u16 = b.trim().parse().map_err(|_| bad())?;
    if first == 0 || first > last {
        return Err(bad());
    }
    Ok((first, last))
}

/// The parse error as `config file F: line L, column C: MESSAGE`, without the source snippet
/// toml would print (it could hold a token), and without the message when the key at fault is
/// a token's.
fn describe(file: &str, text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return format!("config file {file}: {}", e.message());
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    // The key being assigned: the nearest `key =` at or above the error.
    let lines: Vec<&str> = text.lines().take(line).collect();
    let key = lines
        .iter()
        .rev()
        .find_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .unwrap_or_default();
    let message = if key.contains("token") {
        format!("{key} must be an array of strings (value not shown)")
    } else {
        e.message().to_string()
    };
    if key.is_empty() || message.starts_with(&key) {
        format!("config file {file}: line {line}, column {column}: {message}")
    } else {
        format!("config file {file}: line {line}, column {column}: {key}: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("7777-8776"), Ok((7777, 8776)));
        assert_eq!(parse_port_range("1-1"), Ok((1, 1)));
        for bad in ["", "7777", "0-10", "10-9", "1-65536", "a-b", "-5"] {
            assert!(parse_port_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_of_the_wrong_type_is_not_echoed() {
        let text = "[[apps]]\napp_id = \"a\"\ntokens = \"hunter2-secret\"\n";
        let e = toml::from_str::<File>(text)
            .err()
            .expect("tokens must be an array");
        let m = describe("f.toml", text, &e);
        assert!(m.contains("line 3") && m.contains("tokens"), "{m}");
        assert!(!m.contains("hunter2"), "{m}");
    }
}
