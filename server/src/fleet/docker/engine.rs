//! The Docker Engine API calls of the fleet, through `bollard`, with the engine's errors turned
//! into readable messages: connecting (the API version negotiated down to the engine's), the
//! images the apps need, waiting for a container's end, removing containers, and the address
//! containers reach the host by.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bollard::errors::Error;
use bollard::models::{ContainerState, ContainerSummary};
use bollard::query_parameters::{
    CreateImageOptions, InspectContainerOptions, InspectNetworkOptions, ListContainersOptions,
    RemoveContainerOptions, WaitContainerOptions,
};
use bollard::{API_DEFAULT_VERSION, Docker};
use futures_util::StreamExt;

use super::config::{DockerApp, PullPolicy};

/// The engine's socket when neither the config nor `DOCKER_HOST` names one.
pub(super) const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Connects to the engine's Unix socket and negotiates the API version (the newest both
/// speak; Docker 20.10 speaks 1.41). `request_timeout` bounds the wait for an answer's
/// headers, so it must exceed the longest stop grace (a stop answers once the container is
/// down); streams (waits, output) are not bounded by it. Logs nothing (a server starting its
/// fleet may not log yet): the second value says where the engine is and which API it speaks.
pub(super) async fn connect(
    engine: Option<&str>,
    request_timeout: Duration,
) -> Result<(Docker, String), String> {
    let socket = match engine {
        Some(socket) => socket.to_owned(),
        None => std::env::var("DOCKER_HOST")
            .ok()
            .filter(|host| host.starts_with("unix://"))
            .unwrap_or_else(|| DEFAULT_SOCKET.to_owned()),
    };
    let path = socket.trim_start_matches("unix://");
    let docker = Docker::connect_with_unix(path, request_timeout.as_secs(), API_DEFAULT_VERSION)
        .map_err(|e| format!("cannot use the Docker Engine socket {path}: {e}"))?;
    let docker = docker
        .negotiate_version()
        .await
        .map_err(|e| format!("cannot reach the Docker Engine at {path}: {}", message(&e)))?;
    let version = docker.client_version();
    let engine = format!(
        "Docker Engine at {path}: API {}.{}",
        version.major_version, version.minor_version
    );
    Ok((docker, engine))
}

/// The app's image is on the engine's host, or is pulled once now (when the app allows it):
/// true when it was pulled. Logs nothing, as `connect`.
pub(super) async fn ensure_image(docker: &Docker, app: &DockerApp) -> Result<bool, String> {
    match docker.inspect_image(&app.image).await {
        Ok(_) => return Ok(false),
        Err(e) if is_not_found(&e) => {}
        Err(e) => {
            return Err(format!(
                "app {}: cannot inspect the image {}: {}",
                app.app_id,
                app.image,
                message(&e)
            ));
        }
    }
    if app.pull == PullPolicy::Never {
        return Err(format!(
            "app {}: the image {} is not on the Docker host, and pulling is off for this app: \
             build or load it there first",
            app.app_id, app.image
        ));
    }
    let (name, tag) = split_reference(&app.image);
    let options = CreateImageOptions {
        from_image: Some(name.to_owned()),
        tag: Some(tag.to_owned()),
        ..Default::default()
    };
    let mut pull = docker.create_image(Some(options), None, None);
    while let Some(progress) = pull.next().await {
        if let Err(e) = progress {
            return Err(format!(
                "app {}: the image {} is not on the Docker host and pulling it failed: {}",
                app.app_id,
                app.image,
                message(&e)
            ));
        }
    }
    Ok(true)
}

/// `(name, tag or digest)` of an image reference; `latest` when it names neither (an empty tag
/// would make the engine pull every tag of the repository).
fn split_reference(image: &str) -> (&str, &str) {
    if let Some((name, digest)) = image.split_once('@') {
        return (name, digest);
    }
    // A ':' after the last '/' is a tag; one before it is a registry's port.
    let last = image.rfind('/').map_or(0, |i| i + 1);
    match image[last..].rfind(':') {
        Some(i) => (&image[..last + i], &image[last + i + 1..]),
        None => (image, "latest"),
    }
}

/// Waits (without polling: the engine answers when it happens) until the container is not
/// running, and returns its exit code; `None` when the container is gone. While the engine
/// cannot be reached, retries with a growing delay.
pub(super) async fn wait_exit(docker: Docker, container: String) -> Option<i64> {
    let mut retry = Duration::from_secs(1);
    loop {
        let options = WaitContainerOptions {
            condition: "not-running".into(),
        };
        let mut answers = docker.wait_container(&container, Some(options));
        let trouble = match answers.next().await {
            Some(Ok(answer)) => return Some(answer.status_code),
            // bollard reports a non-zero exit status as an error carrying it.
            Some(Err(Error::DockerContainerWaitError { code, .. })) => return Some(code),
            Some(Err(e)) if is_not_found(&e) => return None,
            Some(Err(e)) => message(&e),
            None => "the engine closed the wait without an answer".into(),
        };
        log::warn!(
            "waiting for the end of container {}: {trouble}; again in {retry:?}",
            short(&container)
        );
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(Duration::from_secs(30));
    }
}

