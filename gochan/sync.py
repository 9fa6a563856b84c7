"""Go's package ``sync``: WaitGroup, Mutex, RWMutex, Once, Cond, once_func and kin.

Built on the scheduler's wait queues (FIFO deques of parked goroutines,
``park``/``ready``), not on channels.  Every waiter is served in arrival
order, and a lock is handed to the next waiter as it is released, so no
goroutine starves.  A runtime belongs to one thread, so each check-then-act
step below runs without a switch point and needs no lock of its own.

These types are for goroutines of one thread; they are not thread locks.
The zero-argument constructors give usable values, as Go's zero values, and
bind to no thread: a value belongs to the thread that first uses it (calls
any of its methods), and any use from another thread raises ``RuntimeError``
(a waiter readied there would be lost).  Binding at the first use rather
than at construction lets a value be made anywhere (at import, in an object
built on another thread) and used by the one program that needs it.
"""

from __future__ import annotations

import sys
from abc import abstractmethod
from collections.abc import Callable
from threading import get_ident
from types import FrameType, TracebackType
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

from ._core import (
    Goroutine,
    Runtime,
    WaitDeque,
    WaitReason,
    get_runtime,
    getcurrent,
    hide_frame,
)
from ._errors import (
    NegativeWaitGroupCounter,
    UnlockOfUnlockedMutex,
    WaitGroupReused,
    check_function,
    foreign_thread,
    wrong,
)

__all__ = [
    "Cond",
    "Locker",
    "Mutex",
    "Once",
    "RWMutex",
    "WaitGroup",
    "once_func",
    "once_value",
    "once_values",
]

P = ParamSpec("P")
T = TypeVar("T")
T1 = TypeVar("T1")
T2 = TypeVar("T2")

# Written into a parked goroutine's ``value`` by the releaser that hands it the
# lock, so a waiter interrupted after the hand-off knows it holds the lock.
_GRANTED: Any = object()


class Locker(Protocol):
    """Anything with ``lock()`` and ``unlock()`` (Go's ``sync.Locker``), held by ``with``.

    ``with lk:`` holds ``lk.lock()`` for the block and always ``unlock()``s,
    as Go's ``lk.Lock(); defer lk.Unlock()``.  :class:`Mutex`,
    :class:`RWMutex` and ``rlocker()`` are Lockers; a class of your own
    becomes one by subclassing ``Locker`` and defining ``lock`` and
    ``unlock``, which gives it ``with``.
    """

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


class _Unbound:
    """The owner of a value no thread has used yet: no greenlet runs in it."""

    __slots__ = ()
    running = None
    thread_id = 0


_UNBOUND = _Unbound()


class _OneThread:
    """A value of this module: it belongs to the runtime of the thread that first uses it.

    Every public method starts with ``if self._rt.running is not getcurrent():
    self._claim()``, the check channels make: on the owner's goroutines the
    greenlet the owner runs now is the caller's, so the test passes without
    comparing thread ids, which costs more.
    """

    __slots__ = ("_rt",)

    # The owner: _UNBOUND until the first use binds it (once); each
    # subclass's __init__ sets it to _UNBOUND.
    _rt: Runtime | _Unbound

    def _claim(self) -> None:
        """Bind an unused value to this thread's runtime; refuse a use from another thread.

        Raises:
            RuntimeError: the value belongs to another thread's runtime, naming it.
        """
        rt = self._rt
        if rt is _UNBOUND:
            self._rt = get_runtime()
        elif rt.thread_id != get_ident():
            raise foreign_thread(self, rt.thread_id)
        # else: the owner's thread, outside its running goroutine (a plain
        # greenlet, or code before the program): nothing to refuse.


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
    except BaseException as exc:
        if g.value is _GRANTED:
            g.value = None
            release()
        hide_frame(exc)  # out of the lock call, as out of park(): see Runtime.leave_park
        raise
    g.value = None


def _grant(g: Goroutine) -> None:
    g.value = _GRANTED
    get_runtime().ready(g)


