//! The container of one process, as the engine is asked to create it: the app's image with the
//! process's environment, its labels, its ports published on host ports of the range, and the
//! app's limits.
//!
//! A host port is the process's on both protocols (the range's ports are taken only when free
//! over TCP and UDP), as for a game server run on this machine, which may listen on its port
//! over TCP, UDP or both: each container port is published over both, to the same host port,
//! unless another declared port of the app is that container port over the other protocol.
//! Readiness looks at the declared transport only.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use bollard::models::{ContainerCreateBody, HostConfig, HostConfigLogConfig, PortBinding};

use super::config::{DockerApp, HOST_GATEWAY_NAME, protocol};
use super::{LABEL_APP, LABEL_INSTANCE, LABEL_OWNER, LABEL_PROCESS};

/// What is particular to one container.
pub(super) struct Spec<'a> {
    pub process_id: &'a str,
    pub instance_id: &'a str,
    /// The server process that runs it (`owner::this_server`).
    pub owner: &'a str,
    pub env: BTreeMap<String, String>,
    /// One per container port, default first.
    pub host_ports: &'a [u16],
    pub publish_address: IpAddr,
}

/// The container's name: unique on the engine, and telling whose it is in `docker ps`.
pub(super) fn name(process_id: &str) -> String {
    format!("hathora-{process_id}")
}

pub(super) fn body(app: &DockerApp, spec: Spec<'_>) -> ContainerCreateBody {
    let publish = |host_port: &u16| {
        Some(vec![PortBinding {
            host_ip: Some(spec.publish_address.to_string()),
            host_port: Some(host_port.to_string()),
        }])
    };
    let mut bindings = HashMap::new();
    // The declared ports first, then the other protocol of each where no declared port is.
    for ((port, transport), host_port) in app.container_ports().zip(spec.host_ports) {
        bindings.insert(
            format!("{port}/{}", protocol(transport)),
            publish(host_port),
        );
    }
    for ((port, transport), host_port) in app.container_ports().zip(spec.host_ports) {
        let other = match protocol(transport) {
            "tcp" => "udp",
            _ => "tcp",
        };
        bindings
            .entry(format!("{port}/{other}"))
            .or_insert_with(|| publish(host_port));
    }
    let exposed = bindings
        .keys()
        .map(|k| (k.clone(), HashMap::new()))
        .collect();
    let labels = HashMap::from([
        (LABEL_INSTANCE.to_owned(), spec.instance_id.to_owned()),
        (LABEL_PROCESS.to_owned(), spec.process_id.to_owned()),
        (LABEL_APP.to_owned(), app.app_id.clone()),
        (LABEL_OWNER.to_owned(), spec.owner.to_owned()),
    ]);
    let memory = app.memory_bytes.and_then(|m| i64::try_from(m).ok());
    let host_config = HostConfig {
        port_bindings: Some(bindings),
        nano_cpus: app.cpus.map(|cpus| (cpus * 1e9).round() as i64),
        memory,
        // Swap counted in the limit: a container over it is killed, not swapped out.
        memory_swap: memory,
        // host.docker.internal: the host's bridge address, where the API is for a container.
        extra_hosts: Some(vec![format!("{HOST_GATEWAY_NAME}:host-gateway")]),
        // The fleet keeps the output itself (size-capped); the engine keeps none.
        log_config: Some(HostConfigLogConfig {
            typ: Some("none".into()),
            config: None,
        }),
        ..Default::default()
    };
    ContainerCreateBody {
        image: Some(app.image.clone()),
        env: Some(
            spec.env
                .into_iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect(),
        ),
        labels: Some(labels),
        exposed_ports: Some(exposed),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        stop_timeout: Some(app.stop_grace_secs()),
        host_config: Some(host_config),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_port_is_published_over_both_protocols_to_its_host_port() {
        let mut app = DockerApp::new("app-1", "game:7", 7777, "/tmp/logs");
        app.additional_ports = vec![ContainerPort {
            name: "voice".into(),
            container_port: 7800,
            transport: Transport::Udp,
        }];
        let spec = Spec {
            process_id: "p-1",
            instance_id: "i-1",
            owner: "1:1",
            env: BTreeMap::new(),
            host_ports: &[30001, 30002],
            publish_address: "0.0.0.0".parse().unwrap(),
        };
        let bindings = body(&app, spec).host_config.unwrap().port_bindings.unwrap();
        let host_port = |key: &str| {
            let b = bindings[key].as_ref().unwrap();
            assert_eq!(b.len(), 1, "{key}");
            assert_eq!(b[0].host_ip.as_deref(), Some("0.0.0.0"), "{key}");
            b[0].host_port.clone().unwrap()
        };
        assert_eq!(bindings.len(), 4);
        assert_eq!(host_port("7777/tcp"), "30001");
        assert_eq!(host_port("7777/udp"), "30001");
        assert_eq!(host_port("7800/udp"), "30002");
        assert_eq!(host_port("7800/tcp"), "30002");
    }

    use super::*;
    use crate::fleet::Transport;
    use crate::fleet::docker::ContainerPort;

    #[test]
    fn ports_labels_limits_and_environment() {
        let mut app = DockerApp::new("app-1", "game:7", 7777, "/tmp/logs");
        app.additional_ports = vec![ContainerPort {
            name: "query".into(),
            container_port: 7777,
            transport: Transport::Udp,
        }];
        app.cpus = Some(1.5);
        app.memory_bytes = Some(2 << 30);
        app.stop_grace = std::time::Duration::from_millis(2500);
        let spec = Spec {
            process_id: "p-1",
            instance_id: "i-1",
            owner: "42:7",
            env: BTreeMap::from([("A".into(), "x=y".into())]),
            host_ports: &[30001, 30002],
            publish_address: "127.0.0.1".parse().unwrap(),
        };
        let body = body(&app, spec);
        assert_eq!(body.image.as_deref(), Some("game:7"));
        assert_eq!(body.env, Some(vec!["A=x=y".to_owned()]));
        assert_eq!(body.stop_timeout, Some(3));
        let labels = body.labels.unwrap();
        assert_eq!(labels[LABEL_INSTANCE], "i-1");
        assert_eq!(labels[LABEL_PROCESS], "p-1");
        assert_eq!(labels[LABEL_APP], "app-1");
        assert_eq!(labels[LABEL_OWNER], "42:7");
        let exposed = body.exposed_ports.unwrap();
        let mut keys: Vec<&String> = exposed.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["7777/tcp", "7777/udp"],
            "each declared once, nothing more"
        );
        let host = body.host_config.unwrap();
        assert_eq!(host.nano_cpus, Some(1_500_000_000));
        assert_eq!(host.memory, Some(2 << 30));
        assert_eq!(host.memory_swap, Some(2 << 30));
        let bindings = host.port_bindings.unwrap();
        let udp = bindings["7777/udp"].as_ref().unwrap();
        assert_eq!(udp.len(), 1, "the declared UDP port only");
        assert_eq!(udp[0].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(udp[0].host_port.as_deref(), Some("30002"));
        let tcp = bindings["7777/tcp"].as_ref().unwrap();
        assert_eq!(tcp[0].host_port.as_deref(), Some("30001"));
        assert_eq!(
            host.extra_hosts,
            Some(vec!["host.docker.internal:host-gateway".to_owned()])
        );
    }
}
