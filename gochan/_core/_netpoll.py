"""The netpoller: goroutines parked on the readiness of file descriptors.

Go's ``runtime/netpoll.go`` in gochan's terms.  A file descriptor that
gochan reads or writes without blocking the thread (a socket of
``gochan.net``, a pipe) gets one :class:`PollDesc` from :func:`poll_open`,
registered with its runtime's poller once, for the descriptor's whole life,
never once per wait.  A goroutine whose system call fails with ``EAGAIN``
parks on the descriptor's read or write :class:`Side` (wait reason ``IO wait``), and
the scheduler loop, which polls the OS whenever it runs (with timeout 0
while goroutines stay runnable, and up to the next timer when none is),
readies it when the descriptor becomes ready.  Deadlines are timers on the
runtime clock, and closing a descriptor wakes its waiters with
:data:`PollError.CLOSING`.

Two pollers, one interface:

- :class:`EpollPoller` (Linux): every descriptor is in the epoll set
  edge-triggered for reading and writing from :func:`poll_open` to
  :meth:`PollDesc.close`, as Go's ``netpollopen`` arms it, so a wait costs
  no system call beyond the one that failed and the loop's ``epoll_wait``.
  An edge that comes while nobody waits is dropped: waiters always try the
  call first, and park only once it failed, with no switch in between, so
  the next change of readiness brings a new edge.
- :class:`SelectorPoller` (elsewhere: kqueue on macOS, through
  :mod:`selectors`): level-triggered, so a descriptor's interest follows its
  waiters, armed when a goroutine starts waiting and disarmed when none is
  left (one more system call per wait).

Posts from other threads (:meth:`Runtime.post`) wake a loop asleep in the
poller through a socket pair that the poller watches (Go's
``netpollBreak``).

Invariants, for each of a descriptor's two :class:`Side` s (``pd.r`` for
reads, ``pd.w`` for writes):
 - ``rt.io_waiting`` counts the goroutines waiting in the sides of the
   runtime's descriptors; each leaves by a wake (readiness, deadline,
   close), which readies it, or by the scheduler's undo, never by both;
 - a side's overflow list (``more``) is non-empty only while its slot
   (``g``) is taken;
 - a side's ``err`` is :data:`PollError.CLOSING` once the descriptor is
   closing (for good), else :data:`PollError.TIMEOUT` while the side's
   deadline has passed, else 0;
 - a read side's ``drained`` is True only while no read event has come
   since a read of a stream found nothing more queued; its ``hung_up``,
   once set by a hang-up or an error, stays, and ``drained`` is never set
   again.
"""

from __future__ import annotations

import contextlib
import enum
import select
import selectors
import socket
import sys
from collections.abc import Callable
from threading import get_ident
from typing import TYPE_CHECKING

from .._errors import foreign_thread
from . import _greenlet
from ._goroutine import Goroutine, WaitReason
from ._timers import TimerEntry

if TYPE_CHECKING:
    from ._sched import Runtime

_IO_WAIT = WaitReason.IO_WAIT


class PollError(enum.IntEnum):
    """Why a wait on a descriptor ended without readiness (Go's ``pollErr*`` codes).

    A wait returns 0 when the descriptor may be ready, or one of these.
    """

    CLOSING = 1  # the descriptor is being closed: Go's pollErrClosing
    TIMEOUT = 2  # its deadline passed: Go's pollErrTimeout


_CLOSING = PollError.CLOSING
_TIMEOUT = PollError.TIMEOUT


