"""Every blocking operation against the emulator, and the typed results."""

import uuid

import pytest

import hathora_rooms as hr
from conftest import APP_ID


def test_native_version():
    assert hr.native_version().count(".") == 2


def test_room_lifecycle(client):
    created = client.create_room(hr.Region.FRANKFURT, room_config='{"mode":"duel"}')
    assert created.status is hr.RoomReadyStatus.STARTING and created.status_raw == "starting"
    assert created.process_id and created.exposed_port is None

    starting = client.get_connection_info(created.room_id)
    assert starting.room_id == created.room_id and starting.process_id is None

    active = client.wait_until_active(created.room_id, timeout=10)
    assert active.status is hr.RoomReadyStatus.ACTIVE
    port = active.exposed_port
    assert isinstance(port, hr.ExposedPort) and port.port > 0 and port.host
    assert port.transport_type in set(hr.TransportType) and port.transport_type_raw

    room = client.get_room_info(created.room_id)
    assert (room.app_id, room.room_id, room.status) == (APP_ID, created.room_id, hr.RoomStatus.ACTIVE)
    assert room.room_config == '{"mode":"duel"}'
    assert room.current_allocation and room.current_allocation.process_id == created.process_id
    assert room.current_allocation.unscheduled_at is None and len(room.allocations) == 1

    assert client.update_room_config(created.room_id, '{"mode":"ffa"}') is None
    assert client.get_room_info(created.room_id).room_config == '{"mode":"ffa"}'

    listed = {r.room_id: r for r in client.get_active_rooms_for_process(created.process_id)}
    assert listed[created.room_id].room_config == '{"mode":"ffa"}'
    assert listed[created.room_id].allocations == []

    client.destroy_room(created.room_id)
    gone = {r.room_id: r for r in client.get_inactive_rooms_for_process(created.process_id)}
    assert gone[created.room_id].status is hr.RoomStatus.DESTROYED
    assert created.room_id not in {r.room_id for r in client.get_active_rooms_for_process(created.process_id)}


def test_suspend_and_resume(client, room):
    assert client.suspend_room_v2_deprecated(room.room_id) is None
    suspended = client.get_room_info(room.room_id)
    assert suspended.status is hr.RoomStatus.SUSPENDED and suspended.current_allocation is None
    inactive = client.get_inactive_rooms_for_process(room.process_id)
    assert room.room_id in {r.room_id for r in inactive}

    resumed = client.resume_room(room.room_id)
    assert resumed.room_id == room.room_id and resumed.status is hr.RoomReadyStatus.STARTING
    client.wait_until_active(room.room_id, timeout=10)
    info = client.get_room_info(room.room_id)
    assert len(info.allocations) == 2 and info.allocations[0].unscheduled_at


def test_create_room_with_every_argument(client):
    room_id = "py-" + uuid.uuid4().hex
    created = client.create_room(
        "Sao_Paulo", room_config=b"{}", room_id=room_id, deployment_id="dep-1", client_ips=["203.0.113.7", b"2001:db8::1"]
    )
    assert created.room_id == room_id
    client.destroy_room(room_id)


def test_connection_info_needs_no_token(make_client, client, room):
    anonymous = make_client(dev_token=None)
    assert anonymous.get_connection_info(room.room_id).status is hr.RoomReadyStatus.ACTIVE
    assert anonymous.wait_until_active(room.room_id, timeout=5).exposed_port
    with pytest.raises(hr.InvalidArgumentError, match="dev token"):
        anonymous.get_room_info(room.room_id)


def test_per_call_options(client, room):
    with pytest.raises(hr.ApiError) as err:
        client.get_room_info(room.room_id, app_id="some-other-app")
    assert err.value.http_status == 404
    assert client.get_room_info(room.room_id, app_id=APP_ID, request_timeout=5, max_retries=0).room_id == room.room_id


def test_context_manager_closes(make_client):
    with make_client() as c:
        assert not c.closed
    assert c.closed
    c.close()  # idempotent
    with pytest.raises(hr.InvalidArgumentError):
        c.get_room_info("anything")


def test_enums_fall_back_to_unknown():
    assert hr.RoomStatus("hibernating") is hr.RoomStatus.UNKNOWN
    assert hr.RoomReadyStatus("warming") is hr.RoomReadyStatus.UNKNOWN
    assert hr.TransportType("quic") is hr.TransportType.UNKNOWN
    assert hr.RoomStatus("destroyed") is hr.RoomStatus.DESTROYED
    assert hr.Region("Sao_Paulo") is hr.Region.SAO_PAULO
    # Regions come from the native library: every HathoraRegion after UNKNOWN, in order.
    assert [r.value for r in hr.Region][:2] == ["Seattle", "Los_Angeles"] and len(hr.Region) == 14
