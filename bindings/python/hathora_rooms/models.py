"""Enums and dataclasses of the results (RoomsV2, DiscoveryV2, region pings) and of a game
server's context, built from the native structured views."""

from __future__ import annotations

from ctypes import POINTER, byref
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import List, Optional

from ._native import HathoraServerContext, last_error, lib, text
from .errors import ResultCode, error_for


class _OpenEnum(str, Enum):
    """A wire enum whose values the API may extend: unknown strings map to UNKNOWN (the raw
    string stays in the dataclass's *_raw field). Built from the wire string the native view
    carries (`*_raw`), so nothing depends on the order of the C enum."""

    @classmethod
    def _missing_(cls, value):
        return cls.UNKNOWN  # type: ignore[attr-defined]


def _native_regions() -> dict:
    """Member name -> wire name of every region the native library knows (its HathoraRegion
    values 1, 2, ...), so the list is written once, in the library."""
    regions = {}
    ordinal = 1
    while True:
        name = lib.hathora_region_name(ordinal)
        if name is None:
            return regions
        wire = name.decode()
        regions[wire.upper()] = wire
        ordinal += 1


Region = Enum("Region", _native_regions(), type=str, module=__name__)
Region.__doc__ = """A Hathora region (wire name), e.g. Region.SAO_PAULO == "Sao_Paulo"; the members are
the native library's regions. `create_room` also takes any region name as a string."""


def _region(raw: Optional[str]) -> Optional["Region"]:
    """The Region of a wire name; None for a name this library does not know (or none)."""
    try:
        return None if raw is None else Region(raw)
    except ValueError:
        return None


class RoomStatus(_OpenEnum):
    UNKNOWN = "unknown"
    SCHEDULING = "scheduling"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DESTROYED = "destroyed"


class RoomReadyStatus(_OpenEnum):
    UNKNOWN = "unknown"
    STARTING = "starting"
    ACTIVE = "active"


class TransportType(_OpenEnum):
    UNKNOWN = "unknown"
    TCP = "tcp"
    UDP = "udp"
    TLS = "tls"


class DispatchMode(IntEnum):
    WORKER = 0  # callbacks (future completion) on a native worker thread
    POLL = 1  # only inside Client.poll(), on the thread that calls it


class LogLevel(IntEnum):
    """`HathoraLogLevel`: a handler receives lines at or below its level."""

    OFF = 0
    ERROR = 1
    WARN = 2
    INFO = 3
    DEBUG = 4


@dataclass(frozen=True)
class ExposedPort:
    transport_type: TransportType
    transport_type_raw: str
    port: int
    host: str
    name: str


@dataclass(frozen=True)
class ConnectionInfo:
    """CreateRoom, GetConnectionInfo, ResumeRoom and wait_until_active results."""

    room_id: str
    status: RoomReadyStatus
    status_raw: str
    process_id: Optional[str] = None  # GetConnectionInfo does not return it
    exposed_port: Optional[ExposedPort] = None  # present once the room is active
    additional_exposed_ports: List[ExposedPort] = field(default_factory=list)


@dataclass(frozen=True)
class RoomAllocation:
    room_allocation_id: str
    process_id: str
    scheduled_at: str  # ISO-8601 with offset
    unscheduled_at: Optional[str] = None  # None while current


@dataclass(frozen=True)
class Room:
    """GetRoomInfo's room, or an entry of a process's room list (then `allocations` is empty)."""

    app_id: str
    room_id: str
    status: RoomStatus
    status_raw: str
    room_config: Optional[str] = None
    current_allocation: Optional[RoomAllocation] = None
    allocations: List[RoomAllocation] = field(default_factory=list)


def _port(p) -> ExposedPort:
    return ExposedPort(
        TransportType(text(p.transport_type_raw)), text(p.transport_type_raw), p.port, text(p.host), text(p.name)
    )


def _allocation(a) -> RoomAllocation:
    return RoomAllocation(text(a.room_allocation_id), text(a.process_id), text(a.scheduled_at), text(a.unscheduled_at))


def connection_info_from(c) -> ConnectionInfo:
    """From a `HathoraConnectionInfo`, copying everything out of the native result."""
    return ConnectionInfo(
        room_id=text(c.room_id),
        status=RoomReadyStatus(text(c.status_raw)),
        status_raw=text(c.status_raw),
        process_id=text(c.process_id),
        exposed_port=_port(c.exposed_port.contents) if c.exposed_port else None,
        additional_exposed_ports=[_port(c.additional_exposed_ports[i]) for i in range(c.additional_exposed_ports_count)],
    )


