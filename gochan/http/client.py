"""Go's HTTP client: ``Client``, ``Transport``, ``get``, ``post``, keep-alive pools, redirects.

A request goes out on a pooled connection to its host (or a new one, dialled
through ``gochan.net`` and, for ``https``, ``gochan.tls``); this module
frames the request, and ``httptools`` (llhttp, in C) parses the response.  While a request is in flight, its
context is watched (``context.after_func``): cancelling it closes the
connection, which wakes the goroutine wherever it waits (connecting,
writing, waiting for the header, reading the body), and the context's error
is raised.  A body read to its end hands its connection back to the pool.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Final, Protocol

import httptools

from .. import context, net, tls
from ..time import now
from ._conn import Conn
from ._request import (
    ReadCloser,
    Reader,
    Request,
    Response,
    new_request,
    no_body,
    outgoing_length,
)
from ._url import URL, Values, go_quote
from .header import Header, add_received, is_token, wire_key

__all__ = [
    "Client",
    "RoundTripper",
    "Transport",
    "URLError",
    "default_client",
    "default_transport",
    "get",
    "head",
    "post",
    "post_form",
]

_USER_AGENT: Final = "gochan-http-client/1.1"
_READ_SIZE: Final = 64 << 10
_WRITE_CHUNK: Final = 32 << 10
# Go's maxBodySlurpSize: how much of a redirect's body is read to keep its connection.
_REDIRECT_SLURP: Final = 2 << 10
# Headers not copied to a redirect that leaves the original host (Go's rule).
_SENSITIVE: Final = frozenset({"Authorization", "Www-Authenticate", "Cookie", "Cookie2"})
_DEFAULT_PORTS: Final = {"http": "80", "https": "443"}


class URLError(OSError):
    """Go's ``url.Error``: what failed, on which URL, and why: ``Get "http://h/": <err>``.

    Raised by the client for a request it cannot send (``unsupported
    protocol scheme "ftp"``), a failed connection (``Get "http://h/": dial
    tcp h:80: <err>``) or exchange (``Get "http://h/": EOF`` when the server
    closes without answering), and a redirect policy that stopped
    (``stopped after 10 redirects``).  ``err`` is the underlying exception
    (also ``__cause__``), or the message when there is none; ``during``
    says what was under way, as Go's ``net.OpError`` does (``dial tcp
    h:80: ``).  A context's cancellation is not wrapped: the context's own
    error is raised.
    """

    def __init__(self, op: str, url: str, err: BaseException | str, *, during: str = "") -> None:
        super().__init__(f'{op} "{url}": {during}{err}')
        self.op = op
        self.url = url
        self.err = err


class RoundTripper(Protocol):
    """Go's ``http.RoundTripper``: sends one request and returns its response, no redirects."""

    def round_trip(self, req: Request, /) -> Response:
        """Send ``req``; blocks until the response's header has arrived."""
        ...


