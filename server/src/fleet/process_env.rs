//! The environment of a new game-server process, shared by the fleets: the fleet's base (a
//! minimal one for a child process, nothing for a container, whose image has its own), then the
//! app's configured variables, then the Hathora variables game servers read (which win over the
//! app's), then the server's per-process additions. Nothing of the server's own environment.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::settings::AppSettings;

/// What the server knows of a process about to start, for [`ProcessEnvHook`].
#[derive(Clone, Debug)]
pub struct NewProcess<'a> {
    pub process_id: &'a str,
    pub app_id: &'a str,
    pub region: &'a str,
}

/// Variables the server adds to one new process's environment (e.g. a per-process token).
/// Called once per start, off the fleet's lock; it must not block. Its values are never logged.
pub type ProcessEnvHook = Arc<dyn Fn(&NewProcess<'_>) -> Vec<(String, String)> + Send + Sync>;

/// What is particular to one new process.
pub(crate) struct ProcessVars<'a> {
    pub process_id: &'a str,
    pub region: &'a str,
    pub room_id: &'a str,
    pub room_config: Option<&'a str>,
    /// The default port, then one per additional port, in the app's order: the ports the game
    /// server listens on (host ports for a child process, container ports for a container).
    pub ports: &'a [u16],
    pub public_host: &'a str,
    pub base_url: &'a str,
}

/// The environment, or the name of the variable whose value cannot be passed (a NUL in it).
pub(crate) fn environment<A: AppSettings>(
    base: BTreeMap<String, String>,
    app: &A,
    vars: &ProcessVars<'_>,
    hook: Option<&ProcessEnvHook>,
) -> Result<BTreeMap<String, String>, String> {
    let mut env = base;
    env.extend(app.env().iter().cloned());

    let mut hathora = vec![
        ("HATHORA_PROCESS_ID", vars.process_id.to_owned()),
        ("HATHORA_APP_ID", app.app_id().to_owned()),
        ("HATHORA_REGION", vars.region.to_owned()),
        (
            "HATHORA_ROOMS_PER_PROCESS",
            app.rooms_per_process().to_string(),
        ),
        ("HATHORA_INITIAL_ROOM_ID", vars.room_id.to_owned()),
        ("HATHORA_DEFAULT_PORT", vars.ports[0].to_string()),
        ("HATHORA_HOSTNAME", vars.public_host.to_owned()),
        ("HATHORA_DEPLOYMENT_ID", app.deployment_id().to_owned()),
        ("HATHORA_BUILD_TAG", app.build_tag().to_owned()),
        ("HATHORA_BASE_URL", vars.base_url.to_owned()),
    ];
    if let Some(config) = vars.room_config {
        hathora.push(("HATHORA_INITIAL_ROOM_CONFIG", config.to_owned()));
    }
    for (name, value) in hathora {
        env.insert(name.into(), value);
    }
    for ((name, _), number) in app.additional_ports().zip(&vars.ports[1..]) {
        env.insert(port_variable(name), number.to_string());
    }
    if let Some(hook) = hook {
        let new = NewProcess {
            process_id: vars.process_id,
            app_id: app.app_id(),
            region: vars.region,
        };
        for (name, value) in hook(&new) {
            check_env_name(&name)?;
            env.insert(name, value);
        }
    }
    match env.iter().find(|(_, value)| value.contains('\0')) {
        Some((name, _)) => Err(format!(
            "the value of {name} holds a NUL byte, which an environment cannot carry"
        )),
        None => Ok(env),
    }
}

/// `HATHORA_<NAME>_PORT` for an additional port: the name upper-cased, every character other
/// than an ASCII letter or digit replaced by `_` (`voice-chat` → `HATHORA_VOICE_CHAT_PORT`).
pub fn port_variable(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("HATHORA_{name}_PORT")
}

/// A name an environment can carry: not empty, no `=`, no NUL.
pub(crate) fn check_env_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return Err(format!(
            "environment variable name {name:?} is empty or holds '=' or a NUL"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::port_variable;

    #[test]
    fn port_variables_are_upper_case_with_underscores() {
        assert_eq!(port_variable("voice-chat"), "HATHORA_VOICE_CHAT_PORT");
        assert_eq!(port_variable("query2"), "HATHORA_QUERY2_PORT");
        assert_eq!(port_variable("ü x"), "HATHORA___X_PORT");
    }
}
