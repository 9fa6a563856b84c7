"""Test support for gochan programs, usable from any test runner.

Go has ``goleak`` and ``testing/synctest``; trio has ``MockClock``.  This
module gives gochan tests the same tools:

* :func:`verify_none` and :func:`leak_check`: fail when goroutines leak;
* :func:`seed`: seed every random choice the scheduler makes, so a run can
  be replayed;
* :class:`VirtualClock`: time that moves only when every goroutine is
  parked, jumping straight to the next timer;
* :func:`wait_blocked`, answered by the scheduler, and :func:`panics`.

The pytest plugin (``gochan._pytest_plugin``, registered through the
``pytest11`` entry point) drives these from markers and fixtures; see
``docs/testing.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType

from ._core import Clock, Goroutine, WaitReason, get_runtime, is_gochan_file
from ._errors import Panic, check_int, wrong
from .time import _seconds

__all__ = [
    "VirtualClock",
    "leak_check",
    "panics",
    "seed",
    "verify_none",
    "wait_blocked",
]

# Frames in here are gochan's own: a goroutine's top function is the
# innermost frame outside it (where user code called into gochan).


@contextmanager
def panics(message: str) -> Iterator[None]:
    """Assert that the block raises a :class:`~gochan.Panic` with exactly ``message``.

    The test form of Go's ``defer func() { recover() }()`` check.  Any other
    exception goes through unchanged.

    Raises:
        AssertionError: the block panicked with another message, or did not panic.
        TypeError: ``message`` is not a ``str``.
    """
    if not isinstance(message, str):
        raise wrong("panics()", "message", "a str", message)
    try:
        yield
    except Panic as exc:
        if str(exc) != message:
            raise AssertionError(f"panicked with {str(exc)!r}, expected {message!r}") from exc
    else:
        raise AssertionError(f"did not panic, expected {message!r}")


def wait_blocked(n: int = 1, reason: str | None = None) -> None:
    """Block until at least ``n`` other goroutines are parked (on ``reason``, if given).

    Answered by the scheduler: the condition is checked only when no
    goroutine can run, never by polling.  If it can never hold, the program
    ends in :class:`~gochan.Deadlock` like any other wait nothing can satisfy.
    ``reason`` is a word of ``stacks()`` (``"chan receive"``, ``"sleep"``, ...).

    Raises:
        TypeError: ``n`` is not an ``int``.
        ValueError: ``reason`` is not one of ``stacks()``'s wait reasons.
    """
    check_int(n, "wait_blocked()", "n")
    wait_reason = None if reason is None else _wait_reason(reason)
    rt = get_runtime()
    rt.wait_idle(lambda: rt.parked(wait_reason) >= n)


def _wait_reason(reason: str) -> WaitReason:
    try:
        return WaitReason(reason)
    except ValueError:
        known = ", ".join(repr(r.value) for r in WaitReason)
        raise ValueError(
            f"wait_blocked(): reason must be a wait reason of stacks(), such as "
            f"'chan receive', not {reason!r} (the reasons: {known})"
        ) from None


def seed(n: int) -> None:
    """Seed this thread's scheduler: every random choice it makes comes from ``n``.

    That is select's pick among ready cases, the only random choice gochan
    makes; scheduling itself is first come, first served.  Two runs of a
    program with one seed, on a :class:`VirtualClock` and without other
    threads, interleave identically.  Does not touch Python's :mod:`random`.

    Raises:
        TypeError: ``n`` is not an ``int``.
    """
    check_int(n, "seed()", "n")
    get_runtime().rng.seed(n)


# -- leak checks (Go's goleak) ------------------------------------------------


def verify_none(ignore: Iterable[str | Callable[..., object]] = ()) -> None:
    """Fail if goroutines other than main and the caller are alive (Go's ``goleak.VerifyNone``).

    Blocks first until no goroutine can run (asked of the scheduler, like
    :func:`wait_blocked`), so goroutines that are about to end get to end;
    a goroutine asleep on a timer is still alive and counts.  A goroutine is
    ignored when a name in ``ignore`` is its top function (the innermost
    function outside gochan, where it is parked: goleak's
    ``IgnoreTopFunction``) or the function it was started with.  A name is
    spelled ``name``, ``qualname`` or ``module.qualname``; a function stands
    for its names.  Outside a running program there is nothing to check.
    Does not end the leaked goroutines: ``run()`` does that as main returns,
    and a goroutine that never parks keeps this waiting.

    Raises:
        AssertionError: goroutines leaked; the message dumps each of them as
            ``stacks()`` does.
        TypeError: ``ignore`` is not a collection of functions and names.
    """
    __tracebackhide__ = True  # pytest shows the failure, not this function
    ignored = _names(ignore, "verify_none()")
    rt = get_runtime()
    if rt.main is None:
        return
    rt.wait_idle(_always)
    me = rt.current
    leaked = [
        g.id
        for g in rt.goroutines.values()
        if g is not rt.main and g is not me and not ignored.intersection(_goroutine_names(g))
    ]
    if leaked:
        raise AssertionError(f"found unexpected goroutines:\n\n{rt.stacks(leaked)}")


@contextmanager
def leak_check(ignore: Iterable[str | Callable[..., object]] = ()) -> Iterator[None]:
    """Run :func:`verify_none` in every program that ``run()`` runs on this thread in the block.

    The check runs in the main goroutine as ``main`` returns normally, before
    ``run()`` ends the goroutines left, so the leak comes out of ``run()`` as
    an ``AssertionError``.  A ``main`` that raises is not checked: its
    exception is the one reported.  Programs without ``run()`` (an implicit
    main goroutine) are not checked.

    Raises:
        TypeError: ``ignore`` is not a collection of functions and names
            (as the block is entered).
    """
    names = _names(ignore, "leak_check()")
    rt = get_runtime()

    def check() -> None:
        __tracebackhide__ = True
        verify_none(names)

    previous = rt.at_main_return
    rt.at_main_return = check
    try:
        yield
    finally:
        rt.at_main_return = previous


def _always() -> bool:
    return True


def _names(ignore: Iterable[str | Callable[..., object]], where: str) -> frozenset[str]:
    """The names ``ignore`` stands for: each string, and each function's :func:`_spellings`."""
    # A lone name or function is no list of them: its letters would be ignored.
    if isinstance(ignore, str) or not isinstance(ignore, Iterable):
        raise wrong(where, "ignore", "a list of functions or names", ignore)
    names: set[str] = set()
    for spec in ignore:
        if isinstance(spec, str):
            names.add(spec)
        elif (spellings := _function_names(spec)) is not None:
            names.update(spellings)
        else:
            raise TypeError(f"{where}: ignore must hold functions or their names, not {spec!r}")
    return frozenset(names)


def _function_names(fn: object) -> tuple[str, str, str] | None:
    """The :func:`_spellings` of a function (or a partial of one); None for other objects."""
    target = getattr(fn, "func", fn)  # functools.partial
    qualname = getattr(target, "__qualname__", None)
    if not isinstance(qualname, str):
        return None
    return _spellings(getattr(target, "__module__", None), qualname)


def _goroutine_names(g: Goroutine) -> set[str]:
    """The names ``ignore=`` matches for ``g``: its top function's and its own."""
    names: set[str] = set()
    frame = None if g.glet is None else _top_frame(g.glet.gr_frame)
    if frame is not None:
        code = frame.f_code
        names.update(_spellings(frame.f_globals.get("__name__"), code.co_qualname))
    if g.fn is not None and (spellings := _function_names(g.fn)) is not None:
        names.update(spellings)
    return names


def _spellings(module: object, qualname: str) -> tuple[str, str, str]:
    """The names a function answers to: ``name``, ``qualname``, ``module.qualname``."""
    return qualname.rpartition(".")[2], qualname, f"{module}.{qualname}"


def _top_frame(frame: FrameType | None) -> FrameType | None:
    while frame is not None and is_gochan_file(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


# -- virtual time (Go's synctest, trio's MockClock) ----------------------------


class VirtualClock:
    """A clock that moves only when every goroutine is parked, jumping to the next timer.

    Install it on this thread's runtime with ``with VirtualClock():`` around
    a program (``run()``); the previous clock comes back at the end of the
    block.  Everything that reads the runtime's clock follows it: ``sleep``,
    ``after``, ``tick``, ``Timer``, ``Ticker``, ``after_func``, context
    timeouts and deadlines.  A test that sleeps an hour takes milliseconds,
    and with a :func:`seed` it replays exactly.

    Time starts at ``start`` (0.0 by default, so a replay sees the very same
    times and durations come out exact) and moves only when nothing can run:
    then it jumps to the earliest timer.  Deadlines for ``with_deadline``
    must be computed from :meth:`now`, not from ``time.monotonic()``.  It does
    not move while a goroutine waits on another thread (``blocking()``, a
    future): that wait takes real time, as in Go's ``synctest``.  While
    goroutines wait on I/O (``gochan.net``), it waits in real time for the
    I/O, up to the time to the next timer, and jumps only if none comes: a
    socket read with a 5 s deadline that no data reaches takes 5 s.  A program
    whose goroutines are all parked with no timer left still ends in
    :class:`~gochan.Deadlock`.  Times are floats: a long run of tiny
    intervals rounds like ``time.monotonic()`` values do.

    Raises:
        TypeError: ``start`` is not a number.
        ValueError: ``start`` is NaN or infinite.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = _seconds(start, "VirtualClock", "start")
        self._replaced: list[Clock] = []  # the clock each install replaced, innermost last

    def now(self) -> float:
        """The virtual time, in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` at once (trio's ``MockClock.jump``).

        Does not block.  The timers it makes due fire when the scheduler next
        runs its loop, once the caller blocks or yields.

        Raises:
            ValueError: ``seconds`` is negative (time never goes back),
                infinite or NaN.
            TypeError: ``seconds`` is not a number.
        """
        seconds = _seconds(seconds, "advance", "seconds")
        if seconds < 0:
            raise ValueError(f"time never goes back: advance({seconds})")
        if seconds == math.inf:
            raise ValueError("advance(inf): time cannot reach infinity")
        self._now += seconds

    def sleep_until(self, deadline: float, wait: Callable[[float | None], bool]) -> None:
        """Jump to ``deadline``; the scheduler calls this only when no goroutine can run.

        While another thread still owes the runtime a post (``blocking()``,
        a future), wait for it in real time instead and leave time alone.
        While goroutines wait on I/O, wait for it in real time, as long as
        the timer is away in virtual time, and jump only if none comes.
        """
        rt = get_runtime()
        if rt.external_pending:
            wait(None)
            return
        if wait(max(0.0, deadline - self._now) if rt.io_waiting else 0.0):
            return  # I/O or a post came first: time stands still
        self._now = max(self._now, deadline)

    def __enter__(self) -> VirtualClock:
        """Install this clock on this thread's runtime.

        Raises:
            RuntimeError: timers are pending: they were set on the old clock.
        """
        rt = get_runtime()
        if len(rt.timers):
            raise RuntimeError("gochan: install a VirtualClock before the program sets any timer")
        self._replaced.append(rt.clock)
        rt.clock = self
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        get_runtime().clock = self._replaced.pop()