/// The container's state, or `None` when it cannot be read (gone, engine unreachable).
pub(super) async fn state(docker: &Docker, container: &str) -> Option<ContainerState> {
    match docker
        .inspect_container(container, None::<InspectContainerOptions>)
        .await
    {
        Ok(inspected) => inspected.state,
        Err(e) => {
            if !is_not_found(&e) {
                log::warn!(
                    "cannot inspect container {}: {}",
                    short(container),
                    message(&e)
                );
            }
            None
        }
    }
}

/// Kills (if it runs) and removes the container with its anonymous volumes. True when it is
/// gone.
pub(super) async fn remove(docker: &Docker, container: &str) -> bool {
    let options = RemoveContainerOptions {
        force: true,
        v: true,
        link: false,
    };
    match docker.remove_container(container, Some(options)).await {
        Ok(()) => true,
        Err(e) if is_not_found(&e) => true,
        Err(e) => {
            log::warn!(
                "cannot remove container {}: {}; the server's next start removes it",
                short(container),
                message(&e)
            );
            false
        }
    }
}

/// Every container (running or not) carrying this label with this value.
pub(super) async fn labelled(
    docker: &Docker,
    label: &str,
    value: &str,
) -> Result<Vec<ContainerSummary>, String> {
    let options = ListContainersOptions {
        all: true,
        filters: Some([("label".to_owned(), vec![format!("{label}={value}")])].into()),
        ..Default::default()
    };
    docker
        .list_containers(Some(options))
        .await
        .map_err(|e| format!("cannot list containers: {}", message(&e)))
}

/// The address of the engine's default bridge on this host: where containers reach the host
/// (`host-gateway`), so where the server must listen for them to reach its API.
pub(super) async fn bridge_gateway(docker: &Docker) -> Result<IpAddr, String> {
    let bridge = docker
        .inspect_network("bridge", None::<InspectNetworkOptions>)
        .await
        .map_err(|e| format!("cannot inspect the bridge network: {}", message(&e)))?;
    let configured = bridge
        .ipam
        .and_then(|ipam| ipam.config)
        .into_iter()
        .flatten()
        .find_map(|c| c.gateway?.parse::<IpAddr>().ok());
    if let Some(gateway) = configured {
        return Ok(gateway);
    }
    // The default bridge's gateway is its interface's own address.
    let interface = bridge
        .options
        .and_then(|o| o.get("com.docker.network.bridge.name").cloned())
        .unwrap_or_else(|| "docker0".into());
    interface_ipv4(&interface)
        .map(IpAddr::V4)
        .ok_or_else(|| format!("the bridge interface {interface} has no IPv4 address here"))
}

/// The first IPv4 address of a network interface of this host.
fn interface_ipv4(name: &str) -> Option<Ipv4Addr> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return None;
    }
    let mut found = None;
    let mut entry = list;
    while !entry.is_null() && found.is_none() {
        // SAFETY: entries of the list getifaddrs returned, valid until freeifaddrs; a
        // sockaddr of family AF_INET is a sockaddr_in.
        unsafe {
            let e = &*entry;
            let addr = e.ifa_addr;
            if !addr.is_null()
                && i32::from((*addr).sa_family) == libc::AF_INET
                && std::ffi::CStr::from_ptr(e.ifa_name).to_bytes() == name.as_bytes()
            {
                let v4 = &*(addr as *const libc::sockaddr_in);
                found = Some(Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr)));
            }
            entry = e.ifa_next;
        }
    }
    // SAFETY: the list from getifaddrs, freed once.
    unsafe { libc::freeifaddrs(list) };
    found
}

pub(super) fn is_not_found(e: &Error) -> bool {
    matches!(
        e,
        Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// The engine's own message when it sent one, else the client's error.
pub(super) fn message(e: &Error) -> String {
    match e {
        Error::DockerResponseServerError {
            status_code,
            message,
        } => format!("{message} (engine status {status_code})"),
        other => other.to_string(),
    }
}

/// The 12-character form of a container id, as `docker ps` shows it.
pub(super) fn short(container: &str) -> &str {
    &container[..container.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::split_reference;

    #[test]
    fn image_references_split_into_name_and_tag() {
        let cases = [
            ("game", ("game", "latest")),
            ("game:1.2", ("game", "1.2")),
            (
                "registry:5000/team/game",
                ("registry:5000/team/game", "latest"),
            ),
            (
                "registry:5000/team/game:v3",
                ("registry:5000/team/game", "v3"),
            ),
            ("game@sha256:abcd", ("game", "sha256:abcd")),
        ];
        for (image, expected) in cases {
            assert_eq!(split_reference(image), expected, "{image}");
        }
    }
}
