"""Fixtures: one emulator per test session (binary from HATHORA_EMULATOR_BIN), the same binary
serving HTTPS with a certificate from a CA made for the session (tests/test_pki.sh), clients,
rooms, and the emulator's fault injection."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_ROOT = REPO_ROOT / "bindings" / "python"
# HATHORA_ROOMS_TEST_INSTALLED=1: test the package pip installed (with its bundled library), as
# CI does; otherwise the source tree with the library cargo built in this checkout.
INSTALLED = os.environ.get("HATHORA_ROOMS_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, str(PACKAGE_ROOT))

APP_ID = "app-emulator"
TOKEN = "emulator-dev-token"


def _built(name: str) -> str | None:
    """A file built by cargo in this checkout, for runs without the environment variables."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    for path in (target / "release" / name, target / "debug" / name):
        if path.exists():
            return str(path)
    return None


if not INSTALLED and "HATHORA_ROOMS_LIB" not in os.environ and _built("libhathora_rooms.so"):
    os.environ["HATHORA_ROOMS_LIB"] = _built("libhathora_rooms.so")

import hathora_rooms as hr  # noqa: E402

if INSTALLED and PACKAGE_ROOT in Path(hr.__file__).resolve().parents:
    raise RuntimeError(f"HATHORA_ROOMS_TEST_INSTALLED=1 but {hr.__file__} is the source tree")


def _start(command: list[str], what: str) -> tuple[subprocess.Popen, str]:
    """Starts a server that prints its URL as its first line; returns it and the URL."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    if not line or not line[0].startswith("http"):
        proc.kill()
        raise RuntimeError(f"{what} did not print its URL: {line!r}")
    return proc, line[0].strip()


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


class Emulator:
    def __init__(self, binary: str) -> None:
        self.proc, self.url = _start(
            [binary, "--port", "0", "--app-id", APP_ID, "--token", TOKEN, "--activation-delay-ms", "200", "--quiet"],
            "the emulator",
        )

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}/_emulator/{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else {}

    def fault(self, **spec) -> None:
        self.admin("POST", "faults", spec)

    def stop(self) -> None:
        _stop(self.proc)


class HttpsServer:
    """The rooms server (simulated rooms) serving HTTPS itself (--tls-cert, --tls-key): `url`,
    and `ca_file`, the certificate of the CA that signed its certificate (for 127.0.0.1 and
    localhost)."""

    def __init__(self, binary: str, directory: str) -> None:
        subprocess.run(["bash", str(REPO_ROOT / "tests" / "test_pki.sh"), directory], check=True)
        self.ca_file = os.path.join(directory, "ca.pem")
        self.proc, self.url = _start(
            [binary, "--port", "0", "--app-id", APP_ID, "--token", TOKEN, "--activation-delay-ms", "200", "--quiet",
             "--tls-cert", os.path.join(directory, "server.pem"), "--tls-key", os.path.join(directory, "server.key")],
            "the HTTPS rooms server",
        )

    def metric(self, series: str) -> float:
        """The sum of the /metrics series that start with `series` (read over HTTPS, trusting
        the CA: itself one completed TLS handshake)."""
        context = ssl.create_default_context(cafile=self.ca_file)
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10, context=context) as resp:
            text = resp.read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(series))


@pytest.fixture(scope="session")
def emulator():
    binary = os.environ.get("HATHORA_EMULATOR_BIN") or _built("hathora-rooms-server")
    if not binary:
        pytest.fail("set HATHORA_EMULATOR_BIN to the hathora-rooms-server binary")
    emu = Emulator(binary)
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def https_server():
    binary = os.environ.get("HATHORA_EMULATOR_BIN") or _built("hathora-rooms-server")
    if not binary:
        pytest.fail("set HATHORA_EMULATOR_BIN to the hathora-rooms-server binary")
    with tempfile.TemporaryDirectory() as directory:
        server = HttpsServer(binary, directory)
        yield server
        _stop(server.proc)


@pytest.fixture
def faults(emulator):
    """The emulator's fault injection, cleared after the test."""
    yield emulator.fault
    emulator.admin("DELETE", "faults")


@pytest.fixture
def make_client(emulator):
    """Builds clients against the emulator and closes them after the test."""
    made = []

    def make(**kw) -> hr.Client:
        kw.setdefault("base_url", emulator.url)
        kw.setdefault("dev_token", TOKEN)
        client = hr.Client(kw.pop("app_id", APP_ID), **kw)
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()


@pytest.fixture
def client(make_client) -> hr.Client:
    return make_client(max_retries=2, initial_backoff=0.01, max_backoff=0.05)


@pytest.fixture
def room(client) -> hr.ConnectionInfo:
    """A new active room, destroyed after the test if still there."""
    created = client.create_room(hr.Region.FRANKFURT, room_config='{"mode":"duel"}')
    client.wait_until_active(created.room_id, timeout=10)
    yield created
    try:
        client.destroy_room(created.room_id)
    except hr.HathoraError:
        pass


@pytest.fixture
def suspended_room(client, room) -> hr.ConnectionInfo:
    """A suspended room: it stays `starting`, so a wait on it never ends by itself."""
    client.suspend_room_v2_deprecated(room.room_id)
    return room
