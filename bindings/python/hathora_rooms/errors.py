"""Exceptions: one class per native result code, each carrying the code, the HTTP status, the
message and the raw response body."""

from __future__ import annotations

import builtins
import concurrent.futures
from enum import IntEnum


class ResultCode(IntEnum):
    """`HathoraResultCode`: the outcome class of every call."""

    OK = 0
    INVALID_ARGUMENT = 1
    API_ERROR = 2
    TRANSPORT_ERROR = 3
    TIMEOUT = 4
    DECODE_ERROR = 5
    CANCELLED = 6
    SHUT_DOWN = 7
    INTERNAL_ERROR = 8
    QUEUE_FULL = 9
    NOT_UNDER_HOST = 10


class HathoraError(Exception):
    """Base class of every error this package raises for a failed call."""

    def __init__(
        self,
        code: ResultCode,
        message: str,
        http_status: int = 0,
        body: str = "",
        request_id: int = 0,
        attempts: int = 0,
    ) -> None:
        super().__init__(f"{code.name.lower()}: {message}" + (f" (HTTP {http_status})" if http_status else ""))
        self.code = code
        self.message = message
        self.http_status = http_status
        self.body = body
        self.request_id = request_id
        self.attempts = attempts


class InvalidArgumentError(HathoraError, ValueError):
    """An argument was refused before anything was sent (None, not UTF-8, malformed...)."""


class ApiError(HathoraError):
    """The API answered with an error status; `http_status` and the API's `message` say which."""


class TransportError(HathoraError, ConnectionError):
    """The request could not be sent or its answer could not be read."""


class TimeoutError(HathoraError, builtins.TimeoutError):  # noqa: A001 - the package's own
    """The call's deadline passed (also: a room not active within wait_until_active's timeout)."""


class DecodeError(HathoraError):
    """A success status with a body that is not the expected JSON."""


class CancelledError(HathoraError, concurrent.futures.CancelledError):
    """The request was cancelled with `Client.cancel`."""


class ShutDownError(HathoraError):
    """The client was closed before the request completed."""


class InternalError(HathoraError):
    """A bug in the native library; please report it."""


class QueueFullError(HathoraError):
    """Too many asynchronous requests in flight; the request was refused."""


class NotUnderHostError(HathoraError):
    """`ServerContext.from_environment()` outside a game-server process: HATHORA_PROCESS_ID is not set."""


_BY_CODE = {
    ResultCode.INVALID_ARGUMENT: InvalidArgumentError,
    ResultCode.API_ERROR: ApiError,
    ResultCode.TRANSPORT_ERROR: TransportError,
    ResultCode.TIMEOUT: TimeoutError,
    ResultCode.DECODE_ERROR: DecodeError,
    ResultCode.CANCELLED: CancelledError,
    ResultCode.SHUT_DOWN: ShutDownError,
    ResultCode.INTERNAL_ERROR: InternalError,
    ResultCode.QUEUE_FULL: QueueFullError,
    ResultCode.NOT_UNDER_HOST: NotUnderHostError,
}


def error_for(code: int, message: str, **details) -> HathoraError:
    """The exception for a native result code (an unknown code is an InternalError)."""
    try:
        rc = ResultCode(code)
    except ValueError:
        return InternalError(ResultCode.INTERNAL_ERROR, f"unknown result code {code}: {message}", **details)
    return _BY_CODE.get(rc, InternalError)(rc, message, **details)