class _PersistConn:
    """A connection of the pool (Go's ``persistConn``), and the parser of its responses.

    ``httptools``' callbacks fill in the response of the current exchange:
    its head, then its body as it arrives (decoded when chunked).
    Informational (1xx) responses are skipped.
    """

    def __init__(self, key: tuple[str, str], conn: Conn) -> None:
        self.key = key  # (scheme, host:port)
        self.conn = conn
        self.reused = False  # it served a request before this one
        self.idle_since = 0.0
        self.parser = httptools.HttpResponseParser(self)
        self.head_request = False
        self.start(head_request=False)

    def start(self, head_request: bool, close: bool = False) -> None:
        """Ready for the response to a new request; ``close``: the request asked to close."""
        if self.head_request:
            # llhttp cannot be told that a HEAD's response has no body: the
            # last one left it waiting for one, so a fresh parser takes over.
            self.parser = httptools.HttpResponseParser(self)
        self.head_request = head_request
        self.close_requested = close
        self.received = False  # some of the response came
        self.fields = Header()  # the head being parsed
        self.reason = b""
        self.informational = False  # the message being parsed is a 1xx response
        self.header: Header | None = None  # the final response's, once its head is complete
        self.status = 0
        self.version = ""
        self.keep_alive = False
        self.ends_at_eof = False  # its body runs to the end of the connection
        self.body: list[bytes] = []  # body chunks not yet read
        self.complete = False
        self.reusable = True  # nothing came that the exchange did not expect

    def fill(self) -> bool:
        """Read a block of the connection into the parser; False at its end.

        Blocks the calling goroutine.

        Raises:
            OSError: the read failed.
            httptools.HttpParserError: the server broke the protocol.
        """
        data = self.conn.read(_READ_SIZE)
        if not data:
            if self.ends_at_eof and not self.complete:
                self.complete = True  # the body ran to the end of the connection, as it said
                return True
            return False
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.reusable = False  # 101 Switching Protocols: the rest is not HTTP
        return True

    # -- the parser's callbacks (httptools' protocol) -------------------------------

    def on_message_begin(self) -> None:
        if self.complete:
            self.reusable = False  # a message nobody asked for
        self.fields = Header()
        self.reason = b""

    def on_status(self, reason: bytes) -> None:
        self.reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        add_received(self.fields, wire_key(name), value)

    def on_headers_complete(self) -> None:
        parser = self.parser
        code = parser.get_status_code()
        if 100 <= code < 200 and code != 101:
            self.informational = True  # llhttp knows it has no body; the final one follows
            return
        header = self.header = self.fields
        self.status = code
        self.version = parser.get_http_version()
        self.keep_alive = parser.should_keep_alive()
        if self.head_request:
            self.complete = True
        else:
            self.ends_at_eof = (
                code not in (204, 304)
                and "Content-Length" not in header
                and "Transfer-Encoding" not in header
            )

    def on_body(self, body: bytes) -> None:
        if self.head_request:
            self.reusable = False  # a body after a HEAD's response
        else:
            self.body.append(body)

    def on_message_complete(self) -> None:
        if self.informational:
            self.informational = False
        else:
            self.complete = True


