//! The command line and the config file, through the binary: every bad flag or file exits 2
//! naming the problem (and never a token); a good file serves its apps; flags override it.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::bin::{Bin, run_to_end};
use common::*;

const SECRET: &str = "never-print-this-token";

#[test]
fn bad_flags_exit_2_naming_the_problem() {
    let dir = TempDir::new("flags");
    let not_executable = dir.write("game.sh", "#!/bin/sh\nexit 0\n");
    std::fs::set_permissions(&not_executable, std::fs::Permissions::from_mode(0o644)).unwrap();
    let folder = dir.0.to_str().unwrap().to_string();
    let bad_env_name = format!("1ST={SECRET}");
    let env_file = dir.write("game.env", &format!("GOOD=1\n{SECRET}\n"));
    // (case, arguments, words stderr must hold)
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        (
            "unknown flag",
            vec!["--bogus"],
            vec!["unknown argument \"--bogus\""],
        ),
        (
            "stray word",
            vec!["serve"],
            vec!["unknown argument \"serve\""],
        ),
        (
            "missing value",
            vec!["--port"],
            vec!["--port needs a value"],
        ),
        (
            "port out of range",
            vec!["--port", "70000"],
            vec!["--port", "70000"],
        ),
        (
            "bad host",
            vec!["--host", "localhost:80"],
            vec!["--host", "localhost:80"],
        ),
        (
            "bad transport",
            vec!["--transport", "sctp"],
            vec!["--transport", "sctp"],
        ),
        (
            "tls default port",
            vec!["--transport", "tls"],
            vec!["--transport", "tcp or udp"],
        ),
        (
            "reversed port range",
            vec!["--port-range", "9000-8000"],
            vec!["--port-range", "9000-8000"],
        ),
        (
            "port range of port 0",
            vec!["--port-range", "0-10"],
            vec!["--port-range", "0-10"],
        ),
        (
            "zero rooms per process",
            vec!["--rooms-per-process", "0"],
            vec!["rooms_per_process = 0"],
        ),
        (
            "zero processes",
            vec!["--max-processes", "0"],
            vec!["max_processes must be at least 1"],
        ),
        (
            "drop rate",
            vec!["--drop-rate", "1.5"],
            vec!["--drop-rate", "1.5"],
        ),
        (
            "fail-next shape",
            vec!["--fail-next", "503"],
            vec!["--fail-next wants STATUS:COUNT"],
        ),
        (
            "bad app id",
            vec!["--app-id", "my app"],
            vec!["app_id \"my app\""],
        ),
        (
            "empty command",
            vec!["--token", SECRET, "--"],
            vec!["COMMAND"],
        ),
        (
            "missing command",
            vec!["--token", SECRET, "--", "/nonexistent/game-server"],
            vec!["/nonexistent/game-server"],
        ),
        (
            "command not in PATH",
            vec!["--token", SECRET, "--", "no-such-game-server-xyz"],
            vec!["no-such-game-server-xyz", "PATH"],
        ),
        (
            "command not executable",
            vec!["--token", SECRET, "--", &not_executable],
            vec![&not_executable, "not executable"],
        ),
        (
            "command is a folder",
            vec!["--token", SECRET, "--", &folder],
            vec!["is not a file"],
        ),
        (
            "command without token",
            vec!["--", "/bin/true"],
            vec!["app \"app-emulator\" has no token"],
        ),
        (
            "faults with a command",
            vec!["--token", SECRET, "--fail-next", "503:1", "--", "/bin/true"],
            vec!["simulated mode only"],
        ),
        (
            "token with a space",
            vec!["--token", "two words"],
            vec!["cannot travel in an HTTP header"],
        ),
        (
            "missing config file",
            vec!["--config", "/nonexistent/rooms.toml"],
            vec!["config file /nonexistent/rooms.toml"],
        ),
        (
            "--env without =",
            vec!["--env", SECRET],
            vec!["--env wants NAME=VALUE"],
        ),
        (
            "--env with a bad name",
            vec!["--env", &bad_env_name],
            vec!["--env", "\"1ST\" is not a variable name"],
        ),
        (
            "--env setting a variable the server sets",
            vec!["--env", "HATHORA_PROCESS_ID=mine"],
            vec!["HATHORA_PROCESS_ID is set by the server"],
        ),
        (
            "missing --env-file",
            vec!["--env-file", "/nonexistent/game.env"],
            vec!["--env-file /nonexistent/game.env"],
        ),
        (
            "--env-file line without =",
            vec!["--env-file", &env_file],
            vec![&env_file, "line 2", "NAME=VALUE"],
        ),
        (
            "zero startup timeout",
            vec!["--startup-timeout-ms", "0"],
            vec!["startup_timeout_ms must be more than 0"],
        ),
        (
            "zero idle timeout",
            vec!["--idle-timeout-ms", "0"],
            vec!["idle_timeout_ms must be more than 0"],
        ),
        (
            "timeout in seconds",
            vec!["--idle-timeout-ms", "5s"],
            vec!["--idle-timeout-ms", "\"5s\""],
        ),
        (
            "tiny log cap",
            vec!["--log-max-bytes", "10"],
            vec!["log_max_bytes = 10 must be at least 1024"],
        ),
    ];
    for (case, args, says) in cases {
        let (code, stdout, stderr) = run_to_end(&args);
        assert_eq!(code, Some(2), "{case}: {stderr}");
        for word in says {
            assert!(stderr.contains(word), "{case}: no {word:?} in {stderr:?}");
        }
        assert!(
            !stderr.contains(SECRET),
            "{case}: the token is in the message: {stderr}"
        );
        assert!(stdout.is_empty(), "{case}: {stdout}");
    }
}