class PollDesc:
    """One file descriptor watched by its runtime's poller (Go's ``pollDesc``).

    Made by :func:`poll_open` on the runtime's thread and used only there
    (every method raises ``RuntimeError`` on another thread).  Its two
    :class:`Side` s, ``r`` for reads and ``w`` for writes, are where
    goroutines wait.  The pattern of a read, a write the same with ``w``::

        r = pd.r
        while True:
            if r.err:                 # closing, or the read deadline passed
                raise error_for(r.err)
            try:
                return os.read(fd, n)  # the fd is non-blocking: try first
            except BlockingIOError:
                pass
            err = r.wait()            # park until it may be readable
            if err:
                raise error_for(err)

    ``gochan._poll.FD`` is that pattern, once.  Close with :meth:`close`
    before closing the descriptor itself.
    """

    __slots__ = ("fd", "poller", "r", "rt", "w")

    def __init__(self, rt: Runtime, poller: Poller, fd: int) -> None:
        self.rt = rt
        self.poller = poller
        self.fd = fd
        # The sides know the descriptor by its number, not the object, so
        # that nothing cycles: a closed one is freed when its owner drops it.
        self.r = Side(rt, poller, fd)  # reads (and accepts)
        self.w = Side(rt, poller, fd)  # writes (and a non-blocking connect)

    @property
    def closing(self) -> bool:
        """Whether :meth:`close` was called: every wait returns ``CLOSING`` from then on."""
        return self.r.err is _CLOSING

    def close(self) -> None:
        """Stop watching the descriptor; its waiters wake with ``CLOSING``.

        Go's ``pollDesc`` close and evict (trio's ``notify_closing``): call
        it before closing the descriptor, with no switch in between, and
        mark the owning object closed first so that no goroutine starts a
        new wait.  Every later wait returns ``CLOSING`` at once.  Idempotent;
        does not block.

        Raises:
            RuntimeError: called on another thread than the runtime's.
        """
        self._check_thread()
        self._evict()
        self.poller.forget(self)

    def _evict(self) -> None:
        if self.closing:
            return
        for side in (self.r, self.w):
            side.err = _CLOSING
            if side.timer is not None:
                self.rt.timers.cancel(side.timer)
                side.timer = None
            side.wake()

    def drop_waiters(self) -> None:
        """Forget the waiters without readying them: their program has ended."""
        for side in (self.r, self.w):
            side.g = None
            side.more.clear()
        self.r.rearm()  # either side's: the poller looks at both

    def _check_thread(self) -> None:
        _check_thread(self.rt, self.fd)

    def __repr__(self) -> str:
        return f"<PollDesc fd={self.fd}>"


