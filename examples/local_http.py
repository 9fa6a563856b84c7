"""A local HTTP server for the fetch examples, and Go's ``http.Get`` with a context.

``serve()`` starts a server on 127.0.0.1 (a free port, daemon threads). Every
path answers with ``data from <path>``; two query parameters shape the answer:
``delay`` (seconds before answering) and ``status`` (the HTTP status code), so
``/b?delay=0.2`` is a slow source and ``/c?status=500`` a failing one.

``http_get(ctx, url)`` is Go's ``http.NewRequestWithContext`` plus
``http.DefaultClient.Do`` plus ``io.ReadAll``: the request runs on a worker
thread through ``blocking()`` while the calling goroutine is parked and the
others run on, and the context's cancellation or deadline ends it at once.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import SplitResult, parse_qs, urlsplit

from gochan import blocking, context


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


class HTTPStatusError(Exception):
    """A response whose status is not 200, for sources that treat it as a failure."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"GET {urlsplit(url).path}: status {status}")
        self.status = status


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        # Set on shutdown, so that handlers still waiting out a delay end at once.
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a cancelled context) makes the handler's write
        # fail; that is expected here and must not clutter the examples' output.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        delay = float(query.get("delay", ["0"])[0])
        status = int(query.get("status", ["200"])[0])
        if self.server.stopping.wait(delay):
            return
        body = f"data from {url.path}".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    """Run the server for the duration of the ``with`` block; yield its base URL."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


def http_get(ctx: context.Context, url: str) -> Response:
    """GET ``url``; raise ``ctx.err()`` if the context ends first, as Go's client does."""
    err = ctx.err()
    if err is not None:
        raise err
    parts = urlsplit(url)
    sock = blocking(socket.create_connection, (parts.hostname, parts.port))
    # Go's client aborts a request by closing its connection when the context
    # is done; shutting the socket down wakes the worker thread blocked in recv().
    stop = context.after_func(ctx, lambda: _abort(sock))
    try:
        return blocking(_exchange, sock, parts)
    except (OSError, http.client.HTTPException):
        err = ctx.err()
        if err is not None:
            raise err from None
        raise
    finally:
        stop()
        sock.close()


def _abort(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed: the request had finished
        sock.shutdown(socket.SHUT_RDWR)


def _exchange(sock: socket.socket, parts: SplitResult) -> Response:
    """Send the request and read the whole answer; runs on a worker thread."""
    connection = http.client.HTTPConnection(parts.netloc)
    connection.sock = sock
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target)
    answer = connection.getresponse()
    return Response(answer.status, answer.read())
