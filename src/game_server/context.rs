//! The `HATHORA_*` environment that a host (Hathora Cloud, the bundled rooms server, or any host
//! following the same convention) gives each game-server process, read into one value.
//!
//! Required, because without them the process cannot name itself to the API
//! (GetActiveRoomsForProcess needs both):
//! - `HATHORA_PROCESS_ID`: its absence means "not running under a host" (a distinct error);
//! - `HATHORA_APP_ID`: a host sets it for every process, so its absence is an error.
//!
//! Optional, because a host may have nothing to give: a multi-room process may start with no
//! initial room (and a room may have no config), a self-hosted build may have no tag or
//! deployment, a host may give no hostname, region, port or token: `HATHORA_REGION`,
//! `HATHORA_ROOMS_PER_PROCESS`, `HATHORA_INITIAL_ROOM_ID`, `HATHORA_INITIAL_ROOM_CONFIG`,
//! `HATHORA_DEFAULT_PORT`, `HATHORA_HOSTNAME`, `HATHORA_DEPLOYMENT_ID`, `HATHORA_BUILD_TAG`,
//! `HATHORA_BASE_URL`, `HATHORA_PROCESS_TOKEN`.
//!
//! A variable set to the empty string counts as unset (launchers and shells often export empty
//! names). A value that is present but malformed is an error naming the variable, never skipped:
//! a game server that listens on a wrong port is worse than one that does not start. Other
//! `HATHORA_*` names (`HATHORA_APP_SECRET`, a hand-added `HATHORA_DEV_TOKEN`) are ignored.

use crate::config::{ClientConfig, Secret, check_token};
use crate::model::Region;
use crate::validate::{self, shown};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;

/// The names of the variables read.
pub mod vars {
    pub const PROCESS_ID: &str = "HATHORA_PROCESS_ID";
    pub const APP_ID: &str = "HATHORA_APP_ID";
    pub const REGION: &str = "HATHORA_REGION";
    pub const ROOMS_PER_PROCESS: &str = "HATHORA_ROOMS_PER_PROCESS";
    pub const INITIAL_ROOM_ID: &str = "HATHORA_INITIAL_ROOM_ID";
    pub const INITIAL_ROOM_CONFIG: &str = "HATHORA_INITIAL_ROOM_CONFIG";
    pub const DEFAULT_PORT: &str = "HATHORA_DEFAULT_PORT";
    pub const HOSTNAME: &str = "HATHORA_HOSTNAME";
    pub const DEPLOYMENT_ID: &str = "HATHORA_DEPLOYMENT_ID";
    pub const BUILD_TAG: &str = "HATHORA_BUILD_TAG";
    pub const BASE_URL: &str = "HATHORA_BASE_URL";
    pub const PROCESS_TOKEN: &str = "HATHORA_PROCESS_TOKEN";

    /// Every name above.
    pub const ALL: [&str; 12] = [
        PROCESS_ID,
        APP_ID,
        REGION,
        ROOMS_PER_PROCESS,
        INITIAL_ROOM_ID,
        INITIAL_ROOM_CONFIG,
        DEFAULT_PORT,
        HOSTNAME,
        DEPLOYMENT_ID,
        BUILD_TAG,
        BASE_URL,
        PROCESS_TOKEN,
    ];
}

/// Who and where this game-server process is. `Debug` never shows the process token.
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub process_id: String,
    pub app_id: String,
    /// Always a known region (an unknown name is an error); its raw name is `region.as_str()`.
    pub region: Option<Region>,
    /// At least 1.
    pub rooms_per_process: Option<u32>,
    /// The room this process was started for.
    pub initial_room_id: Option<String>,
    /// That room's config, as given.
    pub initial_room_config: Option<String>,
    /// The port the game server listens on (1 to 65535).
    pub default_port: Option<u16>,
    /// The public host name players connect to.
    pub hostname: Option<String>,
    pub deployment_id: Option<String>,
    pub build_tag: Option<String>,
    /// Where the API is (`https://` or `http://`, any host: whether plain http is acceptable is
    /// the decision of the client built from it).
    pub base_url: Option<String>,
    /// The token scoped to this process's rooms.
    pub process_token: Option<Secret>,
}

/// Why no context could be read. Messages never contain the process token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerContextError {
    /// `HATHORA_PROCESS_ID` is unset or empty: no host launched this process.
    NotUnderHost,
    /// A required variable is unset or empty while `HATHORA_PROCESS_ID` is set.
    Missing { variable: &'static str },
    /// A variable is set to a value that cannot be used; the message names it and says why.
    Malformed {
        variable: &'static str,
        message: String,
    },
}

impl ServerContextError {
    /// The variable at fault, if one is.
    pub fn variable(&self) -> Option<&'static str> {
        match self {
            Self::NotUnderHost => None,
            Self::Missing { variable } | Self::Malformed { variable, .. } => Some(variable),
        }
    }
}