class Transport:
    """Go's ``http.Transport``: connections, kept alive and pooled per host.

    ``dial_context(ctx, network, address)`` makes connections (default:
    :func:`gochan.net.dial_context`); ``tls_client_config`` checks the
    servers of ``https`` URLs (default: ``ssl.create_default_context()``,
    the system's trust store).  At most ``max_idle_conns_per_host`` idle
    connections are kept per host (Go's default, 2) and dropped after
    ``idle_conn_timeout`` seconds (on the runtime's clock, as timers).  Use
    one transport from one thread.
    """

    def __init__(
        self,
        *,
        dial_context: Callable[[context.Context, str, str], Conn] | None = None,
        tls_client_config: ssl.SSLContext | None = None,
        max_idle_conns_per_host: int = 2,
        idle_conn_timeout: float = 90.0,
        disable_keep_alives: bool = False,
    ) -> None:
        self.dial_context = dial_context if dial_context is not None else net.dial_context
        self.tls_client_config = tls_client_config
        self.max_idle_conns_per_host = max_idle_conns_per_host
        self.idle_conn_timeout = idle_conn_timeout
        self.disable_keep_alives = disable_keep_alives
        self._idle: dict[tuple[str, str], list[_PersistConn]] = {}

    def round_trip(self, req: Request, /) -> Response:
        """Send ``req`` and return the response once its header has arrived (Go's ``RoundTrip``).

        Blocks the calling goroutine.  The response's body must be read to
        the end (or closed) to free the connection.  A request that fails on
        a reused connection before any answer is sent again on a new one,
        when it can be (no body, or one ``get_body`` can make again, and an
        idempotent method), as Go does.

        Raises:
            Canceled: the request's context was cancelled.
            DeadlineExceeded: its deadline passed.
            URLError: the URL has no host or an unsupported scheme, or the
                connection or the exchange failed.
        """
        url = req.url
        unusable = ""
        if url.scheme not in _DEFAULT_PORTS:
            unusable = f"unsupported protocol scheme {go_quote(url.scheme)}"
        elif not url.host:
            unusable = "http: no Host in request URL"
        if unusable:
            req.body.close()
            raise URLError(_op(req.method), _redacted(url), unusable)
        ctx = req.context()
        key = (url.scheme, _host_port(url))
        while True:
            err = ctx.err()
            if err is not None:
                req.body.close()
                raise err
            try:
                pc = self._get_conn(ctx, key, req)
            except BaseException:
                req.body.close()
                raise
            stop = context.after_func(ctx, pc.conn.close)
            try:
                return self._exchange(pc, req, stop)
            except (OSError, EOFError, httptools.HttpParserError) as failure:
                stop()
                pc.conn.close()
                err = ctx.err()
                if err is not None:
                    req.body.close()
                    raise err from None
                if pc.reused and _replayable(req) and not pc.received:
                    if req.get_body is not None:
                        req.body = req.get_body()
                    continue
                req.body.close()
                raise URLError(_op(req.method), _redacted(url), failure) from failure

    def close_idle_connections(self) -> None:
        """Close every idle connection (Go's ``CloseIdleConnections``)."""
        idle, self._idle = self._idle, {}
        for conns in idle.values():
            for pc in conns:
                pc.conn.close()

    # -- connections -----------------------------------------------------------------

    def _get_conn(self, ctx: context.Context, key: tuple[str, str], req: Request) -> _PersistConn:
        conns = self._idle.get(key)
        current = now()
        while conns:
            pc = conns.pop()
            if current - pc.idle_since < self.idle_conn_timeout:
                pc.reused = True
                return pc
            pc.conn.close()
        return _PersistConn(key, self._dial(ctx, key, req))

    def _dial(self, ctx: context.Context, key: tuple[str, str], req: Request) -> Conn:
        """A new connection for ``req``, through TLS for https.

        Raises:
            Canceled, DeadlineExceeded: ``ctx`` ended first.
            URLError: the connection or the TLS handshake failed.
        """
        scheme, address = key
        try:
            conn = self.dial_context(ctx, "tcp", address)
        except OSError as err:
            cerr = ctx.err()
            if cerr is not None:
                raise cerr from None
            raise URLError(
                _op(req.method), _redacted(req.url), err, during=f"dial tcp {address}: "
            ) from err
        if scheme != "https":
            return conn
        if self.tls_client_config is None:
            self.tls_client_config = ssl.create_default_context()
        if not isinstance(conn, net.Conn):
            conn.close()
            raise TypeError("http: https needs a gochan.net.Conn to run TLS over")
        hostname = req.url.hostname()
        tls_conn = tls.client(conn, self.tls_client_config, server_hostname=hostname)
        try:
            tls_conn.handshake_context(ctx)
        except OSError as err:
            conn.close()
            cerr = ctx.err()
            if cerr is not None:
                raise cerr from None
            raise URLError(_op(req.method), _redacted(req.url), err) from err
        return tls_conn

    def _put_idle(self, pc: _PersistConn) -> None:
        """Hand a connection whose exchange ended cleanly back to the pool, or close it."""
        if (
            self.disable_keep_alives
            or pc.close_requested
            or not (pc.complete and pc.keep_alive and pc.reusable)
        ):
            pc.conn.close()
            return
        conns = self._idle.setdefault(pc.key, [])
        if len(conns) >= self.max_idle_conns_per_host:
            pc.conn.close()
            return
        pc.idle_since = now()
        conns.append(pc)

    # -- one exchange ----------------------------------------------------------------

    def _exchange(self, pc: _PersistConn, req: Request, stop: Callable[[], bool]) -> Response:
        length = outgoing_length(req)
        close = req.close or self.disable_keep_alives
        pc.start(req.method == "HEAD", close or _has_close(req.header.get("Connection")))
        head = _request_head(req, length, close)
        body = req.body
        if body is no_body:
            pc.conn.write(head)
        else:
            _write_body(pc.conn, head, body, length)
        while pc.header is None:
            if not pc.fill():
                raise EOFError("unexpected EOF" if pc.received else "EOF")
        resp = _response_from(pc, req)
        reader = _ResponseBody(self, pc, stop, req.context())
        resp.body = reader
        reader.peek()  # a body-less response ends here and frees the connection at once
        return resp


