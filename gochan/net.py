"""Go's ``net``: TCP, Unix and UDP sockets, a goroutine per connection.

A read, a write, an accept or a connect that would block parks only the
calling goroutine (``IO wait`` in ``stacks()``), on the runtime's netpoller:
thousands of connections are served by one thread, in blocking-style code,
as in Go.  The other goroutines run meanwhile; a goroutine waiting on I/O is
never taken for a deadlock.

Addresses are Go's strings: ``"127.0.0.1:8080"``, ``"[::1]:8080"``,
``"localhost:http"``, ``":0"`` (every interface, a free port) for TCP and UDP;
a path for Unix sockets.  Numeric hosts are used as they are; names are
resolved on a worker thread (``blocking()``), so resolution never blocks
the runtime.

A connection, listener or packet connection belongs to the runtime of the
thread that made it, as a channel does: using it from another thread raises
``RuntimeError``.  Errors of the OS (``ConnectionRefusedError``,
``ConnectionResetError``, ``BrokenPipeError`` ...) come out as Python's own
``OSError`` subclasses; gochan adds Go's two sentinels, :class:`ErrClosed`
and :class:`ErrDeadlineExceeded`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import operator
import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from . import context
from ._chan import Chan
from ._core import PollError, Runtime, call_blocking, get_runtime
from ._errors import ErrClosed, ErrDeadlineExceeded
from ._poll import FD
from ._select import recv, select
from .runtime import go

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

__all__ = [
    "Addr",
    "Conn",
    "ErrClosed",
    "ErrDeadlineExceeded",
    "Listener",
    "PacketConn",
    "TCPAddr",
    "UDPAddr",
    "UnixAddr",
    "dial",
    "dial_context",
    "join_host_port",
    "listen",
    "listen_packet",
    "split_host_port",
]

ErrClosed.__module__ = ErrDeadlineExceeded.__module__ = __name__

# What a connect that has not finished yet says (Go's list).
_CONNECTING = frozenset({errno.EINPROGRESS, errno.EALREADY, errno.EINTR})

# The socket address tuples of the socket module: (host, port) for IPv4,
# (host, port, flowinfo, scope_id) for IPv6, a path for Unix.
_SockAddr: TypeAlias = Any


# -- addresses ------------------------------------------------------------------------


class Addr(ABC):
    """A network end point (Go's ``net.Addr``): its ``str()`` is what ``dial`` takes."""

    @abstractmethod
    def network(self) -> str:
        """The name of the network: ``"tcp"``, ``"udp"`` or ``"unix"``."""

    @abstractmethod
    def __str__(self) -> str: ...


@dataclass(frozen=True)
class _IPAddr(Addr):
    """An IP end point: what TCPAddr and UDPAddr share."""

    ip: str
    port: int

    def __str__(self) -> str:
        return join_host_port(self.ip, str(self.port))


@dataclass(frozen=True)
class TCPAddr(_IPAddr):
    """A TCP end point (Go's ``net.TCPAddr``); ``str()`` is ``host:port``, ``[host]:port`` for IPv6."""

    def network(self) -> str:
        """``"tcp"``."""
        return "tcp"


@dataclass(frozen=True)
class UDPAddr(_IPAddr):
    """A UDP end point (Go's ``net.UDPAddr``); ``str()`` is ``host:port``, ``[host]:port`` for IPv6."""

    def network(self) -> str:
        """``"udp"``."""
        return "udp"


@dataclass(frozen=True)
class UnixAddr(Addr):
    """A Unix socket end point (Go's ``net.UnixAddr``); ``str()`` is its path."""

    name: str

    def network(self) -> str:
        """``"unix"``."""
        return "unix"

    def __str__(self) -> str:
        return self.name


def split_host_port(hostport: str) -> tuple[str, str]:
    """Split ``"host:port"``, ``"[host]:port"`` or ``":port"`` (Go's ``net.SplitHostPort``).

    The brackets of an IPv6 host are removed.

    Raises:
        ValueError: the address has no port, or too many colons (Go's messages).
    """
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise ValueError(f"address {hostport}: missing ']' in address")
        host, rest = hostport[1:end], hostport[end + 1 :]
        if not rest.startswith(":"):
            raise ValueError(f"address {hostport}: missing port in address")
        return host, rest[1:]
    host, colon, port = hostport.rpartition(":")
    if not colon:
        raise ValueError(f"address {hostport}: missing port in address")
    if ":" in host:
        raise ValueError(f"address {hostport}: too many colons in address")
    return host, port


def join_host_port(host: str, port: str) -> str:
    """``"host:port"``, or ``"[host]:port"`` when the host has a colon (Go's ``net.JoinHostPort``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _ip(host: str) -> str:
    # An IPv4 address seen through a dual-stack socket reads as Go prints it.
    if host.startswith("::ffff:") and "." in host:
        return host[7:]
    return host


def _tcp_addr(sockaddr: _SockAddr) -> TCPAddr:
    return TCPAddr(_ip(sockaddr[0]), sockaddr[1])


def _udp_addr(sockaddr: _SockAddr) -> UDPAddr:
    return UDPAddr(_ip(sockaddr[0]), sockaddr[1])


def _unix_addr(sockaddr: _SockAddr) -> UnixAddr:
    return UnixAddr(sockaddr if isinstance(sockaddr, str) else os.fsdecode(sockaddr))


# The networks gochan.net knows: (address family or 0 for either, socket type).
_STREAM = {"tcp": 0, "tcp4": socket.AF_INET, "tcp6": socket.AF_INET6}
_PACKET = {"udp": 0, "udp4": socket.AF_INET, "udp6": socket.AF_INET6}


def _unknown_network(network: str) -> ValueError:
    return ValueError(f"unknown network {network}")


def _lookup(
    rt: Runtime,
    address: str,
    family: int,
    socktype: int,
    passive: bool,
    ctx: context.Context | None = None,
) -> list[tuple[int, _SockAddr]]:
    """The socket addresses of ``address``: at once if numeric, else on a worker thread."""
    host, port = split_host_port(address)
    flags = socket.AI_PASSIVE if passive else 0
    try:
        infos = socket.getaddrinfo(
            host or None, port, family, socktype, 0, flags | socket.AI_NUMERICHOST
        )
    except socket.gaierror:
        if not host:
            raise
        infos = _resolve(rt, host, port, family, socktype, flags, ctx)
    return [(info[0], info[4]) for info in infos]


_AddrInfo: TypeAlias = list[tuple[Any, Any, int, str, Any]]


def _resolve(
    rt: Runtime,
    host: str,
    port: str,
    family: int,
    socktype: int,
    flags: int,
    ctx: context.Context | None,
) -> _AddrInfo:
    """Resolve a name on a worker thread; a context's cancellation stops the wait."""

    def lookup() -> _AddrInfo:
        return socket.getaddrinfo(host, port, family, socktype, 0, flags)

    # A falsy done() is Go's nil Done(): a context that is never cancelled.
    if ctx is None or not ctx.done():
        return call_blocking(rt, lookup)
    # The lookup cannot be stopped: a goroutine waits for it, and this one
    # stops waiting when the context is done.  The buffer lets the lookup
    # goroutine end on its own once nobody waits.
    result: Chan[tuple[_AddrInfo | None, BaseException | None]] = Chan(1)

    def waiter() -> None:
        try:
            result.send((call_blocking(rt, lookup), None))
        except Exception as exc:
            result.send((None, exc))

    go(waiter)
    got = recv(result)
    if select(got, recv(ctx.done())) is not got:
        raise _context_error(ctx)
    infos, error = got.value
    if error is not None:
        raise error
    assert infos is not None
    return infos


def _context_error(ctx: context.Context) -> Exception:
    err = ctx.err()
    assert err is not None
    return err


def _poll_error(_op: str, err: int) -> OSError:
    """The exception for a socket's :class:`PollError`, made afresh each time."""
    return ErrClosed() if err == PollError.CLOSING else ErrDeadlineExceeded()


@functools.cache
def _backlog() -> int:
    """The listen queue's length: the system's maximum, as Go asks for."""
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return socket.SOMAXCONN


# -- the descriptor all three kinds share -------------------------------------------


class _Socket(FD):
    """A non-blocking socket on the netpoller: what Conn, Listener and
    PacketConn share (Go's ``netFD``).

    ``sock`` is the socket object, which closes the descriptor; ``recv``
    and ``send`` are its methods, bound once for the hot paths.
    """

    __slots__ = ("recv", "send", "sock")

    def __init__(self, rt: Runtime, sock: socket.socket) -> None:
        sock.setblocking(False)
        self.sock = sock
        self.recv = sock.recv
        self.send = sock.send
        super().__init__(rt, sock.fileno(), sock.close, _poll_error)

    def set_deadline(self, owner: object, read: bool, write: bool, t: float | None) -> None:
        self.check_thread(owner)
        if self.pd.closing:
            raise ErrClosed()
        if read:
            self.r.set_deadline(t)
        if write:
            self.w.set_deadline(t)


# -- Conn ----------------------------------------------------------------------------


class Conn(io.RawIOBase):
    """A stream connection, TCP or Unix (Go's ``net.Conn``, ``*TCPConn``, ``*UnixConn``).

    Made by :func:`dial`, :func:`dial_context` and :meth:`Listener.accept`.
    Reads and writes block the calling goroutine only.  Several goroutines
    may use one connection at once (one reading while another writes, the
    usual shape); :meth:`close` from any goroutine of its runtime wakes them
    with :class:`ErrClosed`.  A context manager: ``with`` closes it.

    It is also a Python binary stream (an ``io.RawIOBase``): wrap it in
    ``io.BufferedReader`` for ``readline()`` and ``for line in reader``
    (Go's ``bufio.Scanner``), or ``io.BufferedWriter`` to batch small
    writes.  ``read(-1)`` reads to the end of the stream.  Unlike Go's,
    :meth:`close` may be called twice (Python streams' rule).

    TCP connections have Nagle's algorithm off (``TCP_NODELAY``), as Go's
    do; :meth:`set_no_delay` turns it back on.
    """

    def __init__(self, s: _Socket, network: str, remote: _SockAddr) -> None:
        super().__init__()
        self._s = s
        self._network = network  # "tcp" or "unix"
        self._local: _SockAddr = s.sock.getsockname()
        self._remote: _SockAddr = remote
        if network == "tcp":
            s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read(self, n: int = -1, /) -> bytes:
        """Read what is there, up to ``n`` bytes; ``b""`` at the end of the stream (Go's ``Read``).

        Blocks until at least one byte is there or the stream ends.  With
        ``n < 0``, reads until the stream ends.

        Raises:
            ErrClosed: the connection is closed (also by another goroutine while this waits).
            ErrDeadlineExceeded: the read deadline passed.
            OSError: the OS's error (``ConnectionResetError`` ...).
            RuntimeError: called on another thread than the connection's runtime's.
        """
        if n < 0:
            return self.readall()
        s = self._s
        data: bytes = s.read(self, s.recv, n, n, len)
        return data

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        """Read into ``buffer``, what is there up to its size; 0 at the end of the stream.

        As :meth:`read`, without a copy: what ``io.BufferedReader`` calls.

        Raises:
            ErrClosed: the connection is closed.
            ErrDeadlineExceeded: the read deadline passed.
            OSError: the OS's error.
            RuntimeError: called on another thread than the connection's runtime's.
        """
        s = self._s
        n: int = s.read(self, s.sock.recv_into, buffer, memoryview(buffer).nbytes, operator.index)
        return n

    def write(self, data: ReadableBuffer, /) -> int:
        """Write all of ``data``; its length (Go's ``Write``).

        Blocks while the socket's buffer is full.  Either all of ``data`` is
        written, or it raises.

        Raises:
            ErrClosed: the connection is closed.
            ErrDeadlineExceeded: the write deadline passed.
            OSError: the OS's error (``BrokenPipeError``, ``ConnectionResetError`` ...).
            RuntimeError: called on another thread than the connection's runtime's.
        """
        s = self._s
        return s.write_all(self, data, s.send)

    def readable(self) -> bool:
        """True: a connection reads (the stream protocol)."""
        return True

    def writable(self) -> bool:
        """True: a connection writes (the stream protocol)."""
        return True

    def close(self) -> None:
        """Close the connection; goroutines blocked on it wake with :class:`ErrClosed`.

        Does not block.  Closing again does nothing.

        Raises:
            RuntimeError: called on another thread than the connection's runtime's.
        """
        s = self._s
        if not s.pd.closing:
            s.check_thread(self)
            s.close()
        super().close()

    def __del__(self) -> None:
        s = self.__dict__.get("_s")
        if s is not None:
            s.collect()

    def close_write(self) -> None:
        """Shut down the writing side (TCP half-close; Go's ``CloseWrite``).

        The peer reads the end of the stream; this side may still read.

        Raises:
            ErrClosed: the connection is closed.
        """
        s = self._s
        s.check_thread(self)
        if s.pd.closing:
            raise ErrClosed()
        s.sock.shutdown(socket.SHUT_WR)

    def set_deadline(self, t: float | None) -> None:
        """Set both the read and the write deadline (Go's ``SetDeadline``).

        ``t`` is in seconds on the runtime clock, as contexts' deadlines
        (``time.monotonic()``, or a ``VirtualClock``'s time); None clears
        it.  Once it passes, reads and writes raise
        :class:`ErrDeadlineExceeded`, also one waiting now; a later
        deadline makes the connection usable again.  Does not block.

        Raises:
            ErrClosed: the connection is closed.
        """
        self._s.set_deadline(self, True, True, t)

    def set_read_deadline(self, t: float | None) -> None:
        """Set the read deadline (Go's ``SetReadDeadline``); see :meth:`set_deadline`.

        Raises:
            ErrClosed: the connection is closed.
        """
        self._s.set_deadline(self, True, False, t)

    def set_write_deadline(self, t: float | None) -> None:
        """Set the write deadline (Go's ``SetWriteDeadline``); see :meth:`set_deadline`.

        Raises:
            ErrClosed: the connection is closed.
        """
        self._s.set_deadline(self, False, True, t)

    def set_no_delay(self, no_delay: bool = True) -> None:
        """Turn Nagle's algorithm off (True, the default) or on (Go's ``SetNoDelay``).

        Raises:
            ErrClosed: the connection is closed.
            OSError: not a TCP connection.
        """
        s = self._s
        s.check_thread(self)
        if s.pd.closing:
            raise ErrClosed()
        s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(no_delay))

    def local_addr(self) -> Addr:
        """This end's address (Go's ``LocalAddr``)."""
        return _stream_addr(self._network, self._local)

    def remote_addr(self) -> Addr:
        """The peer's address (Go's ``RemoteAddr``)."""
        return _stream_addr(self._network, self._remote)

    def __repr__(self) -> str:
        state = " closed" if self._s.pd.closing else ""
        return f"<gochan.net.Conn {self._network} {self.local_addr()}->{self.remote_addr()}{state}>"


