//! The game server's context from a prepared environment: the Rust reader from pairs (never the
//! process's own environment), and `hathora_server_context` through the C ABI in a child
//! process: this test binary, run again with the prepared environment and nothing else.

mod common;

use common::*;
use hathora_rooms::game_server::{ServerContext, ServerContextError, vars};
use hathora_rooms::model::Region;
use serde_json::{Value, json};
use std::ffi::OsString;
use std::process::Command;
use std::ptr::null_mut;

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

// --- Through the C ABI, in a child process ---------------------------------------------------

/// Set in a child's environment: what the child does (`context` or `rooms`).
const CHILD: &str = "HATHORA_TEST_CHILD";

/// Runs this binary's test `test` again, alone, with exactly `env` (and the child's mode), and
/// returns the JSON line the child printed.
fn in_child(test: &str, mode: &str, env: &[(&str, OsString)]) -> Value {
    let out = Command::new(std::env::current_exe().expect("this test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .env(CHILD, mode)
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("CHILD-RESULT ").map(|(_, json)| json))
        .unwrap_or_else(|| {
            panic!(
                "the child printed no result ({}):\n{stdout}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
    serde_json::from_str(line).expect("the child prints JSON")
}

/// A prepared environment: (name, value) pairs.
type Env = Vec<(&'static str, OsString)>;

fn os(pairs: Vec<(&'static str, String)>) -> Env {
    pairs.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// In a child: the mode it was started in, if it is one.
fn child_mode() -> Option<String> {
    std::env::var(CHILD).ok()
}

/// The context as JSON, read through the struct's fields.
fn context_json(c: &HathoraServerContext) -> Value {
    json!({
        "process_id": s(c.process_id), "app_id": s(c.app_id),
        "region": c.region as u32, "region_raw": s(c.region_raw),
        "rooms_per_process": c.rooms_per_process,
        "initial_room_id": s(c.initial_room_id), "initial_room_config": s(c.initial_room_config),
        "default_port": c.default_port, "hostname": s(c.hostname),
        "deployment_id": s(c.deployment_id), "build_tag": s(c.build_tag),
        "base_url": s(c.base_url), "process_token": s(c.process_token),
    })
}

/// The child's side of `context` cases: `hathora_server_context` on its own environment.
fn print_context() {
    let mut out = std::ptr::dangling_mut::<HathoraServerContext>();
    let code = unsafe { hathora_server_context(&mut out) };
    let context = (!out.is_null()).then(|| context_json(unsafe { &*out }));
    let error = (code != Code::Ok).then(last_error);
    unsafe { hathora_server_context_free(out) };
    let result =
        json!({"code": code as u32, "out_null": out.is_null(), "error": error, "context": context});
    println!("CHILD-RESULT {result}");
}

#[test]
fn the_c_function_reads_the_whole_environment_into_a_struct_the_caller_frees() {
    if child_mode().is_some() {
        return print_context();
    }
    let me = "the_c_function_reads_the_whole_environment_into_a_struct_the_caller_frees";
    let mut env = full();
    env.push(("HATHORA_DEV_TOKEN", "ignored".into()));
    let r = in_child(me, "context", &os(env));
    assert_eq!(r["code"], 0, "every variable: {r}");
    assert_eq!(
        r["context"],
        json!({
            "process_id": "proc-1234", "app_id": "app-af469a92",
            "region": HathoraRegion::SaoPaulo as u32, "region_raw": "Sao_Paulo",
            "rooms_per_process": 4, "initial_room_id": "room_2swovpy1fnunu",
            "initial_room_config": "{\"map\":\"dust\"}", "default_port": 7777,
            "hostname": "1.proxy.rooms.example", "deployment_id": "dep-6d4c6a71",
            "build_tag": "v1.2.3 (nightly)", "base_url": "http://10.0.0.5:8080",
            "process_token": TOKEN,
        }),
        "every variable"
    );
    // Only the required ones, and the optional ones set to "": absent (NULL, 0, UNKNOWN).
    let required = json!({
        "process_id": "proc-1234", "app_id": "app-af469a92", "region": 0, "region_raw": null,
        "rooms_per_process": 0, "initial_room_id": null, "initial_room_config": null,
        "default_port": 0, "hostname": null, "deployment_id": null, "build_tag": null,
        "base_url": null, "process_token": null,
    });
    let only_required = full()
        .into_iter()
        .filter(|(k, _)| [vars::PROCESS_ID, vars::APP_ID].contains(k))
        .collect();
    let empty_optionals = full()
        .into_iter()
        .map(|(k, v)| match k {
            vars::PROCESS_ID | vars::APP_ID => (k, v),
            _ => (k, String::new()),
        })
        .collect();
    for (case, env) in [
        ("only the required", only_required),
        ("optionals empty", empty_optionals),
    ] {
        let r = in_child(me, "context", &os(env));
        assert_eq!(
            (&r["code"], &r["context"]),
            (&json!(0), &required),
            "{case}: {r}"
        );
    }
}

#[test]
fn the_c_function_refuses_an_environment_it_cannot_use_with_no_context() {
    if child_mode().is_some() {
        return print_context();
    }
    let me = "the_c_function_refuses_an_environment_it_cannot_use_with_no_context";
    let not_utf8 = {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(b"tag\xff".to_vec())
    };
    let malformed = |name: &'static str, value: OsString| {
        let mut env = os(with(name, None));
        env.push((name, value));
        env
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, Env, Code, &str)> = vec![
        ("no variable at all", vec![], Code::NotUnderHost, "HATHORA_PROCESS_ID"),
        ("no process id", os(with(vars::PROCESS_ID, None)), Code::NotUnderHost, "HATHORA_PROCESS_ID"),
        ("no app id", os(with(vars::APP_ID, None)), Code::InvalidArgument, "HATHORA_APP_ID"),
        ("a port that is not a number", malformed(vars::DEFAULT_PORT, "http".into()), Code::InvalidArgument, "HATHORA_DEFAULT_PORT"),
        ("a port out of range", malformed(vars::DEFAULT_PORT, "70000".into()), Code::InvalidArgument, "HATHORA_DEFAULT_PORT"),
        ("an unknown region", malformed(vars::REGION, "Atlantis".into()), Code::InvalidArgument, "HATHORA_REGION"),
        ("no rooms per process", malformed(vars::ROOMS_PER_PROCESS, "0".into()), Code::InvalidArgument, "HATHORA_ROOMS_PER_PROCESS"),
        ("a base URL that is not http", malformed(vars::BASE_URL, "ftp://h".into()), Code::InvalidArgument, "HATHORA_BASE_URL"),
        ("a build tag that is not UTF-8", malformed(vars::BUILD_TAG, not_utf8), Code::InvalidArgument, "HATHORA_BUILD_TAG"),
        ("a token with a control character", malformed(vars::PROCESS_TOKEN, format!("{TOKEN}\u{1}").into()), Code::InvalidArgument, "HATHORA_PROCESS_TOKEN"),
    ];
    for (case, env, code, variable) in cases {
        let r = in_child(me, "context", &env);
        assert_eq!(r["code"], code as u32, "{case}: {r}");
        assert_eq!(
            r["out_null"], true,
            "{case}: a refusal writes NULL, never a half-filled context: {r}"
        );
        let error = r["error"].as_str().unwrap_or_default();
        assert_readable(case, error, variable);
        assert!(
            !error.contains(TOKEN),
            "{case}: the message shows the token: {error}"
        );
    }
    // Arguments, in this process (its environment is not read past the NULL check).
    assert_eq!(
        unsafe { hathora_server_context(null_mut()) },
        Code::InvalidArgument
    );
    assert_readable("NULL out_context", &last_error(), "out_context");
    unsafe { hathora_server_context_free(null_mut()) };
    assert_eq!(
        s(hathora_result_code_to_string(Code::NotUnderHost as u32)).as_deref(),
        Some("not under a host")
    );
}

/// The child's side of `rooms`: the game server's first steps, as the example does them: its
/// context, a client configured from it (the process token, else HATHORA_DEV_TOKEN), and its
/// rooms, blocking then asynchronous.
fn print_rooms() {
    let mut ctx = null_mut();
    let code = unsafe { hathora_server_context(&mut ctx) };
    assert_eq!(code, Code::Ok, "context: {}", last_error());
    let client = build_client(|cfg| unsafe {
        let applied = hathora_config_apply_server_context(cfg, ctx);
        assert_eq!(applied, Code::Ok, "{}", last_error());
        if (*ctx).process_token.is_null() {
            let dev = std::env::var("HATHORA_DEV_TOKEN").ok().map(|t| c(&t));
            let dev = dev.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
            assert_eq!(hathora_config_set_dev_token(cfg, dev), Code::Ok);
        }
    });
    unsafe { hathora_server_context_free(ctx) };
    let rooms = |r: &Res| -> Value {
        json!({
            "code": r.code() as u32, "message": r.message(),
            "rooms": r.rooms().map(|rs| rs.iter().map(|room| json!([s(room.room_id), s(room.room_config)])).collect::<Vec<_>>()),
        })
    };
    let blocking =
        blocking(|o| unsafe { hathora_get_rooms_of_this_process(client.0, std::ptr::null(), o) });
    let col = Collector::new();
    let id = submit(&col, |cb, ud, id| unsafe {
        hathora_get_rooms_of_this_process_async(client.0, std::ptr::null(), cb, ud, id)
    });
    let asynchronous = col.one(&client, id);
    let result = json!({"blocking": rooms(&blocking), "async": rooms(&asynchronous)});
    println!("CHILD-RESULT {result}");
}

#[test]
fn a_game_server_lists_its_rooms_with_the_context_and_its_process_token() {
    if child_mode().is_some() {
        return print_rooms();
    }
    let me = "a_game_server_lists_its_rooms_with_the_context_and_its_process_token";
    let emu = emulator();
    let admin = client(&emu, HathoraDispatchMode::Worker);
    let (first, process) = create_room(&admin, Some("{\"map\":\"dust\"}"));
    let (second, again) = create_room(&admin, None);
    assert_eq!(
        again, process,
        "the emulator placed both rooms on one process"
    );
    let mut want = vec![json!([first, "{\"map\":\"dust\"}"]), json!([second, null])];
    want.sort_by_key(|v| v[0].as_str().unwrap().to_owned());
    let base = vec![
        (vars::PROCESS_ID, process.clone()),
        (vars::APP_ID, emu.app_id().to_owned()),
        (vars::BASE_URL, emu.url()),
    ];
    let with_token = |name: &'static str| {
        let mut env = base.clone();
        env.push((name, emu.token().to_owned()));
        os(env)
    };
    for (case, env) in [
        ("the process token", with_token(vars::PROCESS_TOKEN)),
        (
            "no process token: HATHORA_DEV_TOKEN",
            with_token("HATHORA_DEV_TOKEN"),
        ),
    ] {
        let r = in_child(me, "rooms", &env);
        for form in ["blocking", "async"] {
            let got = &r[form];
            assert_eq!(got["code"], 0, "{case}, {form}: {got}");
            let mut rooms = got["rooms"].as_array().cloned().unwrap_or_default();
            rooms.sort_by_key(|v| v[0].as_str().unwrap().to_owned());
            assert_eq!(
                rooms, want,
                "{case}, {form}: the process's rooms with their configs"
            );
        }
    }
}