def _write_body(conn: Conn, head: bytes, body: ReadCloser, length: int) -> None:
    """Send the request's head and body: ``length`` bytes, or chunked when ``-1``; closes ``body``.

    Raises:
        OSError: the write failed, or the body's length is not the one declared.
    """
    out = [head]
    sent = 0
    try:
        chunk = body.read(_WRITE_CHUNK)
        while chunk:
            sent += len(chunk)
            if length < 0:
                out += (b"%x\r\n" % len(chunk), chunk, b"\r\n")
            elif sent > length:
                break
            else:
                out.append(chunk)
            conn.write(b"".join(out))
            out = []
            chunk = body.read(_WRITE_CHUNK)
    finally:
        body.close()
    if length >= 0 and sent != length:
        raise OSError(f"http: ContentLength={length} with Body length {sent}")
    if length < 0:
        conn.write(b"0\r\n\r\n")


def _has_close(connection: str) -> bool:
    return any(part.strip().lower() == "close" for part in connection.split(","))


def _request_head(req: Request, length: int, close: bool) -> bytes:
    """The request line and header fields, as sent.

    Raises:
        OSError: a field name or value that cannot be sent (Go's ``invalid header field``).
    """
    header = req.header
    target = req.url.request_uri() if req.method != "CONNECT" else req.url.host
    lines = [f"{req.method} {target} HTTP/1.1\r\nHost: {req.host or req.url.host}\r\n"]
    if "User-Agent" not in header:
        lines.append(f"User-Agent: {_USER_AGENT}\r\n")
    if length > 0 or (length == 0 and req.method in ("POST", "PUT", "PATCH")):
        lines.append(f"Content-Length: {length}\r\n")
    elif length < 0:
        lines.append("Transfer-Encoding: chunked\r\n")
    if close and "Connection" not in header:
        lines.append("Connection: close\r\n")
    for key, values in header.items():
        if key in _FRAMING:
            continue
        if not is_token(key):
            raise OSError(f"net/http: invalid header field name {go_quote(key)}")
        for value in values:
            if "\r" in value or "\n" in value or "\0" in value:
                raise OSError(f"net/http: invalid header field value for {go_quote(key)}")
            lines.append(f"{key}: {value}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")


# Fields the transport writes itself, from the request's other fields.
_FRAMING: Final = frozenset({"Host", "Content-Length", "Transfer-Encoding"})


def _response_from(pc: _PersistConn, req: Request) -> Response:
    header = pc.header
    assert header is not None  # the head is complete
    version = pc.version
    major, _, minor = version.partition(".")
    code = pc.status
    length = header.get("Content-Length")
    chunked = "chunked" in header.get("Transfer-Encoding").lower()
    if code in (204, 304) or 100 <= code < 200:
        content_length = 0
    elif length.isdigit() and not chunked:
        content_length = int(length)
    else:
        content_length = -1
    return Response(
        status=f"{code} {pc.reason.decode('latin-1')}".rstrip(),
        status_code=code,
        proto=f"HTTP/{version}",
        proto_major=int(major),
        proto_minor=int(minor or 0),
        header=header,
        content_length=content_length if req.method != "HEAD" or length else -1,
        transfer_encoding=["chunked"] if chunked else [],
        close=header.get("Connection").lower() == "close",
        request=req,
    )


