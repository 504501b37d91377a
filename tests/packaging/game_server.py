#!/usr/bin/env python3
"""Checks the example game server (examples/game_server) from the outside, as players and the
host that starts it see it: started by hand with the environment hathora-rooms-server gives its
processes, against hathora-rooms-server in its simulated mode (rooms created there first, the
game server then serving their process).

Checks: a missing or malformed variable is named and exits 2; the process token is sent when
the host gives one, else HATHORA_DEV_TOKEN; a taken port exits 1; TCP and UDP
answers carry the right room id, config (quotes, newlines, control characters, non-ASCII, 10,000
characters) and process id; an empty request means the initial room; partial lines, CRLF and
pipelined lines; a connect-and-close (the host's readiness check) and a reset are survived; a
room placed after the start is found with exactly one refresh of the room list; an unknown room
is refused after exactly one refresh, a malformed id with none, a known room with none; a line
too long is refused and the connection closed; 200 TCP and 200 UDP clients at once; no CPU used
while idle; SIGTERM exits 0. With --valgrind, the game server runs under valgrind and its report
must show no error and no leak.

Usage: game_server.py --rooms-server BIN --game-server BIN [--valgrind]
Prints one line per case and ends with "N passed, M failed"; exits 1 when a case failed.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

APP_ID = "app-emulator"
TOKEN = "emulator-dev-token"
# Quotes, backslashes, newlines, a tab, control characters, non-ASCII of 2, 3 and 4 bytes.
TRICKY_CONFIG = '{"mode":"duel","note":"say \\"hi\\"\\n","map":"Zürich 東京 🎮"}\n\tline two \\ "\x01\x1f\x7f'
BIG_CONFIG = ("é\n\"\\\x02東🎮" * 1500)[:10000]


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class RoomsServer:
    """hathora-rooms-server in its simulated mode, on an ephemeral port."""

    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "--port", "0", "--quiet"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise Failure(f"hathora-rooms-server printed no URL: {self.url!r}")

    def api(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        req.add_header("Authorization", f"Bearer {TOKEN}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
            return json.loads(text) if text else None

    def create_room(self, config):
        body = {"region": "Frankfurt"}
        if config is not None:
            body["roomConfig"] = config
        return self.api("POST", f"/rooms/v2/{APP_ID}/create", body)

    def refreshes(self):
        """GetActiveRoomsForProcess requests the server has answered so far."""
        return self.api("GET", "/_emulator/stats")["byOperation"].get("GetActiveRoomsForProcess", 0)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def free_port():
    """A port free for TCP and UDP on IPv4 and IPv6 right now."""
    for _ in range(50):
        socks = []
        try:
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(tcp)
            tcp.bind(("0.0.0.0", 0))
            port = tcp.getsockname()[1]
            for family, kind, host in ((socket.AF_INET, socket.SOCK_DGRAM, "0.0.0.0"),
                                       (socket.AF_INET6, socket.SOCK_STREAM, "::"),
                                       (socket.AF_INET6, socket.SOCK_DGRAM, "::")):
                s = socket.socket(family, kind)
                socks.append(s)
                if family == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise Failure("no free port")


class GameServer:
    def __init__(self, binary, env, valgrind, workdir):
        self.err_path = os.path.join(workdir, f"game_server-{time.monotonic_ns()}.err")
        self.vg_log = self.err_path + ".valgrind"
        cmd = [binary]
        if valgrind:
            cmd = ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
                   "--error-exitcode=99", "--fair-sched=yes", f"--log-file={self.vg_log}"] + cmd
        self.valgrind = valgrind
        with open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)

    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure(f"did not exit within {timeout} s; stderr:\n{self.stderr()}")

    def wait_listening(self, port, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(self.proc.poll() is None, f"exited with {self.proc.returncode}:\n{self.stderr()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise Failure(f"not listening on {port} after {timeout} s:\n{self.stderr()}")

    def stop(self, timeout):
        """SIGTERM; returns the exit code (and checks valgrind's report)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.wait_exit(timeout)
        if self.valgrind:
            with open(self.vg_log, encoding="utf-8", errors="replace") as f:
                report = f.read()
            summary = [line.split("== ", 1)[-1] for line in report.splitlines()
                       if "ERROR SUMMARY" in line or "definitely lost" in line or "indirectly lost" in line]
            print("  valgrind: " + "; ".join(summary))
            check(rc != 99, f"valgrind found errors or leaks:\n{report}")
        return rc


def base_env(process_id, port, initial_room_id, url):
    """What hathora-rooms-server gives a process: a minimal base and the HATHORA_* variables."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": tempfile.gettempdir(),
        "LANG": "C.UTF-8",
        "HATHORA_PROCESS_ID": process_id,
        "HATHORA_APP_ID": APP_ID,
        "HATHORA_REGION": "Frankfurt",
        "HATHORA_ROOMS_PER_PROCESS": "4",
        "HATHORA_INITIAL_ROOM_ID": initial_room_id,
        "HATHORA_INITIAL_ROOM_CONFIG": TRICKY_CONFIG,
        "HATHORA_DEFAULT_PORT": str(port),
        "HATHORA_HOSTNAME": "localhost",
        "HATHORA_DEPLOYMENT_ID": "dep-test",
        "HATHORA_BUILD_TAG": "test",
        "HATHORA_BASE_URL": url,
        "HATHORA_DEV_TOKEN": TOKEN,
    }


# --- clients -------------------------------------------------------------------------------

def read_line(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            raise Failure(f"connection closed after {data!r}")
        data += chunk
    return data


def tcp_ask(port, payloads, answers, timeout):
    """Sends each payload (bytes, sent as they are), then reads `answers` lines."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        for p in payloads:
            s.sendall(p)
        buf = b""
        while buf.count(b"\n") < answers:
            chunk = s.recv(65536)
            check(chunk, f"connection closed after {buf!r}")
            buf += chunk
        return [json.loads(line) for line in buf.decode("utf-8").splitlines()]


def udp_ask(port, payload, timeout, family=socket.AF_INET, host="127.0.0.1"):
    """One datagram, one answer; resent a few times since UDP may drop (it does not on loopback)."""
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout / 3)
        for _ in range(3):
            s.sendto(payload, (host, port))
            try:
                data, _ = s.recvfrom(70000)
                check(data.endswith(b"\n") and data.count(b"\n") == 1, f"not one line: {data[:200]!r}")
                return json.loads(data.decode("utf-8"))
            except socket.timeout:
                continue
    raise Failure(f"no UDP answer to {payload[:50]!r}")


