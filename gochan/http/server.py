"""Go's HTTP server: ``Server``, ``serve``, a goroutine per connection, keep-alive.

Each accepted connection gets a goroutine that reads requests one after
the other, parsed by ``httptools`` (llhttp, Node.js's HTTP/1.1 parser, in
C: this module feeds it the bytes read from the connection), and calls
the handler in that same goroutine, as Go's ``conn.serve`` does.
Pipelined requests are therefore answered in order.  The response's
framing and its head are this module's, as in Go's ``server.go``.

A request's context is made only when the handler asks for it; from then
on, once the request's body has been read, a watcher goroutine reads the
connection, so a client that goes away cancels the context (Go's
background read).  The context is also cancelled when the handler returns
and when the server is closed, or shut down past its grace period.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time as _time
from collections import deque
from email.utils import formatdate
from enum import Enum
from typing import Final

import httptools

from .. import context, net, tls
from .._chan import Chan
from .._select import default, recv, select
from ..runtime import go
from ..sync import WaitGroup
from ..time import after, now
from ._conn import Conn, Listener
from ._handler import Handler, HandlerFunc, check_write_header_code, handler_func
from ._request import Request, no_body
from ._sniff import SNIFF_LEN, detect_content_type
from ._status import (
    StatusBadRequest,
    StatusInternalServerError,
    StatusNotImplemented,
    StatusOK,
    StatusRequestHeaderFieldsTooLarge,
    status_text,
)
from ._url import parse_request_uri
from .header import Header, add_received, is_token, wire_key
from .mux import default_serve_mux

__all__ = ["Server", "listen_and_serve", "listen_and_serve_tls", "serve"]

log = logging.getLogger("gochan.http")

# Go's bufferBeforeChunkingSize: a response whose handler wrote at most this
# much before returning gets a Content-Length; beyond it, it is sent chunked.
_BUFFER_BEFORE_CHUNKING: Final = 2048
# Go's maxPostHandlerReadBytes: how much unread request body the server
# reads and discards after the handler to keep the connection.
_MAX_POST_HANDLER_READ: Final = 256 << 10
_READ_SIZE: Final = 64 << 10
# Go's DefaultMaxHeaderBytes, and the slack Go's reader allows beyond a server's limit.
_DEFAULT_MAX_HEADER_BYTES: Final = 1 << 20
_HEADER_SLACK: Final = 4096
# Go's rstAvoidanceDelay: how long a refused client may go on sending.
_RST_AVOIDANCE_DELAY: Final = 0.5
# Shutdown polls for quiescence, as Go's does, doubling up to this.
_SHUTDOWN_POLL_MAX: Final = 0.5
# A connection that has sent nothing for this long counts as idle for shutdown (Go's rule).
_NEW_CONN_GRACE: Final = 5.0


class _State(Enum):
    NEW = "new"  # accepted, no request yet
    ACTIVE = "active"  # reading a request or running its handler
    IDLE = "idle"  # between requests, waiting for the next one


class Server:
    """Go's ``http.Server``: serves HTTP/1.1 on listeners, a goroutine per connection.

    ``handler`` is a function ``(w, r)``, an object with ``serve_http``, or
    ``None`` for :data:`~gochan.http.default_serve_mux`.  Timeouts are in
    seconds, ``0`` for none, with Go's meanings: ``read_timeout`` bounds
    reading a whole request, ``read_header_timeout`` its header (default:
    ``read_timeout``), ``write_timeout`` writing the response (from the end
    of the request's header), ``idle_timeout`` waiting for the next request
    on a kept-alive connection (default: ``read_timeout``).
    ``max_header_bytes`` bounds a request's line and header fields
    (default 1 MB; like Go, 4 KB more get through), beyond which the client
    gets ``431 Request Header Fields Too Large``.  Timeouts run on
    the runtime's clock, as timers do, so a
    :class:`~gochan.testing.VirtualClock` governs them.

    A handler's exception is logged on the ``gochan.http`` logger and the
    client gets ``500 Internal Server Error`` (if nothing was sent yet) and
    a closed connection; the server goes on.  Errors that come from the
    connection itself (the client went away) are not logged.
    """

    def __init__(
        self,
        addr: str = "",
        handler: Handler | HandlerFunc | None = None,
        *,
        read_timeout: float = 0,
        read_header_timeout: float = 0,
        write_timeout: float = 0,
        idle_timeout: float = 0,
        max_header_bytes: int = 0,
    ) -> None:
        self.addr = addr
        self.handler = handler
        self.read_timeout = read_timeout
        self.read_header_timeout = read_header_timeout
        self.write_timeout = write_timeout
        self.idle_timeout = idle_timeout
        self.max_header_bytes = max_header_bytes
        self._listeners: set[Listener] = set()
        self._conns: set[_ServerConn] = set()
        self._serving = WaitGroup()  # one count per connection goroutine, till it ends
        self._shutting_down = False
        # The parent of every request's context: cancelled by close(), and by
        # shutdown() when its grace period ends first.
        self._base, self._cancel_base = context.with_cancel(context.background())

    def serve(self, listener: Listener) -> None:
        """Accept connections on ``listener`` and serve each in its own goroutine.

        Blocks until the listener fails or the server is shut down or closed;
        returns ``None`` after :meth:`shutdown` or :meth:`close` (where Go
        returns ``ErrServerClosed``).  Closes ``listener`` before returning.

        Raises:
            OSError: ``accept`` failed for another reason than the server closing.
        """
        if self._shutting_down:
            listener.close()
            return
        serve_request = handler_func(
            self.handler if self.handler is not None else default_serve_mux
        )
        self._listeners.add(listener)
        try:
            while True:
                try:
                    conn = listener.accept()
                except OSError:
                    if self._in_shutdown():
                        return
                    raise
                server_conn = _ServerConn(self, conn, serve_request)
                self._conns.add(server_conn)
                self._serving.go(server_conn.serve)
        finally:
            self._listeners.discard(listener)
            listener.close()

    def listen_and_serve(self) -> None:
        """Listen on TCP ``addr`` (``":http"`` if empty) and :meth:`serve` (Go's ``ListenAndServe``).

        Blocks until the server is shut down or closed, then returns None.

        Raises:
            OSError: the address cannot be listened on, or ``accept`` failed.
        """
        self.serve(net.listen("tcp", self.addr or ":http"))

    def listen_and_serve_tls(self, cert_file: str, key_file: str) -> None:
        """As :meth:`listen_and_serve`, over TLS with this certificate and key (``":https"`` if empty).

        Raises:
            OSError: as :meth:`listen_and_serve`, or the files cannot be read.
            ssl.SSLError: the certificate or key is invalid.
        """
        config = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        config.load_cert_chain(cert_file, key_file)
        self.serve(tls.listen("tcp", self.addr or ":https", config))

    def _in_shutdown(self) -> bool:
        # A call, not the attribute: accept() may have let shutdown() run.
        return self._shutting_down

    def close(self) -> None:
        """Close every listener and connection now (Go's ``Server.Close``); never blocks.

        Handlers still running have their requests' contexts cancelled.
        """
        self._shutting_down = True
        self._close_listeners()
        self._cancel_base()
        for conn in list(self._conns):
            conn.conn.close()

    def shutdown(self, ctx: context.Context) -> None:
        """Stop gracefully (Go's ``Server.Shutdown``): stop accepting, wait for active requests.

        Closes the listeners, then idle connections, then each connection as
        its current response ends, and returns once none is left.  Blocks the
        calling goroutine until then, or until ``ctx`` is done: then the
        requests still running have their contexts cancelled and
        ``ctx.err()`` is raised.

        Raises:
            Canceled: ``ctx`` was cancelled first.
            DeadlineExceeded: ``ctx``'s deadline passed first.
        """
        self._shutting_down = True
        self._close_listeners()
        interval = 0.001
        done = recv(ctx.done())
        while not self._close_idle_conns():
            if select(done, recv(after(interval))) is done:
                self._cancel_base()
                err = ctx.err()
                assert err is not None  # done() is closed
                raise err
            interval = min(interval * 2, _SHUTDOWN_POLL_MAX)

    def _close_listeners(self) -> None:
        for listener in list(self._listeners):
            listener.close()

    def _close_idle_conns(self, new_grace: float = _NEW_CONN_GRACE) -> bool:
        """Close the idle connections; whether none is left at all.

        A connection that has sent nothing for ``new_grace`` seconds counts as idle.
        """
        quiet = True
        current = now()
        for conn in list(self._conns):
            stale_new = conn.state is _State.NEW and current - conn.state_since >= new_grace
            if conn.state is _State.IDLE or stale_new:
                conn.conn.close()
                self._conns.discard(conn)
            else:
                quiet = False
        return quiet


def serve(listener: Listener, handler: Handler | HandlerFunc | None) -> None:
    """Serve HTTP on ``listener`` with ``handler`` (Go's ``http.Serve``); blocks.

    Raises:
        OSError: as :meth:`Server.serve`.
    """
    Server(handler=handler).serve(listener)


def listen_and_serve(addr: str, handler: Handler | HandlerFunc | None) -> None:
    """Serve HTTP on TCP ``addr`` with ``handler`` (Go's ``http.ListenAndServe``); blocks.

    Raises:
        OSError: as :meth:`Server.listen_and_serve`.
    """
    Server(addr, handler).listen_and_serve()


def listen_and_serve_tls(
    addr: str, cert_file: str, key_file: str, handler: Handler | HandlerFunc | None
) -> None:
    """Serve HTTPS on TCP ``addr`` (Go's ``http.ListenAndServeTLS``); blocks.

    Raises:
        OSError: as :meth:`Server.listen_and_serve_tls`.
        ssl.SSLError: the certificate or key is invalid.
    """
    Server(addr, handler).listen_and_serve_tls(cert_file, key_file)


class _Reject(Exception):
    """A request the server refuses: answered with ``code``, then the connection closes."""

    def __init__(self, code: int, why: str) -> None:
        super().__init__(why)
        self.code = code


class _Incoming:
    """One request as the parser delivers it: its head, then its body as it arrives.

    The parser fills it from its callbacks; the connection's goroutine
    reads it.  ``body`` holds the chunks not yet read, already decoded when
    the body is chunked; ``complete`` says the whole message has arrived.
    """

    __slots__ = (
        "body",
        "complete",
        "continue_due",
        "head_size",
        "header",
        "host",
        "hosts",
        "keep_alive",
        "method",
        "target",
        "upgrade",
        "version",
    )

    def __init__(self) -> None:
        self.target = b""
        self.header = Header()
        self.host = ""
        self.hosts = 0  # how many Host fields came
        self.head_size = len(b"  HTTP/1.1\r\n\r\n")  # the request line and fields, as sent
        self.method = ""
        self.version = ""
        self.keep_alive = False
        self.upgrade = False
        self.continue_due = False  # the client awaits "100 Continue" before sending the body
        self.body: list[bytes] = []
        self.complete = False


# What a request's version makes of Request.proto, proto_major and proto_minor.
_PROTOS: Final = {"1.1": ("HTTP/1.1", 1, 1), "1.0": ("HTTP/1.0", 1, 0)}


class _ServerConn:
    """One connection's state, served by one goroutine (Go's ``conn``).

    The goroutine reads the connection in blocks of up to 64 KB and feeds
    them to ``httptools``' parser (llhttp), whose callbacks queue each
    request whose head is complete; so pipelined requests that came in one
    block are parsed from it, and answered in order, one at a time.  Only
    that goroutine touches the parser and the queue (the context's watcher
    only reads the connection into ``prefetched``), so nothing is locked.
    """

    def __init__(self, server: Server, conn: Conn, serve_request: HandlerFunc) -> None:
        self.server = server
        self.conn = conn
        self.serve_request = serve_request
        self.remote_addr = str(conn.remote_addr())
        # Go's limit on a request's line and header fields: max_header_bytes plus slack.
        self.max_head_size = (server.max_header_bytes or _DEFAULT_MAX_HEADER_BYTES) + _HEADER_SLACK
        self.parser = httptools.HttpRequestParser(self)
        self.parsing: _Incoming | None = None  # the request whose head is being parsed
        # Bytes fed since the block that began that head; -1 while that block is fed.
        self.head_fed = 0
        self.queue: deque[_Incoming] = deque()  # requests whose head is complete, unanswered
        self.receiving = _Incoming()  # the last request whose head was complete: its body comes
        self.serving = self.receiving  # the request whose handler runs
        self.failure: _Reject | None = None  # what the parser refused: it parses no more
        self.upgraded = False  # an Upgrade or CONNECT request came: nothing after it is parsed
        self.state = _State.NEW  # written by serve() only
        self.state_since = now()  # when the connection was accepted: only NEW needs it
        self.broken = False  # a read or write on the connection failed
        # The current request's context, once its handler asked for it.
        self.cancel_request: context.CancelFunc | None = None
        self.want_watch = False  # the handler asked for the context before the body ended
        self.watcher_done: Chan[None] | None = None  # closed when the watcher exits
        self.prefetched: bytes | None = None  # what the watcher read: b"" for the end

    # -- the loop ------------------------------------------------------------------

    def serve(self) -> None:
        try:
            self._serve()
        except OSError:
            pass  # the connection failed or was closed under us: nothing to answer
        finally:
            self.conn.close()
            self.server._conns.discard(self)

    def _serve(self) -> None:
        first = True
        while True:
            found = self._read_request(first)
            if found is None:
                return
            request, incoming = found
            first = False
            self.state = _State.ACTIVE
            keep = self._respond(request, incoming)
            if not keep or self.server._shutting_down:
                return
            self.state = _State.IDLE

    def _read_request(self, first: bool) -> tuple[Request, _Incoming] | None:
        """The next request, or None when the client is done with the connection."""
        queue = self.queue
        server = self.server
        header_timeout = server.read_header_timeout or server.read_timeout
        if not queue:
            idle_timeout = server.idle_timeout or server.read_timeout
            if not first and idle_timeout:
                self.conn.set_read_deadline(now() + idle_timeout)
            try:
                while not queue:
                    if not self._fill():
                        if self.failure is not None:
                            self._reject(self.failure.code, self.failure)
                        return None
                    if header_timeout:
                        # From the request's first bytes on, the header has this long.
                        self.conn.set_read_deadline(now() + header_timeout)
                        header_timeout = 0
            except TimeoutError:
                return None
        incoming = queue.popleft()
        if server.read_timeout:
            self.conn.set_read_deadline(now() + server.read_timeout)
        elif header_timeout:
            self.conn.set_read_deadline(None)
        if server.write_timeout:
            self.conn.set_write_deadline(now() + server.write_timeout)
        try:
            return self._request_from(incoming), incoming
        except ValueError as err:
            self._reject(StatusBadRequest, err)
            return None

    def _fill(self) -> bool:
        """Read a block of the connection into the parser; False at its end or once the parser failed."""
        if self.failure is not None or self.upgraded:
            return False
        data = self._read()
        if not data:
            return False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.upgraded = True  # what follows speaks another protocol, which we do not
        except httptools.HttpParserError as err:
            refused = err.__context__  # what a callback raised, if one did
            self.failure = (
                refused if isinstance(refused, _Reject) else _Reject(StatusBadRequest, str(err))
            )
            return True
        if self.parsing is not None:
            # A head still incomplete: the fields that came whole were measured by
            # the callbacks; this bounds the one that did not, give or take the
            # block the head began in (not counted: other requests may fill it).
            self.head_fed = 0 if self.head_fed < 0 else self.head_fed + len(data)
            if self.head_fed > self.max_head_size:
                self.failure = _Reject(
                    StatusRequestHeaderFieldsTooLarge, "request header too large"
                )
        return True

    def _read(self) -> bytes:
        if self.prefetched is not None:
            data, self.prefetched = self.prefetched, None
            return data
        try:
            return self.conn.read(_READ_SIZE)
        except OSError:
            self.broken = True
            raise

    # -- the parser's callbacks (httptools' protocol) -------------------------------

    def on_message_begin(self) -> None:
        self.parsing = _Incoming()
        self.head_fed = -1

    def on_url(self, url: bytes) -> None:
        incoming = self.parsing
        assert incoming is not None  # on_message_begin came first
        incoming.target += url
        incoming.head_size += len(url)
        if incoming.head_size > self.max_head_size:
            raise _Reject(StatusRequestHeaderFieldsTooLarge, "request header too large")

    def on_header(self, name: bytes, value: bytes) -> None:
        incoming = self.parsing
        assert incoming is not None
        incoming.head_size += len(name) + len(value) + 4  # ": " and CRLF
        if incoming.head_size > self.max_head_size:
            raise _Reject(StatusRequestHeaderFieldsTooLarge, "request header too large")
        key = wire_key(name)
        if key == "Host":
            incoming.host = value.decode("latin-1")  # Go keeps it in Request.host only
            incoming.hosts += 1
            return
        add_received(incoming.header, key, value)

    def on_headers_complete(self) -> None:
        incoming = self.parsing
        assert incoming is not None
        parser = self.parser
        incoming.method = parser.get_method().decode("latin-1")
        incoming.head_size += len(incoming.method)
        if incoming.head_size > self.max_head_size:
            raise _Reject(StatusRequestHeaderFieldsTooLarge, "request header too large")
        version = incoming.version = parser.get_http_version()
        if version not in _PROTOS:
            raise _Reject(StatusBadRequest, f"unsupported protocol version HTTP/{version}")
        if incoming.hosts > 1 or (not incoming.hosts and version == "1.1"):
            raise _Reject(StatusBadRequest, "missing or repeated Host header")
        header = incoming.header
        coding = dict.get(header, "Transfer-Encoding")
        if coding is not None and [value.lower() for value in coding] != ["chunked"]:
            raise _Reject(StatusNotImplemented, f"unsupported transfer encoding {coding!r}")
        incoming.keep_alive = parser.should_keep_alive()
        incoming.upgrade = parser.should_upgrade()
        expect = dict.get(header, "Expect")
        incoming.continue_due = (
            expect is not None and version == "1.1" and expect[0].lower() == "100-continue"
        )
        self.parsing = None
        self.receiving = incoming
        self.queue.append(incoming)

    def on_body(self, body: bytes) -> None:
        self.receiving.body.append(body)

    def on_message_complete(self) -> None:
        incoming = self.receiving
        incoming.complete = True
        incoming.continue_due = False

    # -- one exchange --------------------------------------------------------------

    def _request_from(self, incoming: _Incoming) -> Request:
        target = incoming.target.decode("latin-1")
        url = parse_request_uri(target)
        header = incoming.header
        proto, major, minor = _PROTOS[incoming.version]
        length = dict.get(header, "Content-Length")
        chunked = "Transfer-Encoding" in header
        request = Request(
            method=incoming.method,
            url=url,
            proto=proto,
            proto_major=major,
            proto_minor=minor,
            header=header,
            content_length=-1 if chunked else int(length[0]) if length else 0,
            transfer_encoding=["chunked"] if chunked else [],
            close=not incoming.keep_alive,
            host=incoming.host or url.host,
            remote_addr=self.remote_addr,
            request_uri=target,
        )
        if incoming.complete and not incoming.body:
            request.body = no_body
        else:
            request.body = _RequestBody(self, incoming)
        request._make_ctx = self._request_context
        return request

    def _respond(self, request: Request, incoming: _Incoming) -> bool:
        """Run the handler and finish the response; whether the connection may serve another."""
        self.serving = incoming
        w = _ResponseWriter(self, request, incoming)
        try:
            self.serve_request(w, request)
        except Exception as err:
            if not self.broken:
                log.error("http: panic serving %s: %r", self.remote_addr, err, exc_info=err)
                w.fail()
            return False
        finally:
            self._end_request_context()
        if self.broken:
            return False
        w.finish()
        return w.keep_alive and self._discard_body(incoming)

    def _discard_body(self, incoming: _Incoming) -> bool:
        """Read what the handler left of the request body; whether all of it came."""
        budget = _MAX_POST_HANDLER_READ
        while True:
            budget -= sum(map(len, incoming.body))
            incoming.body.clear()
            if incoming.complete:
                return True
            if budget < 0 or not self._fill():
                return False

    def more_body(self, incoming: _Incoming) -> None:
        """Read until more of ``incoming``'s body came, or all of it (for the body's reader).

        Sends ``100 Continue`` first if the client waits for it.

        Raises:
            EOFError: the connection ended in the middle of the body.
            ValueError: the body is malformed.
            OSError: reading the connection failed.
        """
        if incoming.continue_due:
            incoming.continue_due = False
            self.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = incoming.body
        had = len(body)
        while len(body) == had and not incoming.complete:
            if not self._fill():
                if self.failure is not None:
                    raise ValueError(f"http: invalid request body: {self.failure}")
                raise EOFError("unexpected EOF")

    def write(self, data: bytes) -> None:
        try:
            self.conn.write(data)
        except OSError:
            self.broken = True
            raise

    def _reject(self, code: int, why: object) -> None:
        """Answer a request that cannot be served as Go does; the connection then closes.

        ``431 Request Header Fields Too Large`` past ``max_header_bytes``,
        ``501 Not Implemented`` for a transfer coding other than chunked,
        ``400 Bad Request`` for anything else malformed.
        """
        log.debug("http: bad request from %s: %s", self.remote_addr, why)
        if code == StatusRequestHeaderFieldsTooLarge:
            body = "431 Request Header Fields Too Large"
        elif code == StatusNotImplemented:
            body = "Unsupported transfer encoding"
        else:
            code, body = StatusBadRequest, "400 Bad Request"
        head = (
            f"HTTP/1.1 {code} {status_text(code)}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.conn.write((head + body).encode())
        if code == StatusRequestHeaderFieldsTooLarge:
            self._close_write_and_wait()

    def _close_write_and_wait(self) -> None:
        """Go's ``closeWriteAndWait``: end our side, then read for a while before closing.

        The client may still be sending the request we refused; closing with
        its bytes unread would reset the connection and could lose our answer
        on the way.  So the rest is read and dropped, for half a second at most.
        """
        conn = self.conn
        if isinstance(conn, net.Conn):
            conn.close_write()
        conn.set_read_deadline(now() + _RST_AVOIDANCE_DELAY)
        with contextlib.suppress(OSError):
            while conn.read(_READ_SIZE):
                pass

    # -- the request's context -----------------------------------------------------

    def _request_context(self) -> context.Context:
        ctx, self.cancel_request = context.with_cancel(self.server._base)
        if not self.serving.complete:
            self.want_watch = True  # the body reader starts the watcher at its end
        else:
            self._start_watcher()
        return ctx

    def body_ended(self) -> None:
        if self.want_watch:
            self.want_watch = False
            self._start_watcher()

    def _start_watcher(self) -> None:
        cancel = self.cancel_request
        if cancel is None or self.prefetched is not None:
            return
        done = self.watcher_done = Chan[None]()
        go(self._watch, cancel, done)

    def _watch(self, cancel: context.CancelFunc, done: Chan[None]) -> None:
        """Go's background read: read ahead while the handler runs, to see the client leave."""
        try:
            data = self.conn.read(_READ_SIZE)
        except TimeoutError:
            return  # stopped by _end_request_context
        except OSError:
            self.broken = True
            cancel()
            return
        finally:
            done.close()
        self.prefetched = data
        if not data:
            cancel()  # the client closed its side

    def _end_request_context(self) -> None:
        """After the handler: cancel the context and stop the watcher (Go's abortPendingRead)."""
        self.want_watch = False
        if self.cancel_request is not None:
            self.cancel_request()
            self.cancel_request = None
        done = self.watcher_done
        if done is None:
            return
        self.watcher_done = None
        if select(recv(done), default) is default:  # still blocked in its read: wake it
            self.conn.set_read_deadline(now() - 1)
            done.recv()
            self.conn.set_read_deadline(None)


class _RequestBody:
    """The body of a request on the server, read from the connection as the handler asks."""

    def __init__(self, conn: _ServerConn, incoming: _Incoming) -> None:
        self._conn = conn
        self._incoming = incoming
        self._closed = False

    def read(self, n: int = -1, /) -> bytes:
        if self._closed:
            raise ValueError("http: invalid Read on closed Body")
        incoming = self._incoming
        chunks = incoming.body
        if n < 0:
            while not incoming.complete:
                self._conn.more_body(incoming)
            data = b"".join(chunks)
            chunks.clear()
        else:
            if not chunks and not incoming.complete:
                self._conn.more_body(incoming)
            if not chunks:
                data = b""
            elif len(chunks[0]) <= n:
                data = chunks.pop(0)
            else:
                data = chunks[0][:n]
                chunks[0] = chunks[0][n:]
        if incoming.complete:
            self._conn.body_ended()
        return data

    def close(self) -> None:
        self._closed = True


class _ResponseWriter:
    """The server's :class:`ResponseWriter` for one request (Go's ``response``).

    Holds back up to 2 KB of body: a handler that writes no more than that
    and returns gets a ``Content-Length``, and its response goes out in one
    write; a longer body, or one flushed early, goes out chunked (or, to an
    HTTP/1.0 client, up to a closed connection).  The response's framing
    (Content-Length, chunked, or none for HEAD, 1xx, 204 and 304) and
    whether the connection stays open are decided here, as Go's
    ``chunkWriter.writeHeader`` decides them.
    """

    def __init__(self, conn: _ServerConn, request: Request, incoming: _Incoming) -> None:
        self._conn = conn
        self._request = request
        self._incoming = incoming
        self._header = Header()
        self._status = 0  # set by write_header
        self._committed = False  # the status line and header have been sent
        self._held: list[bytes] = []  # body written but not yet sent
        self._held_size = 0
        self._out: list[bytes] = []  # wire bytes not yet written to the connection
        self._out_size = 0
        self._head = request.method == "HEAD"
        self._chunked = False  # the body goes out in chunks
        self._left = -1  # what the declared Content-Length still expects; -1 when none
        # Whether the connection may serve another request after this response.
        self.keep_alive = incoming.keep_alive and not incoming.upgrade

    def header(self) -> Header:
        return self._header

    def write_header(self, status_code: int, /) -> None:
        if self._status:
            log.warning("http: superfluous response.WriteHeader call")
            return
        check_write_header_code(status_code)
        if 100 <= status_code < 200 and status_code != 101:
            self._conn.write(_head(status_code, self._header))
            return
        self._status = status_code
        length = dict.get(self._header, "Content-Length")
        if length is not None and _body_allowed(status_code):
            if _is_length(length[0]):
                self._left = int(length[0])
            else:
                log.warning("http: invalid Content-Length of %r", length[0])
                del self._header["Content-Length"]

    def write(self, data: bytes, /) -> int:
        """Write part of the body (held back, or queued, or sent); see the class.

        Raises:
            ValueError: the status allows no body (Go's ``ErrBodyNotAllowed``),
                or ``data`` goes past the declared Content-Length (``ErrContentLength``).
            OSError: the connection failed.
        """
        if not self._status:
            self.write_header(StatusOK)
        if not data:
            return 0
        if not _body_allowed(self._status):
            raise ValueError("http: request method or response status code does not allow body")
        left = self._left
        if left >= 0:
            if len(data) > left:
                raise ValueError("http: wrote more than the declared Content-Length")
            self._left = left - len(data)
        if self._committed:
            if not self._head:  # a HEAD response's body is counted, never sent
                self._send_body(data)
                if self._out_size >= _BUFFER_BEFORE_CHUNKING:
                    self._flush_out()
            return len(data)
        self._held.append(data)
        self._held_size += len(data)
        if self._held_size > _BUFFER_BEFORE_CHUNKING:
            self._commit(final=False)
        return len(data)

    def flush(self) -> None:
        if not self._status:
            self.write_header(StatusOK)
        if not self._committed:
            self._commit(final=False)
        self._flush_out()

    def finish(self) -> None:
        """After the handler returned: send what is left and end the message."""
        if not self._status:
            self.write_header(StatusOK)
        if not self._committed:
            self._commit(final=True)
        if self._chunked:
            self._out.append(b"0\r\n\r\n")
        elif self._left > 0 and not self._head:
            self.keep_alive = False  # less than declared came: the client cannot tell where we are
        self._flush_out()

    def fail(self) -> None:
        """The handler raised: answer 500 if nothing was sent yet (the connection then closes)."""
        if self._committed:
            return
        self._header = Header(
            {"Content-Type": ["text/plain; charset=utf-8"], "Connection": ["close"]}
        )
        body = f"{status_text(StatusInternalServerError)}\n".encode()
        self._held, self._held_size, self._status = [body], len(body), StatusInternalServerError
        self._left = -1
        with contextlib.suppress(OSError, ValueError):  # the client may be gone
            self.finish()

    def _commit(self, final: bool) -> None:
        """Frame the response, then queue its head and what the handler wrote so far."""
        self._committed = True
        h = self._header
        status = self._status
        held = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held = []
        if "Date" not in h:
            h["Date"] = [_http_date()]
        allowed = _body_allowed(status)
        coding = dict.get(h, "Transfer-Encoding")
        if allowed and held and coding is None and "Content-Type" not in h:
            h["Content-Type"] = [detect_content_type(held[:SNIFF_LEN])]
        unframed = coding is None and "Content-Length" not in h
        if final and allowed and unframed and (held or not self._head):
            h["Content-Length"] = [str(len(held))]
        if allowed and not self._head:
            self._frame(h, coding)
        incoming = self._incoming
        if incoming.continue_due:
            # The client still waits to be asked for the body: it cannot be read now.
            incoming.continue_due = False
            self.keep_alive = False
        if self._conn.server._shutting_down:
            self.keep_alive = False
        connection = dict.get(h, "Connection")
        if connection is not None and _has_token(connection, "close"):
            self.keep_alive = False
        elif not self.keep_alive:
            if self._request.proto_minor >= 1:  # an HTTP/1.0 client expects the close anyway
                h["Connection"] = ["close"]
        elif self._request.proto_minor == 0:
            h["Connection"] = ["keep-alive"]  # an HTTP/1.0 client asked for it, and gets it
        self._out.append(_head(status, h))
        if held and allowed and not self._head:
            self._send_body(held)

    def _frame(self, h: Header, coding: list[str] | None) -> None:
        """How the body goes out: as long as Content-Length says, in chunks, or up to the close."""
        length = dict.get(h, "Content-Length")
        if length is not None:
            if _is_length(length[0]):
                return
            del h["Content-Length"]  # set after write_header, and invalid
        if coding is not None:
            self._chunked = [value.lower() for value in coding] == ["chunked"]
            if not self._chunked:
                self.keep_alive = False
        elif self._request.proto_minor >= 1:
            h["Transfer-Encoding"] = ["chunked"]
            self._chunked = True
        else:
            self.keep_alive = False  # HTTP/1.0: the body ends where the connection does

    def _send_body(self, data: bytes) -> None:
        if self._chunked:
            self._out += (b"%x\r\n" % len(data), data, b"\r\n")
        else:
            self._out.append(data)
        self._out_size += len(data)

    def _flush_out(self) -> None:
        out = self._out
        if not out:
            return
        data = out[0] if len(out) == 1 else b"".join(out)
        self._out = []
        self._out_size = 0
        self._conn.write(data)


# Status lines by code, made on first use.
_STATUS_LINES: dict[int, str] = {}
# Field names already found valid (tokens): most responses repeat the same few.
_VALID_KEYS: set[str] = set()
_VALID_KEYS_MAX: Final = 1024


def _head(status: int, header: Header) -> bytes:
    """The status line and header fields of a response, as sent.

    Invalid field names are left out and line breaks in values become
    spaces, as Go's ``Header.Write`` does.
    """
    line = _STATUS_LINES.get(status)
    if line is None:
        text = status_text(status) or f"status code {status}"
        line = _STATUS_LINES[status] = f"HTTP/1.1 {status:03d} {text}\r\n"
    parts = [line]
    for key, values in header.items():
        if key not in _VALID_KEYS:
            if not is_token(key):
                continue
            if len(_VALID_KEYS) < _VALID_KEYS_MAX:
                _VALID_KEYS.add(key)
        for value in values:
            if "\n" in value or "\r" in value:
                value = value.replace("\r", " ").replace("\n", " ")
            parts.append(f"{key}: {value}\r\n")
    parts.append("\r\n")
    return "".join(parts).encode("latin-1")


def _is_length(value: str) -> bool:
    """Whether a Content-Length value is valid: decimal digits only."""
    return value.isascii() and value.isdigit()


def _has_token(values: list[str], token: str) -> bool:
    """Whether a comma-separated header field holds ``token`` (case-insensitive)."""
    return any(part.strip().lower() == token for value in values for part in value.split(","))


def _body_allowed(status: int) -> bool:
    """Go's ``bodyAllowedForStatus``: no body for 1xx, 204 and 304."""
    return not (100 <= status < 200 or status in (204, 304))


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The ``Date`` header for now, made once a second."""
    global _date_cache
    second = int(_time.time())  # the wall clock: the Date header says when, not how long
    if _date_cache[0] != second:
        _date_cache = (second, formatdate(second, usegmt=True))
    return _date_cache[1]