class _ResponseBody:
    """A response's body, read from its connection (Go's ``bodyEOFSignal``).

    The end of the body stops watching the context and hands the connection
    back to the pool; closing it before the end closes the connection.  A
    read after the end returns ``b""``; a read after ``close()`` raises
    ``ValueError`` (Go's ``http: read on closed response body``).
    """

    def __init__(
        self, transport: Transport, pc: _PersistConn, stop: Callable[[], bool], ctx: context.Context
    ) -> None:
        self._transport = transport
        self._pc: _PersistConn | None = pc  # None once the body ended or was closed
        self._stop = stop
        self._ctx = ctx
        self._pending = b""
        self._closed = False
        self.on_end: list[Callable[[], object]] = []  # run once, at the end or on close

    def peek(self) -> None:
        """Read ahead one event, so an empty body ends (and frees its connection) at once."""
        self._pending = self._next()

    def read(self, n: int = -1, /) -> bytes:
        if self._closed:
            raise ValueError("http: read on closed response body")
        if n < 0:
            chunks = [self._pending]
            self._pending = b""
            while self._pc is not None:
                chunks.append(self._next())
            return b"".join(chunks)
        while not self._pending and self._pc is not None:
            self._pending = self._next()
        data, self._pending = self._pending[:n], self._pending[n:]
        return data

    def _next(self) -> bytes:
        pc = self._pc
        if pc is None:
            return b""
        body = pc.body
        try:
            while not body and not pc.complete:
                if not pc.fill():
                    raise EOFError("unexpected EOF")
        except (OSError, EOFError, httptools.HttpParserError) as err:
            self._finish(keep=False)
            cerr = self._ctx.err()
            if cerr is not None:
                raise cerr from None
            if isinstance(err, OSError):
                raise
            raise OSError(f"net/http: HTTP/1.x transport connection broken: {err}") from err
        data = body[0] if len(body) == 1 else b"".join(body)
        body.clear()
        if pc.complete:
            self._finish(keep=True)  # the connection is free before the data is even read
        return data

    def close(self) -> None:
        self._closed = True
        self._pending = b""
        self._finish(keep=False)

    def _finish(self, keep: bool) -> None:
        pc, self._pc = self._pc, None
        if pc is None:
            return
        self._stop()
        if keep:
            self._transport._put_idle(pc)
        else:
            pc.conn.close()
        hooks, self.on_end = self.on_end, []
        for hook in hooks:
            hook()


# -- the client --------------------------------------------------------------------------

CheckRedirect = Callable[[Request, list[Request]], None]
"""Decides whether to follow a redirect: raise to stop (Go's ``Client.CheckRedirect``)."""


def default_check_redirect(req: Request, via: list[Request]) -> None:
    """Go's default policy: stop after 10 redirects.

    Raises:
        OSError: ``stopped after 10 redirects``.
    """
    if len(via) >= 10:
        raise OSError("stopped after 10 redirects")


