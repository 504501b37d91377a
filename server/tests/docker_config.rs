//! Game servers in containers, configured wrong: each bad flag, key or combination exits 2
//! naming the problem, before anything is printed on stdout or asked of a Docker Engine (so
//! these run without one). The Docker suite (`tests/docker/run.sh`) runs the good ones.

mod common;

use common::TempDir;
use common::bin::run_to_end;

/// A flag token, which no message may repeat.
const SECRET: &str = "never-print-this-token";

/// Runs the binary with `args`; asserts exit 2, an empty stdout, and each of `says` in stderr.
#[track_caller]
fn refused(case: &str, args: &[&str], says: &[&str]) {
    let (code, stdout, stderr) = run_to_end(args);
    assert_eq!(code, Some(2), "{case}: exit status; stderr: {stderr}");
    for word in says {
        assert!(stderr.contains(word), "{case}: no {word:?} in {stderr:?}");
    }
    assert!(!stderr.contains(SECRET), "{case}: the token in {stderr:?}");
    assert!(stdout.is_empty(), "{case}: stdout {stdout:?}");
}

#[test]
fn bad_image_flags_exit_2_naming_the_problem() {
    let app = ["--app-id", "shooter", "--token", SECRET];
    let image = ["--image", "shooter:1", "--container-port", "7777"];
    let with = |extra: &[&'static str]| -> Vec<&str> { app.iter().chain(extra).copied().collect() };
    let with_image = |extra: &[&'static str]| -> Vec<&str> {
        app.iter().chain(&image).chain(extra).copied().collect()
    };
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        (
            "image and command both",
            with_image(&["--", "/bin/true"]),
            vec!["app \"shooter\" has both a command and an image"],
        ),
        (
            "container port missing",
            with(&["--image", "shooter:1"]),
            vec![
                "image shooter:1 needs its container port",
                "--container-port",
            ],
        ),
        (
            "container port 0",
            with(&["--image", "shooter:1", "--container-port", "0"]),
            vec!["--container-port", "\"0\" is not a port number"],
        ),
        (
            "container port not a number",
            with(&["--image", "shooter:1", "--container-port", "http"]),
            vec!["--container-port", "\"http\""],
        ),
        (
            "container port without an image",
            with(&["--container-port", "7777"]),
            vec!["--container-port is for a game server in a container: give --image too"],
        ),
        (
            "memory without an image",
            with(&["--memory", "2g"]),
            vec!["--memory is for a game server in a container"],
        ),
        (
            "memory not a number",
            with_image(&["--memory", "lots"]),
            vec!["--memory", "\"lots\" is not a size"],
        ),
        (
            "memory in a unit Docker does not read",
            with_image(&["--memory", "2t"]),
            vec!["--memory", "\"2t\" is not a size"],
        ),
        (
            "memory below the engine's minimum",
            with_image(&["--memory", "1m"]),
            vec![
                "app shooter",
                "memory limit 1048576 bytes is below the engine's minimum",
            ],
        ),
        (
            "no CPU",
            with_image(&["--cpus", "0"]),
            vec!["--cpus", "must be above 0"],
        ),
        (
            "CPUs not a number",
            with_image(&["--cpus", "one"]),
            vec!["--cpus", "\"one\" is not a number of CPUs"],
        ),
        (
            "pull policy",
            with_image(&["--pull", "always"]),
            vec![
                "--pull",
                "\"always\" is not a pull policy: missing or never",
            ],
        ),
        (
            "publish address",
            with_image(&["--publish-address", "localhost"]),
            vec!["--publish-address", "\"localhost\" is not an IP address"],
        ),
        (
            "instance id",
            with_image(&["--instance-id", "two words"]),
            vec!["instance id \"two words\""],
        ),
        (
            "an image without a token",
            vec!["--image", "shooter:1", "--container-port", "7777"],
            vec!["app \"app-emulator\" has no token"],
        ),
        (
            "a simulated-only flag",
            with_image(&["--activation-delay-ms", "10"]),
            vec!["--activation-delay-ms is for the simulated mode only"],
        ),
    ];
    for (case, args, says) in cases {
        refused(case, &args, &says);
    }
}

#[test]
fn bad_image_keys_exit_2_naming_file_and_key() {
    let dir = TempDir::new("docker-config");
    let app =
        |keys: &str| format!("[[apps]]\napp_id = \"shooter\"\ntokens = [\"{SECRET}\"]\n{keys}\n");
    let image = "image = \"shooter:1\"\ncontainer_port = 7777";
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "container port missing",
            app("image = \"shooter:1\""),
            vec!["image shooter:1 needs its container port"],
        ),
        (
            "container port 0",
            app("image = \"shooter:1\"\ncontainer_port = 0"),
            vec!["app \"shooter\"", "container_port: 0 is not a port number"],
        ),
        (
            "container port without an image",
            app("command = [\"/bin/true\"]\ncontainer_port = 7777"),
            vec!["container_port is for a game server in a container: set image too"],
        ),
        (
            "an additional port without its container port",
            app(&format!(
                "{image}\nadditional_ports = [{{ name = \"voice\", transport = \"udp\" }}]"
            )),
            vec!["additional port \"voice\" needs its container_port"],
        ),
        (
            "memory not a number",
            app(&format!("{image}\nmemory = \"lots\"")),
            vec!["app \"shooter\": memory: \"lots\" is not a size"],
        ),
        (
            "memory of the wrong type",
            app(&format!("{image}\nmemory = true")),
            vec!["line 6", "memory"],
        ),
        (
            "pull policy",
            app(&format!("{image}\npull = \"sometimes\"")),
            vec!["pull: \"sometimes\" is not a pull policy"],
        ),
        (
            "image and command both",
            app(&format!("{image}\ncommand = [\"/bin/true\"]")),
            vec!["has both a command and an image"],
        ),
        (
            "an app with an image beside one with a command",
            format!(
                "{}[[apps]]\napp_id = \"racer\"\ntokens = [\"r\"]\ncommand = [\"/bin/true\"]\n",
                app(image)
            ),
            vec!["app \"shooter\" runs an image but app \"racer\" does not"],
        ),
        (
            "an app with an image beside a simulated one",
            format!(
                "{}[[apps]]\napp_id = \"racer\"\ntokens = [\"r\"]\n",
                app(image)
            ),
            vec!["every app's game server runs in a container, or none does"],
        ),
        (
            "unknown [docker] key",
            format!("[docker]\nsocket = \"/run/docker.sock\"\n{}", app(image)),
            vec!["line 2", "unknown field `socket`"],
        ),
        (
            "the API's port inside containers is the game server's",
            format!("[docker]\napi_port = 7777\n{}", app(image)),
            vec!["container port 7777/tcp is where containers reach the API"],
        ),
        (
            "a Docker Engine that is not there",
            format!(
                "[server]\nbase_url = \"https://rooms.example.com\"\n[docker]\nengine = \"unix:///nonexistent/docker.sock\"\n{}",
                app(image)
            ),
            vec!["/nonexistent/docker.sock"],
        ),
    ];
    for (case, text, says) in cases {
        let file = dir.write("rooms.toml", &text);
        refused(case, &["--config", &file], &says);
    }
}

#[test]
fn help_lists_the_image_flags() {
    let (code, help, _) = run_to_end(&["--help"]);
    assert_eq!(code, Some(0));
    for flag in [
        "--image",
        "--container-port",
        "--cpus",
        "--memory",
        "--pull",
        "--publish-address",
        "--instance-id",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}
