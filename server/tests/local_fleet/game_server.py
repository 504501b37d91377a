"""A stand-in game server for the local fleet's tests, driven by its arguments:

  --env-dump PATH     write the environment it was started with (/proc/self/environ) as JSON
  --pid-file PATH     write its pid
  --delay SECONDS     sleep before listening
  --listen MODE       tcp (default), udp, udp-in-child (a forked child binds), none
  --will-listen PATH  just before binding, write time.monotonic() (CLOCK_MONOTONIC seconds)
  --listened PATH     after listening, write time.monotonic()
  --started PATH      first thing, write time.monotonic()
  --print-listening   after listening, print "listening on PORT"
  --print TEXT        write TEXT to stdout and TEXT to stderr (prefixed "stderr: ")
  --chatty BYTES      write about BYTES bytes of numbered lines, alternating stdout and stderr,
                      then "chatty done" on stdout
  --on-term ACTION    exit: print "got SIGTERM" and exit 0; ignore: print "ignored SIGTERM"
  --grandchild        fork a child that stays in the process group and sleeps
  --exit CODE         after listening, exit with CODE
Without --exit it serves until it is stopped (TCP: accepts and closes; UDP: echoes).
In the paths of --env-dump and --pid-file, {process_id} is replaced by HATHORA_PROCESS_ID.
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading
import time


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def out(text, fd=1):
    os.write(fd, (text + "\n").encode())


def serve_tcp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)

    def accept():
        while True:
            conn, _ = s.accept()
            conn.close()

    threading.Thread(target=accept, daemon=True).start()


def serve_udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))

    def echo():
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(data, peer)

    threading.Thread(target=echo, daemon=True).start()


def sleep_forever():
    while True:
        time.sleep(3600)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--env-dump")
    p.add_argument("--pid-file")
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--listen", default="tcp")
    p.add_argument("--will-listen")
    p.add_argument("--listened")
    p.add_argument("--started")
    p.add_argument("--print", dest="text")
    p.add_argument("--print-listening", action="store_true")
    p.add_argument("--chatty", type=int)
    p.add_argument("--on-term")
    p.add_argument("--grandchild", action="store_true")
    p.add_argument("--exit", type=int)
    a = p.parse_args()
    process_id = os.environ.get("HATHORA_PROCESS_ID", "")
    if a.env_dump:
        a.env_dump = a.env_dump.replace("{process_id}", process_id)
    if a.pid_file:
        a.pid_file = a.pid_file.replace("{process_id}", process_id)
    if a.started:
        write_file(a.started, repr(time.monotonic()))

    if a.env_dump:
        with open("/proc/self/environ", "rb") as f:
            pairs = [v.decode().split("=", 1) for v in f.read().split(b"\0") if v]
        write_file(a.env_dump, json.dumps(dict(pairs)))
    if a.pid_file:
        write_file(a.pid_file, str(os.getpid()))
    if a.on_term == "exit":
        def on_term(*_):
            out("got SIGTERM")
            os._exit(0)
        signal.signal(signal.SIGTERM, on_term)
    elif a.on_term == "ignore":
        signal.signal(signal.SIGTERM, lambda *_: out("ignored SIGTERM"))
    if a.text:
        out(a.text)
        out("stderr: " + a.text, 2)
    if a.chatty:
        line = 0
        written = 0
        while written < a.chatty:
            text = "line %08d %s %s\n" % (line, "out" if line % 2 == 0 else "err", "x" * 60)
            os.write(1 if line % 2 == 0 else 2, text.encode())
            written += len(text)
            line += 1
        out("chatty done")
    if a.grandchild and os.fork() == 0:
        sleep_forever()
    if a.delay:
        time.sleep(a.delay)

    port = int(os.environ["HATHORA_DEFAULT_PORT"])
    if a.will_listen:
        write_file(a.will_listen, repr(time.monotonic()))
    if a.listen == "tcp":
        serve_tcp(port)
    elif a.listen == "udp":
        serve_udp(port)
    elif a.listen == "udp-in-child":
        if os.fork() == 0:
            serve_udp(port)
            sleep_forever()
        time.sleep(0.2)  # the child binds; the listened mark below is written after
    if a.listened:
        write_file(a.listened, repr(time.monotonic()))
    if a.print_listening:
        out("listening on %d" % port)

    if a.exit is not None:
        sys.exit(a.exit)
    sleep_forever()


main()
