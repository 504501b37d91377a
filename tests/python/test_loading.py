"""Where the native library comes from: the copy bundled in the package, unless HATHORA_ROOMS_LIB
names another, in which case that file and no other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hathora_rooms as hr
from conftest import INSTALLED

PACKAGE_DIR = Path(hr.__file__).resolve().parent


def _import_in_subprocess(lib: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HATHORA_ROOMS_LIB"}
    if lib is not None:
        env["HATHORA_ROOMS_LIB"] = lib
    # The same sys.path as this process, so the same hathora_rooms is imported.
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    code = "import hathora_rooms._native as n; print(n.library_path)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not INSTALLED, reason="the source tree has no bundled library")
def test_installed_package_loads_its_bundled_library():
    run = _import_in_subprocess(None)
    assert run.returncode == 0, run.stderr
    loaded = Path(run.stdout.strip()).resolve()
    assert loaded.parent == PACKAGE_DIR, f"loaded {loaded}, not the copy in {PACKAGE_DIR}"


def test_hathora_rooms_lib_overrides(tmp_path):
    copy = tmp_path / Path(hr._native.library_path).name
    shutil.copy(hr._native.library_path, copy)
    run = _import_in_subprocess(str(copy))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(copy)


def test_a_wrong_hathora_rooms_lib_is_an_error_not_a_fallback(tmp_path):
    missing = tmp_path / "no-such-library.so"
    run = _import_in_subprocess(str(missing))
    assert run.returncode != 0, f"imported with {missing}: {run.stdout}"
    assert "ImportError" in run.stderr and str(missing) in run.stderr, run.stderr