#[test]
fn bad_config_files_exit_2_naming_file_line_and_key() {
    let dir = TempDir::new("files");
    let app = |extra: &str| format!("[[apps]]\napp_id = \"a\"\ntokens = [\"{SECRET}\"]\n{extra}");
    // (case, file content, extra arguments, words stderr must hold)
    let cases: Vec<(&str, String, Vec<&str>, Vec<&str>)> = vec![
        (
            "syntax",
            "[server\nport = 1\n".into(),
            vec![],
            vec!["line 1"],
        ),
        (
            "unknown key",
            "[server]\nprot = 8080\n".into(),
            vec![],
            vec!["line 2", "unknown field `prot`"],
        ),
        (
            "unknown section",
            "[sever]\nport = 1\n".into(),
            vec![],
            vec!["line 1", "unknown field `sever`"],
        ),
        (
            "wrong type",
            "[server]\nport = \"eighty\"\n".into(),
            vec![],
            vec!["line 2", "eighty"],
        ),
        (
            "negative",
            app("rooms_per_process = -1\n"),
            vec![],
            vec!["line 4"],
        ),
        (
            "port range",
            "[server]\nport_range = \"100-1\"\n".into(),
            vec![],
            vec!["port_range", "100-1"],
        ),
        (
            "no app",
            "[server]\nport = 0\n".into(),
            vec![],
            vec!["no app is configured"],
        ),
        (
            "app without token",
            "[[apps]]\napp_id = \"a\"\n".into(),
            vec![],
            vec!["app \"a\" has no token"],
        ),
        (
            "app without id",
            format!("[[apps]]\ntokens = [\"{SECRET}\"]\n"),
            vec![],
            vec!["missing field `app_id`"],
        ),
        (
            "duplicate app",
            format!(
                "{}[[apps]]\napp_id = \"a\"\ntokens = [\"other\"]\n",
                app("")
            ),
            vec![],
            vec!["app_id \"a\" is configured twice"],
        ),
        (
            "shared token",
            format!(
                "{}[[apps]]\napp_id = \"b\"\ntokens = [\"{SECRET}\"]\n",
                app("")
            ),
            vec![],
            vec!["app \"b\"", "also a token of app \"a\""],
        ),
        (
            "token as a string",
            format!("[[apps]]\napp_id = \"a\"\ntokens = \"{SECRET}\"\n"),
            vec![],
            vec!["line 3", "tokens must be an array"],
        ),
        (
            "token as a number",
            "[[apps]]\napp_id = \"a\"\ntokens = [7]\n".into(),
            vec![],
            vec!["line 3", "tokens"],
        ),
        (
            "unknown region",
            app("regions = [\"Atlantis\"]\n"),
            vec![],
            vec!["region \"Atlantis\""],
        ),
        (
            "no region",
            app("regions = []\n"),
            vec![],
            vec!["regions is empty"],
        ),
        (
            "reserved env",
            app("env = { HATHORA_APP_ID = \"x\" }\n"),
            vec![],
            vec!["HATHORA_APP_ID", "set by the server"],
        ),
        (
            "a duration in seconds (the unit is milliseconds)",
            app("idle_timeout_secs = 300\n"),
            vec![],
            vec![
                "line 4",
                "unknown field `idle_timeout_secs`",
                "idle_timeout_ms",
            ],
        ),
        (
            "a duration as text",
            app("stop_grace_ms = \"10s\"\n"),
            vec![],
            vec!["line 4", "stop_grace_ms"],
        ),
        (
            "zero startup timeout",
            app("startup_timeout_ms = 0\n"),
            vec![],
            vec!["startup_timeout_ms must be more than 0"],
        ),
        (
            "udp/tcp only",
            app("transport = \"tls\"\n"),
            vec![],
            vec!["transport", "tls"],
        ),
        (
            "port name",
            app("additional_ports = [{ name = \"default\", transport = \"udp\" }]\n"),
            vec![],
            vec!["\"default\""],
        ),
        (
            "missing command",
            app("command = [\"./missing-game\"]\n"),
            vec![],
            vec!["missing-game"],
        ),
        (
            "empty command",
            app("command = []\n"),
            vec![],
            vec!["command", "is empty"],
        ),
        (
            "mixed modes",
            format!(
                "{}[[apps]]\napp_id = \"b\"\ntokens = [\"tb\"]\ncommand = [\"/bin/true\"]\n",
                app("")
            ),
            vec![],
            vec!["either every app runs real game servers or none does"],
        ),
        (
            "app flags without --app-id",
            format!("{}[[apps]]\napp_id = \"b\"\ntokens = [\"tb\"]\n", app("")),
            vec!["--rooms-per-process", "2"],
            vec!["need --app-id"],
        ),
    ];
    for (i, (case, text, extra, says)) in cases.into_iter().enumerate() {
        let file = dir.write(&format!("case{i}.toml"), &text);
        let mut args = vec!["--config", file.as_str()];
        args.extend(extra);
        let (code, stdout, stderr) = run_to_end(&args);
        assert_eq!(code, Some(2), "{case}: {stderr}");
        let mut words = vec![file.as_str()];
        words.extend(says);
        for word in words {
            assert!(stderr.contains(word), "{case}: no {word:?} in {stderr:?}");
        }
        assert!(
            !stderr.contains(SECRET),
            "{case}: the token is in the message: {stderr}"
        );
        assert!(stdout.is_empty(), "{case}: {stdout}");
    }
}