class WaitGroup(_OneThread):
    """Waits for a collection of goroutines to finish (Go's ``sync.WaitGroup``).

    ``add`` raises the counter, ``done`` lowers it, ``wait`` blocks until it
    is zero.  Reusable: once ``wait`` has returned, a new round can start.
    """

    __slots__ = ("_count", "_waiters")

    def __init__(self) -> None:
        self._rt = _UNBOUND
        self._count = 0
        self._waiters: WaitDeque = WaitDeque()  # parked in wait(); woken at zero

    def add(self, n: int = 1) -> None:
        """Add ``n`` (which may be negative) to the counter; never blocks.

        When the counter reaches zero every goroutine blocked in :meth:`wait`
        is released, to run before any other runnable goroutine.

        Raises:
            Panic: ``sync: negative WaitGroup counter`` when the counter goes
                below zero (it is left unchanged).
            TypeError: ``n`` is not an ``int`` (Go's compile error).
        """
        if self._rt.running is not getcurrent():
            self._claim()
        if type(n) is not int:  # check_int(), inlined: add() runs twice per goroutine
            raise wrong("WaitGroup.add()", "n", "an int", n)
        count = self._count + n
        if count < 0:
            raise NegativeWaitGroupCounter
        self._count = count
        if count == 0 and self._waiters:
            self._release()

    def done(self) -> None:
        """Lower the counter by one (Go's ``wg.Done()``); never blocks.

        Raises:
            Panic: ``sync: negative WaitGroup counter``.
        """
        # add(-1), inlined: done() runs once per goroutine of a group, and
        # the call to add() was a fifth of its cost.
        if self._rt.running is not getcurrent():
            self._claim()
        count = self._count - 1
        if count < 0:
            raise NegativeWaitGroupCounter
        self._count = count
        if count == 0 and self._waiters:
            self._release()

    def _release(self) -> None:
        """Release the goroutines blocked in :meth:`wait`: the counter is zero."""
        # They run next, as in Go (see Runtime.ready_first): so a goroutine
        # readied before them cannot raise the counter before they return.
        get_runtime().ready_first(self._waiters)
        self._waiters.clear()

    def wait(self) -> None:
        """Block until the counter is zero (wait reason ``sync.WaitGroup.Wait``).

        Returns at once if it is zero already.  As in Go, the next round's
        ``add`` must come after every ``wait`` released at zero has returned.

        Raises:
            Panic: ``sync: WaitGroup is reused before previous Wait has returned``
                when this waiter, released at zero, runs again to find the
                counter raised (a new round started before it returned).
        """
        if self._rt.running is not getcurrent():
            self._claim()
        if self._count == 0:
            return
        rt = get_runtime()
        g = rt.current or rt.implicit_main()
        self._waiters.append(g)
        try:
            rt.park(WaitReason.WAITGROUP_WAIT, self._waiters)
        except BaseException as exc:
            hide_frame(exc)  # out of wait(), as out of park(): see Runtime.leave_park
            raise
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

        Raises:
            TypeError: ``fn`` is not callable, or is an ``async def`` function.
        """
        check_function(fn, "WaitGroup.go()", "fn")
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
        owns its goroutines' exceptions.  ``fn`` is checked already.
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


class Mutex(Locker, _OneThread):
    """A mutual exclusion lock (Go's ``sync.Mutex``); also a context manager.

    Waiters get the lock in arrival order: ``unlock`` hands it straight to
    the first one, so no goroutine starves.  It is not reentrant, and any
    goroutine may unlock it, as in Go.
    """

    __slots__ = ("_locked", "_waiters")

    def __init__(self) -> None:
        # Invariant: _waiters is non-empty only while _locked (a hand-off keeps
        # it locked for the next owner).
        self._rt = _UNBOUND
        self._locked = False
        self._waiters: WaitDeque = WaitDeque()

    def lock(self) -> None:
        """Lock it, blocking while it is held (wait reason ``sync.Mutex.Lock``)."""
        if self._rt.running is not getcurrent():
            self._claim()
        if not self._locked:
            self._locked = True
            return
        try:
            _wait_for_grant(self._waiters, WaitReason.MUTEX_LOCK, self.unlock)
        except BaseException as exc:
            hide_frame(exc)
            raise

    def try_lock(self) -> bool:
        """Lock it if it is free and report whether it did; never blocks."""
        if self._rt.running is not getcurrent():
            self._claim()
        if self._locked:
            return False
        self._locked = True
        return True

    def unlock(self) -> None:
        """Unlock it, handing it to the first waiter if any; never blocks.

        Raises:
            Panic: ``sync: unlock of unlocked mutex``.
        """
        if self._rt.running is not getcurrent():
            self._claim()
        if not self._locked:
            raise UnlockOfUnlockedMutex
        if self._waiters:
            _grant(self._waiters.popleft())
        else:
            self._locked = False

    def __repr__(self) -> str:
        state = "locked" if self._locked else "unlocked"
        return f"<Mutex {state} waiters={len(self._waiters)}>"


class RWMutex(Locker, _OneThread):
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
        self._rt = _UNBOUND
        self._readers = 0  # readers holding the lock
        self._writer = False  # a writer holds the lock
        self._rwait: WaitDeque = WaitDeque()  # readers waiting
        self._wwait: WaitDeque = WaitDeque()  # writers waiting

    def lock(self) -> None:
        """Take the write lock (wait reason ``sync.RWMutex.Lock``)."""
        if not self.try_lock():
            try:
                _wait_for_grant(self._wwait, WaitReason.RWMUTEX_LOCK, self.unlock)
            except BaseException as exc:
                hide_frame(exc)
                raise

    def try_lock(self) -> bool:
        """Take the write lock if it is free; never blocks."""
        if self._rt.running is not getcurrent():
            self._claim()
        if self._writer or self._readers or self._wwait:
            return False
        self._writer = True
        return True

    def unlock(self) -> None:
        """Release the write lock; waiting readers get in first, else the next writer.

        Raises:
            Panic: ``sync: Unlock of unlocked RWMutex``.
        """
        if self._rt.running is not getcurrent():
            self._claim()
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
            try:
                _wait_for_grant(self._rwait, WaitReason.RWMUTEX_RLOCK, self.runlock)
            except BaseException as exc:
                hide_frame(exc)
                raise

    def try_rlock(self) -> bool:
        """Take a read lock if no writer holds or awaits it; never blocks."""
        if self._rt.running is not getcurrent():
            self._claim()
        if self._writer or self._wwait:
            return False
        self._readers += 1
        return True

    def runlock(self) -> None:
        """Release a read lock; the last reader out lets the first waiting writer in.

        Raises:
            Panic: ``sync: RUnlock of unlocked RWMutex``.
        """
        if self._rt.running is not getcurrent():
            self._claim()
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


class _ReadLocker(Locker):
    __slots__ = ("_rw",)

    def __init__(self, rw: RWMutex) -> None:
        self._rw = rw

    def lock(self) -> None:
        self._rw.rlock()

    def unlock(self) -> None:
        self._rw.runlock()

    def __repr__(self) -> str:
        return f"<rlocker of {self._rw!r}>"


class Once(_OneThread):
    """Runs a function once (Go's ``sync.Once``)."""

    __slots__ = ("_done", "_m")

    def __init__(self) -> None:
        self._rt = _UNBOUND
        self._done = False  # set once, when the first fn returns or raises
        self._m = Mutex()

    def do(self, fn: Callable[[], object]) -> None:
        """Call ``fn()`` if no ``do`` of this Once has called a function yet.

        Concurrent callers block (on the Once's mutex) until the first ``fn``
        has finished, so none returns before it.  A ``fn`` that raised still
        counts as done, as a Go ``f`` that panicked; its exception propagates
        to its own caller only.  Calling ``do`` from inside ``fn`` deadlocks.
        For a function whose result or exception every caller shares, see
        :func:`once_value`.

        Raises:
            TypeError: ``fn`` is not callable, or is an ``async def`` function
                (checked only while no function was called yet, as Go's).
        """
        if self._rt.running is not getcurrent():
            self._claim()
        if self._done:
            return
        check_function(fn, "Once.do()", "fn")
        with self._m:
            if not self._done:
                try:
                    fn()
                finally:
                    self._done = True


class _OnceCall(_OneThread, Generic[T]):
    """The function :func:`once_func`, :func:`once_value` and :func:`once_values` return."""

    __slots__ = ("_done", "_exc", "_f", "_m", "_tb", "_value")

    def __init__(self, f: Callable[[], T]) -> None:
        self._rt = _UNBOUND
        self._f: Callable[[], T] | None = f  # dropped once called
        self._m = Mutex()  # held by the first call while f runs
        self._done = False  # set once, when f has returned or raised an Exception
        self._value: T | None = None  # what f returned
        self._exc: Exception | None = None  # what f raised, re-raised by every call
        self._tb: TracebackType | None = None  # its traceback into f, as first raised

    def __call__(self) -> T:
        if self._rt.running is not getcurrent():
            self._claim()
        if not self._done:
            with self._m:
                if not self._done:
                    self._call_f()
        if self._exc is not None:
            # The very exception, with its traceback into f (not the frames of
            # every earlier raise, which would pile up on it).
            raise self._exc.with_traceback(self._tb)
        return self._value  # type: ignore[return-value]

    def _call_f(self) -> None:
        f = self._f
        assert f is not None
        try:
            self._value = f()
        except Exception as exc:
            self._exc, self._tb = exc, exc.__traceback__
            self._done, self._f = True, None
            raise
        # A BaseException that is no Exception (GoroutineExit as run() ends,
        # Ctrl-C) left it not done: replayed, it would end later programs.
        self._done, self._f = True, None

    def __repr__(self) -> str:
        return f"<once of {self._f!r}>" if self._f is not None else "<once: called>"


class _OnceFunc(_OnceCall[object]):
    """What :func:`once_func` returns: as Go's ``func()``, it returns nothing."""

    __slots__ = ()

    def __call__(self) -> None:
        super().__call__()


def once_func(f: Callable[[], object]) -> Callable[[], None]:
    """A function that calls ``f()`` only the first time it is called (Go 1.21's ``sync.OnceFunc``).

    Later calls, and calls made while the first runs (they block until it
    returns), do not call ``f``.  If ``f`` raised an ``Exception``, every
    call raises that same exception object, with its traceback into ``f``,
    as Go's re-panics with the same value.  A ``BaseException`` that is not
    an ``Exception`` (the end of ``run()``, Ctrl-C) is not kept: the next
    call calls ``f`` again.  Calling it from inside ``f`` deadlocks.

    Raises:
        TypeError: ``f`` is not callable, or is an ``async def`` function.
    """
    check_function(f, "once_func()", "f")
    return _OnceFunc(f)


def once_value(f: Callable[[], T]) -> Callable[[], T]:
    """A function that calls ``f()`` the first time and returns its value every time.

    Go 1.21's ``sync.OnceValue``; as :func:`once_func`, an exception of
    ``f`` is raised again by every call.

    Raises:
        TypeError: ``f`` is not callable, or is an ``async def`` function.
    """
    check_function(f, "once_value()", "f")
    return _OnceCall(f)


def once_values(f: Callable[[], tuple[T1, T2]]) -> Callable[[], tuple[T1, T2]]:
    """Like :func:`once_value` for an ``f`` returning a pair (Go 1.21's ``sync.OnceValues``).

    ``v, err = get()`` unpacks what Go's ``OnceValues`` function returns.

    Raises:
        TypeError: ``f`` is not callable, or is an ``async def`` function.
    """
    check_function(f, "once_values()", "f")
    return _OnceCall(f)


class Cond(_OneThread):
    """A condition variable over a :class:`Locker` (Go's ``sync.Cond``).

    ``l`` is the locker, held by callers of :meth:`wait`.  Waiters are woken
    in arrival order.

    Raises:
        TypeError: ``l`` has no ``lock()`` and ``unlock()``.
    """

    __slots__ = ("_waiters", "l")

    def __init__(self, l: Locker) -> None:  # noqa: E741 (Go's name)
        if not (callable(getattr(l, "lock", None)) and callable(getattr(l, "unlock", None))):
            raise wrong("Cond()", "l", "a Locker (with lock() and unlock())", l)
        self._rt = _UNBOUND
        self.l = l
        self._waiters: WaitDeque = WaitDeque()

    def wait(self) -> None:
        """Unlock ``l``, block until signalled, lock ``l`` again (wait reason
        ``sync.Cond.Wait``).

        As in Go, wake-ups carry no guarantee about the condition: call it
        in a loop that re-checks.  ``l`` is held again when it returns or
        raises, unless ``l.unlock()`` raised (``l`` was not held): then it
        does not wait.
        """
        if self._rt.running is not getcurrent():
            self._claim()
        rt = get_runtime()
        g = rt.current or rt.implicit_main()
        # Queued before l is unlocked, as Go's notifyListAdd, so a signal
        # given while unlock() switches away is not lost.
        self._waiters.append(g)
        try:
            self.l.unlock()
        except BaseException:
            self._waiters.remove(g)
            raise
        try:
            rt.park(WaitReason.COND_WAIT, self._waiters)
        except BaseException as exc:
            hide_frame(exc)  # out of wait(), as out of park(): see Runtime.leave_park
            raise
        finally:
            self.l.lock()

    def signal(self) -> None:
        """Wake the goroutine waiting longest, if any; never blocks."""
        if self._rt.running is not getcurrent():
            self._claim()
        if self._waiters:
            get_runtime().ready(self._waiters.popleft())

    def broadcast(self) -> None:
        """Wake every waiting goroutine, in arrival order; never blocks."""
        if self._rt.running is not getcurrent():
            self._claim()
        waiters = self._waiters
        ready = get_runtime().ready
        while waiters:
            ready(waiters.popleft())
