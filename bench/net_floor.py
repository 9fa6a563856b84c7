#!/usr/bin/env python3
"""The floors under the network benchmarks: what a message or an exchange costs at the least.

    python bench/net_floor.py [-n 10000] [--repeat 5]

In one process, CPU microseconds per operation, best of ``--repeat``:

- **echo syscalls**: the three system calls every server of
  ``bench/echo.py`` makes per message, on a loopback TCP connection, no
  runtime: a
  ``recv`` that gets the message, the ``send`` of its echo and the
  ``recv`` that fails with ``EAGAIN`` (a ``BlockingIOError`` in Python).
  Only the share of ``epoll_wait`` and the runtime's own work come on top.
- **httptools exchange**: one keep-alive GET parsed by ``httptools``
  (llhttp, the parser ``gochan.http`` uses), its URL and header fields
  handed to callbacks that keep them, and a ready-made 13-byte answer, no
  socket: the least any server on httptools can cost.  The **h11
  exchange** beside it is the same through ``h11`` (the request's bytes
  in, two events out; the response, its body and its end in), the
  library ``gochan.http`` used before.
- **gochan.http server exchange**: the same exchange through
  ``gochan.http``'s server (its connection loop, ``Request``,
  ``ResponseWriter``, handler call), on a connection that hands out the
  request's bytes and swallows the answer: the parser's part plus gochan's.
- **client exchanges**: the other side, as
  ``bench/http_client_bench.py``'s ``gochan-http`` client makes it (a
  connection per GET, ``Connection: close``), the client's connections
  made by a ``Transport`` whose ``dial_context`` returns one that answers
  at once.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Callable

import common as C

C.use_checkout()

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n"
BODY = b"Hello, World!"


def tcp_pair() -> tuple[socket.socket, socket.socket]:
    """Two ends of a TCP connection on 127.0.0.1, non-blocking, Nagle off (as the servers')."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        b = socket.create_connection(listener.getsockname())
        a, _ = listener.accept()
    for end in (a, b):
        end.setblocking(False)
        end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return a, b


def echo_round_trips(n: int, eagain: bool) -> None:
    """``n`` messages from ``b`` to ``a`` and back; with ``eagain``, ``a``'s
    failing ``recv`` after each echo as well."""
    a, b = tcp_pair()
    message = b"x" * 64
    for _ in range(n):
        b.send(message)
        a.send(a.recv(65536))
        if eagain:
            try:  # noqa: SIM105 - contextlib.suppress would cost more than what is measured
                a.recv(65536)
            except BlockingIOError:
                pass
        b.recv(65536)
    a.close()
    b.close()


def echo_server_syscalls(n: int, repeat: int) -> float:
    """The server's share: half of a round trip's four calls (the server's ``recv``
    and ``send`` against the client's ``send`` and ``recv``), plus the failing ``recv``."""
    full = best_us(lambda k: echo_round_trips(k, True), n, repeat)
    plain = best_us(lambda k: echo_round_trips(k, False), n, repeat)
    return full - plain / 2


def h11_server_exchange(n: int) -> None:
    import h11

    conn = h11.Connection(h11.SERVER)
    headers = [
        (b"Content-Type", b"text/plain; charset=utf-8"),
        (b"Date", b"Tue, 01 Dec 2026 00:00:00 GMT"),
        (b"Content-Length", b"13"),
    ]
    for _ in range(n):
        if conn.next_event() is h11.NEED_DATA:
            conn.receive_data(REQUEST)
        conn.next_event()  # Request
        conn.next_event()  # EndOfMessage
        out = conn.send(h11.Response(status_code=200, headers=headers, reason=b"OK"))
        out = (out or b"") + (conn.send(h11.Data(data=BODY)) or b"")
        out += conn.send(h11.EndOfMessage()) or b""
        conn.start_next_cycle()


class Kept:
    """httptools' callbacks, keeping what a server or client keeps of a message."""

    def __init__(self) -> None:
        self.url = b""
        self.fields: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.fields.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


def httptools_server_exchange(n: int) -> None:
    import httptools

    kept = Kept()
    parser = httptools.HttpRequestParser(kept)
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Date: Tue, 01 Dec 2026 00:00:00 GMT\r\nContent-Length: 13\r\n\r\n"
    )
    for _ in range(n):
        kept.url, kept.fields = b"", []
        parser.feed_data(REQUEST)
        parser.get_method()
        parser.should_keep_alive()
        out = answer + BODY  # noqa: F841 - the response's one write
        kept.complete = False


