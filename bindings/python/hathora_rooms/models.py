"""Enums and dataclasses of the RoomsV2 results, built from the native structured views."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import List, Optional

from ._native import lib, text


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
