//! The game server's context from a prepared environment (never the process's own).

use hathora_rooms::game_server::{ServerContext, ServerContextError, vars};
use hathora_rooms::model::Region;

const TOKEN: &str = "proc-tok-7f3a9c";

fn full() -> Vec<(&'static str, String)> {
    [
        (vars::PROCESS_ID, "proc-1234"),
        (vars::APP_ID, "app-af469a92"),
        (vars::REGION, "Sao_Paulo"),
        (vars::ROOMS_PER_PROCESS, "4"),
        (vars::INITIAL_ROOM_ID, "room_2swovpy1fnunu"),
        (vars::INITIAL_ROOM_CONFIG, "{\"map\":\"dust\"}"),
        (vars::DEFAULT_PORT, "7777"),
        (vars::HOSTNAME, "1.proxy.rooms.example"),
        (vars::DEPLOYMENT_ID, "dep-6d4c6a71"),
        (vars::BUILD_TAG, "v1.2.3 (nightly)"),
        (vars::BASE_URL, "http://10.0.0.5:8080"),
        (vars::PROCESS_TOKEN, TOKEN),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The full environment with `name` set to `value` (None removes it).
fn with(name: &str, value: Option<&str>) -> Vec<(&'static str, String)> {
    let mut env: Vec<_> = full().into_iter().filter(|(k, _)| *k != name).collect();
    if let Some(v) = value {
        let k = vars::ALL
            .into_iter()
            .find(|k| *k == name)
            .expect("a known name");
        env.push((k, v.to_owned()));
    }
    env
}

#[test]
fn every_variable_set() {
    let mut env = full();
    env.push(("PATH", "/usr/bin".into()));
    env.push(("HATHORA_APP_SECRET", "old-auth-secret".into()));
    let ctx = ServerContext::from_vars(env).expect("a full environment");
    assert_eq!(ctx.process_id, "proc-1234");
    assert_eq!(ctx.app_id, "app-af469a92");
    assert_eq!(ctx.region, Some(Region::SaoPaulo));
    assert_eq!(ctx.region.as_ref().map(Region::as_str), Some("Sao_Paulo"));
    assert_eq!(ctx.rooms_per_process, Some(4));
    assert_eq!(ctx.initial_room_id.as_deref(), Some("room_2swovpy1fnunu"));
    assert_eq!(
        ctx.initial_room_config.as_deref(),
        Some("{\"map\":\"dust\"}")
    );
    assert_eq!(ctx.default_port, Some(7777));
    assert_eq!(ctx.hostname.as_deref(), Some("1.proxy.rooms.example"));
    assert_eq!(ctx.deployment_id.as_deref(), Some("dep-6d4c6a71"));
    assert_eq!(ctx.build_tag.as_deref(), Some("v1.2.3 (nightly)"));
    assert_eq!(ctx.base_url.as_deref(), Some("http://10.0.0.5:8080"));
    assert_eq!(ctx.process_token.as_ref().map(|t| t.expose()), Some(TOKEN));
}

#[test]
fn only_the_required_variables() {
    let ctx = ServerContext::from_vars([(vars::PROCESS_ID, "p"), (vars::APP_ID, "a")])
        .expect("process id and app id suffice");
    assert_eq!((ctx.process_id.as_str(), ctx.app_id.as_str()), ("p", "a"));
    assert_eq!(ctx.region, None);
    assert_eq!(ctx.rooms_per_process, None);
    assert_eq!(ctx.default_port, None);
    assert!(ctx.initial_room_id.is_none() && ctx.initial_room_config.is_none());
    assert!(ctx.hostname.is_none() && ctx.deployment_id.is_none() && ctx.build_tag.is_none());
    assert!(ctx.base_url.is_none() && ctx.process_token.is_none());
}

#[test]
fn empty_optional_variables_count_as_unset() {
    let mut env = vec![
        (vars::PROCESS_ID, String::from("p")),
        (vars::APP_ID, "a".into()),
    ];
    for name in vars::ALL.into_iter().skip(2) {
        env.push((name, String::new()));
    }
    let ctx = ServerContext::from_vars(env).expect("empty optional variables");
    assert_eq!(ctx.default_port, None);
    assert!(ctx.process_token.is_none());
}

#[test]
fn not_running_under_a_host() {
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        ServerContext::from_vars(none).unwrap_err(),
        ServerContextError::NotUnderHost,
        "no variable at all"
    );
    let err = ServerContext::from_vars(with(vars::PROCESS_ID, None)).unwrap_err();
    assert_eq!(
        err,
        ServerContextError::NotUnderHost,
        "everything but the process id"
    );
    assert_eq!(err.variable(), None);
    assert!(
        err.to_string().contains("not running under a host"),
        "{err}"
    );
    assert!(err.to_string().contains("HATHORA_PROCESS_ID"), "{err}");
    assert_eq!(
        ServerContext::from_vars(with(vars::PROCESS_ID, Some(""))).unwrap_err(),
        ServerContextError::NotUnderHost,
        "an empty process id"
    );
}

#[test]
fn a_missing_app_id_is_named() {
    for value in [None, Some("")] {
        let err = ServerContext::from_vars(with(vars::APP_ID, value)).unwrap_err();
        assert_eq!(
            err,
            ServerContextError::Missing {
                variable: vars::APP_ID
            },
            "app id {value:?}"
        );
        assert!(err.to_string().contains("HATHORA_APP_ID"), "{err}");
    }
}

#[test]
fn each_malformed_variable_is_named_with_its_problem() {
    let cases: &[(&str, &str, &str)] = &[
        (vars::DEFAULT_PORT, "http", "not a port number"),
        (vars::DEFAULT_PORT, "0", "not a port number"),
        (vars::DEFAULT_PORT, "65536", "not a port number"),
        (vars::DEFAULT_PORT, "-1", "not a port number"),
        (vars::DEFAULT_PORT, " 7777", "not a port number"),
        (vars::REGION, "Atlantis", "not a known region"),
        (vars::REGION, "seattle", "not a known region"),
        (vars::ROOMS_PER_PROCESS, "0", "not a positive number"),
        (vars::ROOMS_PER_PROCESS, "-2", "not a positive number"),
        (vars::ROOMS_PER_PROCESS, "four", "not a positive number"),
        (
            vars::ROOMS_PER_PROCESS,
            "4294967296",
            "not a positive number",
        ),
        (vars::PROCESS_ID, "..", "dot segment"),
        (vars::PROCESS_ID, "a b", "whitespace"),
        (vars::APP_ID, "app\nid", "whitespace"),
        (vars::DEPLOYMENT_ID, ".", "dot segment"),
        (vars::INITIAL_ROOM_ID, "room/1", "[a-zA-Z0-9_-]"),
        (vars::HOSTNAME, "a host", "not a host name"),
        (vars::BASE_URL, "ftp://rooms.example", "malformed"),
        (vars::BASE_URL, "https://", "malformed"),
        (vars::PROCESS_TOKEN, "tok\u{7}en", "control characters"),
    ];
    for (name, value, problem) in cases {
        let err = ServerContext::from_vars(with(name, Some(value)))
            .expect_err(&format!("{name}={value:?} accepted"));
        let msg = err.to_string();
        assert_eq!(err.variable(), Some(*name), "{name}={value:?}: {msg}");
        assert!(
            msg.contains(name),
            "{name}={value:?}: message does not name it: {msg}"
        );
        assert!(
            msg.contains(problem),
            "{name}={value:?}: message does not say {problem:?}: {msg}"
        );
    }
}

#[test]
fn the_token_never_shows() {
    let ctx = ServerContext::from_vars(full()).unwrap();
    let debug = format!("{ctx:?}");
    assert!(!debug.contains(TOKEN), "Debug shows the token: {debug}");
    assert!(debug.contains("proc-1234"), "Debug shows the rest: {debug}");
    let bad = format!("{TOKEN}\u{1}");
    let err = ServerContext::from_vars(with(vars::PROCESS_TOKEN, Some(&bad))).unwrap_err();
    assert!(
        !err.to_string().contains(TOKEN),
        "the message shows the token: {err}"
    );
    assert!(
        !format!("{err:?}").contains(TOKEN),
        "the error's Debug shows the token: {err:?}"
    );
}

#[test]
fn from_env_reads_this_process() {
    let direct = ServerContext::from_vars(std::env::vars_os());
    assert_eq!(
        format!("{:?}", ServerContext::from_env()),
        format!("{direct:?}")
    );
}
