#!/usr/bin/env python3
"""An echo server's cost per message, in lockstep rounds: steady enough to compare versions.

    python bench/echo_rounds.py [--runtime gochan] [--conns 200] [--rounds 25] [--valgrind]

A server of ``bench/echo.py`` (``echo_servers.py``'s, by default gochan's: a
goroutine per connection) runs in a process of its own; this process opens
``--conns`` connections to it and, round after round, sends 64 bytes on each
and then reads every echo back, so each of the server's polls finds every
connection ready and none finds its next message before it has read the
last (the case of a peer slower than the server, any real network). It
prints the server's CPU time per message (user + system), or with
``--valgrind`` its machine instructions per message, counted by callgrind
(user space only: the system calls' own cost is left out). Each is the
difference between a run of 2 × ``--rounds`` rounds and one of
``--rounds``, over ``--conns`` × ``--rounds`` messages, so start-up cancels
out. Unlike ``bench/echo.py``'s Go client, which keeps every connection
busy as fast as the machine lets it, the count does not depend on the
load: use it to compare two versions (``GOCHAN_PATH=/other/checkout``, and
``GOCHAN_PURE_PYTHON=1`` for the Python build).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile

from netbench import HERE, cpu_seconds

MESSAGE = b"x" * 64


def serve_rounds(runtime: str, conns: int, rounds: int, valgrind: bool) -> float:
    """Instructions (``valgrind``) or CPU seconds of ``runtime``'s server through ``rounds`` rounds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        command = [sys.executable, str(HERE / "echo_servers.py"), runtime]
        if valgrind:
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command]
        server = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert server.stdout is not None
        assert server.stderr is not None
        try:
            port = int(server.stdout.readline().split()[1])  # "ready PORT"
            clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(conns)]
            for c in clients:
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for _ in range(rounds):
                for c in clients:
                    c.sendall(MESSAGE)
                for c in clients:
                    got = 0
                    while got < len(MESSAGE):
                        got += len(c.recv(65536))
            cpu = cpu_seconds(server.pid)
            for c in clients:
                c.close()
        finally:
            server.terminate()  # valgrind writes its counts as the server ends
            server.wait()
        if not valgrind:
            return cpu
        match = re.search(r"Collected : (\d+)", server.stderr.read())
        assert match, "valgrind printed no count"
        return float(match.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runtime", default="gochan", help="gochan, gevent, asyncio, trio or threads")
    ap.add_argument("--conns", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=25)
    ap.add_argument("--valgrind", action="store_true", help="count instructions (about 1 min)")
    args = ap.parse_args()
    one, two = (
        serve_rounds(args.runtime, args.conns, r, args.valgrind)
        for r in (args.rounds, 2 * args.rounds)
    )
    per_message = (two - one) / (args.conns * args.rounds)
    if args.valgrind:
        print(f"{per_message:,.0f} instructions per message")
    else:
        print(f"{per_message * 1e6:.2f} µs of CPU per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
