"""The asynchronous form: futures completed by native callbacks, cancellation, shutdown, poll mode."""

import concurrent.futures
import os
import threading
import time

import pytest

import hathora_rooms as hr
from hathora_rooms import client as client_module

T = 15  # seconds any future may take


def test_every_async_operation(client):
    created = client.create_room_async(hr.Region.TOKYO, room_config="{}").result(T)
    assert isinstance(created, hr.ConnectionInfo)
    assert client.get_connection_info_async(created.room_id).result(T).room_id == created.room_id
    assert client.wait_until_active_async(created.room_id, timeout=10).result(T).exposed_port
    assert client.get_room_info_async(created.room_id).result(T).status is hr.RoomStatus.ACTIVE
    assert client.update_room_config_async(created.room_id, "[1]").result(T) is None
    active = client.get_active_rooms_for_process_async(created.process_id).result(T)
    assert any(r.room_id == created.room_id and r.room_config == "[1]" for r in active)
    assert client.suspend_room_v2_deprecated_async(created.room_id).result(T) is None
    inactive = client.get_inactive_rooms_for_process_async(created.process_id).result(T)
    assert created.room_id in {r.room_id for r in inactive}
    assert client.resume_room_async(created.room_id).result(T).room_id == created.room_id
    assert client.destroy_room_async(created.room_id).result(T) is None


def test_async_errors_arrive_in_the_future(client):
    future = client.get_room_info_async("no-such-room")
    assert future.request_id > 0
    err = future.exception(T)
    assert isinstance(err, hr.ApiError) and err.http_status == 404 and err.request_id == future.request_id


def test_refused_submission_raises_at_once(client):
    before = len(client_module._pending)
    with pytest.raises(hr.InvalidArgumentError):
        client.get_room_info_async(b"\xff")
    with pytest.raises(hr.InvalidArgumentError):
        client.destroy_room_async(None)
    assert len(client_module._pending) == before


def test_many_concurrent_requests(client, room):
    futures = [client.get_connection_info_async(room.room_id) for _ in range(200)]
    done, not_done = concurrent.futures.wait(futures, timeout=30)
    assert not not_done
    assert all(f.result().room_id == room.room_id for f in done)
    assert client.pending == 0


def test_callbacks_run_on_worker_threads(client):
    created = client.create_room(hr.Region.LONDON)  # starting for a while: the wait below is slow
    seen = []
    future = client.wait_until_active_async(created.room_id, timeout=10)
    future.add_done_callback(lambda f: seen.append(threading.current_thread()))
    future.result(T)
    client.destroy_room(created.room_id)
    assert seen and seen[0] is not threading.main_thread()


def test_client_cancel(client, suspended_room):
    future = client.wait_until_active_async(suspended_room.room_id, timeout=60)
    assert client.cancel(future.request_id)
    err = future.exception(T)
    assert isinstance(err, hr.CancelledError) and isinstance(err, concurrent.futures.CancelledError)
    assert not client.cancel(future.request_id)  # already completed


def test_future_cancel(client, suspended_room):
    future = client.wait_until_active_async(suspended_room.room_id, timeout=60)
    assert future.cancel() and future.cancelled()
    with pytest.raises(concurrent.futures.CancelledError):
        future.result(T)
    deadline = time.monotonic() + T
    while client.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client.pending == 0


def test_future_cancel_after_completion(client, room):
    future = client.get_room_info_async(room.room_id)
    future.result(T)
    assert not future.cancel()


def test_close_completes_pending_futures(make_client, suspended_room):
    c = make_client()
    futures = [c.wait_until_active_async(suspended_room.room_id, timeout=60) for _ in range(20)]
    c.close()
    for f in futures:
        assert f.done()  # before close() returned
        assert isinstance(f.exception(0), hr.ShutDownError)
    assert not client_module._pending


def test_queue_full(make_client, suspended_room):
    c = make_client(queue_capacity=1)
    first = c.wait_until_active_async(suspended_room.room_id, timeout=60)
    with pytest.raises(hr.QueueFullError):
        c.get_room_info_async(suspended_room.room_id)
    assert c.cancel(first.request_id)
    assert isinstance(first.exception(T), hr.CancelledError)


def test_poll_mode(make_client, room):
    c = make_client(dispatch_mode=hr.DispatchMode.POLL)
    future = c.get_connection_info_async(room.room_id)
    time.sleep(0.3)
    assert not future.done()  # completes only inside poll()
    deadline = time.monotonic() + T
    while not future.done() and time.monotonic() < deadline:
        c.poll()
        time.sleep(0.01)
    assert future.result(0).room_id == room.room_id


def test_poll_mode_close_delivers_shutdown(make_client, suspended_room):
    c = make_client(dispatch_mode=hr.DispatchMode.POLL)
    future = c.wait_until_active_async(suspended_room.room_id, timeout=60)
    c.close()
    assert isinstance(future.exception(0), hr.ShutDownError)


def _library_workers() -> int:
    """The library's worker threads in this process, by name (/proc/self/task/*/comm)."""
    count = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as f:
                count += f.read().startswith("hathora-worker")
        except OSError:
            pass
    return count


def _until(cond, what: str, limit: float = 30.0) -> None:
    end = time.monotonic() + limit
    while not cond():
        assert time.monotonic() < end, f"{what}: not reached within {limit} s"
        time.sleep(0.005)


def test_worker_pool_sizes(make_client, faults, room):
    base = _library_workers()  # the workers of the fixtures' client (its minimum)
    idle = make_client(min_workers=2, max_workers=4)
    _until(lambda: _library_workers() == base + 2, "min_workers start with the client")
    idle.close()
    _until(lambda: _library_workers() == base, "no worker left after close")

    faults(latencyMs=1000)  # every call holds its worker for a second
    client = make_client(min_workers=0, max_workers=3, worker_idle=0.2)
    futures = [client.get_connection_info_async(room.room_id) for _ in range(6)]
    peak = 0
    while not all(f.done() for f in futures):
        peak = max(peak, _library_workers() - base)
        time.sleep(0.002)
    assert all(f.result(T).room_id == room.room_id for f in futures)
    assert peak == 3, f"six slow calls on at most 3 workers: peak {peak}"
    _until(lambda: _library_workers() == base, "idle workers retire down to min_workers=0")