#[test]
fn a_config_file_serves_its_apps_without_printing_their_tokens() {
    let dir = TempDir::new("apps");
    let file = dir.write(
        "rooms.toml",
        &format!(
            r#"
[server]
quiet = true
public_host = "play.example"

[simulated]
activation_delay_ms = 3600000

[[apps]]
app_id = "shooter"
tokens = ["{SECRET}", "shooter-second"]
regions = ["London"]
rooms_per_process = 3

[[apps]]
app_id = "racer"
tokens = ["racer-token"]
transport = "udp"
"#
        ),
    );
    // The flag overrides the file's activation delay.
    let bin = Bin::spawn(&["--config", &file, "--activation-delay-ms", "0"]);
    assert_eq!(
        bin.second,
        "app ids: shooter, racer  tokens: (in the config file)"
    );
    let shooter = Client::new(&bin.url, "shooter", SECRET);
    let v = shooter.create_id("s1", "London");
    assert_eq!(v["status"], "active", "{v}");
    assert_eq!(v["exposedPort"]["host"], "play.example");
    let second = Client::new(&bin.url, "shooter", "shooter-second");
    assert_eq!(
        second.create("London")["processId"],
        v["processId"],
        "3 rooms per process"
    );
    let racer = Client::new(&bin.url, "racer", "racer-token");
    assert_eq!(racer.create("Tokyo")["exposedPort"]["transportType"], "udp");
    racer.get(&racer.api("/info/s1")).assert_error(404);
    Client::new(&bin.url, "racer", SECRET)
        .get("/rooms/v2/racer/info/s1")
        .assert_error(401);
    // quiet = true: nothing but the banner on stdout, and never a token.
    assert!(bin.drain().is_empty());
}

