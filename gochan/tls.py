"""Go's ``crypto/tls`` on ``gochan.net``: TLS connections that block only their goroutine.

The TLS state machine is Python's ``ssl`` module, driven through memory
BIOs: ``ssl`` encrypts into and decrypts from two in-memory buffers, and
this module moves the bytes between them and a :class:`gochan.net.Conn`,
whose reads and writes park the calling goroutine on the netpoller.  So a
handshake or a read waiting for the peer never blocks the thread.

The configuration is an ``ssl.SSLContext`` (Go's ``tls.Config``):
``ssl.create_default_context()`` for a client that checks certificates
against the system's trust store, ``ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)``
with ``load_cert_chain`` for a server.
"""

from __future__ import annotations

import contextlib
import ssl
from typing import Final

from . import context, net
from .sync import Mutex
from .time import now

__all__ = ["Conn", "Listener", "client", "dial", "dial_context", "listen", "server"]

_READ_SIZE: Final = 64 << 10
_CLOSE_NOTIFY_TIMEOUT: Final = 5.0  # Go's bound on sending close_notify


class Conn:
    """A TLS connection over a :class:`gochan.net.Conn` (Go's ``tls.Conn``).

    Made by :func:`client`, :func:`server`, :func:`dial` and a
    :class:`Listener`'s ``accept``.  The handshake runs on the first read
    or write, or on :meth:`handshake`.  One goroutine may read while another
    writes, as with ``net.Conn``.  Deadlines and addresses are the
    underlying connection's.  A context manager: ``with`` closes it.
    """

    def __init__(
        self, conn: net.Conn, obj: ssl.SSLObject, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO
    ) -> None:
        self._conn = conn
        self._obj = obj
        self._incoming = incoming  # bytes read from the peer, for ssl to decrypt
        self._outgoing = outgoing  # bytes ssl encrypted, for the peer
        self._write_lock = Mutex()  # one flush at a time keeps records in order
        self._handshaken = False

    def handshake(self) -> None:
        """Run the TLS handshake now, if not done yet (Go's ``Handshake``); blocks until done.

        Raises:
            ssl.SSLError: the handshake failed (a bad certificate ...).
            OSError: the connection failed (``ErrClosed``, ``ErrDeadlineExceeded`` ...).
        """
        if self._handshaken:
            return
        while True:
            try:
                self._obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()
        self._flush()
        self._handshaken = True

    def handshake_context(self, ctx: context.Context, /) -> None:
        """As :meth:`handshake`, given up if ``ctx`` is done first (Go's ``HandshakeContext``).

        Cancelling ``ctx``, or its deadline passing, during the handshake
        closes the connection, which ends the handshake, and raises the
        context's error.  A failed handshake closes the connection too.
        Once the handshake is done, ``ctx`` no longer matters.  Blocks
        until done.

        Raises:
            Canceled: ``ctx`` was cancelled first.
            DeadlineExceeded: ``ctx``'s deadline passed first.
            ssl.SSLError: the handshake failed (a bad certificate ...).
            OSError: the connection failed.
        """
        conn = self._conn
        stop = context.after_func(ctx, conn.close)
        try:
            self.handshake()
        except OSError:
            conn.close()
            err = ctx.err()
            if err is not None:
                raise err from None
            raise
        finally:
            stop()

    def read(self, n: int = -1, /) -> bytes:
        """Up to ``n`` decrypted bytes; ``b""`` at the end of the stream (Go's ``Read``).

        Blocks the calling goroutine until some arrive.  With ``n < 0``,
        reads until the end of the stream.

        Raises:
            ssl.SSLError: a TLS error (a corrupt record ...).
            OSError: the connection failed (``ErrClosed``, ``ErrDeadlineExceeded`` ...).
        """
        if n < 0:
            chunks = []
            while chunk := self.read(_READ_SIZE):
                chunks.append(chunk)
            return b"".join(chunks)
        self.handshake()
        while True:
            try:
                return self._obj.read(n)
            except ssl.SSLWantReadError:
                self._flush()  # a TLS 1.3 key update may have something to say
                if not self._fill():
                    return b""
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""  # close_notify, or a peer that closed without it

    def write(self, data: bytes, /) -> int:
        """Encrypt and send all of ``data``; its length (Go's ``Write``).

        Blocks the calling goroutine while the connection cannot take more.

        Raises:
            ssl.SSLError: a TLS error.
            OSError: the connection failed (``ErrClosed``, ``ErrDeadlineExceeded`` ...).
        """
        self.handshake()
        view = memoryview(data)
        while view:
            written = self._obj.write(view)
            view = view[written:]
            self._flush()
        return len(data)

    def close(self) -> None:
        """Send TLS's close_notify if the handshake was done, and close the connection.

        Blocks for at most 5 seconds sending the alert, as Go's does.
        Closing again does nothing.
        """
        if self._handshaken and not self._conn.closed:
            with contextlib.suppress(ssl.SSLError, OSError):
                self._obj.unwrap()
            data = self._outgoing.read()
            if data:
                with contextlib.suppress(OSError):
                    self._conn.set_write_deadline(now() + _CLOSE_NOTIFY_TIMEOUT)
                    self._conn.write(data)
        self._conn.close()

    def set_deadline(self, t: float | None, /) -> None:
        """Set the underlying connection's read and write deadlines (Go's ``SetDeadline``)."""
        self._conn.set_deadline(t)

    def set_read_deadline(self, t: float | None, /) -> None:
        """Set the underlying connection's read deadline (Go's ``SetReadDeadline``)."""
        self._conn.set_read_deadline(t)

    def set_write_deadline(self, t: float | None, /) -> None:
        """Set the underlying connection's write deadline (Go's ``SetWriteDeadline``)."""
        self._conn.set_write_deadline(t)

    def local_addr(self) -> net.Addr:
        """This end's address (Go's ``LocalAddr``)."""
        return self._conn.local_addr()

    def remote_addr(self) -> net.Addr:
        """The peer's address (Go's ``RemoteAddr``)."""
        return self._conn.remote_addr()

    def net_conn(self) -> net.Conn:
        """The connection TLS runs over (Go's ``NetConn``)."""
        return self._conn

    def ssl_object(self) -> ssl.SSLObject:
        """Python's TLS state: ``version()``, ``cipher()``, ``getpeercert()``,
        ``selected_alpn_protocol()`` (Go's ``ConnectionState``)."""
        return self._obj

    def __enter__(self) -> Conn:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _fill(self) -> bool:
        """Read more bytes from the peer for ssl; False at the end of the stream."""
        data = self._conn.read(_READ_SIZE)
        if not data:
            self._incoming.write_eof()
            return False
        self._incoming.write(data)
        return True

    def _flush(self) -> None:
        """Send what ssl has encrypted; in order, whichever goroutine flushes."""
        if not self._outgoing.pending:
            return
        with self._write_lock:
            data = self._outgoing.read()
            if data:
                self._conn.write(data)


