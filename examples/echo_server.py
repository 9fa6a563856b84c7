"""A TCP echo server: a goroutine per connection, blocking-style code, one thread.

Go's canonical server shape: the accept loop starts a goroutine for each
connection, and each goroutine reads and writes as if it had the thread to
itself. A read with nothing to read parks only its goroutine on the
netpoller (``IO wait``), so a thousand idle connections cost a thousand
parked goroutines, not a thousand threads. Closing the listener ends the
accept loop with ``net.ErrClosed``, Go's way to stop a server.

``main`` starts the server on a free port of 127.0.0.1, runs three clients at
once, each sending its lines and reading the echo back, then stops it.
"""

from __future__ import annotations

import io

from gochan import Chan, WaitGroup, go, net, run


def handle(conn: net.Conn) -> None:
    with conn:
        while data := conn.read(4096):  # b"" once the client has closed its side
            conn.write(data)


def serve(ln: net.Listener) -> None:
    while True:
        try:
            conn = ln.accept()
        except net.ErrClosed:
            return  # the listener was closed: the server stops
        go(handle, conn)


def client(address: str, name: str, results: Chan[str]) -> None:
    with net.dial("tcp", address) as conn:
        lines = io.BufferedReader(conn)  # Go's bufio.Reader: readline() and iteration
        for i in range(3):
            conn.write(f"{name} line {i}\n".encode())
            results.send(lines.readline().decode().strip())


def main() -> None:
    ln = net.listen("tcp", "127.0.0.1:0")  # port 0: any free port
    go(serve, ln)
    results = Chan[str](9)
    wg = WaitGroup()
    for name in ("ann", "bob", "cid"):
        wg.go(client, str(ln.addr()), name, results)
    wg.wait()
    ln.close()
    results.close()
    for line in sorted(results):
        print(line)


if __name__ == "__main__":
    run(main)

# Output:
# ann line 0
# ann line 1
# ann line 2
# bob line 0
# bob line 1
# bob line 2
# cid line 0
# cid line 1
# cid line 2
