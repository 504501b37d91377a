"""A game server's side: its context from the HATHORA_* environment, and its own rooms."""

import pytest

import hathora_rooms as hr
from conftest import APP_ID, TOKEN

T = 15  # seconds any future may take

VARIABLES = [
    "HATHORA_PROCESS_ID",
    "HATHORA_APP_ID",
    "HATHORA_REGION",
    "HATHORA_ROOMS_PER_PROCESS",
    "HATHORA_INITIAL_ROOM_ID",
    "HATHORA_INITIAL_ROOM_CONFIG",
    "HATHORA_DEFAULT_PORT",
    "HATHORA_HOSTNAME",
    "HATHORA_DEPLOYMENT_ID",
    "HATHORA_BUILD_TAG",
    "HATHORA_BASE_URL",
    "HATHORA_PROCESS_TOKEN",
]


@pytest.fixture
def host_env(monkeypatch):
    """Sets the process environment (os.environ writes through to the C environment the library
    reads) from a dict; every HATHORA_* variable not given is removed. Restored after the test."""

    def set_env(values):
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_context_from_every_variable(host_env):
    host_env(
        {
            "HATHORA_PROCESS_ID": "proc-1",
            "HATHORA_APP_ID": "app-1",
            "HATHORA_REGION": "Sao_Paulo",
            "HATHORA_ROOMS_PER_PROCESS": "4",
            "HATHORA_INITIAL_ROOM_ID": "room-1",
            "HATHORA_INITIAL_ROOM_CONFIG": '{"map":"dust"}',
            "HATHORA_DEFAULT_PORT": "7777",
            "HATHORA_HOSTNAME": "1.rooms.example",
            "HATHORA_DEPLOYMENT_ID": "dep-1",
            "HATHORA_BUILD_TAG": "v1",
            "HATHORA_BASE_URL": "http://10.0.0.5:8080",
            "HATHORA_PROCESS_TOKEN": "secret-process-token",
        }
    )
    ctx = hr.ServerContext.from_environment()
    assert ctx == hr.ServerContext(
        process_id="proc-1",
        app_id="app-1",
        region=hr.Region.SAO_PAULO,
        region_raw="Sao_Paulo",
        rooms_per_process=4,
        initial_room_id="room-1",
        initial_room_config='{"map":"dust"}',
        default_port=7777,
        hostname="1.rooms.example",
        deployment_id="dep-1",
        build_tag="v1",
        base_url="http://10.0.0.5:8080",
        process_token="secret-process-token",
    )
    assert "secret-process-token" not in repr(ctx)


def test_context_outside_a_host_and_malformed(host_env):
    host_env({})
    with pytest.raises(hr.NotUnderHostError) as e:
        hr.ServerContext.from_environment()
    assert e.value.code is hr.ResultCode.NOT_UNDER_HOST and "HATHORA_PROCESS_ID" in e.value.message
    for name, value in [("HATHORA_DEFAULT_PORT", "http"), ("HATHORA_REGION", "Atlantis"), ("HATHORA_ROOMS_PER_PROCESS", "0")]:
        host_env({"HATHORA_PROCESS_ID": "p", "HATHORA_APP_ID": "a", name: value})
        with pytest.raises(hr.InvalidArgumentError) as e:
            hr.ServerContext.from_environment()
        assert name in e.value.message, (name, value, e.value.message)


@pytest.mark.parametrize("token_from", ["process token", "dev token"])
def test_the_rooms_of_this_process(host_env, emulator, client, token_from):
    created = client.create_room(hr.Region.FRANKFURT, room_config='{"mode":"duel"}')
    env = {"HATHORA_PROCESS_ID": created.process_id, "HATHORA_APP_ID": APP_ID, "HATHORA_BASE_URL": emulator.url}
    if token_from == "process token":
        env["HATHORA_PROCESS_TOKEN"] = TOKEN
    host_env(env)
    ctx = hr.ServerContext.from_environment()
    dev_token = TOKEN if token_from == "dev token" else None
    with hr.Client(server_context=ctx, dev_token=dev_token) as game_server:
        rooms = game_server.get_rooms_of_this_process()
        assert (created.room_id, '{"mode":"duel"}') in {(r.room_id, r.room_config) for r in rooms}
        later = game_server.get_rooms_of_this_process_async().result(T)
        assert created.room_id in {r.room_id for r in later}
    client.destroy_room(created.room_id)


def test_the_rooms_of_this_process_need_a_process(client):
    with pytest.raises(hr.InvalidArgumentError) as e:
        client.get_rooms_of_this_process()
    assert "process id" in e.value.message
