"""Prints, as JSON, what the Python package declares of the C ABI: every function's argument and
return types, every mirrored struct's fields, the enums, and which HathoraCallOptions /
HathoraCreateRoomParams / HathoraPingOptions / HathoraPingTarget fields the client fills in. tests/binding_drift compares it with the
header. The native library is not loaded: ctypes.CDLL is replaced by a stand-in that records the
declarations, so the check is about the Python source, whatever library is built."""

import ctypes
import enum
import json
import os
import sys


class _FakeFunction:
    argtypes = None
    restype = None

    def __call__(self, *args):
        # An _init() function returns its zeroed struct; the rest return nothing.
        if isinstance(self.restype, type) and issubclass(self.restype, ctypes.Structure):
            return self.restype()
        return None


class _FakeLibrary:
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        fn = _FakeFunction()
        setattr(self, name, fn)
        return fn


ctypes.CDLL = lambda *a, **k: _FakeLibrary()
ctypes.cdll.LoadLibrary = lambda *a, **k: _FakeLibrary()
os.environ.setdefault("HATHORA_ROOMS_LIB", "stand-in-for-the-native-library")
sys.path.insert(0, sys.argv[1])

from hathora_rooms import _native, client, errors, models  # noqa: E402


def canon(t):
    """A ctypes type as the test's canonical C type text."""
    if t is None:
        return "void"
    if t is ctypes.c_char_p:
        return "ptr(char)"
    if t is ctypes.c_void_p:
        return "ptr(void)"
    if t is ctypes.c_bool:
        return "bool"
    if isinstance(t, type) and issubclass(t, ctypes._SimpleCData) and t._type_ in "bBhHiIlLqQ":
        return ("i" if t._type_.islower() else "u") + str(8 * ctypes.sizeof(t))
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        return "ptr(%s)" % canon(t._type_)
    if isinstance(t, type) and issubclass(t, ctypes.Structure):
        return t.__name__
    if isinstance(t, type) and issubclass(t, ctypes._CFuncPtr):
        return "fn(%s)->%s" % (",".join(canon(a) for a in t._argtypes_), canon(t._restype_))
    return "unknown(%r)" % (t,)


def filled_fields(build, baseline):
    """Fields of the struct `build()` returns that differ from `baseline`."""
    made = build()
    return [name for name, _ in type(made)._fields_ if _value(getattr(made, name)) != _value(getattr(baseline, name))]


def _value(v):
    return ctypes.addressof(v.contents) if isinstance(v, ctypes._Pointer) and v else v


structs = {
    name: [[field, canon(ctype)] for field, ctype in cls._fields_]
    for name, cls in vars(_native).items()
    if isinstance(cls, type) and issubclass(cls, ctypes.Structure) and cls is not ctypes.Structure
}
functions = {name: {"args": [canon(a) for a in args], "ret": canon(ret)} for name, (args, ret) in _native._SIGNATURES.items()}

enums = {}
for module in (errors, models):
    for name, cls in vars(module).items():
        if isinstance(cls, type) and issubclass(cls, enum.Enum) and cls.__module__ == module.__name__:
            enums[name] = {m.name: m.value for m in cls}

# Which HathoraCallOptions fields each per-call keyword fills in.
empty = _native.HathoraCallOptions()
samples = {"app_id": "app-x", "request_timeout": 1.0, "connect_timeout": 1.0, "max_retries": 1}
import inspect  # noqa: E402

call_option_keywords = {}
for kw in inspect.signature(client.Client._options).parameters:
    value = samples.get(kw, 1)
    call_option_keywords[kw] = filled_fields(lambda: client.Client._options(**{kw: value}), empty)

(params_ref,) = client.Client._create_args("Tokyo", "{}", "room-1", "dep-1", ["1.2.3.4"])
params = params_ref._obj
create_params_filled = [
    name for name, _ in type(params)._fields_ if _value(getattr(params, name)) != _value(getattr(_native.HathoraCreateRoomParams(), name))
]

(ping_ref,) = client.Client._ping_args([("Tokyo", "h", 9)], 2, 1.0, 1.0)
ping = ping_ref._obj
ping_filled = [
    name for name, _ in type(ping)._fields_ if _value(getattr(ping, name)) != _value(getattr(_native.HathoraPingOptions(), name))
]
target = ping.targets[0]
target_filled = [
    name for name, _ in type(target)._fields_ if _value(getattr(target, name)) != _value(getattr(_native.HathoraPingTarget(), name))
]

json.dump(
    {
        "functions": functions,
        "structs": structs,
        "enums": enums,
        "call_option_keywords": call_option_keywords,
        "create_params_filled": create_params_filled,
        "ping_options_filled": ping_filled,
        "ping_target_filled": target_filled,
    },
    sys.stdout,
    sort_keys=True,
)