def expect_room(answer, room_id, config, process_id, what):
    want = {"roomId": room_id, "roomConfig": config, "processId": process_id}
    check(answer == want, f"{what}: got {json.dumps(answer)[:300]}, want {json.dumps(want)[:300]}")


def expect_error(answer, room_id, process_id, words, what):
    check(set(answer) == {"error", "roomId", "processId"}, f"{what}: not an error line: {answer}")
    check(answer["roomId"] == room_id and answer["processId"] == process_id,
          f"{what}: roomId/processId {answer['roomId']!r}/{answer['processId']!r}")
    check(words in answer["error"], f"{what}: error {answer['error']!r} lacks {words!r}")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


# --- the cases -----------------------------------------------------------------------------

class Suite:
    def __init__(self, args):
        self.args = args
        self.passed = 0
        self.failed = []
        self.timeout = 60 if args.valgrind else 20

    def case(self, name, fn, *a):
        try:
            fn(*a)
            self.passed += 1
            print(f"ok: {name}")
        except Exception as e:  # a crash of a case is its failure, with what happened
            self.failed.append(name)
            print(f"FAILED: {name}: {type(e).__name__}: {e}")
        sys.stdout.flush()


def environment_cases(suite, url, workdir):
    port = free_port()
    good = base_env("proc-env-test", port, "room1", url)
    cases = [(f"{name} unset", {name: None}, name) for name in
             ("HATHORA_PROCESS_ID", "HATHORA_APP_ID", "HATHORA_BASE_URL", "HATHORA_DEV_TOKEN",
              "HATHORA_DEFAULT_PORT")]
    cases += [(f"{name} empty", {name: ""}, name) for name in ("HATHORA_PROCESS_ID", "HATHORA_DEFAULT_PORT")]
    cases += [(f"HATHORA_DEFAULT_PORT={v!r}", {"HATHORA_DEFAULT_PORT": v}, "HATHORA_DEFAULT_PORT")
              for v in ("abc", "0", "65536", "12x", " 80", "-1", "99999999999999999999")]
    cases += [(f"HATHORA_ROOMS_PER_PROCESS={v!r}", {"HATHORA_ROOMS_PER_PROCESS": v}, "HATHORA_ROOMS_PER_PROCESS")
              for v in ("two", "0")]

    def refused(change, variable):
        env = {k: v for k, v in {**good, **change}.items() if v is not None}
        gs = GameServer(suite.args.game_server, env, False, workdir)
        rc = gs.wait_exit(suite.timeout)
        err = gs.stderr()
        check(rc == 2, f"exit {rc}, want 2; stderr: {err}")
        check(variable in err, f"stderr does not name {variable}: {err}")

    for name, change, variable in cases:
        suite.case(f"environment: {name} -> exit 2 naming it", refused, change, variable)

    def port_taken():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("0.0.0.0", port))
            s.listen()
            gs = GameServer(suite.args.game_server, good, False, workdir)
            rc = gs.wait_exit(suite.timeout)
            check(rc == 1 and f"port {port}" in gs.stderr(), f"exit {rc}; stderr: {gs.stderr()}")

    suite.case("a taken port -> exit 1 naming it", port_taken)