class Side:
    """The reads or the writes of a :class:`PollDesc` (Go's ``rg``, ``rd``, ``rt`` or
    ``wg``, ``wd``, ``wt``): the goroutines waiting, the error, the deadline.

    Made with its descriptor; used on the runtime's thread only.
    """

    __slots__ = ("drained", "err", "fd", "g", "hung_up", "more", "poller", "rt", "timer")

    def __init__(self, rt: Runtime, poller: Poller, fd: int) -> None:
        self.rt = rt
        self.poller = poller
        self.fd = fd
        # The goroutine waiting, or None: written by the wait, cleared by
        # its wake or its undo.
        self.g: Goroutine | None = None
        # Further goroutines waiting the same way, rare (Go serializes them).
        self.more: list[Goroutine] = []
        # 0, or the PollError of a call now: see the module's invariants.
        self.err = 0
        # The pending deadline timer, if any.
        self.timer: TimerEntry | None = None
        # Reads: whether a read of a stream found nothing more queued, with
        # no read event since: the next read parks without trying.  Set by
        # the reader (gochan._poll.FD.read) right after its call, with no
        # switch in between, so that a later arrival's edge clears it; the
        # poller clears it on every read event, waiter or not.
        self.drained = False
        # Reads: whether the poller reported a hang-up or an error (the end
        # of the stream may be queued behind the data a read takes), after
        # which no further edge comes: drained is never set again.
        self.hung_up = False

    def wait(self) -> int:
        """Park the calling goroutine until the descriptor may be ready this way.

        Call it after the system call failed with ``EAGAIN``.  Returns 0
        when it may be ready (possibly not: try again, and wait again on
        ``EAGAIN``), or a :class:`PollError` when the descriptor is closing
        or the deadline passed, at once if it already has.  For writes, a
        non-blocking ``connect`` ends when the socket becomes writable.
        Blocks (``IO wait``), and raises what the scheduler interrupts the
        goroutine with (the end of ``run()``, a crash reaching main,
        Ctrl-C), its wait undone.

        Raises:
            RuntimeError: called on another thread than the runtime's.
        """
        err = self.err
        if err:
            return err
        rt = self.rt
        if rt.running is not _greenlet.getcurrent():
            _check_thread(rt, self.fd)
        g = rt.current or rt.implicit_main()
        if self.g is None:
            self.g = g
        else:
            self.more.append(g)
        rt.io_waiting += 1
        rt.countdown = True  # the loop's visits poll while goroutines run
        arm = self.poller.arm  # rearm(), inline on this hot path
        if arm is not None:
            arm(self.fd)
        rt.park(_IO_WAIT, self)
        return self.err

    def _cancel_wait(self, g: object, /) -> None:
        """The scheduler's undo: ``g`` stops waiting."""
        if self.g is g:
            self.g = self.more.pop(0) if self.more else None
        elif g in self.more:
            self.more.remove(g)
        else:
            raise ValueError("not waiting")
        self.rt.io_waiting -= 1
        self.rearm()

    def wake(self) -> None:
        """Ready the goroutines waiting (the poller's, a deadline's, a close's)."""
        self.drained = False
        g = self.g
        if g is None:
            return
        self.g = None
        rt = self.rt
        rt.ready(g)
        more = self.more
        rt.io_waiting -= 1 + len(more)
        if more:
            rt.runq.extend(more)
            more.clear()

    def set_deadline(self, when: float | None) -> None:
        """Make calls fail with ``TIMEOUT`` from ``when`` on (runtime clock seconds; None clears).

        Applies to a wait under way as to later ones: a deadline already
        passed wakes the waiting goroutine at once.  A later deadline (or
        None) makes calls possible again.  Does not block.

        Raises:
            RuntimeError: called on another thread than the runtime's.
        """
        rt = self.rt
        _check_thread(rt, self.fd)
        if self.timer is not None:
            rt.timers.cancel(self.timer)
            self.timer = None
        if self.err is _CLOSING:
            return
        if when is None:
            self.err = 0
        elif when <= rt.clock.now():
            self._expire()
        else:
            self.err = 0
            self.timer = rt.add_timer_at(when, self._expire)

    def _expire(self) -> None:
        self.timer = None
        if self.err is not _CLOSING:
            self.err = _TIMEOUT
            self.wake()
            self.rearm()

    def rearm(self) -> None:
        """Tell a level-triggered poller that the descriptor's waiters changed."""
        arm = self.poller.arm
        if arm is not None:
            arm(self.fd)


def _check_thread(rt: Runtime, fd: int) -> None:
    if rt.thread_id != get_ident():
        raise foreign_thread(f"file descriptor {fd}", rt.thread_id)


def poll_open(rt: Runtime, fd: int) -> PollDesc:
    """Watch the non-blocking descriptor ``fd`` with ``rt``'s poller until closed.

    Go's ``runtime_pollOpen``: once per descriptor, for its whole life; the
    returned :class:`PollDesc` is where goroutines wait on it.  The poller
    is made on first use.  A stale registration of the same number (a
    descriptor closed without :meth:`PollDesc.close`) is evicted, its
    waiters woken with ``CLOSING``.  Does not block.

    Raises:
        PermissionError: the OS cannot poll this kind of descriptor (epoll
            refuses regular files): use ``blocking()`` for it instead.
        RuntimeError: called on another thread than ``rt``'s.
    """
    if rt.thread_id != get_ident():
        raise RuntimeError("gochan: poll_open() on another thread than the runtime's")
    poller = rt.netpoller()
    pd = PollDesc(rt, poller, fd)
    poller.open(pd)
    return pd