#[test]
fn flags_override_the_file_and_a_flag_token_is_printed() {
    let dir = TempDir::new("override");
    let file = dir.write(
        "one.toml",
        &format!("[[apps]]\napp_id = \"solo\"\ntokens = [\"{SECRET}\"]\nrooms_per_process = 1\n"),
    );
    let bin = Bin::spawn(&["--config", &file, "--quiet", "--activation-delay-ms", "0"]);
    assert_eq!(bin.second, "app id: solo  token: (in the config file)");
    drop(bin);
    let bin = Bin::spawn(&[
        "--config",
        &file,
        "--quiet",
        "--token",
        "flag-token",
        "--rooms-per-process",
        "2",
    ]);
    assert_eq!(bin.second, "app id: solo  token: flag-token");
    let c = Client::new(&bin.url, "solo", "flag-token");
    assert_eq!(
        c.create("London")["processId"],
        c.create("London")["processId"]
    );
    // --token replaces the file's tokens of that app.
    Client::new(&bin.url, "solo", SECRET)
        .post("/rooms/v2/solo/create", Some(r#"{"region":"London"}"#))
        .assert_error(401);
    // --app-id naming an app the file lacks adds it.
    let bin = Bin::spawn(&[
        "--config",
        &file,
        "--quiet",
        "--app-id",
        "extra",
        "--token",
        "extra-token",
    ]);
    assert_eq!(
        bin.second,
        "app ids: solo, extra  tokens: (in the config file)"
    );
    Client::new(&bin.url, "extra", "extra-token").create("Dubai");
    Client::new(&bin.url, "solo", SECRET).create("Dubai");
}

#[test]
fn help_lists_every_flag_the_parser_takes() {
    let (code, help, _) = run_to_end(&["--help"]);
    assert_eq!(code, Some(0));
    let flags: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    for expected in [
        "--config",
        "--port",
        "--host",
        "--app-id",
        "--token",
        "--state",
        "--rooms-per-process",
        "--transport",
        "--public-host",
        "--tls-cert",
        "--tls-key",
        "--allow-plain-http",
        "--beacon",
        "--ping-host",
        "--port-range",
        "--max-processes",
        "--quiet",
        "--version",
        "--help",
        "--activation-delay-ms",
        "--latency-ms",
        "--fail-next",
        "--retry-after",
        "--drop-rate",
        "--drop-seed",
        "--startup-timeout-ms",
        "--idle-timeout-ms",
        "--stop-grace-ms",
        "--log-dir",
        "--log-max-bytes",
        "--env",
        "--env-file",
    ] {
        assert!(
            flags.contains(&expected),
            "--help lacks {expected}:\n{help}"
        );
    }
    // And the parser knows every flag --help names (it stops at the unknown last word).
    for flag in flags
        .iter()
        .filter(|f| !["--help", "--version"].contains(f))
    {
        let (code, _, stderr) = run_to_end(&[flag, "1", "--zz-end"]);
        assert_eq!(code, Some(2), "{flag}: {stderr}");
        assert!(
            !stderr.contains(&format!("unknown argument \"{flag}\"")),
            "{flag}: {stderr}"
        );
    }
}
