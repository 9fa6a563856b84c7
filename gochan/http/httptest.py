"""Go's ``net/http/httptest``: test a handler without a network, or against a live local server.

``new_recorder()`` and ``new_request()`` call a handler directly and look
at what it wrote; ``new_server(handler)`` serves it on 127.0.0.1 for a
real client.
"""

from __future__ import annotations

import io
import ssl
from typing import Final

from .. import context, net, tls
from ..sync import WaitGroup
from ..time import after_func
from . import client as _client
from . import server as _server
from ._handler import Handler, HandlerFunc, check_write_header_code
from ._request import Reader, Request, Response, new_request_with_context
from ._sniff import SNIFF_LEN, detect_content_type
from ._status import StatusOK, status_text
from ._url import parse_request_uri
from .header import Header

__all__ = [
    "ResponseRecorder",
    "Server",
    "new_recorder",
    "new_request",
    "new_server",
    "new_tls_server",
]


class ResponseRecorder:
    """Go's ``httptest.ResponseRecorder``: a ResponseWriter that records what a handler wrote.

    ``code`` is the status (200 until ``write_header`` says otherwise),
    ``header_map`` the header the handler is writing, ``body`` what it wrote,
    ``flushed`` whether it flushed.  :meth:`result` gives the response as a
    client would see it.  A recorder serves one request.
    """

    def __init__(self) -> None:
        self.code = StatusOK
        self.header_map = Header()
        self.body = io.BytesIO()
        self.flushed = False
        self._wrote_header = False
        self._sent_header: Header | None = None  # header_map when the header was written

    def header(self) -> Header:
        """The header the handler is writing (``header_map``)."""
        return self.header_map

    def write(self, data: bytes, /) -> int:
        """Record ``data`` in ``body``; the first write also writes the header, as a server does.

        Without a ``Content-Type``, the first write sets one from the data,
        as Go's server and recorder do.
        """
        if not self._wrote_header:
            self._sniff(data)
            self.write_header(StatusOK)
        self.body.write(data)
        return len(data)

    def _sniff(self, data: bytes) -> None:
        if "Content-Type" not in self.header_map and not self.header_map.get("Transfer-Encoding"):
            self.header_map.set("Content-Type", detect_content_type(data[:SNIFF_LEN]))

    def write_header(self, status_code: int, /) -> None:
        """Record the status; later calls are ignored, as on a server.

        Raises:
            ValueError: the code is not between 100 and 999 (Go panics with
                ``invalid WriteHeader code N``).
        """
        if self._wrote_header:
            return
        check_write_header_code(status_code)
        self.code = status_code
        self._wrote_header = True
        self._sent_header = self.header_map.clone()

    def flush(self) -> None:
        """Write the header if not yet written, and set ``flushed``."""
        if not self._wrote_header:
            self.write_header(StatusOK)
        self.flushed = True

    def result(self) -> Response:
        """The response the handler produced, as a client would receive it (Go's ``Result``).

        The header is the one at the time it was written; ``body`` reads the
        recorded bytes; ``content_length`` comes from the ``Content-Length``
        header, or is ``-1``.
        """
        header = self._sent_header if self._sent_header is not None else self.header_map.clone()
        return Response(
            status=f"{self.code:03d} {status_text(self.code)}",
            status_code=self.code,
            header=header,
            body=io.BytesIO(self.body.getvalue()),
            content_length=_parse_content_length(header.get("Content-Length")),
        )


def _parse_content_length(value: str) -> int:
    return int(value) if value.isdigit() else -1


def new_recorder() -> ResponseRecorder:
    """A fresh :class:`ResponseRecorder` (Go's ``httptest.NewRecorder``)."""
    return ResponseRecorder()


