"""Hathora Cloud RoomsV2 for Python, over the native hathora_rooms library (ctypes).

    from hathora_rooms import Client, Region

    with Client("app-id", "dev-token") as client:
        room = client.create_room(Region.FRANKFURT, room_config='{"mode":"duel"}')
        info = client.wait_until_active(room.room_id, timeout=30)
        print(info.exposed_port.host, info.exposed_port.port)

The native library is found through HATHORA_ROOMS_LIB, next to this package, or the system's
library search path.
"""

from ._native import lib as _lib
from .client import Client, RequestFuture
from .errors import (
    ApiError,
    CancelledError,
    DecodeError,
    HathoraError,
    InternalError,
    InvalidArgumentError,
    NotUnderHostError,
    QueueFullError,
    ResultCode,
    ShutDownError,
    TimeoutError,
    TransportError,
)
from .log import set_log_handler
from .models import (
    ConnectionInfo,
    DispatchMode,
    ExposedPort,
    LogLevel,
    PingEndpoint,
    Region,
    RegionPing,
    Room,
    RoomAllocation,
    RoomReadyStatus,
    RoomStatus,
    ServerContext,
    TransportType,
)

__all__ = [
    "ApiError",
    "CancelledError",
    "Client",
    "ConnectionInfo",
    "DecodeError",
    "DispatchMode",
    "ExposedPort",
    "HathoraError",
    "InternalError",
    "InvalidArgumentError",
    "LogLevel",
    "NotUnderHostError",
    "PingEndpoint",
    "QueueFullError",
    "Region",
    "RegionPing",
    "RequestFuture",
    "ResultCode",
    "Room",
    "RoomAllocation",
    "RoomReadyStatus",
    "RoomStatus",
    "ServerContext",
    "ShutDownError",
    "TimeoutError",
    "TransportError",
    "TransportType",
    "native_version",
    "set_log_handler",
]


def native_version() -> str:
    """Version of the loaded native library, e.g. "0.1.0"."""
    return _lib.hathora_version().decode()
