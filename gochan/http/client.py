"""Go's HTTP client: ``Client``, ``Transport``, ``get``, ``post``, keep-alive pools, redirects.

A request goes out on a pooled connection to its host (or a new one, dialled
through ``gochan.net`` and, for ``https``, ``gochan.tls``); ``h11`` frames
the request and parses the response.  While a request is in flight, its
context is watched (``context.after_func``): cancelling it closes the
connection, which wakes the goroutine wherever it waits (connecting,
writing, waiting for the header, reading the body), and the context's error
is raised.  A body read to its end hands its connection back to the pool.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Protocol

import h11

from .. import context, net, tls
from ..time import now
from ._conn import Conn
from ._request import (
    Reader,
    Request,
    Response,
    new_request,
    no_body,
    outgoing_length,
)
from ._url import URL, Values, go_quote
from .header import Header, canonical_header_key

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


@dataclass(eq=False)
class _PersistConn:
    """A connection of the pool (Go's ``persistConn``)."""

    key: tuple[str, str]  # (scheme, host:port)
    conn: Conn
    h11: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    reused: bool = False  # it served a request before this one
    idle_since: float = 0.0


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
            except (OSError, EOFError, h11.ProtocolError) as failure:
                stop()
                pc.conn.close()
                err = ctx.err()
                if err is not None:
                    req.body.close()
                    raise err from None
                if pc.reused and _replayable(req) and _nothing_received(pc):
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
        h = pc.h11
        if self.disable_keep_alives or h.our_state is not h11.DONE or h.their_state is not h11.DONE:
            pc.conn.close()
            return
        h.start_next_cycle()
        conns = self._idle.setdefault(pc.key, [])
        if len(conns) >= self.max_idle_conns_per_host:
            pc.conn.close()
            return
        pc.idle_since = now()
        conns.append(pc)

    # -- one exchange ----------------------------------------------------------------

    def _exchange(self, pc: _PersistConn, req: Request, stop: Callable[[], bool]) -> Response:
        h = pc.h11
        length = outgoing_length(req)
        headers = _request_headers(req, length, self.disable_keep_alives)
        target = req.url.request_uri() if req.method != "CONNECT" else req.url.host
        out = [h.send(h11.Request(method=req.method, target=target, headers=headers)) or b""]
        body = req.body
        if body is not no_body:
            try:
                chunk = body.read(_WRITE_CHUNK)
                while chunk:
                    out.append(h.send(h11.Data(data=chunk)) or b"")
                    pc.conn.write(b"".join(out))
                    out = []
                    chunk = body.read(_WRITE_CHUNK)
            finally:
                body.close()
        out.append(h.send(h11.EndOfMessage()) or b"")
        pc.conn.write(b"".join(out))

        event = _next_event(pc)
        while isinstance(event, h11.InformationalResponse):
            event = _next_event(pc)
        if not isinstance(event, h11.Response):
            raise EOFError("EOF")  # ConnectionClosed: the server closed without answering
        resp = _response_from(event, req)
        reader = _ResponseBody(self, pc, stop, req.context())
        resp.body = reader
        reader.peek()  # a body-less response ends here and frees the connection at once
        return resp


def _next_event(pc: _PersistConn) -> object:
    """The next h11 event, reading the connection as long as h11 needs data.

    Raises:
        EOFError: the server closed the connection before the response's
            header (Go's ``EOF``), or in the middle of it (``unexpected EOF``).
        OSError: the connection failed.
        h11.ProtocolError: the server broke the protocol.
    """
    h = pc.h11
    while True:
        event = h.next_event()
        if event is not h11.NEED_DATA:
            return event
        data = pc.conn.read(_READ_SIZE)
        if not data and h.their_state is h11.SEND_RESPONSE:
            raise EOFError("unexpected EOF" if h.trailing_data[0] else "EOF")
        h.receive_data(data)


def _nothing_received(pc: _PersistConn) -> bool:
    return pc.h11.their_state is h11.SEND_RESPONSE or pc.h11.their_state is h11.CLOSED


def _request_headers(req: Request, length: int, close: bool) -> list[tuple[bytes, bytes]]:
    header = req.header
    pairs: list[tuple[str, str]] = [("Host", req.host or req.url.host)]
    if "User-Agent" not in header:
        pairs.append(("User-Agent", _USER_AGENT))
    if length > 0 or (length == 0 and req.method in ("POST", "PUT", "PATCH")):
        pairs.append(("Content-Length", str(length)))
    elif length < 0:
        pairs.append(("Transfer-Encoding", "chunked"))
    if (req.close or close) and "Connection" not in header:
        pairs.append(("Connection", "close"))
    skip = {"Host", "Content-Length", "Transfer-Encoding"}
    pairs += [(key, value) for key, values in header.items() if key not in skip for value in values]
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs]


def _response_from(event: h11.Response, req: Request) -> Response:
    header = Header()
    for name, value in event.headers.raw_items():
        header.add(canonical_header_key(name.decode("latin-1")), value.decode("latin-1"))
    version = event.http_version.decode()
    major, _, minor = version.partition(".")
    code = event.status_code
    length = header.get("Content-Length")
    chunked = "chunked" in header.get("Transfer-Encoding").lower()
    if code in (204, 304) or 100 <= code < 200:
        content_length = 0
    elif length.isdigit() and not chunked:
        content_length = int(length)
    else:
        content_length = -1
    return Response(
        status=f"{code} {event.reason.decode('latin-1')}".rstrip(),
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
        try:
            event = _next_event(pc)
        except (OSError, h11.ProtocolError) as err:
            self._finish(keep=False)
            cerr = self._ctx.err()
            if cerr is not None:
                raise cerr from None
            if isinstance(err, OSError):
                raise
            raise OSError(f"net/http: HTTP/1.x transport connection broken: {err}") from err
        if isinstance(event, h11.Data):
            return bytes(event.data)
        self._finish(keep=isinstance(event, h11.EndOfMessage))
        return b""

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