def _stream_addr(network: str, sockaddr: _SockAddr) -> Addr:
    return _unix_addr(sockaddr) if network == "unix" else _tcp_addr(sockaddr)


# -- Listener -------------------------------------------------------------------------


class Listener:
    """A listening stream socket, TCP or Unix (Go's ``net.Listener``).

    Made by :func:`listen`.  :meth:`accept` blocks the calling goroutine
    only; :meth:`close` wakes it with :class:`ErrClosed`, the way a Go
    server's accept loop is stopped.  A context manager: ``with`` closes it.
    """

    def __init__(self, rt: Runtime, sock: socket.socket, network: str) -> None:
        self._s = _Socket(rt, sock)
        self._network = network  # "tcp" or "unix"
        self._addr = _stream_addr(network, sock.getsockname())

    def accept(self) -> Conn:
        """Wait for the next connection and return it (Go's ``Accept``).

        Raises:
            ErrClosed: the listener is closed (also by another goroutine while this waits).
            OSError: the OS's error (``EMFILE``: too many open files ...).
            RuntimeError: called on another thread than the listener's runtime's.
        """
        s = self._s
        while True:
            try:
                sock, remote = s.read(self, _accept, s.sock, share=False)
            except ConnectionAbortedError:
                continue  # the peer gave up before we took it: Go takes the next one
            return Conn(_Socket(s.rt, sock), self._network, remote)

    def close(self) -> None:
        """Stop listening; a goroutine blocked in :meth:`accept` wakes with :class:`ErrClosed`.

        A Unix listener removes its socket file, as Go's does.  Closing
        again does nothing.  Does not block.

        Raises:
            RuntimeError: called on another thread than the listener's runtime's.
        """
        s = self._s
        if s.pd.closing:
            return
        s.check_thread(self)
        s.close()
        if self._network == "unix":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(self._addr))

    def addr(self) -> Addr:
        """The address it listens on (Go's ``Addr``): ``str()`` of it is what :func:`dial` takes."""
        return self._addr

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<gochan.net.Listener {self._network} {self._addr}>"


