"""The client over the native library: RoomsV2, a game server's own rooms, DiscoveryV2 and
region pings; blocking methods, and `*_async` methods that return futures completed by the
library's callbacks."""

from __future__ import annotations

import atexit
import itertools
import os
import threading
import weakref
from concurrent.futures import Future
from ctypes import POINTER, byref, c_char_p, c_size_t, c_uint8, c_void_p, string_at
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from . import _native as n
from ._native import lib
from .errors import HathoraError, InvalidArgumentError, ResultCode, error_for
from .models import (
    ConnectionInfo,
    DispatchMode,
    PingEndpoint,
    Region,
    RegionPing,
    Room,
    ServerContext,
    connection_info_from,
    ping_endpoint_from,
    region_ping_from,
    room_from,
)

Text = Union[str, bytes]
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
Convert = Callable[[int], Any]


def _arg(name: str, value: Optional[Text]) -> Optional[bytes]:
    """A str/bytes argument as C bytes. None passes through, so the library refuses a required
    one; lone surrogates become invalid UTF-8, which the library refuses too. Only an embedded
    NUL is refused here: C would silently cut the string there."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    elif not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if b"\0" in value:
        raise InvalidArgumentError(ResultCode.INVALID_ARGUMENT, f"{name} contains a NUL character")
    return bytes(value)


def _check(code: int) -> None:
    if code != ResultCode.OK:
        raise error_for(code, n.last_error())


def _ms(name: str, seconds: Optional[float]) -> int:
    """Seconds as the C ABI's milliseconds; None is 0, the C ABI's "the client's"."""
    if seconds is None:
        return 0
    ms = round(seconds * 1000)
    if not 0 < ms < 2**32:
        raise InvalidArgumentError(ResultCode.INVALID_ARGUMENT, f"{name} must be between 1 ms and 49 days")
    return ms


def _opt_ms(name: str, seconds: Optional[float], allow_zero: bool = False) -> Optional[int]:
    """A setting in seconds as milliseconds, None when not given."""
    if seconds is None:
        return None
    if allow_zero and seconds == 0:
        return 0
    return _ms(name, seconds)


def _count(name: str, value: Optional[int]) -> Optional[int]:
    """A non-negative count for a uint32 setter, None when not given."""
    if value is None:
        return None
    if not 0 <= int(value) < 2**32:
        raise InvalidArgumentError(ResultCode.INVALID_ARGUMENT, f"{name} must be between 0 and {2**32 - 1}, got {value}")
    return int(value)


def _pems(value: Union[Text, Sequence[Text], None]) -> List[bytes]:
    """`ca_pem` as a list of PEM buffers: one str/bytes (it may hold several certificates), or
    a sequence of them. The library copies each and checks them when the client is created."""
    if value is None:
        return []
    items = [value] if isinstance(value, (str, bytes, bytearray)) else list(value)
    pems = []
    for i, pem in enumerate(items):
        if isinstance(pem, str):
            pem = pem.encode("utf-8")
        elif not isinstance(pem, (bytes, bytearray)):
            raise TypeError(f"ca_pem[{i}] must be str or bytes, not {type(pem).__name__}")
        pems.append(bytes(pem))
    return pems


def _paths(value: Union[PathLike, Sequence[PathLike], None]) -> List[bytes]:
    """`ca_files` as C paths: one path (str, bytes, os.PathLike) or a sequence of them."""
    if value is None:
        return []
    items = [value] if isinstance(value, (str, bytes, os.PathLike)) else list(value)
    return [_arg(f"ca_files[{i}]", os.fspath(path)) for i, path in enumerate(items)]


# Result converters: read the native views before the result is freed.
def _connection(r: int) -> ConnectionInfo:
    p = POINTER(n.HathoraConnectionInfo)()
    _check(lib.hathora_result_connection_info(r, byref(p)))
    return connection_info_from(p.contents)


def _room(r: int) -> Room:
    p = POINTER(n.HathoraRoom)()
    _check(lib.hathora_result_room(r, byref(p)))
    return room_from(p.contents)


def _rooms(r: int) -> List[Room]:
    count = c_size_t()
    _check(lib.hathora_result_room_count(r, byref(count)))
    rooms = []
    for i in range(count.value):
        p = POINTER(n.HathoraRoom)()
        _check(lib.hathora_result_room_at(r, i, byref(p)))
        rooms.append(room_from(p.contents))
    return rooms


def _listed(count_fn, at_fn, view, convert) -> Callable[[int], list]:
    """A converter of one of the result's lists: its count, then each item's view."""

    def read(r: int) -> list:
        count = c_size_t()
        _check(count_fn(r, byref(count)))
        items = []
        for i in range(count.value):
            p = POINTER(view)()
            _check(at_fn(r, i, byref(p)))
            items.append(convert(p.contents))
        return items

    return read


_ping_endpoints = _listed(
    lib.hathora_result_ping_endpoint_count, lib.hathora_result_ping_endpoint_at, n.HathoraPingEndpoint, ping_endpoint_from
)
_region_pings = _listed(
    lib.hathora_result_region_ping_count, lib.hathora_result_region_ping_at, n.HathoraRegionPing, region_ping_from
)


def _nothing(r: int) -> None:
    return None


def _take(r: int, convert: Convert) -> Any:
    """Converts a native result, or raises its error; frees it either way."""
    try:
        code = lib.hathora_result_code(r)
        if code == ResultCode.OK:
            return convert(r)
        body = lib.hathora_result_body(r)
        raise error_for(
            code,
            n.text(lib.hathora_result_message(r)) or "",
            http_status=lib.hathora_result_http_status(r),
            body=string_at(body, lib.hathora_result_body_len(r)).decode("utf-8", "replace") if body else "",
            request_id=lib.hathora_result_request_id(r),
            attempts=lib.hathora_result_attempts(r),
        )
    finally:
        lib.hathora_result_free(r)


class RequestFuture(Future):
    """A Future for one asynchronous request. `cancel()` also cancels the native request."""

    def __init__(self, handle: int) -> None:
        super().__init__()
        self._handle = handle
        self.request_id = 0

    def cancel(self) -> bool:
        if self.cancelled():
            return True
        if self.done() or not self.request_id:
            return False
        # The Python future first: the native cancel completes the request on a worker thread
        # at once, and that completion must find the future already cancelled (the other order
        # let the callback finish it with CancelledError first, and cancel() returned False).
        if not super().cancel():
            return False
        # Refused only when the request already completed natively: then its callback finds the
        # future cancelled and drops the result.
        lib.hathora_client_cancel(self._handle, self.request_id)
        return True


# Requests in flight: user_data key -> (future, converter). One static trampoline serves them
# all, so no per-request ctypes callback object has to be kept alive.
_pending: dict = {}
_pending_lock = threading.Lock()
_keys = itertools.count(1)


@n.CALLBACK
def _on_done(user_data: Optional[int], request_id: int, result: Optional[int]) -> None:
    with _pending_lock:
        entry = _pending.pop(user_data, None)
    if entry is None:
        lib.hathora_result_free(result)
        return
    future, convert = entry
    try:
        value, error = _take(result, convert), None
    except HathoraError as e:
        value, error = None, e
    except BaseException as e:  # never let an exception unwind into the library
        value, error = None, e
    if not future.set_running_or_notify_cancel():
        return  # cancelled through Future.cancel()
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)


_live_clients: "weakref.WeakSet[Client]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    # Worker threads must not call into Python once the interpreter is finalising.
    for client in list(_live_clients):
        client.close()


class Client:
    """A RoomsV2 client. Use it as a context manager, or call `close()`.

    Blocking methods return dataclasses or raise a `HathoraError` subclass. Each has an
    `*_async` twin returning a `RequestFuture`; in `DispatchMode.POLL` futures complete only
    inside `poll()`. Every method also takes the per-call keyword options `app_id`,
    `request_timeout` (seconds, retries included), `connect_timeout` (seconds) and `max_retries`.

    Each keyword setting maps to one native setter; one left at None keeps the native default
    (see hathora_config_new in hathora_rooms.h). Durations are in seconds.

    TLS: servers are verified against the bundled web roots and the CA certificates given as
    `ca_pem` (PEM text, str or bytes, or a list of them) and `ca_files` (PEM files, a path or a
    list of paths, read when the client is created); `builtin_roots=False` trusts only those
    CAs. Bad PEM makes the constructor raise `InvalidArgumentError` naming the problem.
    Verification cannot be turned off.

    A game server passes `server_context=ServerContext.from_environment()`: the client then
    takes the context's app id, base URL, process (for `get_rooms_of_this_process`) and process
    token (sent instead of `dev_token` when the host gave one); `app_id` and `base_url`, when
    given too, win. A client for DiscoveryV2 and region pings alone needs no app id.
    """

    def __init__(
        self,
        app_id: Optional[Text] = None,
        dev_token: Optional[Text] = None,
        *,
        server_context: Optional[ServerContext] = None,
        base_url: Optional[Text] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        min_workers: Optional[int] = None,
        max_workers: Optional[int] = None,
        worker_idle: Optional[float] = None,
        dispatch_mode: DispatchMode = DispatchMode.WORKER,
        queue_capacity: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        ca_pem: Union[Text, Sequence[Text], None] = None,
        ca_files: Union[PathLike, Sequence[PathLike], None] = None,
        builtin_roots: Optional[bool] = None,
    ) -> None:
        self._handle: Optional[int] = None
        settings = [
            # (native setter, value converted for C, or None to keep the native default)
            ("hathora_config_set_app_id", _arg("app_id", app_id)),
            ("hathora_config_set_dev_token", _arg("dev_token", dev_token)),
            ("hathora_config_set_base_url", _arg("base_url", base_url)),
            ("hathora_config_set_timeout_ms", _opt_ms("timeout", timeout)),
            ("hathora_config_set_connect_timeout_ms", _opt_ms("connect_timeout", connect_timeout)),
            ("hathora_config_set_max_retries", _count("max_retries", max_retries)),
            ("hathora_config_set_initial_backoff_ms", _opt_ms("initial_backoff", initial_backoff, allow_zero=True)),
            ("hathora_config_set_max_backoff_ms", _opt_ms("max_backoff", max_backoff, allow_zero=True)),
            ("hathora_config_set_min_workers", _count("min_workers", min_workers)),
            ("hathora_config_set_max_workers", _count("max_workers", max_workers)),
            ("hathora_config_set_worker_idle_ms", _opt_ms("worker_idle", worker_idle)),
            ("hathora_config_set_dispatch_mode", int(dispatch_mode)),
            ("hathora_config_set_queue_capacity", _count("queue_capacity", queue_capacity)),
            ("hathora_config_set_allow_insecure_http", None if allow_insecure_http is None else bool(allow_insecure_http)),
            ("hathora_config_set_builtin_roots", None if builtin_roots is None else bool(builtin_roots)),
        ]
        settings += [("hathora_config_add_ca_file", path) for path in _paths(ca_files)]
        pems = _pems(ca_pem)
        cfg = lib.hathora_config_new()
        if not cfg:
            raise MemoryError("hathora_config_new failed")
        try:
            if server_context is not None:
                self._apply(cfg, server_context)
            for setter, value in settings:
                if value is not None:
                    _check(getattr(lib, setter)(cfg, value))
            for pem in pems:
                # A copy as uint8_t[] (never NULL, even when empty); the library copies it again.
                buffer = (c_uint8 * max(len(pem), 1)).from_buffer_copy(pem.ljust(1, b"\0"))
                _check(lib.hathora_config_add_ca_pem(cfg, buffer, len(pem)))
            handle = c_void_p()
            _check(lib.hathora_client_new(cfg, byref(handle)))
        finally:
            lib.hathora_config_free(cfg)
        self._handle = handle.value
        self.dispatch_mode = DispatchMode(dispatch_mode)
        _live_clients.add(self)

    @staticmethod
    def _apply(cfg: int, ctx: ServerContext) -> None:
        """Hands the context back to the library as its C struct, so the rule of what a client
        takes from it is the library's (hathora_config_apply_server_context)."""
        native = n.HathoraServerContext()
        native.process_id = _arg("server_context.process_id", ctx.process_id)
        native.app_id = _arg("server_context.app_id", ctx.app_id)
        native.region_raw = _arg("server_context.region_raw", ctx.region_raw)
        native.rooms_per_process = ctx.rooms_per_process or 0
        native.initial_room_id = _arg("server_context.initial_room_id", ctx.initial_room_id)
        native.initial_room_config = _arg("server_context.initial_room_config", ctx.initial_room_config)
        native.default_port = ctx.default_port or 0
        native.hostname = _arg("server_context.hostname", ctx.hostname)
        native.deployment_id = _arg("server_context.deployment_id", ctx.deployment_id)
        native.build_tag = _arg("server_context.build_tag", ctx.build_tag)
        native.base_url = _arg("server_context.base_url", ctx.base_url)
        native.process_token = _arg("server_context.process_token", ctx.process_token)
        _check(lib.hathora_config_apply_server_context(cfg, byref(native)))

    # Lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Frees the client. Pending futures complete first (with ShutDownError unless they had
        finished); no future of this client completes afterwards. Idempotent."""
        handle, self._handle = self._handle, None
        if handle:
            lib.hathora_client_free(handle)  # ctypes releases the GIL: workers may call back
            _live_clients.discard(self)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    @property
    def closed(self) -> bool:
        return self._handle is None

    # Asynchronous plumbing -----------------------------------------------------------------

    def poll(self, max_callbacks: int = 0) -> int:
        """Poll mode: completes the futures of finished requests here; returns how many."""
        return lib.hathora_client_poll(self._handle, max_callbacks)

    def cancel(self, request_id: int) -> bool:
        """Cancels a request; its future then fails with CancelledError. False if it had finished."""
        return lib.hathora_client_cancel(self._handle, request_id) == ResultCode.OK

    @property
    def pending(self) -> int:
        """Asynchronous requests whose future has not completed yet."""
        return lib.hathora_client_pending(self._handle)

    @staticmethod
    def _options(
        app_id: Optional[Text] = None,
        request_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        connect_timeout: Optional[float] = None,
    ):
        """The per-call options, or None (NULL) when none is given. Starts from the native
        hathora_call_options_init(), so what is not given keeps the client's setting."""
        if app_id is None and request_timeout is None and max_retries is None and connect_timeout is None:
            return None
        options = lib.hathora_call_options_init()
        options.app_id = _arg("app_id", app_id)
        if request_timeout is not None:
            options.timeout_ms = _ms("request_timeout", request_timeout)
        if connect_timeout is not None:
            options.connect_timeout_ms = _ms("connect_timeout", connect_timeout)
        if max_retries is not None:
            if not 0 <= int(max_retries) < 2**31:
                raise InvalidArgumentError(ResultCode.INVALID_ARGUMENT, f"max_retries must not be negative, got {max_retries}")
            options.max_retries = int(max_retries)
        return options

    def _run(self, op: str, args: Tuple, convert: Convert, opts: dict) -> Any:
        options = self._options(**opts)
        out = c_void_p()
        getattr(lib, f"hathora_{op}")(self._handle, *args, byref(options) if options else None, byref(out))
        return _take(out.value, convert)

    def _submit(self, op: str, args: Tuple, convert: Convert, opts: dict) -> RequestFuture:
        options = self._options(**opts)
        future = RequestFuture(self._handle or 0)
        key = next(_keys)
        with _pending_lock:
            _pending[key] = (future, convert)
        request_id = n.c_uint64()
        code = getattr(lib, f"hathora_{op}_async")(
            self._handle, *args, byref(options) if options else None, _on_done, key, byref(request_id)
        )
        if code != ResultCode.OK:
            with _pending_lock:
                _pending.pop(key, None)
            raise error_for(code, n.last_error())
        future.request_id = request_id.value
        return future

    # Operations -----------------------------------------------------------------------------

    @staticmethod
    def _create_args(region, room_config, room_id, deployment_id, client_ips) -> Tuple:
        """(HathoraCreateRoomParams,) from the native init; the struct keeps its strings and the
        IP array alive (ctypes holds them) for as long as the call needs them."""
        params = lib.hathora_create_room_params_init()
        # The region goes by wire name, so regions newer than this build work too.
        params.region_name = _arg("region", region.value if isinstance(region, Region) else region)
        params.room_id = _arg("room_id", room_id)
        params.room_config = _arg("room_config", room_config)
        params.deployment_id = _arg("deployment_id", deployment_id)
        ips = [_arg("client_ips[]", ip) for ip in (client_ips or [])]
        if ips:
            params.client_ips = (c_char_p * len(ips))(*ips)
            params.client_ips_count = len(ips)
        return (byref(params),)

    def create_room(
        self,
        region: Union[Region, Text],
        room_config: Optional[Text] = None,
        room_id: Optional[Text] = None,
        deployment_id: Optional[Text] = None,
        client_ips: Optional[Sequence[Text]] = None,
        **opts: Any,
    ) -> ConnectionInfo:
        """CreateRoom. Without `room_id` the library generates one, so retries never create two rooms."""
        return self._run("create_room", self._create_args(region, room_config, room_id, deployment_id, client_ips), _connection, opts)

    def create_room_async(
        self,
        region: Union[Region, Text],
        room_config: Optional[Text] = None,
        room_id: Optional[Text] = None,
        deployment_id: Optional[Text] = None,
        client_ips: Optional[Sequence[Text]] = None,
        **opts: Any,
    ) -> RequestFuture:
        return self._submit("create_room", self._create_args(region, room_config, room_id, deployment_id, client_ips), _connection, opts)

    def get_room_info(self, room_id: Text, **opts: Any) -> Room:
        return self._run("get_room_info", (_arg("room_id", room_id),), _room, opts)

    def get_room_info_async(self, room_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("get_room_info", (_arg("room_id", room_id),), _room, opts)

    def get_active_rooms_for_process(self, process_id: Text, **opts: Any) -> List[Room]:
        return self._run("get_active_rooms_for_process", (_arg("process_id", process_id),), _rooms, opts)

    def get_active_rooms_for_process_async(self, process_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("get_active_rooms_for_process", (_arg("process_id", process_id),), _rooms, opts)

    def get_inactive_rooms_for_process(self, process_id: Text, **opts: Any) -> List[Room]:
        return self._run("get_inactive_rooms_for_process", (_arg("process_id", process_id),), _rooms, opts)

    def get_inactive_rooms_for_process_async(self, process_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("get_inactive_rooms_for_process", (_arg("process_id", process_id),), _rooms, opts)

    def get_connection_info(self, room_id: Text, **opts: Any) -> ConnectionInfo:
        """GetConnectionInfo: needs no dev token; `exposed_port` is None until the room is active."""
        return self._run("get_connection_info", (_arg("room_id", room_id),), _connection, opts)

    def get_connection_info_async(self, room_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("get_connection_info", (_arg("room_id", room_id),), _connection, opts)

    def update_room_config(self, room_id: Text, room_config: Text, **opts: Any) -> None:
        return self._run("update_room_config", (_arg("room_id", room_id), _arg("room_config", room_config)), _nothing, opts)

    def update_room_config_async(self, room_id: Text, room_config: Text, **opts: Any) -> RequestFuture:
        return self._submit("update_room_config", (_arg("room_id", room_id), _arg("room_config", room_config)), _nothing, opts)

    def destroy_room(self, room_id: Text, **opts: Any) -> None:
        return self._run("destroy_room", (_arg("room_id", room_id),), _nothing, opts)

    def destroy_room_async(self, room_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("destroy_room", (_arg("room_id", room_id),), _nothing, opts)

    def suspend_room_v2_deprecated(self, room_id: Text, **opts: Any) -> None:
        """SuspendRoomV2Deprecated (deprecated by Hathora)."""
        return self._run("suspend_room_v2_deprecated", (_arg("room_id", room_id),), _nothing, opts)

    def suspend_room_v2_deprecated_async(self, room_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("suspend_room_v2_deprecated", (_arg("room_id", room_id),), _nothing, opts)

    def resume_room(self, room_id: Text, **opts: Any) -> ConnectionInfo:
        return self._run("resume_room", (_arg("room_id", room_id),), _connection, opts)

    def resume_room_async(self, room_id: Text, **opts: Any) -> RequestFuture:
        return self._submit("resume_room", (_arg("room_id", room_id),), _connection, opts)

    def wait_until_active(self, room_id: Text, timeout: float = 60.0, **opts: Any) -> ConnectionInfo:
        """Polls GetConnectionInfo until the room is active; TimeoutError after `timeout` seconds."""
        return self._run("wait_until_active", (_arg("room_id", room_id), _ms("timeout", timeout)), _connection, opts)

    def wait_until_active_async(self, room_id: Text, timeout: float = 60.0, **opts: Any) -> RequestFuture:
        return self._submit("wait_until_active", (_arg("room_id", room_id), _ms("timeout", timeout)), _connection, opts)

    # A game server's rooms ------------------------------------------------------------------

    def get_rooms_of_this_process(self, **opts: Any) -> List[Room]:
        """This game server's rooms with their configs (GetActiveRoomsForProcess of the process
        the client was built for with `server_context`)."""
        return self._run("get_rooms_of_this_process", (), _rooms, opts)

    def get_rooms_of_this_process_async(self, **opts: Any) -> RequestFuture:
        return self._submit("get_rooms_of_this_process", (), _rooms, opts)

    # DiscoveryV2 and region pings ---------------------------------------------------------

    def get_ping_service_endpoints(self, **opts: Any) -> List[PingEndpoint]:
        """DiscoveryV2: every region's UDP echo beacon. Sends no token; needs no app id."""
        return self._run("get_ping_service_endpoints", (), _ping_endpoints, opts)

    def get_ping_service_endpoints_async(self, **opts: Any) -> RequestFuture:
        return self._submit("get_ping_service_endpoints", (), _ping_endpoints, opts)

    @staticmethod
    def _ping_args(
        endpoints: Optional[Sequence[Union[PingEndpoint, Tuple[Text, Text, int]]]],
        rounds: Optional[int],
        timeout: Optional[float],
        lookup_timeout: Optional[float],
    ) -> Tuple:
        """(HathoraPingOptions,) from the native init; the struct keeps the target array and its
        strings alive (ctypes holds them) for as long as the call needs them."""
        ping = lib.hathora_ping_options_init()
        if rounds is not None:
            ping.rounds = _count("rounds", rounds)
        ping.timeout_ms = _ms("timeout", timeout)
        ping.lookup_timeout_ms = _ms("lookup_timeout", lookup_timeout)
        if endpoints:
            targets = (n.HathoraPingTarget * len(endpoints))()
            for t, e in zip(targets, endpoints):
                name, host, port = (e.region_raw, e.host, e.port) if isinstance(e, PingEndpoint) else e
                # The region goes by name, so regions of your own (and newer ones) work too.
                t.region_name = _arg("endpoints[].region", name.value if isinstance(name, Region) else name)
                t.host = _arg("endpoints[].host", host)
                if not 0 < int(port) < 65536:
                    raise InvalidArgumentError(ResultCode.INVALID_ARGUMENT, f"endpoints[].port must be 1 to 65535, got {port}")
                t.port = int(port)
            ping.targets = targets
            ping.targets_count = len(endpoints)
        return (byref(ping),)

    def ping_regions(
        self,
        endpoints: Optional[Sequence[Union[PingEndpoint, Tuple[Text, Text, int]]]] = None,
        rounds: Optional[int] = None,
        timeout: Optional[float] = None,
        lookup_timeout: Optional[float] = None,
        **opts: Any,
    ) -> List[RegionPing]:
        """The round trip to each region's UDP echo beacon: `rounds` datagrams each (default 3),
        each awaited `timeout` seconds (default 1). `endpoints` (PingEndpoint, or (region name,
        host, port) tuples) replaces DiscoveryV2's list, which is asked for first otherwise.
        A silent region has `answered` 0 and `min_rtt` None."""
        return self._run("ping_regions", self._ping_args(endpoints, rounds, timeout, lookup_timeout), _region_pings, opts)

    def ping_regions_async(
        self,
        endpoints: Optional[Sequence[Union[PingEndpoint, Tuple[Text, Text, int]]]] = None,
        rounds: Optional[int] = None,
        timeout: Optional[float] = None,
        lookup_timeout: Optional[float] = None,
        **opts: Any,
    ) -> RequestFuture:
        """`ping_regions` on the client's pool (one worker for the whole measurement); the
        future's `cancel()` ends it at once."""
        return self._submit("ping_regions", self._ping_args(endpoints, rounds, timeout, lookup_timeout), _region_pings, opts)

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"handle={self._handle}"
        return f"<hathora_rooms.Client {state} {self.dispatch_mode.name.lower()}>"
