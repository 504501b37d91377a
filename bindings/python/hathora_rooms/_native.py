"""Loads the native library and declares the C ABI of hathora_rooms.h for ctypes."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int32,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_uint8,
    c_void_p,
)
from pathlib import Path

if sys.platform == "win32":
    _FILE_NAMES = ["hathora_rooms.dll"]
elif sys.platform == "darwin":
    _FILE_NAMES = ["libhathora_rooms.dylib"]
else:
    _FILE_NAMES = ["libhathora_rooms.so"]


def _candidates() -> list[str]:
    """Where the library may be, most specific first. HATHORA_ROOMS_LIB, when set, is the only
    candidate: an explicit choice must not fall back silently to another copy."""
    env = os.environ.get("HATHORA_ROOMS_LIB")
    if env:
        return [env]
    here = Path(__file__).resolve().parent
    found = [str(here / name) for name in _FILE_NAMES]  # bundled by the wheel (setup.py)
    found += _FILE_NAMES  # the platform's search path (LD_LIBRARY_PATH, rpath, ...)
    system = ctypes.util.find_library("hathora_rooms")
    if system:
        found.append(system)
    return found


#: The path the native library was loaded from (set on import).
library_path: str = ""


def _load() -> ctypes.CDLL:
    global library_path
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
            continue
        library_path = path
        return lib
    if os.environ.get("HATHORA_ROOMS_LIB"):
        hint = "HATHORA_ROOMS_LIB names a file that does not load"
    else:
        hint = (
            "install the package with `pip install ./bindings/python` (it bundles the library), "
            f"or set HATHORA_ROOMS_LIB to the path of {_FILE_NAMES[0]}"
        )
    raise ImportError(f"hathora_rooms: native library not found; {hint}. Tried:\n  " + "\n  ".join(errors))


class HathoraExposedPort(Structure):
    _fields_ = [
        ("transport_type", c_uint32),
        ("transport_type_raw", c_char_p),
        ("port", c_uint32),
        ("host", c_char_p),
        ("name", c_char_p),
    ]


class HathoraConnectionInfo(Structure):
    _fields_ = [
        ("room_id", c_char_p),
        ("process_id", c_char_p),
        ("status", c_uint32),
        ("status_raw", c_char_p),
        ("exposed_port", POINTER(HathoraExposedPort)),
        ("additional_exposed_ports", POINTER(HathoraExposedPort)),
        ("additional_exposed_ports_count", c_size_t),
    ]


class HathoraRoomAllocation(Structure):
    _fields_ = [
        ("room_allocation_id", c_char_p),
        ("process_id", c_char_p),
        ("scheduled_at", c_char_p),
        ("unscheduled_at", c_char_p),
    ]


class HathoraRoom(Structure):
    _fields_ = [
        ("app_id", c_char_p),
        ("room_id", c_char_p),
        ("status", c_uint32),
        ("status_raw", c_char_p),
        ("room_config", c_char_p),
        ("current_allocation", POINTER(HathoraRoomAllocation)),
        ("allocations", POINTER(HathoraRoomAllocation)),
        ("allocations_count", c_size_t),
    ]


class HathoraCallOptions(Structure):
    """Build it with lib.hathora_call_options_init(): the version and defaults are native."""

    _fields_ = [
        ("version", c_uint32),
        ("app_id", c_char_p),
        ("timeout_ms", c_uint32),
        ("max_retries", c_int32),
        ("connect_timeout_ms", c_uint32),
    ]


class HathoraCreateRoomParams(Structure):
    """Build it with lib.hathora_create_room_params_init(): the version and defaults are native."""

    _fields_ = [
        ("version", c_uint32),
        ("region", c_uint32),
        ("region_name", c_char_p),
        ("room_id", c_char_p),
        ("room_config", c_char_p),
        ("deployment_id", c_char_p),
        ("client_ips", POINTER(c_char_p)),
        ("client_ips_count", c_size_t),
    ]


class HathoraPingEndpoint(Structure):
    _fields_ = [
        ("region", c_uint32),
        ("region_raw", c_char_p),
        ("host", c_char_p),
        ("port", c_uint16),
    ]


class HathoraRegionPing(Structure):
    _fields_ = [
        ("region", c_uint32),
        ("region_raw", c_char_p),
        ("host", c_char_p),
        ("port", c_uint16),
        ("address", c_char_p),
        ("min_rtt_ns", POINTER(c_uint64)),
        ("sent", c_uint32),
        ("answered", c_uint32),
        ("failure", c_char_p),
    ]


class HathoraServerContext(Structure):
    """Read by hathora_server_context; also filled in here for hathora_config_apply_server_context."""

    _fields_ = [
        ("process_id", c_char_p),
        ("app_id", c_char_p),
        ("region", c_uint32),
        ("region_raw", c_char_p),
        ("rooms_per_process", c_uint32),
        ("initial_room_id", c_char_p),
        ("initial_room_config", c_char_p),
        ("default_port", c_uint16),
        ("hostname", c_char_p),
        ("deployment_id", c_char_p),
        ("build_tag", c_char_p),
        ("base_url", c_char_p),
        ("process_token", c_char_p),
    ]


class HathoraPingTarget(Structure):
    _fields_ = [
        ("region", c_uint32),
        ("region_name", c_char_p),
        ("host", c_char_p),
        ("port", c_uint16),
    ]


class HathoraPingOptions(Structure):
    """Build it with lib.hathora_ping_options_init(): the version and defaults are native."""

    _fields_ = [
        ("version", c_uint32),
        ("rounds", c_uint32),
        ("timeout_ms", c_uint32),
        ("lookup_timeout_ms", c_uint32),
        ("targets", POINTER(HathoraPingTarget)),
        ("targets_count", c_size_t),
    ]


# Opaque handles travel as void pointers.
Client = c_void_p
Config = c_void_p
Result = c_void_p
Options = POINTER(HathoraCallOptions)
CALLBACK = CFUNCTYPE(None, c_void_p, c_uint64, c_void_p)
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_uint32, c_char_p)

_OUT_RESULT = POINTER(c_void_p)
_OUT_ID = POINTER(c_uint64)

# Arguments after the client of each operation's blocking form; the async form replaces the
# trailing out_result with (callback, user_data, out_request_id).
OPERATIONS = {
    "create_room": [POINTER(HathoraCreateRoomParams), Options],
    "get_room_info": [c_char_p, Options],
    "get_active_rooms_for_process": [c_char_p, Options],
    "get_inactive_rooms_for_process": [c_char_p, Options],
    "get_connection_info": [c_char_p, Options],
    "update_room_config": [c_char_p, c_char_p, Options],
    "destroy_room": [c_char_p, Options],
    "suspend_room_v2_deprecated": [c_char_p, Options],
    "resume_room": [c_char_p, Options],
    "wait_until_active": [c_char_p, c_uint32, Options],
    "get_rooms_of_this_process": [Options],
    "get_ping_service_endpoints": [Options],
    "ping_regions": [POINTER(HathoraPingOptions), Options],
}

_SIGNATURES = {
    "hathora_version": ([], c_char_p),
    "hathora_result_code_to_string": ([c_uint32], c_char_p),
    "hathora_last_error_message": ([], c_char_p),
    "hathora_region_name": ([c_uint32], c_char_p),
    "hathora_set_log_callback": ([LOG_CALLBACK, c_void_p, c_uint32], c_uint32),
    "hathora_call_options_init": ([], HathoraCallOptions),
    "hathora_create_room_params_init": ([], HathoraCreateRoomParams),
    "hathora_ping_options_init": ([], HathoraPingOptions),
    "hathora_server_context": ([POINTER(POINTER(HathoraServerContext))], c_uint32),
    "hathora_server_context_free": ([POINTER(HathoraServerContext)], None),
    "hathora_config_apply_server_context": ([Config, POINTER(HathoraServerContext)], c_uint32),
    "hathora_config_new": ([], Config),
    "hathora_config_free": ([Config], None),
    "hathora_config_set_app_id": ([Config, c_char_p], c_uint32),
    "hathora_config_set_dev_token": ([Config, c_char_p], c_uint32),
    "hathora_config_set_base_url": ([Config, c_char_p], c_uint32),
    "hathora_config_set_timeout_ms": ([Config, c_uint32], c_uint32),
    "hathora_config_set_connect_timeout_ms": ([Config, c_uint32], c_uint32),
    "hathora_config_set_max_retries": ([Config, c_uint32], c_uint32),
    "hathora_config_set_initial_backoff_ms": ([Config, c_uint32], c_uint32),
    "hathora_config_set_max_backoff_ms": ([Config, c_uint32], c_uint32),
    "hathora_config_set_min_workers": ([Config, c_uint32], c_uint32),
    "hathora_config_set_max_workers": ([Config, c_uint32], c_uint32),
    "hathora_config_set_worker_idle_ms": ([Config, c_uint32], c_uint32),
    "hathora_config_set_dispatch_mode": ([Config, c_uint32], c_uint32),
    "hathora_config_set_queue_capacity": ([Config, c_uint32], c_uint32),
    "hathora_config_set_allow_insecure_http": ([Config, c_bool], c_uint32),
    "hathora_config_add_ca_pem": ([Config, POINTER(c_uint8), c_size_t], c_uint32),
    "hathora_config_add_ca_file": ([Config, c_char_p], c_uint32),
    "hathora_config_set_builtin_roots": ([Config, c_bool], c_uint32),
    "hathora_client_new": ([Config, POINTER(c_void_p)], c_uint32),
    "hathora_client_free": ([Client], None),
    "hathora_client_poll": ([Client, c_size_t], c_size_t),
    "hathora_client_cancel": ([Client, c_uint64], c_uint32),
    "hathora_client_pending": ([Client], c_size_t),
    "hathora_result_free": ([Result], None),
    "hathora_result_code": ([Result], c_uint32),
    "hathora_result_http_status": ([Result], c_uint16),
    "hathora_result_message": ([Result], c_char_p),
    "hathora_result_body": ([Result], c_void_p),  # read with body_len: may hold any bytes
    "hathora_result_body_len": ([Result], c_size_t),
    "hathora_result_request_id": ([Result], c_uint64),
    "hathora_result_attempts": ([Result], c_uint32),
    "hathora_result_connection_info": ([Result, POINTER(POINTER(HathoraConnectionInfo))], c_uint32),
    "hathora_result_room": ([Result, POINTER(POINTER(HathoraRoom))], c_uint32),
    "hathora_result_room_count": ([Result, POINTER(c_size_t)], c_uint32),
    "hathora_result_room_at": ([Result, c_size_t, POINTER(POINTER(HathoraRoom))], c_uint32),
    "hathora_result_ping_endpoint_count": ([Result, POINTER(c_size_t)], c_uint32),
    "hathora_result_ping_endpoint_at": ([Result, c_size_t, POINTER(POINTER(HathoraPingEndpoint))], c_uint32),
    "hathora_result_region_ping_count": ([Result, POINTER(c_size_t)], c_uint32),
    "hathora_result_region_ping_at": ([Result, c_size_t, POINTER(POINTER(HathoraRegionPing))], c_uint32),
}
for _op, _args in OPERATIONS.items():
    _SIGNATURES[f"hathora_{_op}"] = ([Client, *_args, _OUT_RESULT], c_uint32)
    _SIGNATURES[f"hathora_{_op}_async"] = ([Client, *_args, CALLBACK, c_void_p, _OUT_ID], c_uint32)

lib = _load()
for _name, (_argtypes, _restype) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.argtypes = _argtypes
    _fn.restype = _restype


def text(p: bytes | None) -> str | None:
    """A C string from the library as str (None stays None)."""
    return None if p is None else p.decode("utf-8", "replace")


def last_error() -> str:
    return text(lib.hathora_last_error_message()) or ""