def new_request(method: str, target: str, body: Reader | bytes | None = None) -> Request:
    """A request as a server would hand it to a handler (Go's ``httptest.NewRequest``).

    ``target`` is a path (``"/items/1?x=y"``) or an absolute URL; the host
    is ``example.com`` unless the URL names one, ``remote_addr`` is
    ``192.0.2.1:1234``, and the body :data:`~gochan.http.no_body` unless
    given.  For tests: it
    calls no network and never blocks.

    Raises:
        ValueError: the method or target is invalid (Go panics).
    """
    request = new_request_with_context(context.background(), method or "GET", "/", body)
    request.url = parse_request_uri(target)
    request.request_uri = target
    request.host = request.url.host or "example.com"
    request.remote_addr = "192.0.2.1:1234"
    return request


# How long close() waits before it logs the connections it is waiting for (Go's).
_CLOSE_HANG_REPORT: Final = 5.0


class Server:
    """Go's ``httptest.Server``: a live HTTP server on 127.0.0.1, for tests.

    ``url`` is its base URL (``http://127.0.0.1:PORT``); ``client()`` a
    client for it (for a TLS server, one that trusts its certificate);
    ``config`` the :class:`~gochan.http.Server` serving it.  The server runs
    in goroutines of the thread that made it.  ``close()`` (or the end of a
    ``with`` block) stops it once its outstanding requests are answered.
    """

    def __init__(
        self, handler: Handler | HandlerFunc, tls_config: ssl.SSLContext | None = None
    ) -> None:
        self.listener: net.Listener | tls.Listener = net.listen("tcp", "127.0.0.1:0")
        scheme = "http"
        if tls_config is not None:
            self.listener = tls.Listener(self.listener, tls_config)
            scheme = "https"
        self.url = f"{scheme}://{self.listener.addr()}"
        self.config = _server.Server(handler=handler)
        self._transport = _client.Transport()
        self._closed = False
        self._serving = WaitGroup()  # the goroutine of config.serve()
        self._serving.go(self.config.serve, self.listener)

    def client(self) -> _client.Client:
        """A client whose transport is this server's (Go's ``Server.Client``)."""
        return _client.Client(transport=self._transport)

    def close(self) -> None:
        """Shut the server down and wait for its outstanding requests (Go's ``Server.Close``).

        Stops accepting, closes the connections that are idle or have sent
        nothing yet, and lets each active one finish its response and close
        (keep-alives are off from now on); then closes the idle connections
        of :data:`~gochan.http.default_transport` and of ``client()``'s
        transport.  Blocks the calling goroutine until every connection has
        ended; after 5 seconds it logs the ones it still waits for on the
        ``gochan.http`` logger, as Go prints them.  A handler that never
        returns keeps it waiting, as in Go.  Closing again does nothing.
        """
        if self._closed:
            return
        self._closed = True
        config = self.config
        config._shutting_down = True  # each active connection closes after its response
        self.listener.close()
        config._close_idle_conns(new_grace=0)
        _client.default_transport.close_idle_connections()
        self._transport.close_idle_connections()
        report = after_func(_CLOSE_HANG_REPORT, self._report_hang)
        try:
            self._serving.wait()  # no connection is accepted from here on
            config._serving.wait()
        finally:
            report.stop()

    def _report_hang(self) -> None:
        lines = [
            f"  {conn.remote_addr} in state {conn.state.value}"
            for conn in sorted(self.config._conns, key=lambda conn: conn.remote_addr)
        ]
        _server.log.warning(
            "httptest.Server blocked in Close after 5 seconds, waiting for connections:\n%s",
            "\n".join(lines),
        )

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def new_server(handler: Handler | HandlerFunc) -> Server:
    """Start a server for ``handler`` on 127.0.0.1 (Go's ``httptest.NewServer``); never blocks.

    Raises:
        OSError: no port could be bound.
    """
    return Server(handler)


def new_tls_server(handler: Handler | HandlerFunc, config: ssl.SSLContext) -> Server:
    """As :func:`new_server`, speaking TLS with ``config``'s certificate (Go's ``NewTLSServer``).

    Go makes its own certificate; here ``config`` brings one (``trustme``
    makes one for tests).  Use a client that trusts it.

    Raises:
        OSError: no port could be bound.
    """
    return Server(handler, config)
