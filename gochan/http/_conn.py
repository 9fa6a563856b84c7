"""What HTTP needs from a connection and a listener: the shape of Go's ``net.Conn`` and ``net.Listener``.

``gochan.net``'s and ``gochan.tls``'s connections have it, and so can a
test's.  Reads and writes park the calling goroutine (through the
netpoller), never the thread; ``close()`` from another goroutine wakes a
blocked read or write with an ``OSError``; a deadline that passes wakes it
with a ``TimeoutError``.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Conn", "Listener"]


class Conn(Protocol):
    """A byte stream connection (Go's ``net.Conn``)."""

    def read(self, n: int, /) -> bytes:
        """Up to ``n`` bytes, ``b""`` at the end of the stream; blocks until some arrive."""
        ...

    def write(self, data: bytes, /) -> int:
        """Write all of ``data``; blocks until the kernel has taken it."""
        ...

    def close(self) -> None:
        """Close the connection, waking any goroutine blocked on it."""
        ...

    def set_read_deadline(self, t: float | None, /) -> None:
        """Reads fail with ``TimeoutError`` after time ``t`` on the runtime's clock; ``None`` clears."""
        ...

    def set_write_deadline(self, t: float | None, /) -> None:
        """Writes fail with ``TimeoutError`` after time ``t`` on the runtime's clock; ``None`` clears."""
        ...

    def remote_addr(self) -> object:
        """The peer's address; its ``str()`` is Go's ``host:port``."""
        ...


class Listener(Protocol):
    """A source of accepted connections (Go's ``net.Listener``)."""

    def accept(self) -> Conn:
        """The next connection; blocks until one arrives.  Raises ``OSError`` once closed."""
        ...

    def close(self) -> None:
        """Stop listening, waking a blocked ``accept``."""
        ...

    def addr(self) -> object:
        """The address listened on; its ``str()`` is Go's ``host:port``."""
        ...