def token_cases(suite, rooms, workdir):
    """The token the game server sends: the process token the host gives, else HATHORA_DEV_TOKEN."""
    t = suite.timeout
    room = rooms.create_room('{"token":"process"}')
    pid, rid = room["processId"], room["roomId"]

    def serve(change):
        port = free_port()
        env = {k: v for k, v in {**base_env(pid, port, rid, rooms.url), **change}.items() if v is not None}
        gs = GameServer(suite.args.game_server, env, False, workdir)
        try:
            gs.wait_listening(port, t)
            return tcp_ask(port, [f"{rid}\n".encode()], 1, t)[0]
        finally:
            rc = gs.stop(t)
            check(rc == 0, f"exit {rc}: {gs.stderr()}")

    def process_token_alone():
        answer = serve({"HATHORA_DEV_TOKEN": None, "HATHORA_PROCESS_TOKEN": TOKEN})
        expect_room(answer, rid, '{"token":"process"}', pid, "with the process token alone")

    def process_token_wins():
        answer = serve({"HATHORA_PROCESS_TOKEN": "not-the-token"})
        expect_error(answer, rid, pid, "could not list this process's rooms", "a wrong process token, a right dev token")

    suite.case("HATHORA_PROCESS_TOKEN alone (no HATHORA_DEV_TOKEN): serves its rooms", process_token_alone)
    suite.case("the process token is sent, not HATHORA_DEV_TOKEN", process_token_wins)


def serving_cases(suite, rooms, workdir):
    t = suite.timeout
    a = rooms.create_room(TRICKY_CONFIG)
    b = rooms.create_room(None)
    c = rooms.create_room(BIG_CONFIG)
    pid = a["processId"]
    if not (b["processId"] == pid == c["processId"]):
        raise Failure(f"setup: rooms on different processes: {a}, {b}, {c}")
    A, B, C = a["roomId"], b["roomId"], c["roomId"]
    for attempt in range(3):  # another program may take the free port before the game server does
        port = free_port()
        gs = GameServer(suite.args.game_server, base_env(pid, port, A, rooms.url), suite.args.valgrind, workdir)
        try:
            gs.wait_listening(port, t)
            break
        except Failure:
            if gs.wait_exit(t) != 1 or "in use" not in gs.stderr() or attempt == 2:
                raise
    try:
        _serving_cases(suite, rooms, gs, port, pid, A, B, C)
    except BaseException:
        if gs.proc.poll() is None:
            gs.proc.kill()
            gs.proc.wait()
        raise

    def sigterm():
        rc = gs.stop(t)  # the last case may have sent it already
        check(rc == 0, f"exit {rc}")
        check("game_server: stopped" in gs.stderr(), "no 'stopped' line")

    suite.case("SIGTERM -> exit 0, 'stopped' logged" + (", valgrind clean" if suite.args.valgrind else ""),
               sigterm)
    print("  game server's log:\n    " + gs.stderr().strip().replace("\n", "\n    "))