class Client:
    """Go's ``http.Client``: requests with redirects, a timeout, over a transport.

    ``timeout`` (seconds, 0 for none) bounds the whole exchange, reading the
    body included; past it, the request is aborted and ``TimeoutError`` is
    raised.  ``transport`` sends each request (default:
    :data:`default_transport`).  ``check_redirect(req, via)`` may raise to
    stop following redirects (default: after 10).
    """

    def __init__(
        self,
        *,
        transport: RoundTripper | None = None,
        check_redirect: CheckRedirect | None = None,
        timeout: float = 0,
    ) -> None:
        self.transport = transport
        self.check_redirect = check_redirect
        self.timeout = timeout

    def do(self, req: Request) -> Response:
        """Send ``req``, following redirects as Go does (Go's ``Client.Do``).

        301, 302 and 303 turn into a GET (a HEAD stays a HEAD) without a
        body; 307 and 308 keep the method and send the body again (when
        ``get_body`` can make it again; otherwise the redirect is returned).
        Blocks the calling goroutine until the final response's header has
        arrived; its body is read through the netpoller afterwards.  A non-2xx
        status is not an error.

        Raises:
            Canceled: the request's context was cancelled, wherever the request was.
            DeadlineExceeded: the request's context's deadline passed.
            TimeoutError: the client's ``timeout`` passed (Go's message,
                ``(Client.Timeout exceeded while awaiting headers)``).
            URLError: the URL is unusable (no host, unsupported scheme), the
                connection or exchange failed, or a redirect was refused.
        """
        transport = self.transport if self.transport is not None else default_transport
        check = self.check_redirect if self.check_redirect is not None else default_check_redirect
        cancel: context.CancelFunc | None = None
        outer = req.context()
        if self.timeout > 0:
            timed, cancel = context.with_timeout(outer, self.timeout)
            req = req.with_context(timed)
        try:
            resp = self._follow(transport, check, req)
        except context.DeadlineExceeded as err:
            if cancel is not None:
                cancel()
            if outer.err() is None and cancel is not None:
                raise TimeoutError(
                    f'{_op(req.method)} "{_redacted(req.url)}": context deadline exceeded '
                    "(Client.Timeout exceeded while awaiting headers)"
                ) from err
            raise
        except BaseException:
            if cancel is not None:
                cancel()
            raise
        if cancel is not None:
            body = resp.body
            if isinstance(body, _ResponseBody):
                body.on_end.append(cancel)
                resp.body = _TimeoutBody(body, outer, resp.request or req)
            else:
                cancel()
        return resp

    def _follow(self, transport: RoundTripper, check: CheckRedirect, req: Request) -> Response:
        via: list[Request] = []
        first = req
        initial_header: Header | None = None  # first's, copied at the first redirect
        while True:
            resp = transport.round_trip(req)
            method, follow, include_body = _redirect_behavior(req.method, resp, first)
            if not follow:
                return resp
            location = resp.header.get("Location")
            if not location:
                return resp  # a 3xx without Location: returned as it is, as Go does
            try:
                target = req.url.parse(location)
            except ValueError as err:
                resp.body.close()
                raise URLError(
                    _op(first.method),
                    _redacted(req.url),
                    f"failed to parse Location header {location!r}: {err}",
                ) from err
            via.append(req)
            next_req = Request(
                method=method, url=target, host="", response=resp, _ctx=req.context()
            )
            next_req.host = target.host
            if include_body and first.get_body is not None:
                next_req.body = first.get_body()
                next_req.get_body = first.get_body
                next_req.content_length = first.content_length
            if initial_header is None:
                initial_header = first.header.clone()
            for key, values in initial_header.items():
                if key not in _SENSITIVE or _same_or_subdomain(
                    first.url.hostname(), target.hostname()
                ):
                    next_req.header[key] = list(values)
            referer = _referer(req.url, target)
            if referer:
                next_req.header.set("Referer", referer)
            try:
                check(next_req, via)
            except Exception as err:
                resp.body.close()
                raise URLError(_op(first.method), location, err) from err
            # Read a little of the body, so a small one frees its connection.
            if resp.content_length == -1 or resp.content_length <= _REDIRECT_SLURP:
                resp.body.read(_REDIRECT_SLURP)
            resp.body.close()
            req = next_req

    def get(self, url: str) -> Response:
        """GET ``url`` (Go's ``Client.Get``); see :meth:`do`.

        Raises:
            ValueError: the URL does not parse; and as :meth:`do`.
        """
        return self.do(new_request("GET", url))

    def head(self, url: str) -> Response:
        """HEAD ``url`` (Go's ``Client.Head``); see :meth:`do`.

        Raises:
            ValueError: the URL does not parse; and as :meth:`do`.
        """
        return self.do(new_request("HEAD", url))

    def post(self, url: str, content_type: str, body: Reader | bytes | None) -> Response:
        """POST ``body`` to ``url`` with ``Content-Type: content_type`` (Go's ``Client.Post``).

        Raises:
            ValueError: the URL does not parse; and as :meth:`do`.
        """
        req = new_request("POST", url, body)
        req.header.set("Content-Type", content_type)
        return self.do(req)

    def post_form(self, url: str, data: Values) -> Response:
        """POST ``data`` URL-encoded to ``url`` (Go's ``Client.PostForm``).

        Raises:
            ValueError: the URL does not parse; and as :meth:`do`.
        """
        return self.post(url, "application/x-www-form-urlencoded", data.encode().encode())


