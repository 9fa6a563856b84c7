"""An in-memory connection pair and listener for HTTP tests (Go's ``net.Pipe``).

Each direction is a channel of byte strings; a read takes what one write
sent, or the rest of it.  ``close()`` from any goroutine wakes a blocked
read with ``OSError``; a read deadline that passes, or is moved into the
past while the read waits, wakes it with ``TimeoutError``.  Writes never
block (the channels are unbounded in practice), which is all these tests need.
"""

from __future__ import annotations

import time

from gochan import Case, Chan, after, recv, select


class PipeConn:
    """One end of an in-memory connection."""

    def __init__(self, incoming: Chan[bytes], outgoing: Chan[bytes], name: str) -> None:
        self._in = incoming
        self._out = outgoing
        self._name = name
        self._rest = b""
        self._closed = Chan[None]()
        self._is_closed = False
        self._deadline: float | None = None
        self._kick = Chan[None]()  # closed and replaced when the deadline changes
        self.peer: PipeConn | None = None

    def read(self, n: int, /) -> bytes:
        while not self._rest:
            if self._is_closed:
                raise OSError("use of closed network connection")
            got, closed, kick = recv(self._in), recv(self._closed), recv(self._kick)
            cases: list[Case] = [got, closed, kick]
            if self._deadline is not None:
                left = self._deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("i/o timeout")
                cases.append(recv(after(left)))
            chosen = select(*cases)
            if chosen is got:
                if not got.ok:
                    return b""
                self._rest = got.value
            elif chosen is closed:
                raise OSError("use of closed network connection")
            elif chosen is not kick:
                raise TimeoutError("i/o timeout")
        data, self._rest = self._rest[:n], self._rest[n:]
        return data

    def write(self, data: bytes, /) -> int:
        if self._is_closed:
            raise OSError("use of closed network connection")
        if self.peer is None or self.peer._is_closed:
            raise BrokenPipeError("broken pipe")
        self._out.send(bytes(data))
        return len(data)

    def close(self) -> None:
        if self._is_closed:
            return
        self._is_closed = True
        self._closed.close()
        self._out.close()  # the peer reads the end of the stream

    def set_read_deadline(self, t: float | None, /) -> None:
        self._deadline = t
        self._kick.close()
        self._kick = Chan[None]()

    def set_write_deadline(self, t: float | None, /) -> None:
        pass

    def remote_addr(self) -> str:
        return "pipe-" + ("server" if self._name == "client" else "client") + ":1"


def pipe() -> tuple[PipeConn, PipeConn]:
    """A connected pair: what one writes, the other reads."""
    a_to_b, b_to_a = Chan[bytes](1 << 20), Chan[bytes](1 << 20)
    a = PipeConn(b_to_a, a_to_b, "client")
    b = PipeConn(a_to_b, b_to_a, "server")
    a.peer, b.peer = b, a
    return a, b


class PipeListener:
    """A listener whose ``dial()`` hands the server end of a new pipe to ``accept()``."""

    def __init__(self) -> None:
        self._conns = Chan[PipeConn](1 << 10)
        self._closed = False

    def dial(self) -> PipeConn:
        client, server = pipe()
        self._conns.send(server)
        return client

    def accept(self) -> PipeConn:
        conn, ok = self._conns.recv_ok()
        if not ok:
            raise OSError("use of closed network connection")
        return conn

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._conns.close()

    def addr(self) -> str:
        return "pipe:1"
