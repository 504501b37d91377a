"""Builds the native library with cargo and ships it inside the package.

`pip install ./bindings/python` and `pip wheel ./bindings/python` run `cargo build --release --lib`
in the checkout this directory belongs to (CARGO_TARGET_DIR is honoured) and copy the library
into `hathora_rooms/`. The wheel is tagged for this platform (py3-none-<platform>): it holds a
native library but no Python extension, so it fits every Python 3 on that platform.

Everything the build writes goes under cargo's target directory (target/python-build), not into
the source tree: setuptools' build/ and the .egg-info metadata included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

if sys.platform == "win32":
    LIBRARY = "hathora_rooms.dll"
elif sys.platform == "darwin":
    LIBRARY = "libhathora_rooms.dylib"
else:
    LIBRARY = "libhathora_rooms.so"


def _checkout() -> Path:
    """The repository root: two levels up, or HATHORA_ROOMS_SOURCE_DIR."""
    root = Path(os.environ.get("HATHORA_ROOMS_SOURCE_DIR") or HERE.parent.parent)
    if not (root / "Cargo.toml").is_file():
        raise SystemExit(
            f"hathora-rooms: no Cargo.toml in {root}. The package builds its native library from a "
            "checkout of hathora-rooms-native; install it from bindings/python of a checkout, or "
            "set HATHORA_ROOMS_SOURCE_DIR to the checkout."
        )
    return root


def _target() -> Path:
    """Cargo's target directory of the checkout (CARGO_TARGET_DIR, relative to the checkout)."""
    root = _checkout()
    target = Path(os.environ.get("CARGO_TARGET_DIR") or root / "target")
    return target if target.is_absolute() else root / target


def build_native_library() -> Path:
    root = _checkout()
    target = _target()
    cargo = os.environ.get("CARGO", "cargo")
    command = [cargo, "build", "--release", "--lib", "--manifest-path", str(root / "Cargo.toml")]
    print("hathora-rooms: " + " ".join(command), flush=True)
    try:
        subprocess.run(command, check=True, env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    except FileNotFoundError:
        raise SystemExit("hathora-rooms: cargo not found; install Rust (rustup) to build the native library")
    built = target / "release" / LIBRARY
    if not built.is_file():
        raise SystemExit(f"hathora-rooms: cargo finished but {built} is missing")
    return built


class BuildPyWithNativeLibrary(build_py):
    """The pure-Python files as usual, plus the freshly built native library next to them."""

    def run(self) -> None:
        super().run()
        self.copy_file(str(build_native_library()), str(Path(self.build_lib) / "hathora_rooms" / LIBRARY))


class NativeDistribution(Distribution):
    """Carries a native library: built per platform and installed into platlib."""

    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    """Platform-specific (it carries a native library), yet independent of the Python ABI."""

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", platform


BUILD_DIR = _target() / "python-build"
BUILD_DIR.mkdir(parents=True, exist_ok=True)  # egg_info wants its egg_base to exist

setup(
    distclass=NativeDistribution,
    cmdclass={"build_py": BuildPyWithNativeLibrary, "bdist_wheel": PlatformWheel},
    options={"build": {"build_base": str(BUILD_DIR / "build")}, "egg_info": {"egg_base": str(BUILD_DIR)}},
)
