"""Go's HTTP server: ``Server``, ``serve``, a goroutine per connection, keep-alive.

Each accepted connection gets a goroutine that reads requests one after
the other with ``h11`` (the sans-I/O HTTP/1.1 protocol library: this
module feeds it the bytes read from the connection and writes the bytes
it produces) and calls the handler in that same goroutine, as Go's
``conn.serve`` does.  Pipelined requests are therefore answered in order.

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
from email.utils import formatdate
from enum import Enum
from typing import Final

import h11

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
from .header import Header, canonical_header_key
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


class _ServerConn:
    """One connection's state, served by one goroutine (Go's ``conn``)."""

    def __init__(self, server: Server, conn: Conn, serve_request: HandlerFunc) -> None:
        self.server = server
        self.conn = conn
        self.serve_request = serve_request
        self.remote_addr = str(conn.remote_addr())
        # Go's limit on a request's line and header fields: max_header_bytes plus slack.
        self.max_head_size = (server.max_header_bytes or _DEFAULT_MAX_HEADER_BYTES) + _HEADER_SLACK
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=self.max_head_size)
        self.state = _State.NEW  # written by serve() only
        self.state_since = now()
        self.broken = False  # a read or write on the connection failed
        self.received = 0  # bytes handed to h11 so far
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
            request = self._read_request(first)
            if request is None:
                return
            first = False
            self._set_state(_State.ACTIVE)
            keep = self._respond(request)
            if not keep or self.server._shutting_down:
                return
            self.h11.start_next_cycle()
            self._set_state(_State.IDLE)

    def _set_state(self, state: _State) -> None:
        self.state = state
        self.state_since = now()

    def _read_request(self, first: bool) -> Request | None:
        """The next request, or None when the client is done with the connection."""
        server = self.server
        header_timeout = server.read_header_timeout or server.read_timeout
        idle_timeout = server.idle_timeout or server.read_timeout
        if not first and idle_timeout:
            self.conn.set_read_deadline(now() + idle_timeout)
        received_before = self.received
        try:
            event = self._next_event(header_timeout)
        except h11.RemoteProtocolError as err:
            self._reject(err.error_status_hint, err)
            return None
        except TimeoutError:
            return None
        if not isinstance(event, h11.Request):
            return None  # ConnectionClosed
        # h11 bounds only a head still incomplete, so one that came whole is
        # measured here, unless it cannot be that large: the head is within
        # what was read for it and what was left of the last read before.
        may_be_large = self.received - received_before + _READ_SIZE > self.max_head_size
        if may_be_large and _head_size(event) > self.max_head_size:
            self._reject(StatusRequestHeaderFieldsTooLarge, "request header too large")
            return None
        header_end = now()
        if server.read_timeout:
            self.conn.set_read_deadline(header_end + server.read_timeout)
        elif header_timeout:
            self.conn.set_read_deadline(None)
        if server.write_timeout:
            self.conn.set_write_deadline(header_end + server.write_timeout)
        try:
            return self._request_from(event)
        except ValueError as err:
            self._reject(StatusBadRequest, err)
            return None

    def _next_event(self, header_timeout: float = 0) -> object:
        """The next h11 event, reading the connection as long as h11 needs data.

        With ``header_timeout``, the read deadline is set once the first
        bytes of the request have arrived.
        """
        h = self.h11
        while True:
            event = h.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = self._read()
            self.received += len(data)
            if header_timeout:
                self.conn.set_read_deadline(now() + header_timeout)
                header_timeout = 0
            h.receive_data(data)

    def _read(self) -> bytes:
        if self.prefetched is not None:
            data, self.prefetched = self.prefetched, None
            return data
        try:
            return self.conn.read(_READ_SIZE)
        except OSError:
            self.broken = True
            raise

    def _request_from(self, event: h11.Request) -> Request:
        header = Header()
        host = ""
        for name, value in event.headers.raw_items():
            key = canonical_header_key(name.decode("latin-1"))
            if key == "Host":
                host = value.decode("latin-1")
                continue  # Go keeps the Host header in Request.host only
            header.add(key, value.decode("latin-1"))
        target = event.target.decode("latin-1")
        url = parse_request_uri(target)
        version = event.http_version.decode()
        major, _, minor = version.partition(".")
        length = header.get("Content-Length")
        chunked = "chunked" in header.get("Transfer-Encoding").lower()
        request = Request(
            method=event.method.decode("latin-1"),
            url=url,
            proto=f"HTTP/{version}",
            proto_major=int(major),
            proto_minor=int(minor or 0),
            header=header,
            content_length=-1 if chunked else int(length) if length else 0,
            transfer_encoding=["chunked"] if chunked else [],
            close=self.h11.their_state is h11.MUST_CLOSE,
            host=host or url.host,
            remote_addr=self.remote_addr,
            request_uri=target,
        )
        if chunked or length not in ("", "0"):
            request.body = _RequestBody(self)
        else:
            request.body = no_body
            self._next_event()  # the EndOfMessage of the empty body: the request is all read
        request._make_ctx = self._request_context
        return request

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

    # -- one exchange --------------------------------------------------------------

    def _respond(self, request: Request) -> bool:
        """Run the handler and finish the response; whether the connection may serve another."""
        w = _ResponseWriter(self, request)
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
        return self._discard_body() and self.h11.our_state is h11.DONE

    def _discard_body(self) -> bool:
        """Read what the handler left of the request body; whether all of it came."""
        budget = _MAX_POST_HANDLER_READ
        while self.h11.their_state is h11.SEND_BODY:
            event = self._next_event()
            if isinstance(event, h11.Data):
                budget -= len(event.data)
                if budget < 0:
                    return False
            elif not isinstance(event, h11.EndOfMessage):
                return False
        return self.h11.their_state is h11.DONE

    # -- the request's context -----------------------------------------------------

    def _request_context(self) -> context.Context:
        ctx, self.cancel_request = context.with_cancel(self.server._base)
        if self.h11.their_state is h11.SEND_BODY:
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

    def __init__(self, conn: _ServerConn) -> None:
        self._conn = conn
        self._pending = b""
        self._done = False
        self._closed = False

    def read(self, n: int = -1, /) -> bytes:
        if self._closed:
            raise ValueError("http: invalid Read on closed Body")
        if n < 0:
            chunks = [self._pending]
            self._pending = b""
            while not self._done:
                chunks.append(self._next_data())
            return b"".join(chunks)
        while not self._pending and not self._done:
            self._pending = self._next_data()
        data, self._pending = self._pending[:n], self._pending[n:]
        return data

    def _next_data(self) -> bytes:
        conn = self._conn
        if conn.h11.they_are_waiting_for_100_continue:
            conn.conn.write(
                conn.h11.send(h11.InformationalResponse(status_code=100, headers=[])) or b""
            )
        event = conn._next_event()
        if isinstance(event, h11.Data):
            return bytes(event.data)
        self._done = True
        conn.body_ended()
        return b""

    def close(self) -> None:
        self._closed = True


class _ResponseWriter:
    """The server's :class:`ResponseWriter` for one request (Go's ``response``).

    Holds back up to 2 KB of body: a handler that writes no more than that
    and returns gets a ``Content-Length``; a longer body, or one flushed
    early, goes out chunked (or, to an HTTP/1.0 client, up to a closed
    connection).
    """

    def __init__(self, conn: _ServerConn, request: Request) -> None:
        self._conn = conn
        self._request = request
        self._header = Header()
        self._status = 0  # set by write_header
        self._committed = False  # the status line and header have been sent
        self._held: list[bytes] = []  # body written but not yet sent
        self._held_size = 0
        self._out: list[bytes] = []  # wire bytes not yet written to the connection
        self._head = request.method == "HEAD"

    def header(self) -> Header:
        return self._header

    def write_header(self, status_code: int, /) -> None:
        if self._status:
            log.warning("http: superfluous response.WriteHeader call")
            return
        check_write_header_code(status_code)
        if 100 <= status_code < 200 and status_code != 101:
            self._send(
                h11.InformationalResponse(status_code=status_code, headers=_wire(self._header))
            )
            self._flush_out()
            return
        self._status = status_code

    def write(self, data: bytes, /) -> int:
        if not self._status:
            self.write_header(StatusOK)
        if self._head or not data:
            return len(data)
        if self._committed:
            self._send(h11.Data(data=data))
            if sum(map(len, self._out)) >= _BUFFER_BEFORE_CHUNKING:
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
        self._send(h11.EndOfMessage())
        self._flush_out()

    def fail(self) -> None:
        """The handler raised: answer 500 if nothing was sent yet (the connection then closes)."""
        if self._committed:
            return
        self._header = Header(
            {"Content-Type": ["text/plain; charset=utf-8"], "Connection": ["close"]}
        )
        self._held, self._held_size, self._status = [], 0, StatusInternalServerError
        self._head = self._request.method == "HEAD"
        if not self._head:
            body = f"{status_text(StatusInternalServerError)}\n".encode()
            self._held, self._held_size = [body], len(body)
        with contextlib.suppress(OSError, ValueError):  # the client may be gone
            self.finish()

    def _commit(self, final: bool) -> None:
        """Send the status line and header, then what the handler wrote so far."""
        self._committed = True
        h = self._header
        held = b"".join(self._held)
        self._held = []
        if "Date" not in h:
            h["Date"] = [_http_date()]
        allowed = _body_allowed(self._status)
        if allowed and "Content-Type" not in h and not h.get("Transfer-Encoding") and held:
            h["Content-Type"] = [detect_content_type(held[:SNIFF_LEN])]
        unframed = "Content-Length" not in h and not h.get("Transfer-Encoding")
        if final and allowed and unframed and (held or not self._head):
            h["Content-Length"] = [str(len(held))]
        if self._conn.server._shutting_down:
            h.set("Connection", "close")
        self._send(
            h11.Response(
                status_code=self._status, headers=_wire(h), reason=status_text(self._status)
            )
        )
        if held and not self._head:
            self._send(h11.Data(data=held))

    def _send(self, event: h11._events.Event) -> None:
        try:
            data = self._conn.h11.send(event)
        except h11.LocalProtocolError as err:
            raise ValueError(f"http: {err}") from None
        if data:
            self._out.append(data)

    def _flush_out(self) -> None:
        if not self._out:
            return
        data = b"".join(self._out)
        self._out = []
        try:
            self._conn.conn.write(data)
        except OSError:
            self._conn.broken = True
            raise


def _head_size(request: h11.Request) -> int:
    """The size of the request line and header fields as sent, give or take whitespace."""
    size = len(request.method) + len(request.target) + len(b"  HTTP/1.1\r\n\r\n")
    for name, value in request.headers.raw_items():
        size += len(name) + len(value) + len(b": \r\n")
    return size


def _wire(header: Header) -> list[tuple[bytes, bytes]]:
    return [
        (key.encode("latin-1"), value.encode("latin-1"))
        for key, values in header.items()
        for value in values
    ]


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