# -- the pollers ------------------------------------------------------------------


class _Waker:
    """A socket pair: another thread writes a byte to wake a loop asleep in the poller."""

    def __init__(self) -> None:
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        self.fd = self.reader.fileno()

    def wake(self) -> None:
        """Thread-safe, and safe in a signal handler."""
        # Full: a wake-up is pending already.  Closed: the runtime is gone.
        with contextlib.suppress(OSError):
            self.writer.send(b"\0")

    def drain(self) -> None:
        """Take the wake-up bytes, and run the signal handlers they may be for."""
        try:
            while self.reader.recv(4096):
                pass
        except BlockingIOError:
            pass
        _greenlet.check_signals()

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


class Poller:
    """What the runtime needs of a poller; see :class:`EpollPoller` and :class:`SelectorPoller`."""

    # Called with a descriptor's number whenever its waiters change, for a
    # level-triggered poller to follow them; None for an edge-triggered one.
    arm: Callable[[int], None] | None = None

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.descs: dict[int, PollDesc] = {}  # every open descriptor, by number
        self._waker = _Waker()

    @property
    def wakeup_fd(self) -> int:
        """The descriptor to write a byte to (``signal.set_wakeup_fd``) to wake the loop."""
        return self._waker.writer.fileno()

    def wake(self) -> None:
        """Wake the loop if it sleeps in :meth:`poll` (or its next poll).  Thread-safe."""
        self._waker.wake()

    def open(self, pd: PollDesc) -> None:
        stale = self.descs.get(pd.fd)
        if stale is not None:  # that number was closed behind our back and reused
            stale._evict()
            self.forget(stale)
        self._register(pd)
        self.descs[pd.fd] = pd

    def forget(self, pd: PollDesc) -> None:
        """Stop watching ``pd``'s descriptor, unless its number is another's by now."""
        if self.descs.get(pd.fd) is pd:
            del self.descs[pd.fd]
            self._unregister(pd)

    def drop_waiters(self) -> None:
        """The program ended: forget every waiter (the runtime resets its count)."""
        for pd in self.descs.values():
            if pd.r.g is not None or pd.w.g is not None:
                pd.drop_waiters()

    def poll(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds (None: no limit; 0: not at all) and ready
        the goroutines whose descriptors are ready; True if anything (readiness
        or a wake-up) came."""
        raise NotImplementedError

    def _register(self, pd: PollDesc) -> None:
        raise NotImplementedError

    def _unregister(self, pd: PollDesc) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._waker.close()

    def __del__(self) -> None:
        # The runtime (a thread-local) is gone with its thread.
        self.close()


class SelectorPoller(Poller):
    """Elsewhere: :mod:`selectors`' best (kqueue on macOS), level-triggered.

    A descriptor is in the selector only while goroutines wait on it, for
    the directions they wait for.
    """

    def __init__(self, rt: Runtime) -> None:
        super().__init__(rt)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self._waker.fd, selectors.EVENT_READ, None)
        self.arm = self._arm

    def _arm(self, fd: int) -> None:
        # A descriptor forgotten is closing: nobody waits on it any more.
        pd = self.descs.get(fd)
        events = 0
        if pd is not None:
            events = (selectors.EVENT_READ if pd.r.g is not None else 0) | (
                selectors.EVENT_WRITE if pd.w.g is not None else 0
            )
        key = self.selector.get_map().get(fd)
        if key is None:
            if events:
                self.selector.register(fd, events, pd)
        elif not events:
            self.selector.unregister(fd)
        elif key.events != events:
            self.selector.modify(fd, events, pd)

    def _register(self, pd: PollDesc) -> None:
        pass  # armed by its first wait

    def _unregister(self, pd: PollDesc) -> None:
        if pd.fd in self.selector.get_map():
            self.selector.unregister(pd.fd)

    def poll(self, timeout: float | None) -> bool:
        ready = self.selector.select(timeout)
        for key, mask in ready:
            pd: PollDesc | None = key.data
            if pd is None:
                self._waker.drain()
                continue
            if mask & selectors.EVENT_READ:
                pd.r.wake()
            if mask & selectors.EVENT_WRITE:
                pd.w.wake()
            self._arm(pd.fd)
        return bool(ready)

    def close(self) -> None:
        self.selector.close()
        super().close()


if sys.platform == "linux":
    # Readiness that wakes a reader or a writer: also errors and hang-ups, after
    # which the system call returns the error or the end of the stream.
    _EPOLL_READ = select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR
    _EPOLL_WRITE = select.EPOLLOUT | select.EPOLLHUP | select.EPOLLERR
    _EPOLL_OPEN = select.EPOLLIN | select.EPOLLOUT | select.EPOLLRDHUP | select.EPOLLET
    # Readiness for reading that lasts: no edge follows (Side.hung_up).
    _EPOLL_HUNG_UP = select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR

    class EpollPoller(Poller):
        """Linux: one epoll set, each descriptor in it edge-triggered for its whole life."""

        def __init__(self, rt: Runtime) -> None:
            super().__init__(rt)
            self.epoll = select.epoll()
            self.epoll.register(self._waker.fd, select.EPOLLIN)  # level-triggered: drained

        def _register(self, pd: PollDesc) -> None:
            try:
                self.epoll.register(pd.fd, _EPOLL_OPEN)
            except FileExistsError:  # the same descriptor, opened twice
                self.epoll.modify(pd.fd, _EPOLL_OPEN)

        def _unregister(self, pd: PollDesc) -> None:
            with contextlib.suppress(OSError):  # closed already: the kernel dropped it
                self.epoll.unregister(pd.fd)

        def poll(self, timeout: float | None) -> bool:
            events = self.epoll.poll(-1 if timeout is None else timeout)
            if events:
                _ready_epoll(self, events, _EPOLL_READ, _EPOLL_WRITE, _EPOLL_HUNG_UP)
            return bool(events)

        def close(self) -> None:
            self.epoll.close()
            super().close()


def _ready_epoll(
    poller: Poller, events: list[tuple[int, int]], read: int, write: int, hung_up: int
) -> None:
    """Ready the goroutines that ``events``, an ``epoll_wait``'s, concern.

    The masks are ``_EPOLL_READ``, ``_EPOLL_WRITE`` and ``_EPOLL_HUNG_UP``,
    passed in so that the compiled build tests C integers (they exist on
    Linux only).  A function of its own for the C types of its variables.
    """
    descs = poller.descs
    rt = poller.rt
    append = rt.runq.append
    woken = 0
    for fd, mask in events:
        pd = descs.get(fd)
        if pd is None:
            if fd == poller._waker.fd:
                poller._waker.drain()
            continue
        if mask & read:
            side = pd.r
            side.drained = False  # an edge: whether or not anyone waits
            if mask & hung_up:
                side.hung_up = True
            woken += _edge(side, append)
        if mask & write:
            woken += _edge(pd.w, append)
    rt.io_waiting -= woken


def _edge(side: Side, append: Callable[[Goroutine], None]) -> int:
    """An edge on ``side`` for :func:`_ready_epoll`: wake its waiters; how many
    ``append`` queued (those ``rt.io_waiting`` no longer counts).

    The usual case inline: one waiter, queued with the batch's ``append``
    and counted off once per batch, rather than through :meth:`Side.wake`.
    """
    g = side.g
    if g is None:
        return 0
    if side.more:
        side.wake()
        return 0
    side.g = None
    append(g)
    return 1


def new_poller(rt: Runtime) -> Poller:
    """The best poller of this OS for ``rt``."""
    if sys.platform == "linux":
        return EpollPoller(rt)
    else:  # a platform check, which mypy reads
        return SelectorPoller(rt)
