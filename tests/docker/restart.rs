//! `kill -9` of the server: its containers keep running (nothing ties them to it); its next
//! start on the same state file (so the same instance id) removes them before it serves, and
//! their rooms end as a crash would end them: destroyed, listed inactive, ids still taken. A
//! server of another instance on the same engine keeps its container throughout; a server
//! given the instance id of one that runs refuses to start.

use crate::abi::{self, conn, listed, room};
use crate::common::{Code, HathoraRegion};
use crate::containers::*;
use crate::harness::*;

const CASE: &str = "docker restart";

#[test]
#[ignore = "needs a Docker Engine and the built images: bash tests/docker/run.sh"]
fn kill_9_leaves_containers_that_the_next_start_removes_before_serving() {
    let dir = Workdir::new("docker-restart");
    let args = args(&dir, 3, &example_image(), &["--rooms-per-process", "1"]);
    let mut server = Server::start(CASE, &args);
    let instance = instance_of(&server);
    let cl = abi::client(&server.url, 2);
    let mut processes = Vec::new();
    for id in ["x", "y"] {
        let created = conn(
            CASE,
            &abi::create(&cl, HathoraRegion::Chicago, Some(id), Some(id)).ok(),
        );
        processes.push(created.process_id.expect("CreateRoom names the process"));
        assert_eq!(
            conn(CASE, &abi::wait_active(&cl, id, 60_000).ok()).status,
            "active",
            "{CASE}: {id}"
        );
    }
    drop(cl);

    // A bystander: another server (its own state file, so its own instance) on the engine.
    let other_dir = Workdir::new("docker-restart-bystander");
    let bystander = Server::start("bystander", &args_of(&other_dir, 4));
    let theirs = instance_of(&bystander);
    let other_cl = abi::client(&bystander.url, 2);
    let kept = conn(
        CASE,
        &abi::create(&other_cl, HathoraRegion::Dubai, Some("kept"), None).ok(),
    )
    .process_id
    .expect("CreateRoom names the process");
    assert_ne!(theirs, instance, "{CASE}: two servers, two instance ids");

    server.signal(libc::SIGKILL);
    server.wait_exit();
    std::thread::sleep(std::time::Duration::from_secs(1));
    let left = labelled(CASE, LABEL_INSTANCE, &instance);
    assert_eq!(
        left.len(),
        2,
        "{CASE}: the killed server's containers: {left:?}"
    );
    assert!(
        left.iter().all(|c| c.state == "running"),
        "{CASE}: still running after kill -9: {left:?}"
    );

    // The next start: by its first answer, the old containers are gone.
    let server = Server::start(CASE, &args);
    assert_eq!(
        instance_of(&server),
        instance,
        "{CASE}: the same instance id"
    );
    let cl = abi::client(&server.url, 2);
    let (status, _, _) = room(CASE, &abi::room_info(&cl, "x").ok());
    let left = labelled(CASE, LABEL_INSTANCE, &instance);
    assert!(
        left.is_empty(),
        "{CASE}: serving with the old containers left: {left:?}"
    );
    assert_eq!(status, "destroyed", "{CASE}: x after the restart");
    for (id, process) in ["x", "y"].iter().zip(&processes) {
        let (status, config, current) = room(CASE, &abi::room_info(&cl, id).ok());
        assert_eq!(
            (status.as_str(), config.as_deref(), current),
            ("destroyed", Some(*id), None),
            "{CASE}: {id} destroyed as by a crash, its config kept"
        );
        assert!(
            listed(CASE, &abi::inactive_rooms(&cl, process).ok())
                .contains(&(id.to_string(), "destroyed".into())),
            "{CASE}: {id} listed inactive"
        );
        server.wait_for_log(&format!(
            "(process {process} of app {APP}) is left from this server's previous run: removing it"
        ));
    }
    assert_eq!(
        server.metric(r#"hathora_process_exits_total{cause="server_restart"}"#),
        2.0,
        "{CASE}: server_restart exits"
    );
    let taken = abi::create_once(&cl, "x");
    assert_eq!(
        (taken.code(), taken.status()),
        (Code::ApiError, 422),
        "{CASE}: x is still taken"
    );

    // The bystander's container ran on, untouched; new rooms work.
    assert_eq!(
        labelled(CASE, LABEL_PROCESS, &kept)
            .iter()
            .map(|c| c.state.as_str())
            .collect::<Vec<_>>(),
        ["running"],
        "{CASE}: another instance's container"
    );
    let fresh = conn(
        CASE,
        &abi::create(&cl, HathoraRegion::Chicago, Some("z"), Some("z")).ok(),
    )
    .process_id
    .expect("CreateRoom names the process");
    let active = conn(CASE, &abi::wait_active(&cl, "z", 60_000).ok());
    let port = active.exposed.expect("z is active").1;
    assert_answer(
        CASE,
        "TCP after the restart",
        &ask_tcp(CASE, port, "z"),
        "z",
        Some("z"),
        &fresh,
    );
    server.stop();
    assert_none_left(CASE, &instance);
    bystander.stop();
    assert_none_left(CASE, &theirs);
}

/// A server of the example image on its own ports and state file.
fn args_of(dir: &Workdir, slot: u16) -> Vec<String> {
    args(dir, slot, &example_image(), &[])
}

#[test]
#[ignore = "needs a Docker Engine and the built images: bash tests/docker/run.sh"]
fn a_server_given_the_instance_id_of_one_that_runs_refuses_to_start() {
    let case = "docker instance in use";
    let dir = Workdir::new("docker-instance");
    let instance = format!("test-proof-{}", std::process::id());
    let mut first_args = args_of(&dir, 5);
    first_args.extend(["--instance-id".to_string(), instance.clone()]);
    let first = Server::start(case, &first_args);
    let cl = abi::client(&first.url, 2);
    let process = conn(
        case,
        &abi::create(&cl, HathoraRegion::Sydney, Some("mine"), None).ok(),
    )
    .process_id
    .expect("CreateRoom names the process");
    container_of(case, &process);

    let second_dir = Workdir::new("docker-instance-second");
    let mut second = args_of(&second_dir, 6);
    second.extend(["--instance-id".to_string(), instance.clone()]);
    let (code, stdout, stderr) = run_to_end(&second);
    assert_eq!(code, Some(2), "{case}: exit status; stderr {stderr}");
    assert!(stdout.is_empty(), "{case}: nothing served: {stdout}");
    assert!(
        stderr.contains(&format!("the instance id {instance} is in use"))
            && stderr.contains(&format!("pid {}", first.pid())),
        "{case}: {stderr}"
    );
    assert_eq!(
        labelled(case, LABEL_PROCESS, &process)
            .iter()
            .map(|c| c.state.as_str())
            .collect::<Vec<_>>(),
        ["running"],
        "{case}: the first server's container"
    );
    first.stop();
    assert_none_left(case, &instance);
}