def _serving_cases(suite, rooms, gs, port, pid, A, B, C):
    t = suite.timeout

    def readiness_checks():
        for _ in range(20):
            socket.create_connection(("127.0.0.1", port), timeout=t).close()
        for _ in range(5):  # closed with a reset instead of a FIN
            s = socket.create_connection(("127.0.0.1", port), timeout=t)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        for _ in range(5):  # a request, then gone before the answer
            s = socket.create_connection(("127.0.0.1", port), timeout=t)
            s.sendall(f"{B}\n".encode())
            s.close()
        expect_room(tcp_ask(port, [f"{A}\n".encode()], 1, t)[0], A, TRICKY_CONFIG, pid, "after them")
        check(gs.proc.poll() is None, "the game server exited")

    suite.case("survives 20 connect-and-close (readiness checks), 5 resets, 5 hang-ups", readiness_checks)
    before = rooms.refreshes()

    def tcp_rooms():
        for room, config in ((A, TRICKY_CONFIG), (B, None), (C, BIG_CONFIG)):
            expect_room(tcp_ask(port, [f"{room}\n".encode()], 1, t)[0], room, config, pid, f"TCP {room}")
        expect_room(tcp_ask(port, [b"\n"], 1, t)[0], A, TRICKY_CONFIG, pid, "TCP empty line")
        expect_room(tcp_ask(port, [f"{B}\r\n".encode()], 1, t)[0], B, None, pid, "TCP CRLF")

    suite.case("TCP: room id, config (quotes, newlines, control chars, UTF-8; none; 10,000 chars), process id",
               tcp_rooms)

    def tcp_framing():
        got = tcp_ask(port, [f"{A}\n{B}\n\n{C}\n".encode()], 4, t)
        for answer, (room, config) in zip(got, ((A, TRICKY_CONFIG), (B, None), (A, TRICKY_CONFIG), (C, BIG_CONFIG))):
            expect_room(answer, room, config, pid, "pipelined, in order")
        dribble = [bytes([ch]) for ch in f"{B}\n".encode()]
        with socket.create_connection(("127.0.0.1", port), timeout=t) as s:
            for piece in dribble:  # one byte per segment
                s.sendall(piece)
                time.sleep(0.01)
            expect_room(json.loads(read_line(s)), B, None, pid, "a line a byte at a time")
            s.sendall(A.encode())
            s.shutdown(socket.SHUT_WR)  # a last line without newline, then end of input
            expect_room(json.loads(read_line(s)), A, TRICKY_CONFIG, pid, "unterminated last line")
            check(s.recv(10) == b"", "the connection stays open after end of input")

    suite.case("TCP: pipelined lines in order, a line a byte at a time, a last line without newline",
               tcp_framing)

    def udp_rooms():
        for room, config in ((A, TRICKY_CONFIG), (B, None), (C, BIG_CONFIG)):
            expect_room(udp_ask(port, room.encode(), t), room, config, pid, f"UDP {room}")
            expect_room(udp_ask(port, f"{room}\n".encode(), t), room, config, pid, f"UDP {room}\\n")
        expect_room(udp_ask(port, b"", t), A, TRICKY_CONFIG, pid, "UDP empty datagram")
        expect_room(udp_ask(port, b"\r\n", t), A, TRICKY_CONFIG, pid, "UDP CRLF only")
        if socket.has_ipv6:
            expect_room(udp_ask(port, B.encode(), t, socket.AF_INET6, "::1"), B, None, pid, "UDP over IPv6")

    suite.case("UDP: same answers (with and without newline, empty = initial room, IPv6)", udp_rooms)
    suite.case("known rooms never call the API", lambda: check(
        rooms.refreshes() == before, f"{rooms.refreshes() - before} refreshes for known rooms"))

    def unknown_room():
        for ask in (lambda p: tcp_ask(port, [p + b"\n"], 1, t)[0], lambda p: udp_ask(port, p, t)):
            n = rooms.refreshes()
            expect_error(ask(b"no-such-room"), "no-such-room", pid, "not in this process", "unknown room")
            check(rooms.refreshes() == n + 1, f"{rooms.refreshes() - n} refreshes, want 1")

    suite.case("unknown room: refused after exactly one refresh (TCP, UDP)", unknown_room)

    def malformed():
        n = rooms.refreshes()
        for payload in (b"bad id!", b"x" * 101, "Zürich".encode(), b"a\x00b"):
            expect_error(tcp_ask(port, [payload + b"\n"], 1, t)[0], None, pid, "not a room id", repr(payload))
            expect_error(udp_ask(port, payload, t), None, pid, "not a room id", repr(payload))
        check(rooms.refreshes() == n, "a malformed id called the API")

    suite.case("malformed room ids refused without calling the API", malformed)

    def placed_later():
        d = rooms.create_room('{"late":true}')
        check(d["processId"] == pid, f"setup: room placed on another process: {d}")
        n = rooms.refreshes()
        expect_room(tcp_ask(port, [f"{d['roomId']}\n".encode()], 1, t)[0], d["roomId"], '{"late":true}', pid,
                    "TCP, room placed after the start")
        expect_room(udp_ask(port, d["roomId"].encode(), t), d["roomId"], '{"late":true}', pid, "then UDP")
        check(rooms.refreshes() == n + 1, f"{rooms.refreshes() - n} refreshes, want 1")

    suite.case("a room placed after the start is found with one refresh", placed_later)

    def too_long():
        with socket.create_connection(("127.0.0.1", port), timeout=t) as s:
            s.sendall(b"y" * 300)
            expect_error(json.loads(read_line(s)), None, pid, "line too long", "300 bytes without newline")
            check(s.recv(10) == b"", "the connection stays open")

    suite.case("a line over 255 bytes: refused, connection closed", too_long)

    def many_clients():
        errors = []
        answers = {"tcp": 0, "udp": 0}
        lock = threading.Lock()

        def one(i):
            room, config = ((A, TRICKY_CONFIG), (B, None))[i % 2]
            try:
                if i % 4 < 2:
                    expect_room(tcp_ask(port, [f"{room}\n".encode()], 1, t)[0], room, config, pid, f"client {i}")
                    kind = "tcp"
                else:
                    expect_room(udp_ask(port, room.encode(), t), room, config, pid, f"client {i}")
                    kind = "udp"
                with lock:
                    answers[kind] += 1
            except Exception as e:
                with lock:
                    errors.append(f"client {i}: {e}")

        # Connections held open at once: all connect first, then all ask.
        held = [socket.create_connection(("127.0.0.1", port), timeout=t) for _ in range(200)]
        for s in held:
            s.sendall(f"{A}\n".encode())
        for s in held:
            expect_room(json.loads(read_line(s)), A, TRICKY_CONFIG, pid, "one of 200 open connections")
            s.close()
        threads = [threading.Thread(target=one, args=(i,)) for i in range(400)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        check(not errors, f"{len(errors)} failed: {errors[:3]}")
        check(answers == {"tcp": 200, "udp": 200}, f"answers {answers}")

    suite.case("200 connections open at once; then 200 TCP and 200 UDP clients in parallel", many_clients)

    def api_failing():
        rooms.api("POST", "/_emulator/faults", {"status": 503, "count": 20})
        try:
            expect_error(tcp_ask(port, [b"not-here-either\n"], 1, t)[0], "not-here-either", pid,
                         "could not list this process's rooms", "API answering 503")
        finally:
            rooms.api("DELETE", "/_emulator/faults")
        expect_room(tcp_ask(port, [f"{B}\n".encode()], 1, t)[0], B, None, pid, "afterwards")

    suite.case("the API failing: a waiting request gets an error that says so", api_failing)

    if not suite.args.valgrind:
        def idle():
            start = cpu_ticks(gs.proc.pid)
            time.sleep(2)
            used = cpu_ticks(gs.proc.pid) - start
            hz = os.sysconf("SC_CLK_TCK")
            check(used <= hz // 10, f"{used} clock ticks of CPU in 2 s idle (at {hz} per second)")

        suite.case("idle: no CPU used over 2 s (no busy loop)", idle)

    def refresh_in_flight():
        # The SIGTERM that ends this game server then arrives while the list is on its way: the
        # client is freed with the call in flight, and its result freed too (valgrind).
        rooms.api("POST", "/_emulator/faults", {"latencyMs": 3000})
        n = rooms.refreshes()
        s = socket.create_connection(("127.0.0.1", port), timeout=t)
        s.sendall(b"wanted-during-shutdown\n")
        deadline = time.monotonic() + t
        while rooms.refreshes() == n and time.monotonic() < deadline:
            time.sleep(0.02)
        check(rooms.refreshes() == n + 1, "no refresh started")
        gs.proc.send_signal(signal.SIGTERM)
        s.settimeout(t)
        check(s.recv(10) == b"", "the waiting connection was answered or left open")
        s.close()
        rooms.api("DELETE", "/_emulator/faults")

    suite.case("SIGTERM while a refresh is in flight: the waiting client is closed", refresh_in_flight)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms-server", required=True)
    parser.add_argument("--game-server", required=True)
    parser.add_argument("--valgrind", action="store_true")
    args = parser.parse_args()
    suite = Suite(args)
    with tempfile.TemporaryDirectory() as workdir:
        rooms = RoomsServer(args.rooms_server)
        try:
            if not args.valgrind:
                environment_cases(suite, rooms.url, workdir)
            serving_cases(suite, rooms, workdir)
            if not args.valgrind:
                # After the serving cases: its room must not fill their process.
                token_cases(suite, rooms, workdir)
        except Failure as e:
            suite.failed.append(f"setup: {e}")
            print(f"FAILED: setup: {e}")
        finally:
            rooms.stop()
    print()
    for name in suite.failed:
        print(f"failed case: {name}")
    print(f"{suite.passed} passed, {len(suite.failed)} failed")
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())