impl fmt::Display for ServerContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUnderHost => write!(
                f,
                "not running under a host: {} is not set",
                vars::PROCESS_ID
            ),
            Self::Missing { variable } => write!(
                f,
                "{variable} is not set, though {} is: the host gives both",
                vars::PROCESS_ID
            ),
            Self::Malformed { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for ServerContextError {}

impl ServerContext {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ServerContextError> {
        Self::from_vars(std::env::vars_os())
    }

    /// Reads `(name, value)` pairs as they would be in the environment; the last pair of a name
    /// wins. Never touches the process environment.
    pub fn from_vars<I, K, V>(pairs: I) -> Result<Self, ServerContextError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: Into<OsString>,
    {
        let mut env = Env::default();
        for (name, value) in pairs {
            if let Some(known) = vars::ALL.iter().find(|v| OsStr::new(v) == name.as_ref()) {
                env.0.insert(known, value.into());
            }
        }
        let process_id = env
            .text(vars::PROCESS_ID)?
            .ok_or(ServerContextError::NotUnderHost)?;
        check(
            vars::PROCESS_ID,
            validate::app_id(vars::PROCESS_ID, &process_id),
        )?;
        let app_id = env.required(vars::APP_ID)?;
        check(vars::APP_ID, validate::app_id(vars::APP_ID, &app_id))?;
        Ok(ServerContext {
            process_id,
            app_id,
            region: env.parsed(vars::REGION, known_region)?,
            rooms_per_process: env.parsed(vars::ROOMS_PER_PROCESS, positive)?,
            initial_room_id: env.checked(vars::INITIAL_ROOM_ID, validate::room_id)?,
            initial_room_config: env.text(vars::INITIAL_ROOM_CONFIG)?,
            default_port: env.parsed(vars::DEFAULT_PORT, port)?,
            hostname: env.checked(vars::HOSTNAME, host_name)?,
            deployment_id: env.checked(vars::DEPLOYMENT_ID, validate::app_id)?,
            build_tag: env.text(vars::BUILD_TAG)?,
            base_url: env.checked(vars::BASE_URL, base_url)?,
            process_token: env
                .checked(vars::PROCESS_TOKEN, check_token)?
                .map(Secret::new),
        })
    }
}

/// The `HATHORA_*` values found, by name.
#[derive(Default)]
struct Env(HashMap<&'static str, OsString>);

impl Env {
    /// The value as text; None when unset or empty.
    fn text(&mut self, variable: &'static str) -> Result<Option<String>, ServerContextError> {
        match self.0.remove(variable) {
            None => Ok(None),
            Some(raw) if raw.is_empty() => Ok(None),
            Some(raw) => raw
                .into_string()
                .map(Some)
                .map_err(|_| malformed(variable, format!("{variable} is not valid UTF-8"))),
        }
    }

    fn required(&mut self, variable: &'static str) -> Result<String, ServerContextError> {
        self.text(variable)?
            .ok_or(ServerContextError::Missing { variable })
    }

    /// The text, after a check whose message names the variable.
    fn checked(
        &mut self,
        variable: &'static str,
        ok: impl FnOnce(&'static str, &str) -> Result<(), String>,
    ) -> Result<Option<String>, ServerContextError> {
        let value = self.text(variable)?;
        if let Some(v) = &value {
            check(variable, ok(variable, v))?;
        }
        Ok(value)
    }

    /// The text parsed into `T`; the parser's message follows the variable and its value.
    fn parsed<T>(
        &mut self,
        variable: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ServerContextError> {
        self.text(variable)?
            .map(|v| {
                parse(&v)
                    .map_err(|why| malformed(variable, format!("{variable} {} {why}", shown(&v))))
            })
            .transpose()
    }
}

fn malformed(variable: &'static str, message: String) -> ServerContextError {
    ServerContextError::Malformed { variable, message }
}

fn check(variable: &'static str, r: Result<(), String>) -> Result<(), ServerContextError> {
    r.map_err(|message| malformed(variable, message))
}

fn known_region(v: &str) -> Result<Region, String> {
    match Region::parse(v) {
        Region::Unknown(_) => {
            let names: Vec<&str> = Region::KNOWN.iter().map(Region::as_str).collect();
            Err(format!("is not a known region ({})", names.join(", ")))
        }
        known => Ok(known),
    }
}

fn positive(v: &str) -> Result<u32, String> {
    match v.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("is not a positive number (1 to {})", u32::MAX)),
    }
}

fn port(v: &str) -> Result<u16, String> {
    match v.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("is not a port number (1 to 65535)".into()),
    }
}

fn host_name(variable: &str, v: &str) -> Result<(), String> {
    if v.len() > 253 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{variable} {} is not a host name (at most 253 bytes, no whitespace)",
            shown(v)
        ));
    }
    Ok(())
}

/// The same URL rules as a client's base URL, with plain http to any host allowed.
fn base_url(variable: &str, v: &str) -> Result<(), String> {
    let probe = ClientConfig {
        base_url: v.to_owned(),
        allow_insecure_http: true,
        ..ClientConfig::new("probe")
    };
    probe.validate().map_err(|why| {
        let why = why.strip_prefix("base_url ").unwrap_or(&why);
        format!("{variable} {why}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_pair_wins_and_other_names_are_ignored() {
        let ctx = ServerContext::from_vars([
            ("HATHORA_PROCESS_ID", "p-1"),
            ("HATHORA_APP_ID", "a-1"),
            ("HATHORA_PROCESS_ID", "p-2"),
            ("HATHORA_APP_SECRET", "ignored"),
            ("PATH", "/bin"),
        ])
        .unwrap();
        assert_eq!(ctx.process_id, "p-2");
        assert_eq!(ctx.region, None);
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_named() {
        use std::os::unix::ffi::OsStringExt;
        let err = ServerContext::from_vars([
            (OsString::from("HATHORA_PROCESS_ID"), OsString::from("p")),
            (OsString::from("HATHORA_APP_ID"), OsString::from("a")),
            (
                OsString::from("HATHORA_BUILD_TAG"),
                OsString::from_vec(vec![0xff, 0xfe]),
            ),
        ])
        .unwrap_err();
        assert_eq!(err.variable(), Some("HATHORA_BUILD_TAG"));
        assert!(err.to_string().contains("UTF-8"), "{err}");
    }
}