def gochan_http_server_exchange(n: int) -> None:
    from gochan import http, run
    from gochan.http.server import _ServerConn

    class Scripted:
        """A connection that sends ``n`` requests, one per read, then ends."""

        def __init__(self) -> None:
            self.left = n

        def read(self, size: int, /) -> bytes:
            if not self.left:
                return b""
            self.left -= 1
            return REQUEST

        def write(self, data: bytes, /) -> int:
            return len(data)

        def close(self) -> None:
            pass

        def set_read_deadline(self, t: float | None, /) -> None:
            pass

        def set_write_deadline(self, t: float | None, /) -> None:
            pass

        def remote_addr(self) -> str:
            return "127.0.0.1:1"

    def hello(w: http.ResponseWriter, r: http.Request) -> None:
        w.write(BODY)

    def main() -> None:
        _ServerConn(http.Server(handler=hello), Scripted(), hello).serve()

    run(main)


RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Date: Tue, 01 Dec 2026 00:00:00 GMT\r\nConnection: close\r\n\r\n" + BODY
)


def h11_client_exchange(n: int) -> None:
    import h11

    headers = [(b"Host", b"127.0.0.1:8080"), (b"User-Agent", b"gochan-http-client/1.1")]
    for _ in range(n):
        conn = h11.Connection(h11.CLIENT)  # a connection per GET, as the backend closes
        out = conn.send(h11.Request(method="GET", target="/", headers=headers)) or b""
        out += conn.send(h11.EndOfMessage()) or b""
        if conn.next_event() is h11.NEED_DATA:
            conn.receive_data(RESPONSE)
        conn.next_event()  # Response
        conn.next_event()  # Data
        conn.next_event()  # EndOfMessage


def httptools_client_exchange(n: int) -> None:
    import httptools

    for _ in range(n):
        kept = Kept()
        parser = httptools.HttpResponseParser(kept)  # a connection per GET, as the backend closes
        out = (  # noqa: F841 - the request's one write
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: gochan-http-client/1.1\r\n\r\n"
        )
        parser.feed_data(RESPONSE)
        parser.get_status_code()
        parser.should_keep_alive()


def gochan_http_client_exchange(n: int) -> None:
    from gochan import context, http, run

    class Answering:
        """A connection that answers the one request it gets, then ends."""

        def __init__(self) -> None:
            self.answer = RESPONSE

        def read(self, size: int, /) -> bytes:
            data, self.answer = self.answer, b""
            return data

        def write(self, data: bytes, /) -> int:
            return len(data)

        def close(self) -> None:
            pass

        def set_read_deadline(self, t: float | None, /) -> None:
            pass

        def set_write_deadline(self, t: float | None, /) -> None:
            pass

        def remote_addr(self) -> str:
            return "127.0.0.1:8080"

    def dial(ctx: context.Context, network: str, address: str) -> Answering:
        return Answering()

    client = http.Client(transport=http.Transport(dial_context=dial))

    def main() -> None:
        for _ in range(n):
            resp = client.get("http://127.0.0.1:8080/")
            resp.body.read()
            resp.body.close()

    run(main)


def best_us(fn: Callable[[int], None], n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(n)
        best = min(best, time.process_time() - t0)
    return best / n * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", type=int, default=10_000, help="operations per repetition")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    n, repeat = args.n, args.repeat
    echo = echo_server_syscalls(n, repeat)
    print(f"| floor | CPU µs / op (best of {repeat} × {n:,}) | gochan.http's own part |")
    print("|---|---:|---:|")
    print(f"| echo syscalls: recv + send + recv → EAGAIN | {echo:.1f} | |")
    for side, h11_fn, parser_fn, gochan_fn in (
        ("server", h11_server_exchange, httptools_server_exchange, gochan_http_server_exchange),
        ("client", h11_client_exchange, httptools_client_exchange, gochan_http_client_exchange),
    ):
        h11_only = best_us(h11_fn, n, repeat)
        parser_only = best_us(parser_fn, n, repeat)
        gochan = best_us(gochan_fn, n, repeat)
        print(f"| h11 {side} exchange (GET and a 13-byte answer) | {h11_only:.1f} | |")
        print(f"| httptools {side} exchange (the same) | {parser_only:.1f} | |")
        print(
            f"| gochan.http {side} exchange, no socket | {gochan:.1f} "
            f"| {gochan - parser_only:.1f} ({1 - parser_only / gochan:.0%}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