def room_from(r) -> Room:
    """From a `HathoraRoom`, copying everything out of the native result."""
    return Room(
        app_id=text(r.app_id),
        room_id=text(r.room_id),
        status=RoomStatus(text(r.status_raw)),
        status_raw=text(r.status_raw),
        room_config=text(r.room_config),
        current_allocation=_allocation(r.current_allocation.contents) if r.current_allocation else None,
        allocations=[_allocation(r.allocations[i]) for i in range(r.allocations_count)],
    )


@dataclass(frozen=True)
class PingEndpoint:
    """DiscoveryV2's `PingEndpoints`: one region's UDP echo beacon. Also what `ping_regions`
    takes, to measure endpoints of your own (any region name)."""

    region_raw: str  # the wire name, e.g. "Sao_Paulo", or any name of your own
    host: str
    port: int

    @property
    def region(self) -> Optional[Region]:
        """The Region; None for a name this library does not know."""
        return _region(self.region_raw)


@dataclass(frozen=True)
class RegionPing:
    """One endpoint's round trips, measured by `ping_regions`."""

    region: Optional[Region]  # None for a region this library does not know (see region_raw)
    region_raw: str
    host: str
    port: int
    address: Optional[str]  # the address pinged; None when the host had none usable
    min_rtt: Optional[float]  # seconds; None when no round was answered (never 0 for silence)
    sent: int
    answered: int
    failure: Optional[str] = None  # why fewer datagrams than rounds went out


@dataclass(frozen=True)
class ServerContext:
    """Who and where this game-server process is, as the host that started it said (the
    HATHORA_* environment). Optional fields are None when the host did not set them. Read it
    with `ServerContext.from_environment()`; `Client(server_context=...)` takes its app id,
    base URL, process and process token."""

    process_id: str
    app_id: str
    region: Optional[Region]
    region_raw: Optional[str]
    rooms_per_process: Optional[int]
    initial_room_id: Optional[str]
    initial_room_config: Optional[str]
    default_port: Optional[int]
    hostname: Optional[str]
    deployment_id: Optional[str]
    build_tag: Optional[str]
    base_url: Optional[str]
    process_token: Optional[str] = field(default=None, repr=False)  # a secret: never printed

    @classmethod
    def from_environment(cls) -> "ServerContext":
        """Reads this process's HATHORA_* environment. Raises NotUnderHostError outside a
        game-server process, InvalidArgumentError naming a missing or malformed variable."""
        native = POINTER(HathoraServerContext)()
        code = lib.hathora_server_context(byref(native))
        if code != ResultCode.OK:
            raise error_for(code, last_error())
        try:
            return server_context_from(native.contents)
        finally:
            lib.hathora_server_context_free(native)


def ping_endpoint_from(e) -> PingEndpoint:
    """From a `HathoraPingEndpoint`, copying everything out of the native result."""
    return PingEndpoint(region_raw=text(e.region_raw), host=text(e.host), port=e.port)


def region_ping_from(p) -> RegionPing:
    """From a `HathoraRegionPing`, copying everything out of the native result."""
    return RegionPing(
        region=_region(text(p.region_raw)),
        region_raw=text(p.region_raw),
        host=text(p.host),
        port=p.port,
        address=text(p.address),
        min_rtt=p.min_rtt_ns[0] / 1e9 if p.min_rtt_ns else None,
        sent=p.sent,
        answered=p.answered,
        failure=text(p.failure),
    )


def server_context_from(c) -> ServerContext:
    """From a `HathoraServerContext`: 0 and NULL (not set) become None."""
    return ServerContext(
        process_id=text(c.process_id),
        app_id=text(c.app_id),
        region=_region(text(c.region_raw)),
        region_raw=text(c.region_raw),
        rooms_per_process=c.rooms_per_process or None,
        initial_room_id=text(c.initial_room_id),
        initial_room_config=text(c.initial_room_config),
        default_port=c.default_port or None,
        hostname=text(c.hostname),
        deployment_id=text(c.deployment_id),
        build_tag=text(c.build_tag),
        base_url=text(c.base_url),
        process_token=text(c.process_token),
    )
