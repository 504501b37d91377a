//! The API from inside a container: `HATHORA_BASE_URL` names `host.docker.internal`, which every
//! container maps to the host's bridge address, where a server listening there answers.

use hathora_rooms_server::fleet::docker::{bridge_gateway, container_base_url};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker Engine: tests/docker/run.sh"]
async fn a_game_server_in_a_container_reaches_the_api_at_its_base_url() {
    let case = "api";
    let dir = TestDir::new(case);
    let gateway = bridge_gateway(None)
        .await
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    // The stand-in API: one HTTP answer to the first request, which it hands back.
    let listener = tokio::net::TcpListener::bind((gateway, 0))
        .await
        .unwrap_or_else(|e| panic!("{case}: cannot listen on the gateway {gateway}: {e}"));
    let port = listener.local_addr().unwrap().port();
    let api = tokio::spawn(async move {
        let (mut stream, peer) = listener.accept().await.unwrap();
        let mut request = vec![0; 4096];
        let n = stream.read(&mut request).await.unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        (String::from_utf8_lossy(&request[..n]).into_owned(), peer)
    });

    let app = app("app-api", &dir, &[("GAME_CALL_API", "1")]);
    let mut config = config(case, 32120..=32129, vec![app]);
    config.base_url = container_base_url(port);
    let mut h = Harness::new(case, config).await;
    let placed = h.place_ok("app-api", "room").await;
    h.expect_ready(&placed.process_id).await;
    let (request, peer) = tokio::time::timeout(WAIT, api)
        .await
        .unwrap_or_else(|_| panic!("{case}: the container never called the API"))
        .unwrap();
    assert!(
        request.starts_with(&format!(
            "GET /game-server/{} HTTP/1.1\r\n",
            placed.process_id
        )),
        "{case}: request {request:?}"
    );
    assert!(
        request.contains(&format!("Host: host.docker.internal:{port}\r\n")),
        "{case}: request {request:?}"
    );
    assert_ne!(peer.ip(), gateway, "{case}: it came from the container");
    h.shutdown().await;
    h.assert_none_left().await;
    let log = log_of(&dir.logs(), &placed.process_id);
    assert!(
        log.contains("api: HTTP/1.1 200 OK"),
        "{case}: the game server's view: {log:?}"
    );
}
