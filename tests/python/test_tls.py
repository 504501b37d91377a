"""HTTPS with a private CA: the client keyword arguments ca_pem, ca_files and builtin_roots
against hathora-rooms-server serving HTTPS with a certificate that CA signed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import hathora_rooms as hr


@pytest.fixture
def https_client(make_client, https_server):
    """Clients of the HTTPS server, with 3 quick retries (so that a retry would show)."""
    return lambda **kw: make_client(base_url=https_server.url, max_retries=3, initial_backoff=0.01, **kw)


@pytest.mark.parametrize(
    "trust",
    [
        pytest.param(lambda ca: {"ca_files": ca}, id="ca_files, one path"),
        pytest.param(lambda ca: {"ca_files": [Path(ca)], "builtin_roots": False}, id="ca_files, web roots off"),
        pytest.param(lambda ca: {"ca_pem": Path(ca).read_text()}, id="ca_pem, str"),
        pytest.param(lambda ca: {"ca_pem": [Path(ca).read_bytes()], "builtin_roots": False}, id="ca_pem, bytes list"),
    ],
)
def test_a_room_over_https_with_the_private_ca(https_client, https_server, trust):
    with https_client(**trust(https_server.ca_file)) as client:
        created = client.create_room(hr.Region.FRANKFURT, room_config='{"tls":true}')
        active = client.wait_until_active(created.room_id, timeout=10)
        assert active.exposed_port is not None
        assert client.get_room_info(created.room_id).room_config == '{"tls":true}'
        client.destroy_room(created.room_id)


def test_without_the_ca_the_server_is_refused_by_name_and_not_retried(https_client, https_server):
    failed, requests = "hathora_tls_handshakes_total{result=\"failed\"}", "hathora_requests_total{"
    before = (https_server.metric(failed), https_server.metric(requests))
    with https_client() as client:
        with pytest.raises(hr.TransportError) as refused:
            client.get_connection_info("any-room")
    message = str(refused.value)
    assert "TLS: the certificate of 127.0.0.1 is signed by a CA this client does not trust" in message
    assert refused.value.attempts == 1
    # The server saw one handshake fail (counted a moment after the client gave up) and no request.
    deadline = time.monotonic() + 30
    while https_server.metric(failed) == before[0] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (https_server.metric(failed), https_server.metric(requests)) == (before[0] + 1, before[1])


@pytest.mark.parametrize(
    "kw, says",
    [
        ({"ca_pem": "not a certificate"}, "CA certificate PEM #1 (from memory) is not PEM"),
        ({"ca_pem": b""}, "CA certificate PEM #1 (from memory) is empty"),
        ({"ca_files": "/nonexistent/ca.pem"}, "CA file /nonexistent/ca.pem cannot be read"),
        ({"builtin_roots": False}, "the built-in roots are off and no CA certificate was added"),
    ],
)
def test_bad_trust_settings_are_refused_when_the_client_is_created(https_client, kw, says):
    with pytest.raises(hr.InvalidArgumentError) as refused:
        https_client(**kw)
    assert says in str(refused.value)