def _wrap(conn: net.Conn, config: ssl.SSLContext, server_side: bool, hostname: str | None) -> Conn:
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = config.wrap_bio(incoming, outgoing, server_side=server_side, server_hostname=hostname)
    return Conn(conn, obj, incoming, outgoing)


def client(conn: net.Conn, config: ssl.SSLContext, *, server_hostname: str | None = None) -> Conn:
    """The client side of TLS over ``conn`` (Go's ``tls.Client``); never blocks.

    ``server_hostname`` is the name the certificate must have (and the SNI
    sent); required when ``config`` checks host names, as the default does.
    The handshake happens on the first read or write.
    """
    return _wrap(conn, config, False, server_hostname)


def server(conn: net.Conn, config: ssl.SSLContext) -> Conn:
    """The server side of TLS over ``conn`` (Go's ``tls.Server``); never blocks.

    ``config`` holds the certificate (``load_cert_chain``).  The handshake
    happens on the first read or write.
    """
    return _wrap(conn, config, True, None)


def dial(
    network: str, address: str, config: ssl.SSLContext, *, server_hostname: str | None = None
) -> Conn:
    """Connect to ``address`` and run the TLS handshake (Go's ``tls.Dial``).

    The host of ``address`` is the name checked unless ``server_hostname``
    says otherwise.  Blocks the calling goroutine until the handshake is
    done.

    Raises:
        ssl.SSLError: the handshake failed.
        OSError: the connection failed, as :func:`gochan.net.dial`.
    """
    return dial_context(
        context.background(), network, address, config, server_hostname=server_hostname
    )


def dial_context(
    ctx: context.Context,
    network: str,
    address: str,
    config: ssl.SSLContext,
    *,
    server_hostname: str | None = None,
) -> Conn:
    """As :func:`dial`, until ``ctx`` is done (Go's ``tls.Dialer.DialContext``).

    Cancelling ``ctx`` aborts the connect or the handshake and raises the
    context's error.

    Raises:
        Canceled: ``ctx`` was cancelled first.
        DeadlineExceeded: ``ctx``'s deadline passed first.
        ssl.SSLError: the handshake failed.
        OSError: the connection failed.
    """
    conn = net.dial_context(ctx, network, address)
    if server_hostname is None:
        server_hostname = net.split_host_port(address)[0]
    tls_conn = client(conn, config, server_hostname=server_hostname)
    tls_conn.handshake_context(ctx)
    return tls_conn


class Listener:
    """A listener whose connections speak TLS (Go's ``tls.NewListener``).

    ``accept`` returns a :class:`Conn` before its handshake, which runs on
    the first read or write, in the goroutine that serves the connection.
    """

    def __init__(self, inner: net.Listener, config: ssl.SSLContext) -> None:
        self._inner = inner
        self._config = config

    def accept(self) -> Conn:
        """The next connection, as a TLS server; blocks until one arrives.

        Raises:
            OSError: as :meth:`gochan.net.Listener.accept`.
        """
        return server(self._inner.accept(), self._config)

    def close(self) -> None:
        """Stop listening."""
        self._inner.close()

    def addr(self) -> net.Addr:
        """The address listened on."""
        return self._inner.addr()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def listen(network: str, address: str, config: ssl.SSLContext) -> Listener:
    """Listen on ``address`` for TLS connections (Go's ``tls.Listen``); never blocks.

    Raises:
        OSError: as :func:`gochan.net.listen`.
    """
    return Listener(net.listen(network, address), config)
