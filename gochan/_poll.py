"""Reads and writes that park on the netpoller: Go's ``internal/poll``.

:class:`FD` is what a socket of ``gochan.net`` and a pipe or a pidfd of
``gochan.exec`` share: the descriptor, its :class:`PollDesc`, and the loops
that try the system call and park the goroutine on ``EAGAIN``
(``docs/design.md``, the netpoller).  Its owners differ only in the
exceptions a closed descriptor or a passed deadline raise, which they give
it as ``error``, and in how the descriptor is closed (a socket object
closes its own).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from threading import get_ident
from typing import TYPE_CHECKING, TypeVar

from ._core import Runtime, getcurrent, poll_open
from ._errors import foreign_thread
from .runtime import gosched

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# Reads in a row that find data without waiting after which a goroutine lets
# the others run: a connection that always has data is served a few
# requests at a time, while a goroutine that finds data only now and then
# (an echo server's) never pays for a switch it does not need.
_TURN = 4

_A = TypeVar("_A")
_R = TypeVar("_R")


class FD:
    """A non-blocking descriptor on its runtime's netpoller (Go's ``internal/poll.FD``).

    ``rt`` owns it; ``pd`` is its poll descriptor, closed (``pd.closing``)
    exactly when the descriptor is, and ``r`` and ``w`` are ``pd``'s two
    sides, kept here to save the hot paths a lookup.  ``sysclose()`` closes
    the descriptor itself; ``error(op, err)`` is the exception for an ``op``
    (``"read"``, ``"write"``) that fails with the :class:`PollError` ``err``.
    Used on ``rt``'s thread only: :meth:`read` and :meth:`write_all` check
    it, and the owner's other calls :meth:`check_thread` first.
    """

    __slots__ = ("error", "fd", "pd", "r", "rt", "streak", "sysclose", "w")

    def __init__(
        self,
        rt: Runtime,
        fd: int,
        sysclose: Callable[[], object],
        error: Callable[[str, int], Exception],
    ) -> None:
        """Watch ``fd``, non-blocking already; closed with ``sysclose()`` if it cannot be.

        Raises:
            PermissionError: the OS cannot poll this kind of descriptor.
            RuntimeError: called on another thread than ``rt``'s.
        """
        self.rt = rt
        self.fd = fd
        self.sysclose = sysclose
        self.error = error
        try:
            pd = self.pd = poll_open(rt, fd)
        except BaseException:
            sysclose()
            raise
        self.r = pd.r
        self.w = pd.w
        self.streak = 0  # reads in a row that found data without waiting

    def check_thread(self, owner: object) -> None:
        """Refuse a call from another thread than the runtime's.

        Raises:
            RuntimeError: on another thread; the message names ``owner``.
        """
        rt = self.rt
        if rt.running is not getcurrent() and rt.thread_id != get_ident():
            raise foreign_thread(owner, rt.thread_id)

    def read(
        self,
        owner: object,
        call: Callable[[_A], _R],
        arg: _A,
        size: int = 0,
        length: Callable[[_R], int] | None = None,
        share: bool = True,
    ) -> _R:
        """``call(arg)``, a read (a receive, an accept), retried as the descriptor becomes readable.

        Blocks the calling goroutine only (``IO wait``).  For a read of a
        stream (a TCP or Unix stream socket, a pipe), ``size`` is how many
        bytes it asks for and ``length(result)`` how many it got: a read that
        gets some but fewer leaves the descriptor marked drained, and the
        next read parks at once instead of failing with ``EAGAIN`` first (an
        echo server's every other read; docs/design.md, the netpoller).  With
        ``share``, reads that find data at once take turns with the other
        goroutines (see :meth:`_take_turns`); an accept loop does not
        (``share=False``): it only starts goroutines, which take turns.
        ``owner`` is the object read, named by the error on another thread.

        Raises:
            Exception: ``error("read", err)`` once closed or past the read deadline,
                or what ``call`` raises other than ``BlockingIOError``.
            RuntimeError: called on another thread than the runtime's.
        """
        self.check_thread(owner)
        r = self.r
        waited = False
        while True:
            err = r.err
            if err:
                raise self.error("read", err)
            if not r.drained:
                try:
                    data = call(arg)
                except BlockingIOError:
                    pass
                else:
                    # Fewer bytes than asked for: nothing more was queued
                    # then, and whatever comes later brings the poller a new
                    # edge, which clears the mark (Tokio's clear_readiness),
                    # unless the side hung up: then no edge comes, and the
                    # end of the stream may be queued behind this data.  No
                    # switch from the call to the mark, or an edge may be missed.
                    if length is not None and 0 < length(data) < size and not r.hung_up:
                        r.drained = True
                    if share and not waited:
                        self._take_turns()
                    return data
            self.streak = 0
            waited = True
            r.wait()  # returns r.err, checked above

    def _take_turns(self) -> None:
        """After a read that found data without waiting: let the others run if it is their turn.

        A goroutine whose reads keep finding data (a keep-alive client sends
        its next request as soon as it has read the last answer) never
        parks, and would hold the thread for good where Go would preempt it.
        So such a read counts towards the loop's next visit as a switch
        does (:meth:`Runtime.turn_due`), and the ``_TURN``-th in a row on
        one descriptor lets the runnable goroutines, and the loop if it is
        due, go first.
        """
        due = self.rt.turn_due()
        self.streak += 1
        if self.streak >= _TURN and due:
            self.streak = 0
            gosched()

    def write_all(
        self, owner: object, data: ReadableBuffer, write: Callable[[ReadableBuffer], int]
    ) -> int:
        """Write all of ``data`` with ``write``, waiting whenever the descriptor is full; its length.

        Blocks the calling goroutine only (``IO wait``).  Either all of
        ``data`` is written, or it raises.  ``owner`` is the object written,
        named by the error on another thread.

        Raises:
            Exception: ``error("write", err)`` once closed or past the write
                deadline, or what ``write`` raises other than ``BlockingIOError``.
            RuntimeError: called on another thread than the runtime's.
        """
        self.check_thread(owner)
        w = self.w
        err = w.err
        if err:
            raise self.error("write", err)
        try:
            written = write(data)
        except BlockingIOError:
            written = 0
        total = len(data) if type(data) is bytes else memoryview(data).nbytes
        if written == total:
            return total
        # The buffer is full: only an edge (or a deadline, a close) ends the wait.
        view = memoryview(data).cast("B")
        while written < total:
            err = w.wait()  # returns at once if closed or past the deadline
            if err:
                raise self.error("write", err)
            with contextlib.suppress(BlockingIOError):  # a wake too early: wait again
                written += write(view[written:])
        return total

    def close(self) -> bool:
        """Close: the waiters wake with their ``error`` first.  False if closed already.

        Never blocks.
        """
        pd = self.pd
        if pd.closing:
            return False
        pd.close()
        self.sysclose()
        return True

    def collect(self) -> None:
        """The owner is being collected, maybe on another thread: close quietly."""
        if self.pd.closing:
            return
        if self.rt.thread_id == get_ident():
            self.close()
        else:  # the stale registration is evicted when the number is reused
            self.sysclose()