class _TimeoutBody:
    """A body whose reads turn the client's timeout into Go's ``TimeoutError``."""

    def __init__(self, body: _ResponseBody, outer: context.Context, req: Request) -> None:
        self._body = body
        self._outer = outer
        self._req = req

    def read(self, n: int = -1, /) -> bytes:
        try:
            return self._body.read(n)
        except context.DeadlineExceeded as err:
            if self._outer.err() is not None:
                raise
            raise TimeoutError(
                f'{_op(self._req.method)} "{_redacted(self._req.url)}": context deadline exceeded '
                "(Client.Timeout or context cancellation while reading body)"
            ) from err

    def close(self) -> None:
        self._body.close()


def _redirect_behavior(method: str, resp: Response, first: Request) -> tuple[str, bool, bool]:
    """Go's ``redirectBehavior``: (method of the next request, follow?, send the body again?)."""
    code = resp.status_code
    if code in (301, 302, 303):
        return (method if method in ("GET", "HEAD") else "GET"), True, False
    if code in (307, 308):
        # The body must be sent again: without a way to make it again, stop here.
        follow = first.get_body is not None or outgoing_length(first) == 0
        return method, follow, True
    return method, False, False


def _replayable(req: Request) -> bool:
    """Go's ``isReplayable``: a body that can be made again, and a method safe to repeat."""
    if req.body is not no_body and req.get_body is None:
        return False
    return req.method in ("GET", "HEAD", "OPTIONS", "TRACE") or "Idempotency-Key" in req.header


def _same_or_subdomain(original: str, target: str) -> bool:
    return target == original or target.endswith("." + original)


def _referer(last: URL, target: URL) -> str:
    """Go's ``refererForURL``: the previous URL without its credentials, unless https → http."""
    if last.scheme == "https" and target.scheme == "http":
        return ""
    return _redacted(last, drop_user=True)


def _host_port(url: URL) -> str:
    port = url.port() or _DEFAULT_PORTS[url.scheme]
    return net.join_host_port(url.hostname(), port)


def _redacted(url: URL, drop_user: bool = False) -> str:
    """The URL with its password hidden (Go's ``Redacted``), or its userinfo dropped."""
    if not url.user:
        return str(url)
    copy = url.copy()
    if drop_user:
        copy.user = ""
    elif ":" in url.user:
        copy.user = url.user.partition(":")[0] + ":xxxxx"
    return str(copy)


def _op(method: str) -> str:
    """Go's ``urlErrorOp``: ``Get``, ``Post`` ... for the messages."""
    return (method or "GET")[:1] + (method or "GET")[1:].lower()


default_transport = Transport()
"""The transport of :data:`default_client` and of clients without one (Go's ``DefaultTransport``)."""

default_client = Client()
"""The client of :func:`get`, :func:`post` ... (Go's ``http.DefaultClient``)."""


def get(url: str) -> Response:
    """GET ``url`` with :data:`default_client` (Go's ``http.Get``); see :meth:`Client.do`.

    Raises:
        ValueError: the URL does not parse; and as :meth:`Client.do`.
    """
    return default_client.get(url)


def head(url: str) -> Response:
    """HEAD ``url`` with :data:`default_client` (Go's ``http.Head``).

    Raises:
        ValueError: the URL does not parse; and as :meth:`Client.do`.
    """
    return default_client.head(url)


def post(url: str, content_type: str, body: Reader | bytes | None) -> Response:
    """POST with :data:`default_client` (Go's ``http.Post``); see :meth:`Client.post`.

    Raises:
        ValueError: the URL does not parse; and as :meth:`Client.do`.
    """
    return default_client.post(url, content_type, body)


def post_form(url: str, data: Values) -> Response:
    """POST a form with :data:`default_client` (Go's ``http.PostForm``).

    Raises:
        ValueError: the URL does not parse; and as :meth:`Client.do`.
    """
    return default_client.post_form(url, data)