def _accept(sock: socket.socket) -> tuple[socket.socket, _SockAddr]:
    return sock.accept()


# -- PacketConn -----------------------------------------------------------------------


class PacketConn:
    """A UDP socket (Go's ``net.PacketConn``, ``*UDPConn``).

    Made by :func:`listen_packet`.  Reads and writes block the calling
    goroutine only; :meth:`close` wakes them with :class:`ErrClosed`.  A
    context manager: ``with`` closes it.
    """

    def __init__(self, rt: Runtime, sock: socket.socket) -> None:
        self._s = _Socket(rt, sock)
        self._family = sock.family
        self._addr = _udp_addr(sock.getsockname())

    def read_from(self, n: int) -> tuple[bytes, UDPAddr]:
        """Read one datagram, up to ``n`` bytes of it, and its sender (Go's ``ReadFrom``).

        The rest of a longer datagram is lost, as in Go.  Blocks until one is there.

        Raises:
            ErrClosed: the socket is closed (also by another goroutine while this waits).
            ErrDeadlineExceeded: the read deadline passed.
            RuntimeError: called on another thread than the socket's runtime's.
        """
        s = self._s
        data, sender = s.read(self, s.sock.recvfrom, n)
        return data, _udp_addr(sender)

    def write_to(self, data: ReadableBuffer, addr: UDPAddr | str) -> int:
        """Send ``data`` as one datagram to ``addr`` (Go's ``WriteTo``); its length.

        ``addr`` is what :meth:`read_from` returned, or a ``"host:port"``
        string (a name is resolved on a worker thread first).

        Raises:
            ErrClosed: the socket is closed.
            ErrDeadlineExceeded: the write deadline passed.
            OSError: the OS's error (``EMSGSIZE``: too long for one datagram ...).
            RuntimeError: called on another thread than the socket's runtime's.
        """
        s = self._s
        s.check_thread(self)  # before a name is resolved
        target = self._sockaddr(str(addr))
        return s.write_all(self, data, functools.partial(_sendto, s.sock, target))

    def _sockaddr(self, address: str) -> _SockAddr:
        family = self._family
        wanted = 0 if family == socket.AF_INET6 else family
        for found, sockaddr in _lookup(self._s.rt, address, wanted, socket.SOCK_DGRAM, False):
            if found == family:
                return sockaddr
            if found == socket.AF_INET:  # to an IPv4 peer through a dual-stack socket
                return ("::ffff:" + sockaddr[0], sockaddr[1], 0, 0)
        raise OSError(errno.EAFNOSUPPORT, f"no {family.name} address for {address}")

    def local_addr(self) -> UDPAddr:
        """The address it is bound to (Go's ``LocalAddr``)."""
        return self._addr

    def close(self) -> None:
        """Close the socket; goroutines blocked on it wake with :class:`ErrClosed`.

        Closing again does nothing.  Does not block.

        Raises:
            RuntimeError: called on another thread than the socket's runtime's.
        """
        s = self._s
        if not s.pd.closing:
            s.check_thread(self)
            s.close()

    def set_deadline(self, t: float | None) -> None:
        """Set both deadlines; see :meth:`Conn.set_deadline`.

        Raises:
            ErrClosed: the socket is closed.
        """
        self._s.set_deadline(self, True, True, t)

    def set_read_deadline(self, t: float | None) -> None:
        """Set the read deadline; see :meth:`Conn.set_deadline`.

        Raises:
            ErrClosed: the socket is closed.
        """
        self._s.set_deadline(self, True, False, t)

    def set_write_deadline(self, t: float | None) -> None:
        """Set the write deadline; see :meth:`Conn.set_deadline`.

        Raises:
            ErrClosed: the socket is closed.
        """
        self._s.set_deadline(self, False, True, t)

    def __enter__(self) -> PacketConn:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<gochan.net.PacketConn udp {self._addr}>"


