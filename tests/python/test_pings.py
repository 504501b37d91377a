"""DiscoveryV2 against a small scripted HTTP server, and region pings against UDP echo beacons."""

import concurrent.futures
import http.server
import json
import socket
import threading
import time

import pytest

import hathora_rooms as hr

T = 15  # seconds any future may take


class Beacon:
    """A UDP echo beacon on 127.0.0.1; silent drops every datagram."""

    def __init__(self, silent=False):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.silent = silent
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                data, src = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            self.received += 1
            if not self.silent:
                self.sock.sendto(data, src)

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def beacons():
    made = []

    def make(silent=False):
        b = Beacon(silent)
        made.append(b)
        return b

    yield make
    for b in made:
        b.close()


class Discovery:
    """Answers GET /discovery/v2/ping with `body`; records each request's path and headers."""

    def __init__(self, body):
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((self.path, dict(self.headers)))
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_discovery_sends_no_token_and_lists_endpoints(beacons):
    b = beacons()
    server = Discovery([{"region": "Chicago", "host": "127.0.0.1", "port": b.port}, {"region": "Europa", "host": "::1", "port": 9}])
    try:
        with hr.Client(dev_token="never-sent", base_url=server.url) as client:
            endpoints = client.get_ping_service_endpoints()
            assert endpoints == [hr.PingEndpoint("Chicago", "127.0.0.1", b.port), hr.PingEndpoint("Europa", "::1", 9)]
            assert endpoints[0].region is hr.Region.CHICAGO and endpoints[1].region is None
            assert client.get_ping_service_endpoints_async().result(T) == endpoints
        assert [p for p, _ in server.seen] == ["/discovery/v2/ping"] * 2
        assert all("Authorization" not in h and "authorization" not in h for _, h in server.seen)
    finally:
        server.close()


def test_ping_regions_measures_and_a_silent_region_has_no_rtt(beacons):
    loud, quiet = beacons(), beacons(silent=True)
    with hr.Client() as client:
        pings = client.ping_regions([("Chicago", "127.0.0.1", loud.port), ("home-lab", "127.0.0.1", quiet.port)], rounds=2, timeout=1.0)
        assert [(p.region, p.region_raw, p.sent, p.answered) for p in pings] == [
            (hr.Region.CHICAGO, "Chicago", 2, 2),
            (None, "home-lab", 2, 0),
        ]
        assert pings[0].min_rtt is not None and 0 < pings[0].min_rtt < 1.0
        assert pings[1].min_rtt is None and pings[1].failure is None
        assert pings[0].address == f"127.0.0.1:{loud.port}"


def test_ping_regions_async_from_discovery_and_cancel(beacons):
    b = beacons()
    server = Discovery([{"region": "Tokyo", "host": "127.0.0.1", "port": b.port}])
    try:
        with hr.Client(base_url=server.url) as client:
            pings = client.ping_regions_async(rounds=2).result(T)
            assert [(p.region, p.answered) for p in pings] == [(hr.Region.TOKYO, 2)]
            quiet = beacons(silent=True)
            future = client.ping_regions_async([hr.PingEndpoint("Tokyo", "127.0.0.1", quiet.port)], rounds=3, timeout=20)
            deadline = time.monotonic() + T
            while quiet.received == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            started = time.monotonic()
            assert future.cancel() and future.cancelled()
            with pytest.raises(concurrent.futures.CancelledError):
                future.result(T)
            # The native request ended too: nothing pending, long before the 60 s it would take.
            while client.pending and time.monotonic() - started < T:
                time.sleep(0.01)
            assert client.pending == 0 and time.monotonic() - started < 10
    finally:
        server.close()


def test_ping_regions_refuses_bad_options():
    with hr.Client() as client:
        for kwargs, word in [({"rounds": 101}, "rounds"), ({"timeout": 61}, "timeout")]:
            with pytest.raises(hr.InvalidArgumentError) as e:
                client.ping_regions([("Tokyo", "127.0.0.1", 9)], **kwargs)
            assert word in e.value.message
        with pytest.raises(hr.InvalidArgumentError):
            client.ping_regions([("Tokyo", "127.0.0.1", 0)])
