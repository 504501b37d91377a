//! The rules a configuration follows. Each error names the app and the key at fault, and the
//! value unless it is a token.

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::ids::valid_name;

use super::{
    AppConfig, ConfigError, FaultPlan, MAX_TOKEN_LEN, Mode, REGIONS, RESERVED_ENV, ServerConfig,
};

fn err<T>(message: String) -> Result<T, ConfigError> {
    Err(ConfigError(message))
}

pub(super) fn server(c: &ServerConfig) -> Result<(), ConfigError> {
    if c.apps.is_empty() {
        return err(
            "no app is configured: give --app-id and --token, or [[apps]] in a config file".into(),
        );
    }
    let mut ids = HashSet::new();
    let mut tokens: Vec<(&str, &super::Token)> = Vec::new();
    for app in &c.apps {
        if !ids.insert(app.app_id.as_str()) {
            return err(format!("app_id {:?} is configured twice", app.app_id));
        }
        self::app(app)?;
        for t in &app.tokens {
            if let Some((other, _)) = tokens.iter().find(|(_, seen)| *seen == t) {
                return err(if *other == app.app_id {
                    format!("app {:?}: a token is listed twice", app.app_id)
                } else {
                    format!(
                        "app {:?}: one of its tokens is also a token of app {other:?} (a token works on one app only)",
                        app.app_id
                    )
                });
            }
            tokens.push((&app.app_id, t));
        }
    }
    super::docker::validate(c)?;
    let with_command = c.apps.iter().filter(|a| a.command.is_some()).count();
    if with_command != 0 && with_command != c.apps.len() {
        let without = c
            .apps
            .iter()
            .find(|a| a.command.is_none())
            .map(|a| &a.app_id);
        let with = c
            .apps
            .iter()
            .find(|a| a.command.is_some())
            .map(|a| &a.app_id);
        return err(format!(
            "app {} has a command but app {} has none: either every app runs real game servers or none does (the simulated mode)",
            with.map(|s| format!("{s:?}")).unwrap_or_default(),
            without.map(|s| format!("{s:?}")).unwrap_or_default(),
        ));
    }
    let (first, last) = c.port_range;
    if first == 0 || first > last {
        return err(format!(
            "port_range {first}-{last} is not a range of ports: FIRST-LAST with 1 <= FIRST <= LAST <= 65535"
        ));
    }
    if c.mode() != Mode::Simulated {
        let size = usize::from(last - first) + 1;
        for app in &c.apps {
            let needed = 1 + app.additional_ports.len();
            if needed > size {
                return err(format!(
                    "port_range {first}-{last} holds {size} ports, but a process of app {:?} needs {needed}",
                    app.app_id
                ));
            }
        }
        if c.simulated.faults != FaultPlan::default() {
            return err("fault injection (--fail-next, --latency-ms, --drop-rate...) is for the simulated mode only, not with a game-server command".into());
        }
    }
    if c.max_processes == Some(0) {
        return err("max_processes must be at least 1 (leave it out for no limit)".into());
    }
    let host = c.public_host();
    if host.is_empty() || host.contains(|ch: char| ch.is_whitespace() || ch == '/') {
        return err(format!(
            "public_host {host:?} is not a host name or address"
        ));
    }
    if let Some(url) = &c.base_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return err(format!(
            "base_url {url:?} is not an http:// or https:// URL"
        ));
    }
    transport_security(c)?;
    discovery(c)
}

/// Plain HTTP only on loopback, unless allowed: bearer tokens would cross the network in the
/// clear.
fn transport_security(c: &ServerConfig) -> Result<(), ConfigError> {
    if c.tls.is_none() && !c.host.is_loopback() && !c.allow_plain_http {
        return err(format!(
            "host {} is not a loopback address, and plain HTTP would send every token across the network in the clear: give tls_cert and tls_key (--tls-cert, --tls-key), or allow_plain_http = true (--allow-plain-http) on a network you trust or behind a TLS proxy",
            c.host
        ));
    }
    Ok(())
}

fn discovery(c: &ServerConfig) -> Result<(), ConfigError> {
    if let Some(host) = &c.discovery.host
        && (host.is_empty() || host.contains(|ch: char| ch.is_whitespace() || ch == '/'))
    {
        return err(format!(
            "discovery host {host:?} is not a host name or address"
        ));
    }
    let mut regions = HashSet::new();
    let mut binds = HashSet::new();
    for b in &c.discovery.beacons {
        if !REGIONS.contains(&b.region.as_str()) {
            return err(format!(
                "beacon region {:?} is not a RoomsV2 region ({})",
                b.region,
                REGIONS.join(", ")
            ));
        }
        if !regions.insert(&b.region) {
            return err(format!("beacon region {} is listed twice", b.region));
        }
        if b.bind.port() != 0 && !binds.insert(b.bind) {
            return err(format!("beacons of two regions are bound to {}", b.bind));
        }
    }
    Ok(())
}