def _sendto(sock: socket.socket, target: _SockAddr, data: ReadableBuffer) -> int:
    return sock.sendto(data, target)


# -- listen, dial --------------------------------------------------------------------


def listen(network: str, address: str) -> Listener:
    """Listen for stream connections on ``address`` (Go's ``net.Listen``).

    ``network`` is ``"tcp"``, ``"tcp4"``, ``"tcp6"`` or ``"unix"``.  For
    TCP, ``address`` is ``"host:port"``: an empty host listens on every
    interface (IPv4 and IPv6 for ``"tcp"``), port 0 picks a free port (read
    it from ``addr()``); the address is reused (``SO_REUSEADDR``), as in Go.
    For Unix, it is the socket file's path.  A host name is resolved on a
    worker thread, blocking the calling goroutine only.

    Raises:
        ValueError: an unknown network, or an address without a port.
        OSError: the OS's error (``EADDRINUSE`` ...).
    """
    rt = get_runtime()
    if network == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(address)
            sock.listen(_backlog())
        except BaseException:
            sock.close()
            raise
        return Listener(rt, sock, "unix")
    if network not in _STREAM:
        raise _unknown_network(network)
    sock = _bound(rt, address, _STREAM[network], socket.SOCK_STREAM)
    try:
        sock.listen(_backlog())
    except BaseException:
        sock.close()
        raise
    return Listener(rt, sock, "tcp")


