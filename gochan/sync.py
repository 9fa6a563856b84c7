"""Go's package ``sync``: WaitGroup, Mutex, RWMutex, Once, Cond.

Built on the scheduler's wait queues (FIFO deques of parked goroutines,
``park``/``ready``), not on channels.  Every waiter is served in arrival
order, and a lock is handed to the next waiter as it is released, so no
goroutine starves.  A runtime belongs to one thread, so each check-then-act
step below runs without a switch point and needs no lock of its own.

These types are for goroutines of one thread; they are not thread locks.
The zero-argument constructors give usable values, as Go's zero values.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, ParamSpec, Protocol

from ._core import Goroutine, WaitDeque, WaitReason, get_runtime
from ._errors import NegativeWaitGroupCounter, UnlockOfUnlockedMutex, WaitGroupReused

__all__ = ["Cond", "Locker", "Mutex", "Once", "RWMutex", "WaitGroup"]

P = ParamSpec("P")

# Written into a parked goroutine's ``value`` by the releaser that hands it the
# lock, so a waiter interrupted after the hand-off knows it holds the lock.
_GRANTED: Any = object()


class Locker(Protocol):
    """Anything with ``lock()`` and ``unlock()`` (Go's ``sync.Locker``)."""

    def lock(self) -> None: ...

    def unlock(self) -> None: ...


def _wait_for_grant(q: WaitDeque, reason: WaitReason, release: Callable[[], None]) -> None:
    """Park in ``q`` until a releaser hands over the lock (``value = _GRANTED``).

    If the wait is interrupted (a crash reaching this goroutine, the end of
    ``run()``) after the hand-off, ``release()`` passes the lock on, so it is
    never lost with the goroutine.
    """
    rt = get_runtime()
    g = rt.current or rt.implicit_main()
    g.value = None
    q.append(g)
    try:
        rt.park(reason, q)
    except BaseException:
        if g.value is _GRANTED:
            g.value = None
            release()
        raise
    g.value = None


def _grant(g: Goroutine) -> None:
    g.value = _GRANTED
    get_runtime().ready(g)


class _HeldInWith(ABC):
    """``with x:`` holds ``x.lock()`` for the block and always ``unlock()``s."""

    __slots__ = ()

    @abstractmethod
    def lock(self) -> None: ...

    @abstractmethod
    def unlock(self) -> None: ...

    def __enter__(self) -> None:
        self.lock()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.unlock()


class WaitGroup:
    """Waits for a collection of goroutines to finish (Go's ``sync.WaitGroup``).

    ``add`` raises the counter, ``done`` lowers it, ``wait`` blocks until it
    is zero.  Reusable: once ``wait`` has returned, a new round can start.
    """

    __slots__ = ("_count", "_waiters")

    def __init__(self) -> None:
        self._count = 0
        self._waiters: WaitDeque = WaitDeque()  # parked in wait(); woken at zero

    def add(self, n: int = 1) -> None:
        """Add ``n`` (which may be negative) to the counter; never blocks.

        When the counter reaches zero every goroutine blocked in :meth:`wait`
        is released, to run before any other runnable goroutine.

        Raises:
            Panic: ``sync: negative WaitGroup counter`` when the counter goes
                below zero (it is left unchanged).
        """
        count = self._count + n
        if count < 0:
            raise NegativeWaitGroupCounter
        self._count = count
        if count == 0 and self._waiters:
            # They run next, as in Go (see Runtime.ready_first): so a goroutine
            # readied before them cannot raise the counter before they return.
            get_runtime().ready_first(self._waiters)
            self._waiters.clear()

    def done(self) -> None:
        """Lower the counter by one (Go's ``wg.Done()``); never blocks.

        Raises:
            Panic: ``sync: negative WaitGroup counter``.
        """
        self.add(-1)

    def wait(self) -> None:
        """Block until the counter is zero (wait reason ``sync.WaitGroup.Wait``).

        Returns at once if it is zero already.  As in Go, the next round's
        ``add`` must come after every ``wait`` released at zero has returned.

        Raises:
            Panic: ``sync: WaitGroup is reused before previous Wait has returned``
                when this waiter, released at zero, runs again to find the
                counter raised (a new round started before it returned).
        """
        if self._count == 0:
            return
        rt = get_runtime()
        g = rt.current or rt.implicit_main()
        self._waiters.append(g)
        rt.park(WaitReason.WAITGROUP_WAIT, self._waiters)
        # Released at zero.  A non-zero counter now is a new round started
        # before this wait returned: Go's wg.state != 0 check.  It covers new
        # waiters too, as wait() parks only while the counter is non-zero and
        # add() empties the queue whenever it reaches zero.
        if self._count:
            raise WaitGroupReused

    def go(self, fn: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run ``fn(*args, **kwargs)`` in a new goroutine counted by this group.

        ``add(1)``, then ``go``, then ``done()`` when ``fn`` returns or raises
        (Go 1.25's ``WaitGroup.Go``).  Never blocks.  An exception from ``fn``
        still crashes the program, as any goroutine's; to collect errors use
        :class:`gochan.errgroup.Group`.
        """
        self._go(fn, args, kwargs, sys._getframe(1))

    def _go(
        self,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        site: FrameType,
        on_exit: Callable[[Exception | None], None] | None = None,
    ) -> None:
        """``go`` with the ``go()`` call site given, for errgroup too.

        With ``on_exit``, an ``Exception`` from ``fn`` is caught and passed to
        it (None when ``fn`` returned), just before ``done()``: the errgroup
        owns its goroutines' exceptions.
        """
        self.add(1)
        get_runtime().spawn(_CallThenDone(fn, self, on_exit), args, kwargs or None, site)

    def __repr__(self) -> str:
        return f"<WaitGroup count={self._count} waiters={len(self._waiters)}>"


class _CallThenDone:
    """A goroutine body: ``func(*args)``, then ``on_exit`` if given, then ``wg.done()``.

    ``func`` is the attribute dumps read to name the goroutine, as for a
    ``functools.partial``, so the dump shows the user's function.
    """

    __slots__ = ("func", "on_exit", "wg")

    def __init__(
        self,
        func: Callable[..., object],
        wg: WaitGroup,
        on_exit: Callable[[Exception | None], None] | None,
    ) -> None:
        self.func = func
        self.wg = wg
        self.on_exit = on_exit

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        try:
            if self.on_exit is None:
                self.func(*args, **kwargs)
                return
            exc: Exception | None = None
            try:
                self.func(*args, **kwargs)
            except Exception as e:
                exc = e
            self.on_exit(exc)
        finally:
            self.wg.done()


class Mutex(_HeldInWith):
    """A mutual exclusion lock (Go's ``sync.Mutex``); also a context manager.

    Waiters get the lock in arrival order: ``unlock`` hands it straight to
    the first one, so no goroutine starves.  It is not reentrant, and any
    goroutine may unlock it, as in Go.
    """

    __slots__ = ("_locked", "_waiters")

    def __init__(self) -> None:
        # Invariant: _waiters is non-empty only while _locked (a hand-off keeps
        # it locked for the next owner).
        self._locked = False
        self._waiters: WaitDeque = WaitDeque()

    def lock(self) -> None:
        """Lock it, blocking while it is held (wait reason ``sync.Mutex.Lock``)."""
        if not self._locked:
            self._locked = True
            return
        _wait_for_grant(self._waiters, WaitReason.MUTEX_LOCK, self.unlock)

    def try_lock(self) -> bool:
        """Lock it if it is free and report whether it did; never blocks."""
        if self._locked:
            return False
        self._locked = True
        return True

    def unlock(self) -> None:
        """Unlock it, handing it to the first waiter if any; never blocks.

        Raises:
            Panic: ``sync: unlock of unlocked mutex``.
        """
        if not self._locked:
            raise UnlockOfUnlockedMutex
        if self._waiters:
            _grant(self._waiters.popleft())
        else:
            self._locked = False

    def __repr__(self) -> str:
        state = "locked" if self._locked else "unlocked"
        return f"<Mutex {state} waiters={len(self._waiters)}>"


class RWMutex(_HeldInWith):
    """A reader/writer lock (Go's ``sync.RWMutex``).

    Any number of readers or one writer.  As in Go, a writer waiting for the
    lock blocks new readers, so a stream of readers cannot starve it; when a
    writer unlocks, the readers that queued meanwhile all get in before the
    next writer.  The context manager takes the write lock; ``rlocker()``
    gives the read side as a :class:`Locker`.  Not reentrant.
    """

    __slots__ = ("_readers", "_rwait", "_writer", "_wwait")

    def __init__(self) -> None:
        # Invariants: not (_writer and _readers); readers wait only while a
        # writer holds or waits for the lock; writers wait only while it is held.
        self._readers = 0  # readers holding the lock
        self._writer = False  # a writer holds the lock
        self._rwait: WaitDeque = WaitDeque()  # readers waiting
        self._wwait: WaitDeque = WaitDeque()  # writers waiting

    def lock(self) -> None:
        """Take the write lock (wait reason ``sync.RWMutex.Lock``)."""
        if not self.try_lock():
            _wait_for_grant(self._wwait, WaitReason.RWMUTEX_LOCK, self.unlock)

    def try_lock(self) -> bool:
        """Take the write lock if it is free; never blocks."""
        if self._writer or self._readers or self._wwait:
            return False
        self._writer = True
        return True

    def unlock(self) -> None:
        """Release the write lock; waiting readers get in first, else the next writer.

        Raises:
            Panic: ``sync: Unlock of unlocked RWMutex``.
        """
        if not self._writer:
            raise UnlockOfUnlockedMutex("sync: Unlock of unlocked RWMutex")
        self._writer = False
        if self._rwait:
            rwait = self._rwait
            self._readers += len(rwait)
            while rwait:
                _grant(rwait.popleft())
        elif self._wwait:
            self._writer = True
            _grant(self._wwait.popleft())

    def rlock(self) -> None:
        """Take a read lock (wait reason ``sync.RWMutex.RLock``).

        Blocks while a writer holds the lock or waits for it.
        """
        if not self.try_rlock():
            _wait_for_grant(self._rwait, WaitReason.RWMUTEX_RLOCK, self.runlock)

    def try_rlock(self) -> bool:
        """Take a read lock if no writer holds or awaits it; never blocks."""
        if self._writer or self._wwait:
            return False
        self._readers += 1
        return True

    def runlock(self) -> None:
        """Release a read lock; the last reader out lets the first waiting writer in.

        Raises:
            Panic: ``sync: RUnlock of unlocked RWMutex``.
        """
        if self._readers <= 0:
            raise UnlockOfUnlockedMutex("sync: RUnlock of unlocked RWMutex")
        self._readers -= 1
        if self._readers == 0 and self._wwait:
            self._writer = True
            _grant(self._wwait.popleft())

    def rlocker(self) -> Locker:
        """The read side as a :class:`Locker`: its ``lock``/``unlock`` are ``rlock``/``runlock``."""
        return _ReadLocker(self)

    def __repr__(self) -> str:
        return (
            f"<RWMutex writer={self._writer} readers={self._readers} "
            f"waiting writers={len(self._wwait)} readers={len(self._rwait)}>"
        )


class _ReadLocker(_HeldInWith):
    __slots__ = ("_rw",)

    def __init__(self, rw: RWMutex) -> None:
        self._rw = rw

    def lock(self) -> None:
        self._rw.rlock()

    def unlock(self) -> None:
        self._rw.runlock()


class Once:
    """Runs a function once (Go's ``sync.Once``)."""

    __slots__ = ("_done", "_m")

    def __init__(self) -> None:
        self._done = False  # set once, when the first fn returns or raises
        self._m = Mutex()

    def do(self, fn: Callable[[], object]) -> None:
        """Call ``fn()`` if no ``do`` of this Once has called a function yet.

        Concurrent callers block (on the Once's mutex) until the first ``fn``
        has finished, so none returns before it.  A ``fn`` that raised still
        counts as done, as a Go ``f`` that panicked; its exception propagates
        to its own caller only.  Calling ``do`` from inside ``fn`` deadlocks.
        """
        if self._done:
            return
        with self._m:
            if not self._done:
                try:
                    fn()
                finally:
                    self._done = True


class Cond:
    """A condition variable over a :class:`Locker` (Go's ``sync.Cond``).

    ``l`` is the locker, held by callers of :meth:`wait`.  Waiters are woken
    in arrival order.
    """

    __slots__ = ("_waiters", "l")

    def __init__(self, l: Locker) -> None:  # noqa: E741 (Go's name)
        self.l = l
        self._waiters: WaitDeque = WaitDeque()

    def wait(self) -> None:
        """Unlock ``l``, block until signalled, lock ``l`` again (wait reason
        ``sync.Cond.Wait``).

        As in Go, wake-ups carry no guarantee about the condition: call it
        in a loop that re-checks.  ``l`` is held again when it returns or
        raises.
        """
        rt = get_runtime()
        g = rt.current or rt.implicit_main()
        self._waiters.append(g)
        self.l.unlock()
        try:
            rt.park(WaitReason.COND_WAIT, self._waiters)
        finally:
            self.l.lock()

    def signal(self) -> None:
        """Wake the goroutine waiting longest, if any; never blocks."""
        if self._waiters:
            get_runtime().ready(self._waiters.popleft())

    def broadcast(self) -> None:
        """Wake every waiting goroutine, in arrival order; never blocks."""
        waiters = self._waiters
        ready = get_runtime().ready
        while waiters:
            ready(waiters.popleft())