fn app(a: &AppConfig) -> Result<(), ConfigError> {
    let id = &a.app_id;
    if !valid_name(id, 100) {
        return err(format!(
            "app_id {id:?} must be 1 to 100 characters of [a-zA-Z0-9_-]"
        ));
    }
    if a.tokens.is_empty() {
        return err(format!(
            "app {id:?} has no token: give --token, or tokens = [...] in its [[apps]] entry"
        ));
    }
    for t in &a.tokens {
        let t = t.expose();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
            // Never echo the token itself.
            return err(format!(
                "app {id:?}: a token is empty or has a character that cannot travel in an HTTP header (use visible ASCII, no spaces)"
            ));
        }
        if t.len() > MAX_TOKEN_LEN {
            return err(format!(
                "app {id:?}: a token is {} characters long, at most {MAX_TOKEN_LEN} are allowed",
                t.len()
            ));
        }
    }
    if !(1..=10_000).contains(&a.rooms_per_process) {
        return err(format!(
            "app {id:?}: rooms_per_process = {} must be within 1..=10000",
            a.rooms_per_process
        ));
    }
    if a.regions.is_empty() {
        return err(format!(
            "app {id:?}: regions is empty (leave it out for all regions)"
        ));
    }
    let mut seen = HashSet::new();
    for r in &a.regions {
        if !REGIONS.contains(&r.as_str()) {
            return err(format!(
                "app {id:?}: region {r:?} is not a RoomsV2 region ({})",
                REGIONS.join(", ")
            ));
        }
        if !seen.insert(r) {
            return err(format!("app {id:?}: region {r:?} is listed twice"));
        }
    }
    let mut names = HashSet::new();
    for p in &a.additional_ports {
        if !valid_name(&p.name, 100) || p.name == "default" {
            return err(format!(
                "app {id:?}: additional port name {:?} must be 1 to 100 characters of [a-zA-Z0-9_-], not \"default\"",
                p.name
            ));
        }
        if !names.insert(&p.name) {
            return err(format!(
                "app {id:?}: additional port {:?} is declared twice",
                p.name
            ));
        }
    }
    if a.max_processes == Some(0) {
        return err(format!(
            "app {id:?}: max_processes must be at least 1 (leave it out for no limit)"
        ));
    }
    if a.startup_timeout.is_zero() {
        return err(format!(
            "app {id:?}: startup_timeout_ms must be more than 0"
        ));
    }
    if a.idle_timeout.is_zero() {
        return err(format!("app {id:?}: idle_timeout_ms must be more than 0"));
    }
    if a.log_max_bytes < 1024 {
        return err(format!(
            "app {id:?}: log_max_bytes = {} must be at least 1024",
            a.log_max_bytes
        ));
    }
    for (k, v) in &a.env {
        if k.is_empty() || k.contains(['=', '\0']) {
            return err(format!("app {id:?}: env key {k:?} is not a variable name"));
        }
        if RESERVED_ENV.contains(&k.as_str()) {
            return err(format!(
                "app {id:?}: env key {k} is set by the server for every game server"
            ));
        }
        if v.contains('\0') {
            return err(format!(
                "app {id:?}: env value of {k} contains a NUL character"
            ));
        }
    }
    for (what, v) in [
        ("deployment_id", &a.deployment_id),
        ("build_tag", &a.build_tag),
    ] {
        if v.contains('\0') {
            return err(format!("app {id:?}: {what} contains a NUL character"));
        }
    }
    if let Some(cmd) = &a.command {
        executable(&cmd.program).map_err(|e| ConfigError(format!("app {id:?}: command {e}")))?;
        if cmd.args.iter().any(|arg| arg.contains('\0')) {
            return err(format!(
                "app {id:?}: a command argument contains a NUL character"
            ));
        }
    }
    Ok(())
}

/// Checks that `path` is an executable file.
fn executable(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a file"));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(format!("{shown} is not executable"));
    }
    Ok(())
}

/// The absolute path of a command: relative to the working directory when it has a `/`, else
/// searched in `PATH` (the server's, when the config is read: game servers get a minimal one).
pub(super) fn resolve_program(program: &str) -> Result<PathBuf, ConfigError> {
    if program.is_empty() {
        return err("the command is empty".into());
    }
    if program.contains('\0') {
        return err("the command contains a NUL character".into());
    }
    if program.contains('/') {
        let path = Path::new(program);
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| ConfigError(format!("command {program}: no working directory: {e}")))?
                .join(path)
        };
        executable(&abs).map_err(|e| ConfigError(format!("command {e}")))?;
        return Ok(abs);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| executable(candidate).is_ok())
        .ok_or_else(|| {
            ConfigError(format!(
                "command {program:?} is not an executable file in PATH"
            ))
        })
}
