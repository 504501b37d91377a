//! The whole environment of a new process. Nothing is inherited from the server: a base as a
//! container would have, then the app's configured variables, then the Hathora variables game
//! servers read (which win over the app's), then the server's per-process additions.

use std::collections::BTreeMap;

use super::config::{LocalApp, NewProcess, ProcessEnvHook, check_env_name, port_variable};

/// `PATH` of a Debian-based container image.
pub const BASE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What is particular to one new process.
pub(super) struct ProcessVars<'a> {
    pub process_id: &'a str,
    pub region: &'a str,
    pub room_id: &'a str,
    pub room_config: Option<&'a str>,
    /// The default port, then one per additional port, in the app's order.
    pub ports: &'a [u16],
    pub public_host: &'a str,
    pub base_url: &'a str,
}

/// The environment, or the name of the variable whose value cannot be passed (a NUL in it).
pub(super) fn environment(
    app: &LocalApp,
    vars: &ProcessVars<'_>,
    hook: Option<&ProcessEnvHook>,
) -> Result<BTreeMap<String, String>, String> {
    let mut env = BTreeMap::new();
    env.insert("PATH".into(), BASE_PATH.into());
    // The log directory exists and is writable, so what a game server keeps under $HOME
    // (Unity's Player.log, caches) lands beside its logs.
    env.insert("HOME".into(), app.log_dir.to_string_lossy().into_owned());
    env.insert("LANG".into(), "C.UTF-8".into());
    env.extend(app.env.iter().cloned());

    let mut hathora = vec![
        ("HATHORA_PROCESS_ID", vars.process_id.to_owned()),
        ("HATHORA_APP_ID", app.app_id.clone()),
        ("HATHORA_REGION", vars.region.to_owned()),
        (
            "HATHORA_ROOMS_PER_PROCESS",
            app.rooms_per_process.to_string(),
        ),
        ("HATHORA_INITIAL_ROOM_ID", vars.room_id.to_owned()),
        ("HATHORA_DEFAULT_PORT", vars.ports[0].to_string()),
        ("HATHORA_HOSTNAME", vars.public_host.to_owned()),
        ("HATHORA_DEPLOYMENT_ID", app.deployment_id.clone()),
        ("HATHORA_BUILD_TAG", app.build_tag.clone()),
        ("HATHORA_BASE_URL", vars.base_url.to_owned()),
    ];
    if let Some(config) = vars.room_config {
        hathora.push(("HATHORA_INITIAL_ROOM_CONFIG", config.to_owned()));
    }
    for (name, value) in hathora {
        env.insert(name.into(), value);
    }
    for (port, number) in app.additional_ports.iter().zip(&vars.ports[1..]) {
        env.insert(port_variable(&port.name), number.to_string());
    }
    if let Some(hook) = hook {
        let new = NewProcess {
            process_id: vars.process_id,
            app_id: &app.app_id,
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