def listen_packet(network: str, address: str) -> PacketConn:
    """Open a UDP socket bound to ``address`` (Go's ``net.ListenPacket``).

    ``network`` is ``"udp"``, ``"udp4"`` or ``"udp6"``; ``address`` is as
    for :func:`listen`.

    Raises:
        ValueError: an unknown network, or an address without a port.
        OSError: the OS's error (``EADDRINUSE`` ...).
    """
    if network not in _PACKET:
        raise _unknown_network(network)
    rt = get_runtime()
    return PacketConn(rt, _bound(rt, address, _PACKET[network], socket.SOCK_DGRAM))


def _bound(rt: Runtime, address: str, family: int, socktype: int) -> socket.socket:
    """A socket of ``socktype`` bound to ``address``, as Go's listeners bind."""
    host, _ = split_host_port(address)
    # Every interface, for "tcp" and "udp": IPv6 and IPv4 on one socket.
    dual = not host and family == 0 and socket.has_dualstack_ipv6()
    candidates = _lookup(rt, address, socket.AF_INET6 if dual else family, socktype, True)
    # Like Go, an IPv4 address first when a name has both.
    candidates.sort(key=lambda c: c[0] != socket.AF_INET)
    fam, sockaddr = candidates[0]
    sock = socket.socket(fam, socktype)
    try:
        if socktype == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if dual else 1)
        sock.bind(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


def dial(network: str, address: str, *, timeout: float | None = None) -> Conn:
    """Connect to ``address`` (Go's ``net.Dial``, ``net.DialTimeout``).

    ``network`` is ``"tcp"``, ``"tcp4"``, ``"tcp6"`` or ``"unix"``;
    ``address`` is ``"host:port"`` (an empty host is this machine) or a
    Unix socket's path.  The addresses of a name are tried in turn.
    Blocks the calling goroutine only, for at most ``timeout`` seconds if
    given.

    Raises:
        ErrDeadlineExceeded: ``timeout`` passed before the connection was made.
        ValueError: an unknown network, or an address without a port.
        OSError: the OS's error (``ConnectionRefusedError`` ...), the first
            address's when none could be reached.
    """
    rt = get_runtime()
    deadline = None if timeout is None else rt.clock.now() + timeout
    return _dial(rt, network, address, deadline, None)


def dial_context(ctx: context.Context, network: str, address: str) -> Conn:
    """Connect to ``address`` until ``ctx`` is done (Go's ``Dialer.DialContext``).

    As :func:`dial`; cancelling ``ctx`` or its deadline passing aborts the
    connect, and the name resolution, and raises the context's error.  Once
    connected, ``ctx`` no longer matters.

    Raises:
        Canceled: ``ctx`` was cancelled first.
        DeadlineExceeded: ``ctx``'s deadline passed first.
        ValueError: an unknown network, or an address without a port.
        OSError: the OS's error, as for :func:`dial`.
    """
    if ctx.err() is not None:
        raise _context_error(ctx)
    return _dial(get_runtime(), network, address, None, ctx)


def _dial(
    rt: Runtime,
    network: str,
    address: str,
    deadline: float | None,
    ctx: context.Context | None,
) -> Conn:
    if network == "unix":
        targets: list[tuple[int, _SockAddr]] = [(socket.AF_UNIX, address)]
    elif network in _STREAM:
        targets = _lookup(rt, address, _STREAM[network], socket.SOCK_STREAM, False, ctx)
        network = "tcp"
    else:
        raise _unknown_network(network)
    first: OSError | None = None
    for family, sockaddr in targets:
        try:
            return _connect(rt, family, sockaddr, network, deadline, ctx)
        except TimeoutError:
            raise  # the deadline is the whole dial's
        except OSError as exc:
            first = first or exc
    assert first is not None
    raise first


def _connect(
    rt: Runtime,
    family: int,
    sockaddr: _SockAddr,
    network: str,
    deadline: float | None,
    ctx: context.Context | None,
) -> Conn:
    s = _Socket(rt, socket.socket(family, socket.SOCK_STREAM))
    try:
        sock = s.sock
        err = sock.connect_ex(sockaddr)
        remote = sockaddr
        if err in _CONNECTING:
            remote = _wait_connected(s, deadline, ctx)
        elif err:
            raise OSError(err, os.strerror(err))
        return Conn(s, network, remote)
    except BaseException:
        s.close()
        raise


def _wait_connected(s: _Socket, deadline: float | None, ctx: context.Context | None) -> _SockAddr:
    """Wait for a non-blocking connect to finish; the peer's address."""
    w = s.w
    stop: Callable[[], bool] | None = None
    if deadline is not None:
        w.set_deadline(deadline)
    if ctx is not None and ctx.done():  # Go's ctx.Done() != nil
        # As Go's connect: the context's end expires the write deadline.
        rt = s.rt
        stop = context.after_func(ctx, lambda: w.set_deadline(rt.clock.now()))
    try:
        while True:
            err = w.wait()
            if err:
                if ctx is not None and ctx.err() is not None:
                    raise _context_error(ctx)
                raise s.error("connect", err)
            err = s.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err in _CONNECTING:
                continue
            if err:
                raise OSError(err, os.strerror(err))
            try:
                return s.sock.getpeername()
            except OSError as exc:
                if exc.errno != errno.ENOTCONN:
                    raise
                # Not connected yet, the wake was early: wait again.
    finally:
        if stop is not None:
            stop()
        w.set_deadline(None)
