"""The exception classes, what they carry, and arguments refused before anything is sent."""

import json
import socket

import pytest

import hathora_rooms as hr


def test_api_error_carries_status_message_and_body(client):
    with pytest.raises(hr.ApiError) as err:
        client.get_room_info("no-such-room")
    e = err.value
    assert (e.code, e.http_status) == (hr.ResultCode.API_ERROR, 404)
    assert "no-such-room" in e.message and json.loads(e.body)["message"] == e.message
    assert e.attempts == 1 and isinstance(e, hr.HathoraError)


@pytest.mark.parametrize(
    "call, status",
    [
        (lambda c, r: c.create_room("Atlantis"), 422),
        (lambda c, r: c.create_room(hr.Region.LONDON, room_id=r.room_id), 422),
        (lambda c, r: c.resume_room(r.room_id), 400),
        (lambda c, r: c.get_active_rooms_for_process("no-such-process"), 404),
    ],
    ids=["bad-region", "taken-room-id", "resume-active-room", "unknown-process"],
)
def test_api_error_statuses(client, room, call, status):
    with pytest.raises(hr.ApiError) as err:
        call(client, room)
    assert err.value.http_status == status


def test_wrong_token_is_401(make_client):
    with pytest.raises(hr.ApiError) as err:
        make_client(dev_token="wrong").get_room_info("any-room")
    assert err.value.http_status == 401


@pytest.mark.parametrize(
    "room_id",
    [None, b"\xff\xfe", "caf\udce9", "a\0b", "", "spaces are bad", "x" * 101],
    ids=["none", "invalid-utf8", "lone-surrogate", "embedded-nul", "empty", "bad-chars", "too-long"],
)
def test_invalid_room_id_is_refused(client, room_id):
    with pytest.raises(hr.InvalidArgumentError) as err:
        client.get_room_info(room_id)
    assert err.value.code is hr.ResultCode.INVALID_ARGUMENT and err.value.message
    assert isinstance(err.value, ValueError) and err.value.http_status == 0


def test_invalid_arguments_everywhere(client, room):
    with pytest.raises(hr.InvalidArgumentError):
        client.update_room_config(room.room_id, None)
    with pytest.raises(hr.InvalidArgumentError):
        client.update_room_config(room.room_id, "x" * 10001)
    with pytest.raises(hr.InvalidArgumentError):
        client.create_room(hr.Region.LONDON, client_ips=[b"\xff"])
    with pytest.raises(hr.InvalidArgumentError):
        client.get_room_info(room.room_id, app_id=b"\xc3")
    with pytest.raises(hr.InvalidArgumentError):
        client.wait_until_active(room.room_id, timeout=0)
    with pytest.raises(TypeError):
        client.get_room_info(42)


def test_invalid_client_settings(emulator):
    with pytest.raises(hr.InvalidArgumentError, match="app_id"):
        hr.Client("")  # no app id at all is fine (DiscoveryV2, pings); an empty one is not
    with pytest.raises(hr.InvalidArgumentError):
        hr.Client("app", base_url="not a url")
    with pytest.raises(hr.InvalidArgumentError):
        hr.Client("app", base_url="http://example.com")  # plain http off loopback
    with pytest.raises(hr.InvalidArgumentError, match="max_workers"):
        hr.Client("app", max_workers=0)
    with pytest.raises(hr.InvalidArgumentError, match="min_workers"):
        hr.Client("app", min_workers=-1)
    with pytest.raises(hr.InvalidArgumentError, match="must not exceed"):
        hr.Client("app", min_workers=8, max_workers=4)
    with pytest.raises(hr.InvalidArgumentError, match="worker_idle"):
        hr.Client("app", worker_idle=0)


