"""A local ``gochan.http`` server for the fetch examples, and Go's ``http.Get`` with a context.

``serve()`` starts a server on 127.0.0.1 (a free port), a gochan program of
its own on a thread of its own, so the examples' goroutine counts and
deadlock reports are their own. Every path answers with ``data from <path>``; two query
parameters shape the answer: ``delay`` (seconds before answering) and
``status`` (the HTTP status code), so ``/b?delay=0.2`` is a slow source and
``/c?status=500`` a failing one. A handler waiting out its delay stops as
soon as its request's context is cancelled: the client gave up, or the
server is closing.

``http_get(ctx, url)`` is Go's ``http.NewRequestWithContext`` plus
``http.DefaultClient.Do`` plus ``io.ReadAll``: the request runs on the
netpoller while the calling goroutine is parked and the others run on, and
the context's cancellation or deadline aborts it at once, wherever it is.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from gochan import after, blocking, context, http, recv, run, select
from gochan.http import httptest


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


class HTTPStatusError(Exception):
    """A response whose status is not 200, for sources that treat it as a failure."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"GET {urlsplit(url).path}: status {status}")
        self.status = status


def answer(w: http.ResponseWriter, r: http.Request) -> None:
    """``data from <path>``, after ``delay`` seconds, with status ``status``."""
    delay = float(r.url.query().get("delay") or "0")
    status = int(r.url.query().get("status") or "200")
    if delay > 0:
        done = recv(r.context().done())
        if select(done, recv(after(delay))) is done:
            return  # the client went away, or the server is closing
    w.write_header(status)
    w.write(f"data from {r.url.path}".encode())


@contextmanager
def serve() -> Iterator[str]:
    """Run the server for the duration of the ``with`` block; yield its base URL."""
    started: queue.Queue[str] = queue.Queue()
    stop = threading.Event()

    def server_main() -> None:
        with httptest.new_server(answer) as server:
            started.put(server.url)
            blocking(stop.wait)  # the server's goroutines run meanwhile

    thread = threading.Thread(target=run, args=(server_main,), daemon=True)
    thread.start()
    try:
        yield started.get()
    finally:
        stop.set()
        thread.join()


def http_get(ctx: context.Context, url: str) -> Response:
    """GET ``url``; raise ``ctx.err()`` if the context ends first, as Go's client does."""
    req = http.new_request_with_context(ctx, "GET", url)
    with http.default_client.do(req) as resp:
        return Response(resp.status_code, resp.body.read())
