"""The library's log lines (retries, refusals, resolutions) routed to a Python handler."""

from __future__ import annotations

import atexit
import threading
from typing import Callable, Optional

from . import _native as n
from ._native import lib, text
from .errors import error_for
from .models import LogLevel

Handler = Callable[[LogLevel, str], None]

_lock = threading.Lock()
_installed: Optional[object] = None  # the ctypes callback the library holds: kept alive here


def set_log_handler(handler: Optional[Handler], max_level: LogLevel = LogLevel.INFO) -> None:
    """Sends the library's lines up to `max_level` to `handler(level, line)`, process-wide; None
    (or LogLevel.OFF) removes it. The handler runs on the thread that logs, a native worker or
    the caller's, so it must be thread-safe; an exception it raises is dropped. Lines never
    contain the dev token. When this returns, the previous handler is no longer running."""
    global _installed
    callback = n.LOG_CALLBACK()  # NULL: removes the hook
    if handler is not None and max_level != LogLevel.OFF:

        @n.LOG_CALLBACK
        def callback(user_data, level, message):  # noqa: ANN001 - ctypes passes raw values
            try:
                handler(LogLevel(level), text(message) or "")
            except BaseException:  # never let an exception unwind into the library
                pass

    with _lock:
        code = lib.hathora_set_log_callback(callback, None, int(max_level))
        if code != 0:
            raise error_for(code, n.last_error())
        # Safe to drop the previous callback now: the library no longer runs it.
        _installed = callback if handler is not None and max_level != LogLevel.OFF else None


@atexit.register
def _remove_at_exit() -> None:
    # Native threads must not call into Python once the interpreter is finalising.
    if _installed is not None:
        lib.hathora_set_log_callback(n.LOG_CALLBACK(), None, int(LogLevel.OFF))