def test_transport_error(make_client):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = make_client(base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(hr.TransportError) as err:
        c.get_connection_info("some-room")
    assert isinstance(err.value, ConnectionError) and err.value.http_status == 0


def test_dropped_connection_is_retried(client, room, faults):
    faults(drop=1)
    assert client.get_room_info(room.room_id).room_id == room.room_id
    faults(drop=1)
    with pytest.raises(hr.TransportError):
        client.get_room_info(room.room_id, max_retries=0)


def test_timeout_error(client, room, faults):
    faults(latencyMs=10000)  # far beyond the 0.3 s deadline, even on a loaded machine
    with pytest.raises(hr.TimeoutError) as err:
        client.get_room_info(room.room_id, request_timeout=0.3, max_retries=0)
    assert isinstance(err.value, TimeoutError)  # the builtin, too


def test_decode_error(client, room, faults):
    faults(garbage=1)
    with pytest.raises(hr.DecodeError) as err:
        client.get_room_info(room.room_id)
    assert err.value.http_status == 200 and "oops" in err.value.body


def test_retries_on_503_then_gives_up(client, room, faults):
    faults(status=503, count=2, retryAfter="0")
    assert client.get_room_info(room.room_id).room_id == room.room_id
    faults(status=503, count=1, retryAfter="0")
    with pytest.raises(hr.ApiError) as err:
        client.get_room_info(room.room_id, max_retries=0)
    assert err.value.http_status == 503


def test_wait_until_active_times_out(client, suspended_room):
    with pytest.raises(hr.TimeoutError) as err:
        client.wait_until_active(suspended_room.room_id, timeout=0.3)
    assert err.value.attempts >= 1


def test_error_for_maps_every_code():
    for code in hr.ResultCode:
        if code is not hr.ResultCode.OK:
            assert hr.errors.error_for(code, "m").code is code
    assert isinstance(hr.errors.error_for(1234, "m"), hr.InternalError)


def test_backoffs_may_be_set_in_either_order_and_are_checked_together(make_client):
    # One native setter per setting: a larger initial backoff before a larger maximum is fine...
    make_client(initial_backoff=20, max_backoff=30)
    # ...and the pair is refused when the client is created.
    with pytest.raises(hr.InvalidArgumentError, match="backoff"):
        make_client(initial_backoff=2, max_backoff=1)


def _hanging_listener():
    """A listener whose accept queue is full, so the next connect to it hangs (the kernel drops
    the SYN), as an unreachable server looks; skips where the queue cannot be filled."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    held = []
    for _ in range(256):
        c = socket.socket()
        c.settimeout(0.3)
        try:
            c.connect(server.getsockname())
        except OSError:
            c.close()
            return server, held
        held.append(c)
    pytest.skip("could not fill the accept queue of a local listener")


def test_per_call_connect_timeout_reaches_the_library(make_client):
    server, held = _hanging_listener()
    try:
        port = server.getsockname()[1]
        # The client waits 20 s for a connect and 5 s for the whole call; this call allows 0.5 s
        # per connect. Ignored, the call would end at its 5 s deadline as TimeoutError; honoured,
        # the connect gives up first, a connection failure (TransportError).
        c = make_client(base_url=f"http://127.0.0.1:{port}", connect_timeout=20, timeout=5, max_retries=0)
        with pytest.raises(hr.TransportError, match="timed out") as err:
            c.get_connection_info("some-room", connect_timeout=0.5)
        assert err.value.attempts == 1
        with pytest.raises(hr.TimeoutError):
            c.get_connection_info("some-room")
    finally:
        for s in held:
            s.close()
        server.close()


def test_log_handler_receives_lines_and_out_of_range_levels_are_refused(client, room, faults):
    lines = []
    hr.set_log_handler(lambda level, line: lines.append((level, line)), hr.LogLevel.DEBUG)
    try:
        faults(drop=1)
        client.get_room_info(room.room_id)  # retried once: logged at INFO
        with pytest.raises(hr.InvalidArgumentError, match="max_level"):
            hr.set_log_handler(print, 99)
    finally:
        hr.set_log_handler(None)
    assert any(level == hr.LogLevel.INFO and "retrying" in line for level, line in lines), lines
    assert all(isinstance(level, hr.LogLevel) for level, _ in lines)
